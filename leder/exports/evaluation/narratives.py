"""Building the evaluation corpus from templates and pools, and measuring redaction on it.

A *part* of the corpus (`development`, `held_out`) is a `Part`: narrative templates with slots,
and pools of values and of the words around them (titles, relationships, roles, formats of
record numbers, named days). A slot puts one identifier in the text, remembers exactly where
(`Planted`) and whether the case record holds it; the rest of the text is clean and must
survive. The record a sample is redacted with (`RecordIdentifiers`) holds only the person's own
details and the notifier's, as a real case record would: everyone else named in the narrative
is someone the record does not hold.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from leder.exports.redaction import RecordIdentifiers, Redaction, redact


class Kind(StrEnum):
    """What a planted identifier is, in the words of issue 13's targets."""

    PERSON_NAME = "person name"
    NICKNAME = "nickname"
    INITIALS = "initials"
    NHS_NUMBER = "NHS number"
    RECORD_NUMBER = "hospital or other record number"
    NI_NUMBER = "National Insurance number"
    PHONE = "telephone number"
    EMAIL = "e-mail address"
    ADDRESS = "street address"
    POSTCODE = "postcode"
    DATE = "full date or named day"
    ORGANISATION = "organisation that locates a person"
    STREET = "street named alone"


#: Issue 13's targets: 99% for a person's names, nicknames, numbers, contact details, addresses
#: and full dates; 95% for organisations and places that locate a person.
TARGETS: dict[Kind, float] = {kind: 0.99 for kind in Kind} | {
    Kind.ORGANISATION: 0.95,
    Kind.STREET: 0.95,
}
#: False removals must stay below this share of clean word tokens.
FALSE_REMOVAL_TARGET = 0.02


@dataclass(frozen=True)
class Planted:
    start: int
    end: int
    kind: Kind
    in_record: bool
    text: str


@dataclass(frozen=True)
class Sample:
    text: str
    identifiers: RecordIdentifiers
    planted: tuple[Planted, ...]


@dataclass(frozen=True)
class Pools:
    """Values and the words written around them. Each part has its own."""

    given_names: tuple[str, ...]
    family_names: tuple[str, ...]
    nicknames: tuple[str, ...]
    # "known to everyone as {}", "({} to her friends)".
    nickname_phrases: tuple[str, ...]
    titles: tuple[str, ...]
    relationships: tuple[str, ...]
    roles: tuple[str, ...]
    streets: tuple[str, ...]
    towns: tuple[str, ...]
    postcode_areas: tuple[str, ...]
    # Formats of record numbers: "#" a digit, "A" a capital letter, with the words before them
    # ("Hospital number RWE-#######").
    record_numbers: tuple[str, ...]
    ni_phrases: tuple[str, ...]
    named_days: tuple[str, ...]
    care_homes: tuple[str, ...]
    wards: tuple[str, ...]
    hospitals: tuple[str, ...]
    schools: tuple[str, ...]
    day_centres: tuple[str, ...]
    employers: tuple[str, ...]
    gp_practices: tuple[str, ...]
    # Clean text that must survive.
    drugs: tuple[str, ...]
    scores: tuple[str, ...]
    durations: tuple[str, ...]
    icd_codes: tuple[str, ...]
    organisation_types: tuple[str, ...]
    themes: tuple[str, ...]

    @classmethod
    def of(cls, **pools: str | tuple[str, ...]) -> Pools:
        """Pools written as text, one string a pool with its values separated by ";" (line
        breaks and runs of spaces inside a value count as one space), so that each part of the
        corpus lists its values and nothing else. A tuple is taken as it is (for values whose
        spaces matter, such as "NI number ")."""
        return cls(
            **{
                name: value if isinstance(value, tuple) else items(value)
                for name, value in pools.items()
            }
        )


def items(text: str) -> tuple[str, ...]:
    """The values of a pool written as text: separated by ";", spaces normalised."""
    return tuple(" ".join(value.split()) for value in text.split(";") if value.strip())


@dataclass(frozen=True)
class Part:
    name: str
    templates: tuple[str, ...]
    pools: Pools


# --- Synthetic values ---------------------------------------------------------------------------


