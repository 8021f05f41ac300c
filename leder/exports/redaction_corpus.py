"""A seeded corpus of synthetic review narratives for measuring redaction (issue 7, part 2).

Each sample is a narrative (pen portrait, timeline entries, learning items) built from varied
templates, with its own synthetic `RecordIdentifiers` and the exact position of every identifier
planted in it:

- **record** identifiers: names, NHS number, address, postcode, dates, phone and e-mail drawn from
  the sample's record and written in the many ways people write them ("Maya's", "MAYA",
  "999-123-4567", "+44 (0)7700 900123", "3rd of March", "March 1961", "Marguerites", "3rd Mar 61",
  "the third of March", "1st-2nd March", "14, Larkspur Cres", "LS6-2AB", "maya at example dot
  com");
- **pattern** identifiers the record does NOT hold (a sibling's phone, another NHS number, a
  care home's postcode), which only the general patterns can find;
- **clean** text around them, full of look-alikes that must survive: "Down's syndrome",
  "Mental Capacity Act 2005", "ICD-10 J69.0", "aged 54", "5 mg", learning theme names, and
  ordinary words that are also names ("her temperature rose"), and look-alikes of the newer forms
  ("for 5/7", "24/7 support", "an MRC score of 4/5", "a 12 lead ECG showing ST elevation").

`evaluate` runs `redact` over the corpus and measures recall (a planted identifier counts as
removed only if every letter and digit of it was removed) and the false-removal rate (the share of
clean word tokens that were removed). Everything is synthetic: NHS numbers from the 999 test
range, Ofcom drama telephone numbers, example.com/.org/.net e-mail addresses.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from nhs_number import is_valid as nhs_number_is_valid

from leder.demo.synthetic import invalid_nhs_number, synthetic_nhs_number
from leder.exports.redaction import NAME_WORDS, Kind, RecordIdentifiers, Redaction, redact

__all__ = [
    "Evaluation",
    "Planted",
    "Sample",
    "evaluate",
    "generate_corpus",
]

RECORD = "record"
PATTERN = "pattern"

GIVEN_NAMES = [
    # Names that are also words are deliberately common here.
    "Rose", "Mark", "Hope", "Grace", "Will", "Faith", "Joy", "Dawn", "Frank", "Holly", "Ruby",
    "Maya", "Aisha", "Priya", "Siobhan", "Oluwaseun", "Kwame", "Tariq", "Mei", "Callum",
    "Gareth", "Bethan", "Zoë", "Seán", "Niamh", "Rhys", "Fatima", "Imran", "Eilidh", "Dylan",
    "Margaret", "Derek", "Sandra", "Kieran", "Ffion", "Jo", "Amira", "Tomasz", "Agnieszka",
]  # fmt: skip
FAMILY_NAMES = [
    "Okafor", "Patel", "Walsh", "Hughes", "Begum", "Kowalski", "O'Brien", "Nguyen", "Mensah",
    "Baker", "Wood", "Hill", "Young", "Smith-Jones", "McAllister", "Ahmed", "Ap Rhys",
    "Fitzgerald", "Adeyemi", "Chaudhry", "Lloyd", "Pritchard", "Hussain", "Campbell", "Brown",
    "Carter", "Mason", "Nowak", "Ó Súilleabháin", "Featherstone", "Thorne", "Bell",
]  # fmt: skip
STREETS = [
    "Meadow Lane", "Church Street", "Victoria Avenue", "Mill Close", "Station Road",
    "Orchard Way", "Brook Street", "Elm Grove", "Kingfisher Drive", "Beech Crescent",
    "Alder Court", "Tanners Row", "Harebell Gardens", "Canal Terrace", "Poplar Place",
    "Larkspur Crescent", "Rowan Square", "Heron Drive", "Foxglove Lane", "Mill Street",
]  # fmt: skip
TOWNS = ["Leeds", "Wakefield", "Bristol", "Stockport", "Gateshead", "Exeter", "Luton", "Derby"]
POSTCODE_AREAS = ["LS", "WF", "BS", "SK", "NE", "EX", "LU", "DE", "M", "B", "S", "L", "SW1A"]
PRACTICES = [
    "Oakwood Surgery", "Riverside Medical Centre", "Hollybank Health Centre",
    "Meadowfield Practice", "Northgate Family Practice",
]  # fmt: skip
THEMES = [
    "Annual health checks", "Reasonable adjustments", "Diagnostic overshadowing",
    "Communication", "Mental Capacity Act", "DNACPR", "Constipation", "Dysphagia and aspiration",
    "Epilepsy", "Sepsis", "Transitions", "Family involvement", "Care coordination",
    "Medication and STOMP", "Access to screening", "Delays in diagnosis or treatment",
]  # fmt: skip
LOOKALIKES = [
    "Down's syndrome", "the Mental Capacity Act 2005", "ICD-10 J69.0", "aged 54", "5 mg",
    "an annual health check", "the care home", "the Care Act 2014", "a BMI of 32",
    "blood pressure 120/80", "GCS 15/15", "a NEWS2 score of 7", "10 mg/5 ml", "Ward 12",
    "vitamin B12", "SpO2 of 92%", "at 14:30", "for 72 hours", "section 5(2)",
    "the Mental Health Act 1983", "a ReSPECT form", "every 4 hours", "3 times a day",
    "over 2 weeks", "1 in 10 people", "room 101", "T2DM", "ICD-10 G40.9", "a 999 call",
    "111", "level 4 texture", "PEG feeding", "vitamin D3 2 mg", "STOMP", "in 2019",
    "the 2021 LeDeR report", "Type 2 diabetes", "a Grade 3 pressure ulcer", "Version 1.2",
    # Look-alikes of the forms added later: day/month fractions and shorthand, ordinals, a plain
    # " at ", clinical capitals that are also street abbreviations, counts after a date.
    "diarrhoea for 5/7", "24/7 support", "a pain score of 7/10", "GCS 14/15", "1.5 mg",
    "half a tablet (1/2)", "grade 2", "the first of many", "a second opinion", "ICD-10",
    "a 12 lead ECG showing ST elevation", "a CT head", "seen at home", "a dot on the chart",
    "2 to 3 times a day", "over 2/52", "an MRC score of 4/5", "up to 1/2 a tablet",
]  # fmt: skip
# Lower-case words that are also names in GIVEN_NAMES/FAMILY_NAMES: must survive.
WORD_LOOKALIKES = [
    "her temperature rose", "there was little hope", "staff will", "a mark on her arm",
    "she may", "to frank and open", "with joy", "at dawn", "in good faith", "grace and",
    "a wood floor", "up the hill", "young people", "a baker's dozen", "brown bread",
]  # fmt: skip


@dataclass(frozen=True)
class Planted:
    start: int
    end: int
    kind: Kind
    source: str  # RECORD or PATTERN
    text: str


@dataclass(frozen=True)
class Sample:
    text: str
    identifiers: RecordIdentifiers
    planted: tuple[Planted, ...]
    template_keys: tuple[str, ...] = ()


# --- Synthetic values ----------------------------------------------------------------------------


def _person_name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)


def _postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    area = rng.choice(POSTCODE_AREAS)
    district = "" if area == "SW1A" else str(rng.randrange(1, 30))
    return f"{area}{district} {rng.randrange(0, 10)}{rng.choice(letters)}{rng.choice(letters)}"


def _mobile(rng: random.Random) -> str:
    """Ofcom's numbers for drama: 07700 900000 to 07700 900999."""
    return f"07700 900{rng.randrange(0, 1000):03d}"


