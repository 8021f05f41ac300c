"""Load the demo: organisations and providers, one user per role in two ICBs, a reproducible
set of synthetic notifications, and casework on them (a reviewer register, triage, allocation and
reviews at every stage: see `leder.demo.casework`). Safe to run twice: it loads once."""

import hashlib
import random
import time as clock
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from rapidfuzz.distance import DamerauLevenshtein

from leder.accounts import services as accounts
from leder.accounts.models import Role, User
from leder.demo import casework, synthetic
from leder.demo import contact_details as demo_contact_details
from leder.demo import governance as demo_governance
from leder.notifications import services as notifications
from leder.notifications.models import (
    Answer,
    Channel,
    CovidStatus,
    PlaceOfDeath,
    Relationship,
    Sex,
)
from leder.organisations.models import Organisation, OrganisationKind
from leder.reference.models import EthnicCategory

CIRCUMSTANCES = "Admitted to hospital with a chest infection and died a few days later."
CONCERNS = "The family felt their concerns about eating and drinking were not listened to."
DEMO_PASSWORD = "demo-leder-2026"
DEMO_DOMAIN = "demo.leder.invalid"
SEED = 20261122
# A quarter of the national volume (about 7,000 deaths) loads in about 25 s on SQLite; the full
# volume (`manage.py demo_history --scale 1.0`) takes about 100 s.
HISTORY_SCALE = 0.25
PROVIDERS_CSV = Path(settings.PACKAGE_DIR) / "organisations" / "data" / "demo_providers.csv"
PLACEMENTS_CSV = PROVIDERS_CSV.with_name("demo_placements.csv")

# The two demo ICBs, a short label for their e-mail addresses, and a postcode area.
DEMO_ICBS = [("QK1", "llr", "LE"), ("QHL", "bsol", "B")]
ICB_ROLE_NAMES = [
    (Role.LAC, "lac", "Local area contact"),
    (Role.REVIEWER, "reviewer", "Reviewer"),
    (Role.SENIOR_REVIEWER, "senior", "Senior reviewer"),
    (Role.PANEL_MEMBER, "panel", "Panel member"),
    (Role.PANEL_CHAIR, "chair", "Panel chair"),
    (Role.ICB_LEAD, "lead", "ICB executive lead"),
    (Role.IG_REVIEWER, "ig", "Information governance reviewer"),
]
# Ethnic categories weighted roughly as LeDeR notifications are (most White British).
ETHNICITY_WEIGHTS = {
    "A": 80,
    "B": 2,
    "C": 3,
    "H": 3,
    "J": 3,
    "K": 1,
    "M": 2,
    "N": 2,
    "D": 1,
    "S": 1,
    "Z": 2,
}


def demo_email(label: str, icb_label: str | None = None) -> str:
    return f"{label}.{icb_label}@{DEMO_DOMAIN}" if icb_label else f"{label}@{DEMO_DOMAIN}"


def demo_totp_key(email: str) -> str:
    """A stable TOTP key per demo user, so `totp_code` and authenticator apps agree across runs."""
    return hashlib.sha256(f"leder-demo:{email}".encode()).hexdigest()[:40]