def _nhs_number(rng: random.Random) -> str:
    """A valid NHS number in the 999 range (the one set aside for tests)."""
    while True:
        digits = [9, 9, 9] + [rng.randrange(10) for _ in range(6)]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, [*digits, check]))


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def date_forms(value: date) -> list[str]:
    """Full dates as reviewers write them."""
    d, m, y = value.day, value.month, value.year
    month, short, weekday = value.strftime("%B"), value.strftime("%b"), value.strftime("%A")
    return [
        f"{d} {month} {y}",
        f"{d:02d}/{m:02d}/{y}",
        f"{d}/{m}/{y % 100:02d}",
        f"{_ordinal(d)} {month} {y}",
        f"{_ordinal(d)} of {month} {y}",
        f"{weekday} {_ordinal(d)} {month}",
        f"{weekday} {d} {month} {y}",
        f"{month} {_ordinal(d)}, {y}",
        f"{d} {short} {y}",
        f"{d}.{m}.{y % 100:02d}",
        f"{y}-{m:02d}-{d:02d}",
        f"{_ordinal(d)} {short}",
        f"{weekday} the {_ordinal(d)}",
        f"{d}-{short}-{y}",
    ]


def _digits(rng: random.Random, template: str) -> str:
    return "".join(
        str(rng.randrange(10))
        if c == "#"
        else rng.choice("ABCDEFGHJKLMNPRSTUWXYZ")
        if c == "A"
        else c
        for c in template
    )


def _postcode(rng: random.Random, areas: tuple[str, ...]) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    area = rng.choice(areas)
    inward = f"{rng.randrange(10)}{rng.choice(letters)}{rng.choice(letters)}"
    return f"{area}{rng.randrange(1, 30)} {inward}"


def postcode_forms(postcode: str) -> list[str]:
    compact = postcode.replace(" ", "")
    return [postcode, postcode, compact, postcode.lower()]


def _phone(rng: random.Random) -> str:
    return rng.choice(
        [
            f"07700 900{rng.randrange(1000):03d}",
            f"0116 496 0{rng.randrange(1000):03d}",
            f"0113 496 0{rng.randrange(1000):03d}",
            f"020 7946 0{rng.randrange(1000):03d}",
            f"0191 498 0{rng.randrange(1000):03d}",
        ]
    )


def phone_forms(phone: str) -> list[str]:
    digits = re.sub(r"\D", "", phone)
    return [phone, digits, f"+44 {phone[1:]}", f"({phone.split(' ')[0]}) {phone.split(' ', 1)[1]}"]


def _email(rng: random.Random, given: str, family: str) -> str:
    local = rng.choice(
        [f"{given}.{family}", f"{given[0]}{family}", f"{given}{rng.randrange(10, 99)}"]
    )
    local = re.sub(r"[^a-z.0-9]", "", local.lower())
    return f"{local}@" + rng.choice(
        ["example.com", "example.org", "example.net", "nhs.example.uk", "mail.example.co.uk"]
    )


def _initials(given: str, family: str, rng: random.Random) -> str:
    parts = [given[0]] + [p[0] for p in re.split(r"[-\s]", family) if p]
    joiner = "-" if "-" in family else ""
    if rng.random() < 0.5:
        return (
            f"{parts[0]}.{parts[1]}."
            if len(parts) == 2
            else (f"{parts[0]}.{parts[1]}-{parts[2]}." if joiner else ".".join(parts) + ".")
        )
    return "".join(parts)


# --- The record a sample is redacted with --------------------------------------------------------


@dataclass
class _Record:
    given: str
    family: str
    nickname: str
    dob: date
    dod: date
    nhs: str
    house: int
    street: str
    town: str
    postcode: str
    notifier: tuple[str, str]
    notifier_phone: str
    notifier_email: str
    gp: str

    def identifiers(self) -> RecordIdentifiers:
        return RecordIdentifiers.build(
            names=[
                self.given,
                self.family,
                f"{self.given} {self.family}",
                self.nickname,
                " ".join(self.notifier),
            ],
            nhs_numbers=[self.nhs],
            addresses=[f"{self.house} {self.street}\n{self.town}"],
            postcodes=[self.postcode],
            dates=[self.dob, self.dod],
            phones=[self.notifier_phone],
            emails=[self.notifier_email],
            places=[self.gp],
        )


def _make_record(rng: random.Random, pools: Pools) -> _Record:
    notifier = (rng.choice(pools.given_names), rng.choice(pools.family_names))
    dod = date(2022, 1, 1) + timedelta(days=rng.randrange(0, 1400))
    return _Record(
        given=rng.choice(pools.given_names),
        family=rng.choice(pools.family_names),
        nickname=rng.choice(pools.nicknames),
        dob=date(1945, 1, 1) + timedelta(days=rng.randrange(0, 20000)),
        dod=dod,
        nhs=_nhs_number(rng),
        house=rng.randrange(1, 150),
        street=rng.choice(pools.streets),
        town=rng.choice(pools.towns),
        postcode=_postcode(rng, pools.postcode_areas),
        notifier=notifier,
        notifier_phone=_phone(rng),
        notifier_email=_email(rng, *notifier),
        gp=rng.choice(pools.gp_practices),
    )