def _landline(rng: random.Random) -> str:
    area, local = rng.choice([("0113", "496"), ("0161", "496"), ("0117", "496"), ("020", "7946")])
    return f"{area} {local} {rng.randrange(0, 1000):04d}"


def _email(rng: random.Random, given: str, family: str) -> str:
    local = re.sub(r"[^a-z]", "", given.lower()) + rng.choice([".", "_", ""])
    local += re.sub(r"[^a-z]", "", family.lower()) or "x"
    return f"{local}{rng.choice(['', str(rng.randrange(1, 99))])}@" + rng.choice(
        ["example.com", "example.org", "example.net", "mail.example.co.uk"]
    )


def _random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(0, (end - start).days + 1))


# --- Written forms -------------------------------------------------------------------------------

ORDINAL_WORDS = [
    "", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth", "twenty-first", "twenty-second",
    "twenty-third", "twenty-fourth", "twenty-fifth", "twenty-sixth", "twenty-seventh",
    "twenty-eighth", "twenty-ninth", "thirtieth", "thirty-first",
]  # fmt: skip
STREET_ABBREVIATIONS = {
    "Street": "St", "Road": "Rd", "Avenue": "Ave", "Lane": "Ln", "Close": "Cl", "Drive": "Dr",
    "Crescent": "Cres", "Court": "Ct", "Place": "Pl", "Gardens": "Gdns", "Grove": "Gro",
    "Terrace": "Terr", "Square": "Sq",
}  # fmt: skip


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def date_forms(value: date) -> list[str]:
    """Ways a date is written in a narrative."""
    d, m, y = value.day, value.month, value.year
    month, short = value.strftime("%B"), value.strftime("%b")
    return [
        f"{d} {month} {y}",
        f"{d:02d}/{m:02d}/{y}",
        f"{d}/{m}/{y}",
        f"{d}/{m}/{y % 100:02d}",
        f"{_ordinal(d)} of {month}",
        f"{_ordinal(d)} {month} {y}",
        f"{month} {y}",
        f"{month} {d}, {y}",
        f"{month} {_ordinal(d)}",
        f"{y}-{m:02d}-{d:02d}",
        f"{d} {short} {y}",
        f"{d}.{m}.{y}",
        f"{d:02d}-{short}-{y % 100:02d}",
        f"{d} {month}",
        f"{_ordinal(d)} of {month}, {y}",
        f"{short} {_ordinal(d)}",
        f"{d:02d}.{m:02d}.{y % 100:02d}",
        f"{d} {month} '{y % 100:02d}",
        f"{_ordinal(d)} {short}.",
        f"{month.upper()} {y}",
        # Two-digit years after a written date, dates in words, ranges, day/month alone.
        f"{_ordinal(d)} {short} {y % 100:02d}",
        f"{d} {month} {y % 100:02d}",
        f"{ORDINAL_WORDS[d]} of {month}",
        f"{month} the {ORDINAL_WORDS[d]}",
        f"{month} the {_ordinal(d)}",
        f"{_ordinal(d)} of {month} {y}",
        f"{_ordinal(min(d, 27))}-{_ordinal(min(d, 27) + 1)} {month}",
        f"{min(d, 27)}\u2013{min(d, 27) + 1} {month} {y}",
        f"{d}/{m}",
    ]


