"""A synthetic national history for the demo: deaths notified 2018–2025 across England's ICBs.

The demo's own casework (`leder.demo.casework`) is a few dozen recent deaths in two ICBs, built
through the services. A national report needs years of deaths everywhere, calibrated to the
published national picture (DOMAIN.md, issue 6 part 7): about 3,500 deaths a year; median age
at death about 62–63; about 57% male; most White British; about 60% dying in hospital; leading
causes respiratory, circulatory and cancer, COVID-19 in 2020–21; grades 1–2 about 55–60%; a
backlog in 2018–21 and recent years partly in progress.

Why the rows are written directly (`bulk_create`) rather than through the services: building
one review through the services costs about 0.35 s, so ~28,000 deaths would take hours. What it
keeps instead (and `tests/test_history.py` checks):

- every row has the shape the services write: a notification with its source and its eligibility
  decision (`eligibility.assess` by the rules of the date of death); a case whose state is the
  last of its `CaseEvent`s, made only by transitions in `lifecycle.TRANSITIONS`; an accepted
  `Allocation` to a trained reviewer on the ICB's own register; sections stored as their forms
  and services store them (`cause_of_death_record`, the grading scale's version); a
  `ReviewVersion` per save holding `review_snapshot`'s content; a `SignOff` whose snapshot and
  `content_hash` are those `review_lock` would have written, so `signoff_verify` passes;
- content rows are written before the sign-offs, so the database's lock triggers hold;
- one transaction and one audit row ("Demo history loaded: N deaths") for the whole load;
- references `LDR-YYYY-9NNNNN`, a range the reference counter will not reach, so they never
  collide with notifications made through the services, before or after; the audit row marks
  the load, so running it twice loads once;
- synthetic people only: names from `leder.demo.synthetic`, NHS numbers in the 999 test range.

Everything is drawn from a seeded `random.Random`, so the same seed, scale and day give the
same history.
"""

import random
import time as clock
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from nhs_number import calculate_checksum

from leder.accounts.models import Membership, Role, User
from leder.casework import deadlines
from leder.casework.models import (
    Allocation,
    AllocationStatus,
    Case,
    CaseEvent,
    CaseHold,
    CaseState,
    Profession,
    RecruitmentStatus,
    Reviewer,
    ReviewerTraining,
)
from leder.core import audit
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import today
from leder.demo import synthetic
from leder.notifications import eligibility
from leder.notifications.models import (
    Answer,
    Channel,
    CovidStatus,
    EligibilityDecision,
    EligibilityOutcome,
    EligibilityRules,
    Notification,
    NotificationSource,
    Relationship,
)
from leder.organisations.models import Organisation
from leder.reference.models import EthnicCategory

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


def already_loaded() -> bool:
    return AuditEvent.objects.filter(actor_label=ACTOR, summary__startswith=SUMMARY_PREFIX).exists()


def load_history(
    *, scale: float = 1.0, seed: int = SEED, as_of: date | None = None
) -> HistoryResult:
    """Load the history at `scale` (1.0 = the national volume, ~28,000 deaths) once: a second
    call finds the audit row of the first and loads nothing (`loaded=False`)."""
    started = clock.monotonic()
    if already_loaded():
        return HistoryResult(0, Counter(), 0.0, loaded=False)
    as_of = as_of or today()
    with transaction.atomic():
        builder = _Builder(rng=random.Random(seed), scale=scale, as_of=as_of)
        states = builder.run()
        deaths = sum(states.values())
        audit.record(
            actor=ACTOR,
            action=AuditAction.CREATE,
            summary=f"{SUMMARY_PREFIX}: {deaths} deaths",
            details={
                "scale": scale,
                "seed": seed,
                "as_of": as_of.isoformat(),
                "years": [YEARS[0], YEARS[-1]],
                "icbs": len(builder.icbs),
                "states": dict(sorted(states.items())),
                "reviews": builder.counts["reviews"],
                "signoffs": builder.counts["signoffs"],
                "actions": builder.counts["actions"],
                "ld_population_set": builder.populations,
            },
        )
    return HistoryResult(deaths, states, clock.monotonic() - started)


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