# --- Filling slots -------------------------------------------------------------------------------

# A slot yields pieces: (text, kind or None, in the record). Pieces with a kind are planted.
Piece = tuple[str, Kind | None, bool]


def _person(rng: random.Random, pools: Pools) -> tuple[str, str]:
    return rng.choice(pools.given_names), rng.choice(pools.family_names)


def _named(rng: random.Random, pools: Pools) -> str:
    given, family = _person(rng, pools)
    return rng.choice([given, f"{given} {family}", f"{given} {family}"])


def _slot(slot: str, rng: random.Random, pools: Pools, record: _Record) -> list[Piece]:
    name = Kind.PERSON_NAME
    if slot == "person":  # the person who died, as the record holds them
        form = rng.choice(
            [
                [(record.given, name, True)],
                [(record.given, name, True), ("'s", None, False)],
                [(f"{record.given} {record.family}", name, True)],
                [(rng.choice(["Mr ", "Mrs ", "Ms "]), None, False), (record.family, name, True)],
            ]
        )
        return form
    if slot == "person_nickname":  # a nickname the record holds
        return [
            (rng.choice(pools.nickname_phrases).split("{}")[0], None, False),
            (record.nickname, Kind.NICKNAME, True),
            (rng.choice(pools.nickname_phrases).split("{}")[1], None, False),
        ]
    if slot == "person_initials":
        return [(_initials(record.given, record.family, rng), Kind.INITIALS, True)]
    if slot == "dob":
        return [(rng.choice(date_forms(record.dob)), Kind.DATE, True)]
    if slot == "dod":
        return [(rng.choice(date_forms(record.dod)), Kind.DATE, True)]
    if slot == "person_nhs":
        n = record.nhs
        return [(rng.choice([f"{n[:3]} {n[3:6]} {n[6:]}", n]), Kind.NHS_NUMBER, True)]
    if slot == "person_address":
        return [(f"{record.house} {record.street}", Kind.ADDRESS, True)]
    if slot == "person_postcode":
        return [(rng.choice(postcode_forms(record.postcode)), Kind.POSTCODE, True)]
    if slot == "notifier":
        return [(rng.choice([" ".join(record.notifier), record.notifier[0]]), name, True)]
    if slot == "notifier_phone":
        return [(rng.choice(phone_forms(record.notifier_phone)), Kind.PHONE, True)]
    if slot == "gp":
        return [(record.gp, Kind.ORGANISATION, True)]
    # Identifiers the record does not hold.
    if slot == "relative":
        relation = rng.choice(pools.relationships)
        who = _named(rng, pools)
        return rng.choice(
            [
                [(f"{relation} ", None, False), (who, name, False)],
                [(f"{relation}, ", None, False), (who, name, False), (",", None, False)],
                [(who, name, False), (f" ({relation})", None, False)],
                [(who, name, False), (f", {relation.split()[-1]},", None, False)],
            ]
        )
    if slot == "titled":
        title = rng.choice(pools.titles)
        given, family = _person(rng, pools)
        return [(f"{title} ", None, False), (rng.choice([given, family, family]), name, False)]
    if slot == "role":
        role = rng.choice(pools.roles)
        who = _named(rng, pools)
        return rng.choice(
            [
                [(f"{role} ", None, False), (who, name, False)],
                [(f"the {role.lower()}, ", None, False), (who, name, False), (",", None, False)],
                [(who, name, False), (f" ({role.lower()})", None, False)],
            ]
        )
    if slot == "bare":
        given, family = _person(rng, pools)
        return [(rng.choice([f"{given} {family}", f"{given} {family}", given]), name, False)]
    if slot == "nickname":
        phrase = rng.choice(pools.nickname_phrases)
        before, after = phrase.split("{}")
        return [
            (before, None, False),
            (rng.choice(pools.nicknames), Kind.NICKNAME, False),
            (after, None, False),
        ]
    if slot == "initials":
        return [(_initials(*_person(rng, pools), rng), Kind.INITIALS, False)]
    if slot == "record_number":
        template = rng.choice(pools.record_numbers)
        words, _, number = template.rpartition(" ")
        before = f"{words} " if words else ""
        return [(before, None, False), (_digits(rng, number), Kind.RECORD_NUMBER, False)]
    if slot == "ni_number":
        prefix = rng.choice(["QQ", "QQ", "AB", "JG", "NP", "ST"])
        digits = f"{rng.randrange(10**6):06d}"
        letter = rng.choice("ABCD")
        form = rng.choice(
            [
                f"{prefix}{digits}{letter}",
                f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {letter}",
                f"{prefix.lower()}{digits}{letter.lower()}",
            ]
        )
        return [(rng.choice(pools.ni_phrases), None, False), (form, Kind.NI_NUMBER, False)]
    if slot == "nhs_number":
        n = _nhs_number(rng)
        return [
            (
                rng.choice([f"{n[:3]} {n[3:6]} {n[6:]}", n, f"{n[:3]}-{n[3:6]}-{n[6:]}"]),
                Kind.NHS_NUMBER,
                False,
            )
        ]
    if slot == "phone":
        return [(rng.choice(phone_forms(_phone(rng))), Kind.PHONE, False)]
    if slot == "email":
        return [(_email(rng, *_person(rng, pools)), Kind.EMAIL, False)]
    if slot == "address":
        street = rng.choice(pools.streets)
        number = rng.randrange(1, 300)
        form = rng.choice(
            [
                f"{number} {street}",
                f"Flat {rng.randrange(1, 20)}, {number} {street}",
                f"{number}{rng.choice('abc')} {street}",
            ]
        )
        return [(form, Kind.ADDRESS, False)]
    if slot == "postcode":
        return [
            (rng.choice(postcode_forms(_postcode(rng, pools.postcode_areas))), Kind.POSTCODE, False)
        ]
    if slot == "date":
        value = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 2500))
        return [(rng.choice(date_forms(value)), Kind.DATE, False)]
    if slot == "named_day":
        return [
            (rng.choice(pools.named_days).format(year=rng.randrange(2019, 2026)), Kind.DATE, False)
        ]
    if slot in {"care_home", "ward", "hospital", "school", "day_centre", "employer"}:
        value = rng.choice(getattr(pools, slot + "s"))
        # "Rosewood House| care home": the part after "|" is a common noun, not planted.
        planted, _, tail = value.partition("|")
        return [(planted, Kind.ORGANISATION, False), (tail, None, False)]
    if slot == "street":
        return [(rng.choice(pools.streets), Kind.STREET, False)]
    forms = _form_slot(slot, rng, pools)
    if forms is not None:
        return forms
    clean = {
        "drug": pools.drugs,
        "score": pools.scores,
        "duration": pools.durations,
        "icd": pools.icd_codes,
        "org_type": pools.organisation_types,
        "theme": pools.themes,
        "town": pools.towns,
    }
    if slot in clean:
        return [(rng.choice(clean[slot]), None, False)]
    if slot == "age":
        return [(str(rng.randrange(18, 90)), None, False)]
    raise KeyError(f"No slot called {slot!r}")