def nhs_forms(number: str) -> list[str]:
    return [
        f"{number[:3]} {number[3:6]} {number[6:]}",
        number,
        f"{number[:3]}-{number[3:6]}-{number[6:]}",
    ]


def phone_forms(phone: str) -> list[str]:
    digits = re.sub(r"\D", "", phone)
    national = digits[1:]
    forms = [phone, digits, f"+44 {phone[1:]}", f"+44 (0){phone[1:]}", f"+44{national}"]
    if digits.startswith("07"):
        forms += [
            f"{digits[:5]}-{digits[5:8]}-{digits[8:]}",
            f"({digits[:5]}) {digits[5:]}",
            f"{digits[:5]} {digits[5:8]} {digits[8:]}",
            f"+44 (0) {digits[1:5]} {digits[5:]}",
        ]
    else:
        area = phone.split(" ")[0]
        forms += [f"({area}) {phone[len(area) + 1 :]}"]
    return forms


def postcode_forms(postcode: str) -> list[str]:
    compact = postcode.replace(" ", "")
    return [
        postcode,
        compact,
        postcode.lower(),
        f"{compact[:-3]}  {compact[-3:]}",
        f"{compact[:-3]}-{compact[-3:]}",
    ]


def abbreviated(street: str) -> str:
    """ "Larkspur Crescent" as "Larkspur Cres" (unchanged when the street word has no
    abbreviation, like "Way" or "Row")."""
    *name, word = street.split(" ")
    return " ".join([*name, STREET_ABBREVIATIONS.get(word, word)])


