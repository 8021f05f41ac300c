"""The demo history's builder: ICBs' staff and populations, each synthetic death and its
notification, eligibility decision, case, transitions, allocation and holds, written in bulk.
See `history`."""

import random
import uuid
from collections import Counter
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from nhs_number import calculate_checksum

from leder.accounts.models import Membership, Role, User
from leder.casework.models import (
    CaseState,
    Profession,
    RecruitmentStatus,
    Reviewer,
    ReviewerTraining,
)
from leder.demo import synthetic
from leder.demo.history_data import (
    BATCH,
    CAUSES,
    COVID_CAUSE,
    COVID_SHARE,
    DEATHS_PER_YEAR,
    FAMILY_NAMES,
    FOCUSED_FROM,
    GRADE_WEIGHTS,
    HISTORY_DOMAIN,
    HOLD_REASON,
    HOLD_SHARE,
    LONDON,
    MINORITY_ETHNIC,
    MINORITY_ETHNIC_SCALE,
    NAMESPACE,
    NATIONAL_LD_POPULATION,
    NOT_ELIGIBLE_REASON,
    OPT_OUT_REASON,
    PLACE_WEIGHTS,
    POSTCODE_AREAS,
    QA_SUMMARY,
    REFERENCE_BASE,
    REVIEWER_COURSE,
    REVIEWERS_PER_ICB,
    SEVERITY_AGE,
    SEVERITY_WEIGHTS,
    SEX_WEIGHTS,
    STAFF_SINCE,
    STALLED_SHARE,
    YEAR_FACTOR,
    YEARS,
    _at,
    _days,
    _Death,
    _name,
    _pick,
    _Staff,
)
from leder.demo.history_reviews import (
    _Reviews,
)
from leder.demo.history_writes import _Writes
from leder.notifications import eligibility
from leder.notifications.models import (
    Answer,
    Channel,
    CovidStatus,
    EligibilityOutcome,
    EligibilityRules,
    Notification,
)
from leder.organisations.models import Organisation
from leder.reference.models import EthnicCategory


class _Builder(_Writes):
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