def _any_initials(given: str, family: str, rng: random.Random) -> str:
    """Initials as people write them: "J.", "J.S.", "JS", "J S", "J.S", "J. S."."""
    g, f = given[0], family[0]
    return rng.choice([f"{g}.", f"{g}.{f}.", f"{g}{f}", f"{g} {f}", f"{g}.{f}", f"{g}. {f}."])


def _form_slot(slot: str, rng: random.Random, pools: Pools) -> list[Piece] | None:
    """Slots of the forms part (`forms.py`): the same identifiers in other forms. None when
    `slot` is not one of them."""
    name = Kind.PERSON_NAME
    if slot == "relative_lower":  # "her brother tobias", as notes typed in a hurry have it
        relation = rng.choice(pools.relationships)
        who = _named(rng, pools).lower()
        opening = rng.choice(
            [f"{rng.choice(['his', 'her', 'their'])} {relation} ", f"{relation.capitalize()} "]
        )
        return [(opening, None, False), (who, name, False)]
    if slot == "caps_titled":  # "MRS OKAFOR", "DR KEMI BAINS"
        title = rng.choice(pools.titles).upper()
        given, family = _person(rng, pools)
        who = rng.choice([family, f"{given} {family}"]).upper()
        return [(f"{title} ", None, False), (who, name, False)]
    if slot == "caps_name":  # a name in capitals, as headings and some systems write them
        given, family = _person(rng, pools)
        return [(rng.choice([f"{given} {family}", f"{family}, {given}"]).upper(), name, False)]
    if slot == "possessive":  # "Tendai's", "Gwen Moyo's": the name planted, not the "'s"
        who = _named(rng, pools)
        return [(who, name, False), ("'" if who.endswith("s") else "'s", None, False)]
    if slot == "any_initials":
        return [(_any_initials(*_person(rng, pools), rng), Kind.INITIALS, False)]
    return None