def address_forms(number: int, street: str, *, record: bool) -> list[str]:
    """Ways a house and street are written. The street name with a house number alone ("14
    Larkspur") and another house number in the same street are only promised for the record's
    street: with no record, nothing says "Larkspur" is a street."""
    full = f"{number} {street}"
    forms = [full, f"{number} {abbreviated(street)}", f"{number}, {abbreviated(street)}"]
    if record:
        other = number + 2 if number > 2 else number + 1
        forms += [
            full.lower(),
            full.upper(),
            f"{other} {abbreviated(street)}",
            f"{number} {street.rsplit(' ', 1)[0]}",
        ]
    return forms


def email_forms(value: str) -> list[str]:
    """An address as written, and disguised against harvesters."""
    local, domain = value.split("@")
    return [
        value,
        value.upper(),
        f"{local} at {domain.replace('.', ' dot ')}",
        f"{local}[at]{domain}",
        f"{local} (at) {domain.replace('.', ' (dot) ')}",
        f"{local.replace('.', ' dot ')} AT {domain.replace('.', ' DOT ')}".upper(),
    ]


def name_forms(given: str, family: str) -> list[tuple[str, str, str]]:
    """(text before, the name, text after): a title or possessive "'s" is not part of the
    identifier, so it is not in the planted span."""
    return [
        ("", given, ""),
        ("", given, "'s"),
        ("", given, "\u2019s"),
        ("", given.upper(), ""),
        ("", f"{given} {family}", ""),
        ("", f"{family}, {given}", ""),
        ("Ms ", family, ""),
        ("", f"{given} {family}", "'s"),
        ("", f"{given[0]}. {family}", ""),
        ("Mr ", f"{given} {family}", ""),
        ("", f"{given} {family}".upper(), ""),
        ("", family, "'s"),
        # The lower-case form and the possessive without its apostrophe ("Marguerites mum") only
        # for names that are not also words: "rose" and "Roses were" stay as written.
        *([("", given.lower(), ""), ("", given, "s")] if given.lower() not in NAME_WORDS else []),
        *([("", family, "s")] if family.split()[-1].lower() not in NAME_WORDS else []),
    ]


# --- Templates -----------------------------------------------------------------------------------
# Slots: record identifiers {name} {full} {notifier} {contact} {reviewer} {staff} {other_name}
# {nhs} {dob} {dod} {tdate} {address} {postcode} {phone} {email} {gp}; pattern identifiers
# {p_nhs} {p_postcode} {p_phone} {p_email} {p_date} {p_address}; clean look-alikes {look} {word}
# {theme} {age} {dose}.

PEN_PORTRAITS = {
    "pen_family": (
        "{name} was a much loved sister and aunt. {name} lived at {address}, {postcode}, with "
        "support from a small team of carers. She had {look} and {look}. Her mother, {contact}, "
        "told the reviewer that {name} loved music and buses. {contact} can be reached on {phone}."
    ),
    "pen_known_as": (
        "{full} (known to everyone as {other_name}) was born on {dob} and had {look}. "
        "{name} enjoyed swimming and {word}. Staff described {name} as funny and kind. "
        "The family asked that {name} be remembered for her laugh."
    ),
    "pen_gp": (
        "{name} was registered with {gp} and had {look}. Her NHS number is {nhs}. "
        "{name} had {look}, and {word} when staff changed. The GP, {staff}, last saw {name} "
        "in clinic for {look}."
    ),
    "pen_home": (
        "{full} moved to {p_address} in {look}. {name} had {dose} of lorazepam when anxious. "
        "Her brother lives at {p_postcode} and his number is {p_phone}. {name} had {look}."
    ),
    "pen_notifier": (
        "The death was notified by {notifier} ({email}) on {tdate}. {notifier} said that {name} "
        "had {look}. {name} died on {dod} {look}, aged {age}."
    ),
}
TIMELINE_ENTRIES = {
    "tl_ae": (
        "{tdate}: {name} attended A&E with shortness of breath; {look} was noted. Reviewed by "
        "{staff}. Observations: {look}, {look}."
    ),
    "tl_admission": (
        "{p_date} - admitted to {look}. {name}'s sister, {contact}, rang {p_phone} to ask for an "
        "update. {word} to review."
    ),
    "tl_review": (
        "On {tdate} the community nurse visited {address}. {name} was drowsy; {dose} of "
        "paracetamol given {look}. Next visit booked for {p_date}."
    ),
    "tl_hospital": (
        "{p_date}: transferred to {look}. Hospital number and NHS number {p_nhs} recorded on the "
        "wrong patient; corrected by {staff} on {p_date}."
    ),
    "tl_contact": (
        "{tdate} - the reviewer, {reviewer}, spoke with {contact} by phone ({phone}). {contact} "
        "described {look} and said {name} was {word}."
    ),
    "tl_death": (
        "{dod}: {name} died {look}. Cause of death recorded as aspiration pneumonia ({look}). "
        "Date of birth {dob}; NHS no. {nhs}."
    ),
    "tl_email": (
        "{p_date}: a letter was sent to {p_address}, {p_postcode}, and copied by e-mail to "
        "{p_email}. Reply from {email} received {p_date}."
    ),
}
LEARNING_ITEMS = {
    "learn_good": (
        "Good practice ({theme}): staff at {gp} made reasonable adjustments for {name}, including "
        "{look} and {look}. {reviewer} noted that {word}."
    ),
    "learn_gap": (
        "Learning ({theme}): {name}'s {look} was missed, and {look} was not offered. The family "
        "({contact}, {phone}) were not told until {tdate}."
    ),
    "learn_recommendation": (
        "Recommendation ({theme}): every person with {look} should be offered {look}. "
        "Contact {p_email} or {p_phone} for the local pathway. Postcode of the hub: {p_postcode}."
    ),
    "learn_nhs": (
        "Learning ({theme}): {name} ({nhs}) had two records; the other NHS number {p_nhs} "
        "belonged to someone else. {look}."
    ),
}


