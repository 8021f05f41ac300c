"""The demo history's constants and calibration (what share of deaths has which
cause, place, grade, ethnic group…, and where each figure comes from: ADR 0145, ADR 0146),
the records it plans before writing them, the random helpers, and the drawing of the person's
profile and structured answers. See `history`."""

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from leder.accounts.models import User
from leder.casework.models import (
    Allocation,
    Case,
    CaseState,
    Reviewer,
)
from leder.demo import synthetic
from leder.notifications.models import (
    Notification,
)

ACTOR = "system:demo"
SUMMARY_PREFIX = "Demo history loaded"
SEED = 20180101
YEARS = tuple(range(2018, 2026))
DEATHS_PER_YEAR = 3_500
# Deaths notified each year against the national average: fewer in the programme's early
# years, many more in the COVID-19 years.
YEAR_FACTOR = {
    2018: 0.85,
    2019: 0.92,
    2020: 1.25,
    2021: 1.10,
    2022: 1.00,
    2023: 1.00,
    2024: 1.00,
    2025: 0.98,
}
# History references are LDR-YYYY-9NNNNN: far above any number the yearly counter issues.
REFERENCE_BASE = 900_000
# People with a learning disability in England (all ages), for expected deaths: at the reference
# death rates (about 3.2 a year per 1,000) this expects about the 3,500 deaths notified a year.
NATIONAL_LD_POPULATION = 1_100_000
HISTORY_DOMAIN = "history.demo.leder.invalid"
NAMESPACE = uuid.UUID("6f1c2a4e-0d1b-4c55-9a43-5e1d6c2b7a10")
LONDON = ZoneInfo("Europe/London")
STAFF_SINCE = date(2017, 4, 1)
REVIEWERS_PER_ICB = 3
REVIEWER_COURSE = "LeDeR reviewer training (NHS England e-learning)"
BATCH = 2000

# People from minority ethnic groups (Mixed, Asian, Black, other: NHS ethnic categories D–S
# but not White) were 10% of notifications in 2018 against 14% of the population (the LeDeR
# annual report 2018, as DOMAIN.md gives it): the demo's weights (13 of 100) are scaled to that
# 10% over the notifications the history keeps (ADR 0146).
MINORITY_ETHNIC = frozenset("DEFGHJKLMNPRS")
MINORITY_ETHNIC_SCALE = 0.81
SEX_WEIGHTS = {"male": 570, "female": 425, "not_known": 5}
SEVERITY_WEIGHTS = {"mild": 30, "moderate": 33, "severe": 22, "pmld": 10, "not_known": 5}
# Years added to (or taken from) the age at death by severity: people with a profound and
# multiple learning disability die youngest.
SEVERITY_AGE = {"mild": 6, "moderate": 1, "severe": -5, "pmld": -12, "not_known": 0, "none": 4}
PLACE_WEIGHTS = {"hospital": 60, "home": 14, "care_home": 20, "hospice": 4, "other": 2}
GRADE_WEIGHTS = {1: 8, 2: 49, 3: 25, 4: 10, 5: 6, 6: 2}
# Share of reviews put on hold (a coroner's inquest) and still waiting, by year notified.
HOLD_SHARE = {2020: 0.005, 2021: 0.005, 2022: 0.004, 2023: 0.004, 2024: 0.015, 2025: 0.03}
# Focused reviews (and panels that sign them off) came with the 2021 LeDeR policy; before it,
# every review went through quality assurance.
FOCUSED_FROM = date(2021, 6, 1)
STALLED_SHARE = {2024: 0.1, 2025: 0.15}
COVID_SHARE = {2020: 0.17, 2021: 0.12, 2022: 0.03, 2023: 0.015, 2024: 0.01, 2025: 0.01}