def generate(part: Part, *, seed: int = 13, size: int = 300) -> list[Sample]:
    """`size` narratives of `part`, each three to six templates long, the same for the same
    seed."""
    rng = random.Random(f"{part.name}:{seed}")
    samples = []
    for _ in range(size):
        record = _make_record(rng, part.pools)
        chosen = rng.sample(part.templates, rng.randrange(3, 7))
        text, planted = [], []
        length = 0
        for index, template in enumerate(chosen):
            if index:
                separator = rng.choice(["\n\n", " ", "\n"])
                text.append(separator)
                length += len(separator)
            for position, piece in enumerate(re.split(r"\{(\w+)\}", template)):
                pieces = (
                    [(piece, None, False)]
                    if position % 2 == 0
                    else _slot(piece, rng, part.pools, record)
                )
                for value, kind, in_record in pieces:
                    if kind is not None:
                        planted.append(Planted(length, length + len(value), kind, in_record, value))
                    text.append(value)
                    length += len(value)
        samples.append(Sample("".join(text), record.identifiers(), tuple(planted)))
    return samples


# --- Measuring ------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['\u2019][A-Za-z]+)?")

Redactor = Callable[[str, RecordIdentifiers], Redaction]


@dataclass
class Evaluation:
    planted: Counter = field(default_factory=Counter)  # (kind, in_record) -> planted
    found: Counter = field(default_factory=Counter)  # (kind, in_record) -> removed
    clean_tokens: int = 0
    clean_removed: int = 0
    misses: list[tuple[Kind, bool, str, str]] = field(default_factory=list)
    false_removals: Counter = field(default_factory=Counter)

    def recall(self, kind: Kind | None = None, in_record: bool | None = None) -> float:
        keys = [
            k
            for k in self.planted
            if (kind is None or k[0] == kind) and (in_record is None or k[1] == in_record)
        ]
        total = sum(self.planted[k] for k in keys)
        return 1.0 if not total else sum(self.found[k] for k in keys) / total

    def count(self, kind: Kind, in_record: bool | None = None) -> tuple[int, int]:
        keys = [
            k for k in self.planted if k[0] == kind and (in_record is None or k[1] == in_record)
        ]
        return sum(self.found[k] for k in keys), sum(self.planted[k] for k in keys)

    @property
    def false_removal_rate(self) -> float:
        return self.clean_removed / self.clean_tokens if self.clean_tokens else 0.0

    def missed_targets(self) -> list[str]:
        missed = [
            f"{kind}: {self.recall(kind) * 100:.1f}% (target {TARGETS[kind] * 100:.0f}%)"
            for kind in Kind
            if self.count(kind)[1] and self.recall(kind) < TARGETS[kind]
        ]
        if self.false_removal_rate >= FALSE_REMOVAL_TARGET:
            missed.append(
                f"false removals: {self.false_removal_rate * 100:.2f}% "
                f"(target below {FALSE_REMOVAL_TARGET * 100:.0f}%)"
            )
        return missed


def evaluate(samples: list[Sample], redactor: Redactor | None = None) -> Evaluation:
    """Redact each sample with its own record and compare with what was planted."""
    redactor = redactor or (lambda text, identifiers: redact(text, identifiers))
    result = Evaluation()
    for sample in samples:
        redaction = redactor(sample.text, sample.identifiers)
        removed = [False] * len(sample.text)
        for span in redaction.spans:
            removed[span.start : span.end] = [True] * (span.end - span.start)
        planted_mask = [False] * len(sample.text)
        for item in sample.planted:
            key = (item.kind, item.in_record)
            result.planted[key] += 1
            letters = [i for i in range(item.start, item.end) if sample.text[i].isalnum()]
            if all(removed[i] for i in letters):
                result.found[key] += 1
            else:
                context = sample.text[max(0, item.start - 40) : item.end + 20].replace("\n", " ")
                result.misses.append((item.kind, item.in_record, item.text, context))
            planted_mask[item.start : item.end] = [True] * (item.end - item.start)
        for match in _TOKEN_RE.finditer(sample.text):
            if any(planted_mask[match.start() : match.end()]):
                continue
            result.clean_tokens += 1
            if any(removed[match.start() : match.end()]):
                result.clean_removed += 1
                result.false_removals[match.group()] += 1
    return result