# --- Building samples ----------------------------------------------------------------------------


@dataclass
class _Record:
    given: str
    family: str
    other_name: str
    notifier: tuple[str, str]
    contacts: list[tuple[str, str]]
    reviewer: tuple[str, str]
    staff: list[tuple[str, str]]
    nhs: str
    dob: date
    dod: date
    timeline_dates: list[date]
    house_number: int
    street: str
    # The address as the record holds it: with the street word in full or abbreviated.
    address_held: str
    town: str
    postcode: str
    phones: list[str]
    emails: list[str]
    gp: str

    def identifiers(self) -> RecordIdentifiers:
        people = [self.notifier, *self.contacts, self.reviewer, *self.staff]
        return RecordIdentifiers.build(
            names=[self.given, self.family, f"{self.given} {self.family}", self.other_name]
            + [f"{g} {f}" for g, f in people],
            nhs_numbers=[self.nhs],
            addresses=[f"{self.address_held}\n{self.town}"],
            postcodes=[self.postcode],
            dates=[self.dob, self.dod, *self.timeline_dates],
            phones=self.phones,
            emails=self.emails,
            places=[self.gp],
        )


def _make_record(rng: random.Random) -> _Record:
    given, family = _person_name(rng)
    dob = _random_date(rng, date(1940, 1, 1), date(2004, 12, 31))
    dod = _random_date(rng, date(2022, 1, 1), date(2025, 12, 31))
    notifier = _person_name(rng)
    contacts = [_person_name(rng) for _ in range(2)]
    return _Record(
        given=given,
        family=family,
        other_name=rng.choice(GIVEN_NAMES),
        notifier=notifier,
        contacts=contacts,
        reviewer=_person_name(rng),
        staff=[_person_name(rng) for _ in range(2)],
        nhs=synthetic_nhs_number(rng),
        dob=dob,
        dod=dod,
        timeline_dates=[dod - timedelta(days=rng.randrange(1, 400)) for _ in range(3)],
        house_number=(number := rng.randrange(1, 200)),
        street=(street := rng.choice(STREETS)),
        address_held=rng.choice([f"{number} {street}", f"{number} {abbreviated(street)}"]),
        town=rng.choice(TOWNS),
        postcode=_postcode(rng),
        phones=[rng.choice([_mobile, _landline])(rng) for _ in range(2)],
        emails=[_email(rng, *notifier), _email(rng, *contacts[0])],
        gp=rng.choice(PRACTICES),
    )


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.planted: list[Planted] = []

    def text(self, value: str) -> None:
        self.parts.append(value)
        self.length += len(value)

    def plant(self, value: str, kind: Kind, source: str) -> None:
        self.planted.append(Planted(self.length, self.length + len(value), kind, source, value))
        self.text(value)

    def tail(self, size: int = 30) -> str:
        return "".join(self.parts)[-size:]