class _Builder:
    def __init__(self, *, rng: random.Random, scale: float, as_of: date):
        self.rng, self.scale, self.as_of = rng, scale, as_of
        self.end = datetime.combine(as_of, time.min, tzinfo=LONDON)
        self.counts: Counter = Counter()
        self.icbs = list(
            Organisation.objects.icbs().open_on(as_of).select_related("region").order_by("ods_code")
        )
        from leder.demo.management.commands.demo_load import ETHNICITY_WEIGHTS

        known = set(EthnicCategory.objects.values_list("code", flat=True))
        self.ethnicity = {
            c: w * (MINORITY_ETHNIC_SCALE if c in MINORITY_ETHNIC else 1)
            for c, w in ETHNICITY_WEIGHTS.items()
            if c in known
        }
        self.rules = list(EligibilityRules.objects.order_by("effective_from"))
        self.nhs_numbers = set(
            Notification.objects.exclude(nhs_number="").values_list("nhs_number", flat=True)
        )
        self.sequence: Counter = Counter()
        self.populations: dict[str, int] = {}

    # --- orchestration ------------------------------------------------------------------------

    def run(self) -> Counter:
        if not self.icbs:
            return Counter()
        staff = self._staff()
        weights = [self.rng.uniform(0.6, 1.6) for _ in self.icbs]
        self._populations(weights)
        deaths: list[_Death] = []
        for year in YEARS:
            count = round(DEATHS_PER_YEAR * YEAR_FACTOR[year] * self.scale)
            for icb in self.rng.choices(self.icbs, weights, k=count):
                death = self._death(year, icb, staff[icb.pk])
                if death is not None:
                    deaths.append(death)
        self._write_notifications(deaths)
        self._write_cases(deaths, staff)
        _Reviews(self, staff).write(deaths)
        return Counter(d.events[-1][2] if d.events else "notified" for d in deaths)

    def _populations(self, weights: list[float]) -> None:
        """Each ICB without a population with a learning disability gets its share of the
        national one (at the history's scale, so expected and notified deaths compare), so that
        England's and every region's expected deaths can be worked out. An ICB that has one
        (the demo ICBs') keeps it."""
        total = sum(weights)
        missing = []
        for icb, weight in zip(self.icbs, weights, strict=True):
            if icb.ld_population is None:
                icb.ld_population = round(NATIONAL_LD_POPULATION * self.scale * weight / total)
                missing.append(icb)
        Organisation.objects.bulk_update(missing, ["ld_population"])
        self.populations = {icb.ods_code: icb.ld_population for icb in missing}

    # --- staff --------------------------------------------------------------------------------

    def _staff(self) -> dict[int, _Staff]:
        """Per ICB: a local area contact, a senior reviewer, a panel chair and reviewers on the
        register. Accounts without a password (they cannot sign in) under a domain of their own,
        so `demo_load` and `demo_logins`, which look for the demo's sign-ins, never count them."""
        rng = self.rng
        users, roles = [], []
        titles = [
            (Role.LAC, "Local area contact"),
            (Role.SENIOR_REVIEWER, "Senior reviewer"),
            (Role.PANEL_CHAIR, "Panel chair"),
        ] + [(Role.REVIEWER, "Reviewer")] * REVIEWERS_PER_ICB
        password = make_password(None)
        for icb in self.icbs:
            for index, (role, title) in enumerate(titles):
                name = _name(rng, rng.choice(["female", "male"]))
                email = f"{name.lower().replace(' ', '.').replace("'", '')}.{index}"
                users.append(
                    User(
                        email=f"{email}@{icb.ods_code.lower()}.{HISTORY_DOMAIN}",
                        full_name=name,
                        job_title=f"{title}, {icb.display_name}",
                        password=password,
                    )
                )
                roles.append((icb, role))
        User.objects.bulk_create(users, batch_size=BATCH)
        users = list(User.objects.filter(email__in=[u.email for u in users]).order_by("pk"))
        by_email = {u.email: u for u in users}
        ordered = [by_email[u.email] for u in users]
        Membership.objects.bulk_create(
            [
                Membership(user=user, role=role, organisation=icb, starts_on=STAFF_SINCE)
                for user, (icb, role) in zip(ordered, roles, strict=True)
            ],
            batch_size=BATCH,
        )
        reviewers = []
        for user, (icb, role) in zip(ordered, roles, strict=True):
            if role in (Role.REVIEWER, Role.SENIOR_REVIEWER):
                reviewers.append(
                    Reviewer(
                        user=user,
                        icb=icb,
                        profession=rng.choice([Profession.LD_NURSE, Profession.SOCIAL_WORKER]),
                        employer_name=f"{icb.display_name} community learning disability team",
                        capacity=6,
                        recruitment_status=RecruitmentStatus.TRAINED,
                        joined_on=STAFF_SINCE,
                    )
                )
        Reviewer.objects.bulk_create(reviewers, batch_size=BATCH)
        ReviewerTraining.objects.bulk_create(
            [
                ReviewerTraining(
                    reviewer=r,
                    course=REVIEWER_COURSE,
                    completed_on=STAFF_SINCE + timedelta(days=rng.randrange(20, 90)),
                )
                for r in reviewers
            ],
            batch_size=BATCH,
        )
        staff = {}
        for position, icb in enumerate(self.icbs):
            own = ordered[position * len(titles) : (position + 1) * len(titles)]
            staff[icb.pk] = _Staff(
                lac=own[0],
                senior=own[1],
                chair=own[2],
                reviewers=[r for r in reviewers if r.icb_id == icb.pk and r.user_id != own[1].pk],
            )
        return staff

    # --- one death ----------------------------------------------------------------------------

    def _nhs_number(self) -> str:
        while True:
            body = "999" + f"{self.rng.randrange(0, 1_000_000):06d}"
            check = calculate_checksum(body)
            if check is None or check >= 10:
                continue
            number = f"{body}{check}"
            if number not in self.nhs_numbers:
                self.nhs_numbers.add(number)
                return number

    def _died_on(self, year: int, covid: bool) -> date:
        rng = self.rng
        if covid and year == 2020:
            start, end = (
                (date(2020, 3, 15), date(2020, 5, 31))
                if rng.random() < 0.6
                else (date(2020, 10, 15), date(2020, 12, 31))
            )
        elif covid and year == 2021 and rng.random() < 0.85:
            start, end = date(2021, 1, 1), date(2021, 2, 28)
        else:
            start, end = date(year, 1, 1), date(year, 12, 31)
        return synthetic.random_date(rng, start, min(end, self.as_of - timedelta(days=30)))

    def _rules_for(self, died: date) -> EligibilityRules:
        in_force = [r for r in self.rules if r.effective_from <= died]
        return in_force[-1] if in_force else self.rules[0]

    def _death(self, year: int, icb: Organisation, staff: _Staff) -> _Death | None:
        rng = self.rng
        covid = rng.random() < COVID_SHARE.get(year, 0.0)
        died = self._died_on(year, covid)
        sex = _pick(rng, SEX_WEIGHTS)
        autistic_only = year >= 2022 and rng.random() < 0.03
        severity = "none" if autistic_only else _pick(rng, SEVERITY_WEIGHTS)
        if rng.random() < 0.025:
            age = rng.randrange(4, 18)
        else:
            age = int(rng.gauss(64 + SEVERITY_AGE[severity], 14.5))
            age = max(18, min(98, age))
        anniversary = date(died.year - age, died.month, min(died.day, 28))
        born = anniversary - timedelta(days=rng.randrange(0, 360))
        not_eligible = rng.random() < 0.025
        ld = Answer.NO if (autistic_only or not_eligible) else Answer.YES
        if ld == Answer.YES and rng.random() < 0.03:
            ld = Answer.NOT_SURE
        autistic = (
            Answer.YES if autistic_only else rng.choices([Answer.YES, Answer.NO], [20, 80])[0]
        )
        if not_eligible:
            autistic = Answer.NO
        place = _pick(rng, PLACE_WEIGHTS)
        received = _at(died + timedelta(days=_days(rng, 1, 8, 60)), rng)
        rules = self._rules_for(died)
        assessment = eligibility.assess(
            eligibility.Facts(
                date_of_birth=born,
                date_of_death=died,
                has_learning_disability=ld,
                is_autistic=autistic,
            ),
            rules,
        )
        gender = (
            "male"
            if sex == "male"
            else "female"
            if sex == "female"
            else rng.choice(["female", "male"])
        )
        area = POSTCODE_AREAS[self.icbs.index(icb) % len(POSTCODE_AREAS)]
        address, postcode = synthetic.synthetic_address(rng, area)
        received_year = received.year
        self.sequence[received_year] += 1
        reference = f"LDR-{received_year}-{REFERENCE_BASE + self.sequence[received_year]:06d}"
        if covid:
            cause = COVID_CAUSE
        else:
            weights = [c[0] for c in CAUSES]
            cause = rng.choices(CAUSES, weights)[0][1:]
        covid_status = (
            CovidStatus.CONFIRMED
            if covid
            else CovidStatus.NO
            if year < 2020 or rng.random() < 0.9
            else CovidStatus.NOT_KNOWN
        )
        notification = Notification(
            reference=reference,
            submission_key=uuid.uuid5(NAMESPACE, reference),
            received_at=received,
            channel=rng.choices([Channel.ONLINE, Channel.TELEPHONE], [85, 15])[0],
            given_name=rng.choice(synthetic.GIVEN_NAMES[gender]),
            family_name=rng.choice(FAMILY_NAMES),
            date_of_birth=born,
            date_of_death=died,
            nhs_number=self._nhs_number() if rng.random() < 0.9 else "",
            sex=sex,
            ethnic_category_id=_pick(rng, self.ethnicity) if self.ethnicity else None,
            address=address,
            postcode=postcode,
            icb=icb,
            has_learning_disability=ld,
            is_autistic=autistic,
            place_of_death=place,
            place_of_death_detail="At a day centre" if place == "other" else "",
            circumstances="Admitted to hospital and died a few days later."
            if place == "hospital"
            else "Died at the place they lived or were staying.",
            covid=covid_status,
            has_care_concerns=rng.choices([Answer.NO, Answer.YES], [80, 20])[0],
            eligibility_outcome=assessment.outcome,
            eligibility_reason=assessment.reason,
        )
        notification._rules = rules
        if notification.has_care_concerns == Answer.YES:
            notification.care_concerns = "The family felt their concerns were not listened to."
        death = _Death(
            notification=notification,
            severity=severity,
            cause=cause,
            place=place,
            covid=covid_status,
            grade=_pick(rng, GRADE_WEIGHTS),
        )
        self._plan(death, assessment, staff)
        return death

    # --- what happened to it ------------------------------------------------------------------

    def _plan(self, death: _Death, assessment, staff: _Staff) -> None:
        """The case's transitions, in order, up to `as_of`: (transition, from, to, at, reason).
        Waits depend on the year of notification: long in the backlog years 2018–21."""
        rng, n = self.rng, death.notification
        year = n.received_at.year
        backlog = year <= 2021
        events = death.events
        at = n.received_at + timedelta(
            days=_days(rng, 1, 10, 40) if backlog else _days(rng, 0, 3, 14),
            hours=rng.randrange(1, 5),
        )

        def move(transition, source, target, moment, reason=""):
            if moment < self.end:
                events.append((transition, source, target, moment, reason))
                return True
            return False

        notified = CaseState.NOTIFIED
        if assessment.outcome == EligibilityOutcome.NOT_ELIGIBLE:
            move("triage_not_eligible", notified, CaseState.NOT_ELIGIBLE, at, NOT_ELIGIBLE_REASON)
            return
        if assessment.outcome == EligibilityOutcome.CHILD_DEATH_REVIEW:
            move("triage_child_death_review", notified, CaseState.CHILD_DEATH_REVIEW, at)
            return
        if rng.random() < 0.007:
            move("record_opt_out", notified, CaseState.OPTED_OUT, at, OPT_OUT_REASON)
            return
        if not move("triage_eligible", notified, CaseState.AWAITING_ALLOCATION, at):
            return
        wait = {2018: (5, 90, 400), 2019: (5, 60, 300), 2020: (10, 120, 420), 2021: (5, 60, 250)}
        at += timedelta(days=_days(rng, *wait.get(year, (2, 14, 60 if year > 2022 else 120))))
        death.reviewer = rng.choice(staff.reviewers)
        if not move("allocate", CaseState.AWAITING_ALLOCATION, CaseState.ALLOCATED, at):
            return
        at += timedelta(days=_days(rng, 0, 2, 10), hours=rng.randrange(1, 6))
        if not move("accept", CaseState.ALLOCATED, CaseState.INITIAL_REVIEW, at):
            return
        review_days = _days(rng, 40, 110, 260) if year == 2020 else _days(rng, 30, 80, 200)
        # A review that stalls (a busy reviewer, records slow to come): more of the recent ones
        # are still stalled today.
        if rng.random() < STALLED_SHARE.get(year, 0.08):
            review_days *= rng.randrange(3, 6)
        if rng.random() < HOLD_SHARE.get(year, 0.0):
            death.hold_at = at + timedelta(days=rng.randrange(20, 60))
            move("hold", CaseState.INITIAL_REVIEW, CaseState.ON_HOLD, death.hold_at, HOLD_REASON)
            return
        at += timedelta(days=review_days)
        n_ethnic = n.ethnic_category_id
        death.focused = at.date() >= FOCUSED_FROM and (
            n_ethnic not in (None, "A", "Z", "99") or death.severity == "none" or death.grade >= 4
        )
        if death.focused:
            if not move(
                "start_focused_review", CaseState.INITIAL_REVIEW, CaseState.FOCUSED_REVIEW, at
            ):
                return
            at += timedelta(days=_days(rng, 30, 70, 180))
            if not move("submit_to_panel", CaseState.FOCUSED_REVIEW, CaseState.PANEL, at):
                return
            at += timedelta(days=_days(rng, 7, 30, 90))
            move("panel_sign_off", CaseState.PANEL, CaseState.COMPLETED, at)
        else:
            if not move("submit_for_qa", CaseState.INITIAL_REVIEW, CaseState.QUALITY_ASSURANCE, at):
                return
            at += timedelta(days=_days(rng, 3, 14, 60))
            move("qa_approve", CaseState.QUALITY_ASSURANCE, CaseState.COMPLETED, at, QA_SUMMARY)

    # --- writing ------------------------------------------------------------------------------

    def _write_notifications(self, deaths: list[_Death]) -> None:
        rng = self.rng
        notifications = [d.notification for d in deaths]
        Notification.objects.bulk_create(notifications, batch_size=BATCH)
        sources, decisions = [], []
        for n in notifications:
            relationship = rng.choice(list(Relationship))
            family = relationship in (Relationship.FAMILY, Relationship.FRIEND)
            sources.append(
                NotificationSource(
                    notification=n,
                    received_at=n.received_at,
                    channel=n.channel,
                    relationship=relationship,
                    name=_name(rng, "female"),
                    organisation_name="" if family else "Synthetic Health Trust",
                    original_reference=n.reference,
                )
            )
            decisions.append(
                EligibilityDecision(
                    notification=n,
                    outcome=n.eligibility_outcome,
                    reason=n.eligibility_reason,
                    rules=n._rules,
                    decided_at=n.received_at,
                )
            )
        NotificationSource.objects.bulk_create(sources, batch_size=BATCH)
        EligibilityDecision.objects.bulk_create(decisions, batch_size=BATCH)

    def _write_cases(self, deaths: list[_Death], staff: dict[int, _Staff]) -> None:
        cases, opted_out = [], []
        for death in deaths:
            if not death.events:
                continue
            n = death.notification
            last = death.events[-1]
            notified_on = n.received_at.astimezone(LONDON).date()
            reviewer = death.reviewer if any(e[0] == "allocate" for e in death.events) else None
            death.reviewer = reviewer
            case = Case(
                notification=n,
                state=last[2],
                state_changed_at=last[3],
                held_from_state=CaseState.INITIAL_REVIEW if last[0] == "hold" else "",
                opened_at=death.events[0][3],
                notified_on=notified_on,
                due_on=deadlines.due_date(notified_on=notified_on),
                reviewer=reviewer,
            )
            death.case = case
            cases.append(case)
            if last[2] == CaseState.OPTED_OUT:
                opted_out.append(n)
        Case.objects.bulk_create(cases, batch_size=BATCH)
        self._erase_opted_out(opted_out)
        allocations = []
        for death in deaths:
            if death.reviewer is None:
                continue
            allocated = next(e[3] for e in death.events if e[0] == "allocate")
            accepted = next((e[3] for e in death.events if e[0] == "accept"), None)
            allocation = Allocation(
                case=death.case,
                reviewer=death.reviewer,
                allocated_by=staff[death.notification.icb_id].lac,
                allocated_at=allocated,
                status=AllocationStatus.ACCEPTED if accepted else AllocationStatus.OFFERED,
                responded_at=accepted,
            )
            death.allocation = allocation
            allocations.append(allocation)
        Allocation.objects.bulk_create(allocations, batch_size=BATCH)
        events, holds = [], []
        for death in deaths:
            icb_staff = staff.get(death.notification.icb_id)
            for transition, source, target, at, reason in death.events:
                actor, details = self._event_actor(death, transition, icb_staff)
                events.append(
                    CaseEvent(
                        case=death.case,
                        transition=transition,
                        from_state=source,
                        to_state=target,
                        actor=actor,
                        occurred_at=at,
                        reason=reason,
                        details=details,
                    )
                )
            if death.hold_at is not None and death.events[-1][0] == "hold":
                holds.append(
                    CaseHold(
                        case=death.case,
                        started_at=death.hold_at,
                        started_by=icb_staff.lac,
                        reason=HOLD_REASON,
                    )
                )
        CaseEvent.objects.bulk_create(events, batch_size=BATCH)
        CaseHold.objects.bulk_create(holds, batch_size=BATCH)
        self.counts["case_events"] = len(events)

    def _event_actor(self, death: _Death, transition: str, icb_staff: _Staff):
        if transition in ("allocate", "accept"):
            allocation = death.allocation
            details = {
                "allocation": allocation.pk,
                "reviewer": allocation.reviewer_id,
                "reviewer_name": allocation.reviewer.user.full_name,
            }
            actor = icb_staff.lac if transition == "allocate" else death.reviewer.user
            return actor, details
        if transition in ("start_focused_review", "submit_to_panel", "submit_for_qa"):
            return death.reviewer.user, {}
        if transition == "qa_approve":
            return icb_staff.senior, {"qa_round": 1}
        if transition == "panel_sign_off":
            return icb_staff.chair, {}
        return icb_staff.lac, {}

    def _erase_opted_out(self, notifications: list[Notification]) -> None:
        """What `case_record_opt_out` keeps of a person who opted out: the fact of the death."""
        from leder.casework.services.triage import OPTED_OUT_NAME

        for n in notifications:
            n.given_name, n.family_name, n.other_names = OPTED_OUT_NAME, "", ""
            n.nhs_number = n.address = n.postcode = n.gp_practice_text = ""
            n.circumstances = n.care_concerns = n.place_of_death_detail = ""
            n.date_of_birth = n.date_of_birth.replace(month=1, day=1)
            n.date_of_death = n.date_of_death.replace(day=1)
        fields = [
            "given_name",
            "family_name",
            "other_names",
            "nhs_number",
            "address",
            "postcode",
            "gp_practice_text",
            "circumstances",
            "care_concerns",
            "place_of_death_detail",
            "date_of_birth",
            "date_of_death",
        ]
        Notification.objects.bulk_update(notifications, fields, batch_size=BATCH)
        NotificationSource.objects.filter(notification__in=notifications).update(
            name=OPTED_OUT_NAME, relationship_detail="", organisation_name="", email="", phone=""
        )


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