class Command(BaseCommand):
    help = (
        "Load demo organisations, users (one per role in two ICBs), synthetic notifications "
        "and casework on them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--notifications", type=int, default=30, help="per demo ICB")
        parser.add_argument(
            "--history-scale",
            type=float,
            default=HISTORY_SCALE,
            help="national history 2018–2025 as a fraction of the national volume (0 for none)",
        )

    def handle(self, *args, notifications_per_icb: int = 30, **options):
        if not accounts.demo_mode_enabled():
            raise CommandError("demo_load runs only with DEBUG or LEDER_DEMO_MODE on.")
        if User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").exists():
            self.stdout.write("Demo data is already loaded.")
            return
        count = options.get("notifications") or notifications_per_icb
        started = clock.monotonic()
        # Providers first: a split ICB's practices are placed by the restructure.
        call_command("providers_load", str(PROVIDERS_CSV), stdout=self.stdout)
        self._apply_due_restructures()
        # One transaction: a load that fails half-way leaves nothing, so it can be run again.
        with transaction.atomic():
            users = self._users()
            for area in self._areas(users):
                demo_contact_details.icb_contact_details(
                    icb=area.icb, label=area.label, lac=area.lac
                )
            made = self._notifications(count, users)
            states = casework.load(areas=self._areas(users), rng=random.Random(SEED))
            demo_governance.feedback_surveys(users[demo_email("admin")], random.Random(SEED))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded in {clock.monotonic() - started:.1f} s: {len(users)} users, "
                f"{made} notifications."
            )
        )
        for ods_code, counts in states.items():
            summary = ", ".join(f"{state} {n}" for state, n in sorted(counts.items()))
            self.stdout.write(f"  {ods_code}: {summary}")
        # The national history 2018–2025, in its own transaction (see `leder.demo.history`).
        history_scale = options.get("history_scale", HISTORY_SCALE)
        if history_scale:
            call_command("demo_history", "--scale", str(history_scale), stdout=self.stdout)

    def _areas(self, users: dict[str, User]) -> list[casework.DemoIcb]:
        return [
            casework.DemoIcb(
                icb=Organisation.objects.get(ods_code=ods_code),
                label=label,
                lac=users[demo_email("lac", label)],
                reviewer=users[demo_email("reviewer", label)],
                senior=users[demo_email("senior", label)],
                panel=users[demo_email("panel", label)],
                chair=users[demo_email("chair", label)],
                lead=users[demo_email("lead", label)],
            )
            for ods_code, label, _ in DEMO_ICBS
        ]

    def _apply_due_restructures(self) -> None:
        """The NHS reorganised on 1 April 2026; a new installation applies what is already due."""
        from leder.organisations.models import Succession

        due = (
            Succession.objects.filter(
                applied_at__isnull=True, effective_on__lte=timezone.localdate()
            )
            .values_list("effective_on", flat=True)
            .distinct()
        )
        for effective_on in sorted(set(due)):
            args = ["--date", effective_on.isoformat()]
            placements = PLACEMENTS_CSV.with_name(f"demo_placements_{effective_on.year}.csv")
            if placements.exists():
                args += ["--placements", str(placements)]
            call_command("restructure_apply", *args, stdout=self.stdout)

    def _user(self, *, email: str, name: str, title: str) -> User:
        user = accounts.user_create(
            actor="system:demo",
            email=email,
            full_name=name,
            password=DEMO_PASSWORD,
            job_title=title,
        )
        accounts.user_enrol_totp_for_demo(user=user, key_hex=demo_totp_key(email))
        return user

    def _users(self) -> dict[str, User]:
        rng = random.Random(SEED)
        users: dict[str, User] = {}
        for ods_code, label, _ in DEMO_ICBS:
            icb = Organisation.objects.get(ods_code=ods_code)
            for role, role_label, title in ICB_ROLE_NAMES:
                gender = rng.choice(["female", "male"])
                name = synthetic.synthetic_name(rng, gender)
                email = demo_email(role_label, label)
                user = self._user(email=email, name=name, title=f"{title}, {icb.display_name}")
                accounts.membership_grant(
                    actor="system:demo", user=user, role=role, organisation=icb
                )
                users[email] = user
        midlands = Organisation.objects.get(kind=OrganisationKind.REGION, ods_code="Y60")
        england = Organisation.objects.get(kind=OrganisationKind.NATIONAL)
        # Granting the administrator role also gives admin access (audited by the service).
        for role, label, name, org in [
            (Role.REGIONAL_COORDINATOR, "regional.midlands", "Rowan Regional", midlands),
            (Role.NATIONAL_ANALYST, "analyst", "Nadia Analyst", england),
            (Role.ADMINISTRATOR, "admin", "Alex Administrator", england),
        ]:
            email = demo_email(label)
            user = self._user(email=email, name=name, title=Role(role).label)
            accounts.membership_grant(actor="system:demo", user=user, role=role, organisation=org)
            users[email] = user
        return users

    def _notifications(self, per_icb: int, users: dict[str, User]) -> int:
        rng = random.Random(SEED)
        categories = {c.code: c for c in EthnicCategory.objects.all()}
        codes = [c for c in ETHNICITY_WEIGHTS if c in categories]
        weights = [ETHNICITY_WEIGHTS[c] for c in codes]
        today = timezone.localdate()
        made = 0
        for ods_code, label, postcode_area in DEMO_ICBS:
            icb = Organisation.objects.get(ods_code=ods_code)
            practices = list(
                Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE, icb=icb)
            )
            lac = users[demo_email("lac", label)]
            people = []
            for _ in range(per_icb):
                sex = rng.choice([Sex.MALE, Sex.MALE, Sex.MALE, Sex.FEMALE, Sex.FEMALE])
                given = rng.choice(synthetic.GIVEN_NAMES["male" if sex == Sex.MALE else "female"])
                family = rng.choice(synthetic.FAMILY_NAMES)
                died = synthetic.random_date(
                    rng, today - timedelta(days=540), today - timedelta(days=3)
                )
                age = max(2, min(95, int(rng.gauss(61, 16))))
                born = synthetic.random_date(
                    rng,
                    died - timedelta(days=365 * (age + 1) - 1),
                    died - timedelta(days=365 * age),
                )
                received = datetime.combine(
                    died + timedelta(days=rng.randrange(1, 21)),
                    time(rng.randrange(8, 19), rng.randrange(60)),
                )
                received = min(timezone.make_aware(received), timezone.now() - timedelta(hours=1))
                address, postcode = synthetic.synthetic_address(rng, postcode_area)
                practice = rng.choice(practices) if practices and rng.random() < 0.8 else None
                ld = rng.choices([Answer.YES, Answer.NOT_SURE, Answer.NO], [88, 6, 6])[0]
                autistic = rng.choices([Answer.YES, Answer.NO, Answer.NOT_SURE], [25, 65, 10])[0]
                place = rng.choices(
                    [
                        PlaceOfDeath.HOSPITAL,
                        PlaceOfDeath.HOME,
                        PlaceOfDeath.CARE_HOME,
                        PlaceOfDeath.HOSPICE,
                    ],
                    [60, 15, 20, 5],
                )[0]
                person = notifications.PersonInput(
                    given_name=given,
                    family_name=family,
                    date_of_birth=born,
                    date_of_death=died,
                    icb_id=icb.pk,
                    has_learning_disability=ld,
                    is_autistic=autistic,
                    place_of_death=place,
                    covid=rng.choices(
                        [CovidStatus.NO, CovidStatus.CONFIRMED, CovidStatus.NOT_KNOWN], [85, 5, 10]
                    )[0],
                    has_care_concerns=rng.choices([Answer.NO, Answer.YES], [75, 25])[0],
                    nhs_number=synthetic.synthetic_nhs_number(rng) if rng.random() < 0.7 else "",
                    sex=sex,
                    ethnic_category_id=rng.choices(codes, weights)[0] if codes else None,
                    address=address,
                    postcode=postcode,
                    gp_practice_id=practice.pk if practice else None,
                    circumstances=CIRCUMSTANCES,
                )
                if person.has_care_concerns == Answer.YES:
                    person.care_concerns = CONCERNS
                phoned = rng.random() < 0.2
                relationship = rng.choice(list(Relationship))
                notifier = notifications.NotifierInput(
                    relationship=relationship,
                    name=synthetic.synthetic_name(rng, "female"),
                    email=f"notifier{made + 1}@example.invalid" if rng.random() < 0.7 else "",
                    phone="" if rng.random() < 0.5 else f"0113 496 0{rng.randrange(100, 999)}",
                    organisation_name=""
                    if relationship in (Relationship.FAMILY, Relationship.FRIEND)
                    else "Synthetic Health Trust",
                )
                notifications.notification_submit(
                    person=person,
                    notifier=notifier,
                    channel=Channel.TELEPHONE if phoned else Channel.ONLINE,
                    recorded_by=lac if phoned else None,
                    submission_key=uuid.UUID(int=rng.getrandbits(128)),
                    received_at=received,
                )
                people.append((person, received))
                made += 1
            made += self._duplicates(rng, people[:3], postcode_area, practices)
        return made

    def _duplicates(self, rng, people, postcode_area, practices) -> int:
        """A second notifier for some deaths, with the mistakes real duplicates carry: a hospital
        after a family member, a name typed differently, day and month swapped. The second is
        a namesake instead: a different person of the same name, born a year apart, who died a
        day apart at another address, whom the duplicate check flags and the local area contact
        dismisses (see `leder.demo.casework`)."""
        made = 0
        for index, (person, received) in enumerate(people):
            second = notifications.PersonInput(**vars(person))
            notifier = notifications.NotifierInput(
                relationship=Relationship.HOSPITAL,
                name="Ward manager",
                organisation_name="Synthetic General Hospital",
                email="ward.manager@example.invalid",
            )
            if index == NAMESAKE:
                second.date_of_birth = _year_typo(person.date_of_birth)
                second.date_of_death = _day_typo(person.date_of_death)
                second.address, second.postcode = synthetic.synthetic_address(rng, postcode_area)
                others = [p for p in practices if p.pk != person.gp_practice_id]
                second.gp_practice_id = rng.choice(others).pk if others else None
                notifier = notifications.NotifierInput(
                    relationship=Relationship.CARE_PROVIDER,
                    name="Registered manager",
                    organisation_name="Synthetic Supported Living",
                    email="manager@example.invalid",
                )
            else:
                second.given_name = (
                    person.given_name[:-1] if len(person.given_name) > 4 else person.given_name
                )
                if person.date_of_birth.day <= 12:
                    second.date_of_birth = date(
                        person.date_of_birth.year,
                        person.date_of_birth.day,
                        person.date_of_birth.month,
                    )
            second.nhs_number = ""
            notifications.notification_submit(
                person=second,
                notifier=notifier,
                channel=Channel.ONLINE,
                submission_key=uuid.UUID(int=rng.getrandbits(128)),
                received_at=received + timedelta(days=2),
            )
            made += 1
        return made


# Which of the three second notifications is a namesake rather than the same death.
NAMESAKE = 1


def _year_typo(day: date) -> date:
    """The same day and month in a year one keystroke away (1961 → 1962, 1969 → 1968); 29
    February becomes the 28th of the same year, a day one keystroke away."""
    if day.month == 2 and day.day == 29:
        return day.replace(day=28)
    return day.replace(year=day.year + 1 if day.year % 10 != 9 else day.year - 1)


def _day_typo(day: date) -> date:
    """A day of the same month one keystroke away (12 → 13, 19 → 18, 30 → 20), so that the
    duplicate check still flags it. Demo deaths are at least three days ago, so a day later is
    still in the past."""
    for other in (day.day + 1, day.day - 1, day.day - 10):
        if other < 1 or DamerauLevenshtein.distance(f"{day.day:02d}", f"{other:02d}") != 1:
            continue
        try:
            return day.replace(day=other)
        except ValueError:  # 31 in a 30-day month
            continue
    return day