def _short_date_fits(before: str, after: str) -> bool:
    """Whether a day and month alone ("20/3") may be planted here with no record behind it: only
    where the text says it is a date (after "on", "from", "received"…, or heading an entry
    followed by ":" or " - "). Elsewhere "5/7" or "1/2" is as likely a duration or a fraction."""
    if re.search(r"\b(?:on|from|since|until|dated|received|sent|seen)[ ]$", before):
        return True
    return bool(
        (not before.strip() or re.search(r"[\n.!?][ ]*$", before))
        and re.match(r"[ ]*(?::|- )", after)
    )


def _fill(rng: random.Random, record: _Record, template: str, builder: _Builder) -> None:
    people = {
        "notifier": record.notifier,
        "contact": rng.choice(record.contacts),
        "reviewer": record.reviewer,
        "staff": rng.choice(record.staff),
    }
    pieces = re.split(r"\{(\w+)\}", template)
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            builder.text(piece)
            continue
        slot = piece
        if slot == "name":
            before, form, after = rng.choice(name_forms(record.given, record.family))
            builder.text(before)
            builder.plant(form, Kind.NAME, RECORD)
            builder.text(after)
        elif slot == "full":
            builder.plant(f"{record.given} {record.family}", Kind.NAME, RECORD)
        elif slot == "other_name":
            builder.plant(record.other_name, Kind.NAME, RECORD)
        elif slot in people:
            given, family = people[slot]
            prefix = rng.choice(["", "", "Dr ", "Mrs "]) if slot == "staff" else ""
            form = rng.choice([f"{given} {family}", given, f"{given} {family}", f"{family}"])
            builder.text(prefix)
            builder.plant(form, Kind.NAME, RECORD)
        elif slot == "nhs":
            builder.plant(rng.choice(nhs_forms(record.nhs)), Kind.NHS_NUMBER, RECORD)
        elif slot in {"dob", "dod", "tdate"}:
            value = {"dob": record.dob, "dod": record.dod}.get(slot) or rng.choice(
                record.timeline_dates
            )
            builder.plant(rng.choice(date_forms(value)), Kind.DATE, RECORD)
        elif slot == "address":
            forms = address_forms(record.house_number, record.street, record=True)
            builder.plant(rng.choice(forms), Kind.ADDRESS, RECORD)
        elif slot == "postcode":
            builder.plant(rng.choice(postcode_forms(record.postcode)), Kind.POSTCODE, RECORD)
        elif slot == "phone":
            builder.plant(rng.choice(phone_forms(rng.choice(record.phones))), Kind.PHONE, RECORD)
        elif slot == "email":
            value = rng.choice(record.emails)
            builder.plant(rng.choice(email_forms(value)), Kind.EMAIL, RECORD)
        elif slot == "gp":
            builder.plant(record.gp, Kind.ADDRESS, RECORD)
        elif slot == "p_nhs":
            number = rng.choice([synthetic_nhs_number, invalid_nhs_number])(rng)
            forms = nhs_forms(number)
            if not nhs_number_is_valid(number):
                # A number failing the checksum is only promised to go in 3-3-4 form.
                forms = [f for f in forms if not f.isdigit()]
            form = rng.choice(forms)
            builder.plant(form, Kind.NHS_NUMBER, PATTERN)
        elif slot == "p_postcode":
            builder.plant(rng.choice(postcode_forms(_postcode(rng))), Kind.POSTCODE, PATTERN)
        elif slot == "p_phone":
            phone = rng.choice([_mobile, _landline])(rng)
            builder.plant(rng.choice(phone_forms(phone)), Kind.PHONE, PATTERN)
        elif slot == "p_email":
            value = _email(rng, *_person_name(rng))
            builder.plant(rng.choice(email_forms(value)), Kind.EMAIL, PATTERN)
        elif slot == "p_date":
            value = _random_date(rng, date(2015, 1, 1), date(2025, 12, 31))
            forms = date_forms(value)
            if not _short_date_fits(builder.tail(), pieces[index + 1]):
                forms = [f for f in forms if not re.fullmatch(r"\d+/\d+", f)]
            builder.plant(rng.choice(forms), Kind.DATE, PATTERN)
        elif slot == "p_address":
            forms = address_forms(rng.randrange(1, 300), rng.choice(STREETS), record=False)
            builder.plant(rng.choice(forms), Kind.ADDRESS, PATTERN)
        elif slot == "look":
            builder.text(rng.choice(LOOKALIKES))
        elif slot == "word":
            builder.text(rng.choice(WORD_LOOKALIKES))
        elif slot == "theme":
            builder.text(rng.choice(THEMES))
        elif slot == "age":
            builder.text(str(rng.randrange(18, 90)))
        elif slot == "dose":
            builder.text(f"{rng.choice([0.5, 1, 2, 5, 10, 500])} mg")
        else:  # pragma: no cover - a template typo
            raise KeyError(slot)