# (weight, underlying cause code, its words on the certificate, Part I (a) above it or None).
# Calibrated (ADR 0146) so that about 40% of the adults with a learning disability and a known
# underlying cause die of an avoidable cause under 75: the corrected 2023 national LeDeR
# report's 40.2% (DOMAIN.md). The causes off the ONS list (heart failure, dementia and
# Alzheimer's disease, pancreatic and prostate cancer, bowel obstruction, constipation, urinary
# infection) weigh 62 of 123 (was 17.5 of 78.5, which gave about 59%); the list's causes are
# unchanged, so respiratory causes still lead.
CAUSES = [
    (10, "J69.0", "Aspiration pneumonia", None),
    (8, "J18.9", "Pneumonia", None),
    (4, "J18.0", "Bronchopneumonia", None),
    (2, "J44.9", "Chronic obstructive pulmonary disease", ("J96.0", "Respiratory failure")),
    (2, "J15.9", "Bacterial pneumonia", None),
    (4, "I25.9", "Ischaemic heart disease", None),
    (12, "I50.9", "Congestive cardiac failure", None),
    (3, "I21.9", "Myocardial infarction", None),
    (2, "I64", "Stroke", None),
    (1, "I26.9", "Pulmonary embolism", None),
    (2.5, "C18.9", "Carcinoma of the colon", None),
    (3, "C34.9", "Carcinoma of the lung", ("J18.0", "Bronchopneumonia")),
    (2, "C50.9", "Carcinoma of the breast", None),
    (1.5, "C16.9", "Carcinoma of the stomach", None),
    (3, "C25.9", "Carcinoma of the pancreas", None),
    (2, "C61", "Carcinoma of the prostate", None),
    (1, "C15.9", "Carcinoma of the oesophagus", None),
    (6, "G40.9", "Epilepsy", None),
    (1, "G41.9", "Status epilepticus", None),
    (15, "G30.9", "Alzheimer's disease", ("J69.0", "Aspiration pneumonia")),
    (21, "F03", "Dementia", None),
    (5, "A41.9", "Sepsis", None),
    (3, "K56.6", "Bowel obstruction", None),
    (3, "K59.0", "Constipation", ("K56.6", "Bowel obstruction")),
    (1.5, "E11.9", "Type 2 diabetes", None),
    (3, "N39.0", "Urinary tract infection", ("A41.9", "Sepsis")),
    (1.5, "Q24.9", "Congenital heart disease", None),
]
COVID_CAUSE = ("U07.1", "COVID-19", ("J18.9", "Pneumonia"))

WHO_THEY_WERE = [
    "{name} loved music and dancing, and knew everyone at the day centre by name.",
    "{name} was a keen gardener who liked to be outdoors whatever the weather.",
    "{name} enjoyed football, bus rides and visits from family at weekends.",
    "{name} had a great sense of humour and liked routines and familiar faces.",
    "{name} lived with family for most of their life and was close to their siblings.",
]
WHAT_MATTERED = [
    "Being with the people they knew, and having things explained in their own way.",
    "Their independence, their own room and choosing what to eat.",
    "Staying at home, keeping their routine and seeing their friends.",
    "Music, their family and being listened to.",
]
RATIONALE = {
    1: "Care went beyond good practice: adjustments were planned with the person and family.",
    2: "Care met good practice: health checks, plans and reviews were in place and acted on.",
    3: "Care was satisfactory but short of good practice in some respects, without impact.",
    4: "Gaps in care affected the person's wellbeing but did not contribute to the death.",
    5: "Care was short of good practice and had the potential to contribute to the death.",
    6: "Care fell far short of good practice and contributed to the cause of death.",
}
LEARNING_TEXT = {
    "good_practice": "Good practice in {theme}: staff knew the person well and adapted care.",
    "improvement": "{theme}: plans were in place but not always followed or reviewed.",
    "concern": "{theme}: the review found a concern that was raised with the panel.",
}
ACTION_TITLES = [
    "Audit {theme} across GP practices and report to the LeDeR steering group",
    "Deliver {theme} training to acute and community staff",
    "Add {theme} to the annual health check template",
]
POSTCODE_AREAS = ["B", "LE", "LS", "M", "NE", "NG", "S", "BS", "PL", "NR", "CB", "SO", "BN"]


@dataclass
class HistoryResult:
    deaths: int
    states: Counter
    seconds: float
    loaded: bool = True


@dataclass
class _Staff:
    lac: User
    senior: User
    chair: User
    reviewers: list[Reviewer]


@dataclass
class _Death:
    """One synthetic death and what happened to it, before it is written."""

    notification: Notification
    events: list[tuple[str, str, str, datetime, str]] = field(default_factory=list)
    severity: str = "not_known"
    cause: tuple = ()
    place: str = "hospital"
    covid: str = "no"
    grade: int = 2
    focused: bool = False
    reviewer: Reviewer | None = None
    hold_at: datetime | None = None
    case: Case | None = None
    allocation: Allocation | None = None


# --- the person's profile and the structured answers (issue 14) ------------------------------
#
# Calibrated where a published national figure was found, and said so; the rest are illustrative
# weights, not calibrated (a demo needs every answer to occur, not these exact shares):
# - out-of-area placement 9% and living alone 9% ("own home"): the first LeDeR annual report
#   (University of Bristol, 2018, deaths notified 2016–17), key findings as the Council for
#   Disabled Children summarised them; its table was not read;
# - coroner referral 31%, inquest in 19% of those: see `_cause`.
# Each death draws from its own generator (seeded by its reference), so adding these draws
# leaves every other figure of the history exactly as it was.