# --- reviews, sign-offs and actions ------------------------------------------------------------

INITIAL_KEYS = ("pen_portrait", "cause_of_death", "grading", "learning", "focused_decision")
SUBMITTED_TO = {
    "submit_for_qa": "quality assurance",
    "start_focused_review": "a focused review",
    "submit_to_panel": "the governance panel",
}


def _event_at(death: _Death, transition: str) -> datetime | None:
    return next((e[3] for e in death.events if e[0] == transition), None)


class _Reviews:
    """Writes the reviews of the history's cases: sections, learning, versions, QA rounds,
    sign-offs and actions, in that order (content before the sign-offs that lock it)."""

    def __init__(self, builder: _Builder, staff: dict[int, _Staff]):
        from leder.governance.models import QAChecklist
        from leder.reviews.models import GradingScale, LearningTheme

        self.builder, self.rng, self.staff = builder, builder.rng, staff
        self.scales = list(
            GradingScale.objects.order_by("effective_from").prefetch_related("levels")
        )
        self.titles = {
            (scale.version, level.level): level.title
            for scale in self.scales
            for level in scale.levels.all()
        }
        self.themes = list(LearningTheme.objects.filter(active=True, parent__isnull=True))
        self.themes = self.themes or list(LearningTheme.objects.filter(active=True))
        self.checklist = (
            QAChecklist.objects.filter(active=True)
            .order_by("-effective_from")
            .prefetch_related("items")
            .first()
        )

    # --- content --------------------------------------------------------------------------------

    def _scale_version(self, day: date) -> str:
        in_force = [s for s in self.scales if s.effective_from <= day]
        return (in_force[-1] if in_force else self.scales[0]).version if self.scales else ""

    def _grading(self, death: _Death, day: date) -> dict:
        return {
            "level": death.grade,
            "rationale": RATIONALE[death.grade],
            "scale_version": self._scale_version(day),
        }

    def _pen_portrait(self, death: _Death) -> dict:
        name = death.notification.given_name
        return {
            "who_they_were": self.rng.choice(WHO_THEY_WERE).format(name=name),
            "what_mattered": self.rng.choice(WHAT_MATTERED),
            "what_people_said": "",
            "ld_severity": death.severity,
        }

    def _cause(self, death: _Death) -> dict:
        from leder.reviews.services.questions import LINES, cause_of_death_record

        rng = self.rng
        code, words, above = death.cause
        data = {f"{line}_{part}": "" for line in LINES for part in ("text", "code")}
        if above:
            data |= {"a_text": above[1], "a_code": above[0], "b_text": words, "b_code": code}
        else:
            data |= {"a_text": words, "a_code": code}
        if code[:3] != "G40" and rng.random() < 0.2:
            data |= {"ii1_text": "Epilepsy", "ii1_code": "G40.9"}
        # 31% of deaths reported to a coroner, an inquest in 19% of those (LeDeR annual report
        # 2018, University of Bristol, May 2019; its key findings as INQUEST summarised them).
        referred = rng.random() < 0.31
        year = death.notification.date_of_death.year
        vaccination = (
            "unvaccinated"
            if year < 2021
            else rng.choice(["1", "2"])
            if year == 2021
            else rng.choice(["3", "4", "5"])
        )
        data |= {
            "coroner_referral": "yes" if referred else "no",
            "inquest": ("yes" if rng.random() < 0.19 else "no") if referred else "no",
            "post_mortem": ("yes" if rng.random() < 0.6 else "no") if referred else "no",
            "place_of_death": death.place,
            "place_of_death_detail": "At a day centre" if death.place == "other" else "",
            "covid_status": death.covid,
            "covid_vaccination": "not_known" if rng.random() < 0.1 else vaccination,
        }
        return cause_of_death_record(data)

    # --- writing --------------------------------------------------------------------------------

    def write(self, deaths: list[_Death]) -> None:
        from leder.reviews import questions
        from leder.reviews.models import Review, ReviewKind

        plans = []  # (death, review, submitted transition or None)
        for death in deaths:
            accepted = _event_at(death, "accept")
            if accepted is None:
                continue
            user = death.reviewer.user
            submitted = next(
                (e for e in death.events if e[0] in ("submit_for_qa", "start_focused_review")),
                None,
            )
            initial = Review(
                case=death.case,
                kind=ReviewKind.INITIAL,
                question_set_version=questions.current_version(accepted.date()),
                started_at=accepted,
                started_by=user,
                submitted_at=submitted[3] if submitted else None,
            )
            plans.append((death, initial, submitted[0] if submitted else None))
            started = _event_at(death, "start_focused_review")
            if started is not None:
                to_panel = _event_at(death, "submit_to_panel")
                focused = Review(
                    case=death.case,
                    kind=ReviewKind.FOCUSED,
                    question_set_version=questions.current_version(started.date()),
                    started_at=started,
                    started_by=user,
                    submitted_at=to_panel,
                )
                plans.append((death, focused, "submit_to_panel" if to_panel else None))
        for _death, review, submitted in plans:
            review.current_version = (
                0
                if review.kind == ReviewKind.FOCUSED and not submitted
                else (2 if submitted else 1)
            )
        Review.objects.bulk_create([p[1] for p in plans], batch_size=BATCH)
        self.builder.counts["reviews"] = len(plans)
        if not plans:
            return
        empty = self._empty_snapshots([p[1] for p in plans])
        self._write_content(plans, empty)

    def _empty_snapshots(self, reviews) -> dict[str, dict]:
        """Each section's snapshot of a review with nothing in it yet, by review kind: taken from
        the sections' own `snapshot` on a review that has no content rows, so a section another
        part registers is snapshotted exactly as `review_snapshot` does."""
        from leder.reviews import sections

        empty = {}
        for review in reviews:
            if review.kind not in empty:
                empty[review.kind] = {
                    s.key: s.snapshot(review) for s in sections.sections_for(review.kind)
                }
        return empty

    def _snapshot(self, review, empty: dict, rows: dict, items: list) -> dict:
        snapshot = dict(empty[review.kind])
        for key, data in rows.items():
            if key not in snapshot:
                continue
            value = dict(data)
            if key in ("grading", "focused_grading"):
                title = self.titles.get((data["scale_version"], data["level"]))
                level = data["level"]
                value["level"] = f"Grade {level}: {title}" if title else f"Grade {level}"
            snapshot[key] = value
        if "learning" in snapshot and review.kind == "initial":
            learning = {
                f"learning {item.pk}": {
                    "kind": item.get_kind_display(),
                    "text": item.text,
                    "themes": ", ".join(sorted(t.name for t in themes)),
                }
                for item, themes in items
            }
            reason = rows.get("learning", {}).get("no_learning_reason")
            if reason:
                learning["no_learning_reason"] = reason
            snapshot["learning"] = learning
        return snapshot

    def _write_content(self, plans, empty) -> None:
        from leder.governance.models import QARound, SignOff, SignOffRoute
        from leder.governance.services.signoff import content_hash
        from leder.reviews import diffs
        from leder.reviews.models import LearningItem, LearningKind, ReviewSection, ReviewVersion

        rng = self.rng
        section_rows, items, links, contents = [], [], [], []
        for death, review, submitted in plans:
            end = self.builder.end
            saved_at = (
                review.submitted_at - timedelta(hours=1)
                if submitted
                else min(review.started_at + timedelta(days=14), end - timedelta(hours=1))
            )
            rows: dict[str, dict] = {}
            complete: dict[str, bool] = {}
            review_items = []
            if review.kind == "initial":
                rows["pen_portrait"] = self._pen_portrait(death)
                complete["pen_portrait"] = True
                if submitted or rng.random() < 0.5:
                    rows["cause_of_death"] = self._cause(death)
                    complete["cause_of_death"] = True
                if submitted:
                    rows["profile"] = _profile(death)
                    rows["questions"] = _answers(death, review.question_set_version)
                    complete |= {"profile": True, "questions": True}
                    rows["grading"] = self._grading(death, review.started_at.date())
                    rows["learning"] = {"no_learning_reason": ""}
                    reasons = ["concerns"] if death.grade >= 4 else []
                    rows["focused_decision"] = {"reasons": reasons, "other_reason": ""}
                    complete |= {"grading": True, "learning": True, "focused_decision": True}
                    for _ in range(rng.choice([1, 1, 2, 2, 3])):
                        kind = rng.choices(
                            [
                                LearningKind.GOOD_PRACTICE,
                                LearningKind.IMPROVEMENT,
                                LearningKind.CONCERN,
                            ],
                            [35, 40, 25] if death.grade < 4 else [15, 35, 50],
                        )[0]
                        themes = rng.sample(
                            self.themes, k=min(len(self.themes), rng.choice([1, 1, 2]))
                        )
                        item = LearningItem(
                            review=review,
                            kind=kind,
                            text=LEARNING_TEXT[kind].format(theme=themes[0].name),
                            created_at=saved_at,
                            created_by=review.started_by,
                            updated_at=saved_at,
                        )
                        review_items.append((item, themes))
            elif submitted:
                rows["focused_grading"] = self._grading(death, review.started_at.date())
                complete["focused_grading"] = True
            for key, data in rows.items():
                section_rows.append(
                    ReviewSection(
                        review=review,
                        key=key,
                        data=data,
                        is_complete=complete.get(key, False),
                        updated_at=saved_at,
                        updated_by=review.started_by,
                    )
                )
            items += review_items
            contents.append((death, review, submitted, rows, review_items, saved_at))
        ReviewSection.objects.bulk_create(section_rows, batch_size=BATCH)
        LearningItem.objects.bulk_create([item for item, _ in items], batch_size=BATCH)
        through = LearningItem.themes.through
        for item, themes in items:
            links += [through(learningitem_id=item.pk, learningtheme_id=t.pk) for t in themes]
        through.objects.bulk_create(links, batch_size=BATCH)
        self.builder.counts["learning_items"] = len(items)

        versions, rounds, signoffs, signed = [], [], [], []
        for death, review, submitted, rows, review_items, saved_at in contents:
            if review.current_version == 0:
                continue
            snapshot = self._snapshot(review, empty, rows, review_items)
            versions.append(
                ReviewVersion(
                    review=review,
                    number=1,
                    saved_at=saved_at,
                    saved_by=review.started_by,
                    section_key="demo_history",
                    summary="Review recorded (demo history)",
                    snapshot=snapshot,
                    changes=[c.as_dict() for c in diffs.changes_between({}, snapshot)],
                )
            )
            if not submitted:
                continue
            versions.append(
                ReviewVersion(
                    review=review,
                    number=2,
                    saved_at=review.submitted_at,
                    saved_by=review.started_by,
                    section_key="submission",
                    summary=f"Submitted to {SUBMITTED_TO[submitted]}",
                    snapshot=snapshot,
                    changes=[],
                )
            )
            staff = self.staff[death.notification.icb_id]
            qa_round = None
            if submitted == "submit_for_qa" and self.checklist is not None:
                approved = _event_at(death, "qa_approve")
                qa_round = QARound(
                    review=review,
                    number=1,
                    submitted_version=2,
                    submitted_at=review.submitted_at,
                    checklist=self.checklist,
                    answers={
                        item.key: {"met": "yes", "note": ""} for item in self.checklist.items.all()
                    }
                    if approved
                    else {},
                    assessor=staff.senior if approved else None,
                    outcome="approved" if approved else "pending",
                    summary=QA_SUMMARY if approved else "",
                    decided_at=approved,
                )
                rounds.append(qa_round)
            completed = _event_at(death, "qa_approve") or _event_at(death, "panel_sign_off")
            closing = "submit_to_panel" if review.kind == "focused" else "submit_for_qa"
            if completed and submitted == closing:
                panel = review.kind == "focused"
                signoffs.append(
                    SignOff(
                        review=review,
                        version_number=2,
                        route=SignOffRoute.PANEL if panel else SignOffRoute.QA_APPROVAL,
                        signed_off_at=completed,
                        signed_off_by=staff.chair if panel else staff.senior,
                        snapshot=snapshot,
                        content_hash=content_hash(snapshot),
                        qa_round=qa_round,
                    )
                )
                signed.append((death, review, completed, review_items))
        ReviewVersion.objects.bulk_create(versions, batch_size=BATCH)
        from leder.governance.models import QARound as _QARound

        _QARound.objects.bulk_create(rounds, batch_size=BATCH)
        for signoff in signoffs:
            signoff.qa_round_id = signoff.qa_round.pk if signoff.qa_round else None
        SignOff.objects.bulk_create(signoffs, batch_size=BATCH)
        self.builder.counts["versions"] = len(versions)
        self.builder.counts["signoffs"] = len(signoffs)
        self._actions(signed)

    def _actions(self, signed) -> None:
        """SMART actions agreed at sign-off for some reviews with concerns (since 2021 the panel
        agrees them), each with its "Action agreed" update and, later, its progress."""
        from leder.governance.models import Action, ActionStatus, ActionUpdate

        rng, as_of = self.rng, self.builder.as_of
        numbers: Counter = Counter()
        actions, links, theme_links, updates = [], [], [], []
        for death, review, completed, review_items in signed:
            concern = [i for i in review_items if i[0].kind == "concern"]
            if not (review.kind == "focused" and death.grade >= 4) and not concern:
                continue
            if rng.random() > (0.5 if review.kind == "focused" else 0.1):
                continue
            agreed_on = completed.astimezone(LONDON).date()
            year = agreed_on.year
            if year not in numbers:
                taken = Action.objects.filter(reference__startswith=f"ACT-{year}-")
                numbers[year] = max(
                    (
                        int(r.rsplit("-", 1)[1])
                        for r in taken.values_list("reference", flat=True)
                        if r.rsplit("-", 1)[1].isdigit()
                    ),
                    default=0,
                )
            numbers[year] += 1
            themes = concern[0][1] if concern else [rng.choice(self.themes)]
            due_on = agreed_on + timedelta(days=rng.choice([90, 180, 270]))
            staff = self.staff[death.notification.icb_id]
            status, completed_on, evidence = ActionStatus.OPEN, None, ""
            cancelled_on, cancel_reason = None, ""
            roll = rng.random()
            if due_on < as_of and roll < 0.72:
                status = ActionStatus.COMPLETED
                completed_on = min(due_on + timedelta(days=rng.randrange(-60, 45)), as_of)
                completed_on = max(completed_on, agreed_on + timedelta(days=7))
                evidence = "Audit report received by the steering group, with the re-audit date."
            elif due_on < as_of and roll < 0.77:
                status, cancelled_on = ActionStatus.CANCELLED, due_on
                cancel_reason = "Superseded by the regional programme on the same theme."
            elif roll < 0.6:
                status = ActionStatus.IN_PROGRESS
            action = Action(
                icb=death.notification.icb,
                reference=f"ACT-{year}-{numbers[year]:04d}",
                title=rng.choice(ACTION_TITLES).format(theme=themes[0].name.lower()),
                description="Agreed by the panel after a review found concerns in this area.",
                owner_organisation=death.notification.icb,
                owner_name=_name(rng, rng.choice(["female", "male"])),
                due_on=due_on,
                measure="A re-audit shows the change in at least 9 of 10 records.",
                status=status,
                agreed_on=agreed_on,
                created_at=completed,
                created_by=staff.chair,
                completed_on=completed_on,
                completion_evidence=evidence,
                cancelled_on=cancelled_on,
                cancellation_reason=cancel_reason,
            )
            actions.append((action, review, themes, staff.chair))
        Action.objects.bulk_create([a[0] for a in actions], batch_size=BATCH)
        for action, review, themes, chair in actions:
            links.append(Action.reviews.through(action_id=action.pk, review_id=review.pk))
            theme_links += [
                Action.themes.through(action_id=action.pk, learningtheme_id=t.pk) for t in themes
            ]
            updates.append(
                ActionUpdate(
                    action=action,
                    at=action.created_at,
                    by=chair,
                    from_status=ActionStatus.OPEN,
                    to_status=ActionStatus.OPEN,
                    note="Action agreed",
                )
            )
            if action.status != ActionStatus.OPEN:
                day = (
                    action.completed_on
                    or action.cancelled_on
                    or (action.agreed_on + timedelta(days=30))
                )
                updates.append(
                    ActionUpdate(
                        action=action,
                        at=_at(min(day, as_of - timedelta(days=1)), rng),
                        by=chair,
                        from_status=ActionStatus.OPEN,
                        to_status=action.status,
                        note=action.completion_evidence
                        or action.cancellation_reason
                        or "Work has started.",
                    )
                )
        Action.reviews.through.objects.bulk_create(links, batch_size=BATCH)
        Action.themes.through.objects.bulk_create(theme_links, batch_size=BATCH)
        ActionUpdate.objects.bulk_create(updates, batch_size=BATCH)
        self.builder.counts["actions"] = len(actions)