def generate_corpus(*, seed: int = 7, size: int = 400) -> list[Sample]:
    """`size` narratives, the same for the same seed. Each is one pen portrait, one to three
    timeline entries and one or two learning items."""
    rng = random.Random(seed)
    samples = []
    for _ in range(size):
        record = _make_record(rng)
        keys = [rng.choice(list(PEN_PORTRAITS))]
        keys += rng.sample(list(TIMELINE_ENTRIES), rng.randrange(1, 4))
        keys += rng.sample(list(LEARNING_ITEMS), rng.randrange(1, 3))
        templates = PEN_PORTRAITS | TIMELINE_ENTRIES | LEARNING_ITEMS
        builder = _Builder()
        for position, key in enumerate(keys):
            if position:
                builder.text("\n\n" if rng.random() < 0.5 else " ")
            _fill(rng, record, templates[key], builder)
        samples.append(
            Sample(
                text="".join(builder.parts),
                identifiers=record.identifiers(),
                planted=tuple(builder.planted),
                template_keys=tuple(keys),
            )
        )
    return samples


# --- Measuring -----------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['\u2019][A-Za-z]+)?")


@dataclass
class Evaluation:
    found: Counter = field(default_factory=Counter)  # (source, kind) -> removed
    planted: Counter = field(default_factory=Counter)  # (source, kind) -> planted
    clean_tokens: int = 0
    clean_removed: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (source, kind, text)
    false_removals: Counter = field(default_factory=Counter)  # token -> times removed

    def recall(self, source: str, kind: str | None = None) -> float:
        keys = [k for k in self.planted if k[0] == source and (kind is None or k[1] == kind)]
        planted = sum(self.planted[k] for k in keys)
        return 1.0 if not planted else sum(self.found[k] for k in keys) / planted

    def kinds(self, source: str) -> list[str]:
        return sorted({kind for s, kind in self.planted if s == source})

    @property
    def false_removal_rate(self) -> float:
        return self.clean_removed / self.clean_tokens if self.clean_tokens else 0.0


def _removed_mask(text: str, redaction: Redaction) -> list[bool]:
    mask = [False] * len(text)
    for span in redaction.spans:
        for i in range(span.start, span.end):
            mask[i] = True
    return mask


def evaluate(samples: list[Sample], *, detect: bool = True) -> Evaluation:
    """Redact every sample with its own record and compare with what was planted. Without
    `detect`, only the record and the general patterns are used (what this corpus was written
    for)."""
    result = Evaluation()
    for sample in samples:
        redaction = redact(sample.text, sample.identifiers, detect=detect)
        removed = _removed_mask(sample.text, redaction)
        planted_mask = [False] * len(sample.text)
        for item in sample.planted:
            key = (item.source, str(item.kind))
            result.planted[key] += 1
            positions = [i for i in range(item.start, item.end) if sample.text[i].isalnum()]
            if all(removed[i] for i in positions):
                result.found[key] += 1
            else:
                result.misses.append((item.source, str(item.kind), item.text))
            for i in range(item.start, item.end):
                planted_mask[i] = True
        for match in _TOKEN_RE.finditer(sample.text):
            if any(planted_mask[match.start() : match.end()]):
                continue
            result.clean_tokens += 1
            if any(removed[match.start() : match.end()]):
                result.clean_removed += 1
                result.false_removals[match.group()] += 1
    return result