LIVED_IN_WEIGHTS = {
    "own_home": 9, "family_home": 24, "supported_living": 24, "residential_care": 30,
    "nursing_home": 8, "shared_lives": 2, "hospital": 1, "other": 1, "not_known": 1,
}  # fmt: skip
ANSWER_WEIGHTS = {"yes": 70, "no": 22, "not_known": 8}  # illustrative
CONCERN_DETAIL = "Described in the review's timeline and learning."


def _own_rng(death: "_Death") -> random.Random:
    return random.Random(f"{SEED}:{death.notification.reference}")


# Family names the history never uses, kept free for the demo's own synthetic reviewers:
# `leder.demo.casework` draws names until it finds one no user and no notification has, which
# would never end if the history had used every name in the lists.
RESERVED_FAMILY_NAMES = frozenset(synthetic.FAMILY_NAMES[::6])
FAMILY_NAMES = [name for name in synthetic.FAMILY_NAMES if name not in RESERVED_FAMILY_NAMES]


def _name(rng: random.Random, gender: str) -> str:
    return f"{rng.choice(synthetic.GIVEN_NAMES[gender])} {rng.choice(FAMILY_NAMES)}"


def _at(day: date, rng: random.Random) -> datetime:
    """A moment in working hours on `day`, Europe/London."""
    return datetime.combine(day, time(rng.randrange(8, 18), rng.randrange(60)), tzinfo=LONDON)


def _days(rng: random.Random, low: float, mode: float, high: float) -> int:
    return int(rng.triangular(low, high, mode))


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), list(weights.values()))[0]


NOT_ELIGIBLE_REASON = (
    "The GP practice confirmed the person had neither a learning disability nor a diagnosis of "
    "autism."
)
OPT_OUT_REASON = (
    "Checked with the national data opt-out service: an opt-out is registered for the person."
)
HOLD_REASON = "Coroner's inquest"
# States that end a death's path before any review.
NOT_REVIEWED = (CaseState.NOT_ELIGIBLE, CaseState.CHILD_DEATH_REVIEW, CaseState.OPTED_OUT)

QA_SUMMARY = "Approved: the review meets the quality assurance checklist."


def _profile(death: "_Death") -> dict:
    from leder.reviews import profile

    rng = _own_rng(death)
    code = (death.cause[0] if death.cause else "") or ""
    conditions = [
        c for c in ("hypertension", "diabetes", "dementia", "asthma") if rng.random() < 0.15
    ]
    data = {
        "downs_syndrome": "yes" if code[:3] == "Q90" or rng.random() < 0.15 else "no",
        "cerebral_palsy": "yes" if code[:3] == "G80" or rng.random() < 0.1 else "no",
        "epilepsy": "yes" if code[:3] in ("G40", "G41") or rng.random() < 0.3 else "no",
        "long_term_conditions": conditions or ["none"],
        "mobility": rng.choice(["independent", "some_help", "wheelchair", "full_help"]),
        "communication": rng.choice(["verbal", "some_speech", "non_verbal"]),
        "sensory": rng.choice([["none"], ["none"], ["sight"], ["hearing"]]),
        "lived_in": _pick(rng, LIVED_IN_WEIGHTS),
        "support": rng.choice(["none", "some_hours", "daily", "round_the_clock"]),
        "out_of_area_placement": "yes" if rng.random() < 0.09 else "no",
        "mental_health_act_detained": "yes" if rng.random() < 0.01 else "no",
    }
    return profile.record(data, version=profile.current_version(death.notification.date_of_death))


def _answers(death: "_Death", version: str) -> dict:
    """An answer for every question the set asks (follow-ups as their parent's answer asks
    them), so the section is complete."""
    from leder.reviews import questions

    rng = _own_rng(death)
    question_set = questions.question_set(version)
    drawn = {}
    for _, question, _ in question_set.all_questions():
        answer = _pick(rng, ANSWER_WEIGHTS)
        # A concern needs its detail, as the form asks.
        detail = CONCERN_DETAIL if answer in question.detail_required_when else ""
        drawn[question.key] = {"answer": answer, "detail": detail}
    return questions.clean(question_set, drawn)


# --- reviews, sign-offs and actions ------------------------------------------------------------
