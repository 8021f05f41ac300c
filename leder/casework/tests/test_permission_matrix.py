"""The permission matrix of issue 3: every casework URL (and the notifications app's staff
pages) × every role × their own ICB, another ICB, and no login (or a password without the second
factor).

"Nothing of another ICB's cases is visible or changeable, including through search, export,
counts and error messages." How each part of that is checked:

- Every URL: the URL configuration is walked (`urls_to_cover`); a casework or staff notification
  URL missing from `ROUTES` fails `test_every_staff_url_is_in_the_matrix`, so a page added later
  is covered or the suite fails.
- Every role: `OUTSIDERS` (no login, ICB B's LAC without the second factor, each ICB role in
  ICB A, A's regional coordinator, the national analyst, the administrator) and `INSIDERS` (each
  role in ICB B, B's regional coordinator, and `DUAL`, the LAC of A who is also a senior reviewer
  in B) each request every route, one test per actor.
- Visible: each person, reference and register entry is a `Secret` with the actors who may see
  it. Every response (page, error page, redirect, CSV, XLSX cells, the flash messages it queued,
  and the audit rows it wrote) is searched for every secret the actor may not see; text the
  actor typed (a search) may be echoed, the person's other identifiers may not.
- Changeable: every URL is also POSTed with plausible form data (a triage decision, a hold
  reason, an allocation…), and ICB B's data is compared before and after (`snapshot`). Each
  request runs in a savepoint that is rolled back, so one request cannot hide another's effect.
- Error messages: for someone who may not see another ICB's object, the response for B's real
  case, notification, reviewer or flag must be the same (status, page, redirect) as for one
  that does not exist: a 404 that says nothing, or the 403 of a role that may not use the page.
- Search, export: the list pages are also requested with B's name, NHS number (both ways it is
  written), reference, ICB, region and reviewer in the query string.
- Counts (`check_counts`): for everyone in ICB A, every list, queue, dashboard and export is
  requested again after B gets more cases in every state, reviewers and a population: it must
  be identical, to the byte.
- Not vacuous: each role in ICB B gets the status its role allows (200 where it may) and sees
  what it may see where it should (`Variant.shows`, `Check.check_subjects`); the POSTs of those
  entitled do change data (`test_the_form_data_is_plausible_entitled_posts_change_data`); B's
  own counts do move (`test_counts_of_the_icb_reach_its_own_lac`).
- The one deliberate crossing (a possible duplicate notified in another ICB) is pinned down by
  `test_a_duplicate_notified_in_another_icb_shows_only_the_earlier_notification`.

The world is built once per module (in a transaction rolled back at the end), because no test
changes it: every request is made in a savepoint that is rolled back.
"""

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import unquote, unquote_plus, urlencode

import openpyxl
import pytest
from django.db import transaction
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import (
    MembershipFactory,
    sign_in_password_only,
    sign_in_verified,
    totp_device,
    user_with_role,
)
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import region as make_region
from leder.casework.models import (
    Allocation,
    Case,
    CaseEvent,
    CaseHold,
    CaseState,
    ChildDeathReview,
    ConflictKind,
    Reminder,
    Reviewer,
    ReviewerConflict,
    ReviewerTraining,
    Transfer,
)
from leder.casework.services.allocation import case_allocate
from leder.casework.services.register import reviewer_conflict_declare
from leder.casework.services.triage import case_triage
from leder.casework.tests.dashboard_factories import person as distinct_person
from leder.casework.tests.factories import CaseMaker, make_reviewer
from leder.core.models import AuditEvent
from leder.core.time import today
from leder.notifications.models import (
    DuplicateFlag,
    EligibilityDecision,
    EligibilityOutcome,
    Notification,
    NotificationSource,
)
from leder.notifications.tests.factories import nhs_number, notifier, notify
from leder.notifications.tests.test_telephone import call as telephone_call
from leder.organisations.tests.factories import GpPracticeFactory

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
PASSWORD_ONLY = "password_only"  # ICB B's own LAC, signed in without the second factor
ICB_ROLES = (
    Role.LAC,
    Role.REVIEWER,
    Role.SENIOR_REVIEWER,
    Role.PANEL_MEMBER,
    Role.PANEL_CHAIR,
    Role.ICB_LEAD,
)
RC = Role.REGIONAL_COORDINATOR


def _key(side: str, role: str) -> str:
    return f"{side}:{role}"


# Everyone who may see nothing of ICB B: no login, no second factor, every role at ICB A, the
# coordinator of A's region, the national analyst (counts only) and the administrator.
OUTSIDERS = (
    ANONYMOUS,
    PASSWORD_ONLY,
    *(_key("a", role) for role in ICB_ROLES),
    _key("a", RC),
    Role.NATIONAL_ANALYST.value,
    Role.ADMINISTRATOR.value,
)
# Someone who is the LAC of ICB A and a senior reviewer in ICB B: they may read B's cases but
# not act as B's LAC (triage, allocate, hold, export, the register) by way of their A role.
DUAL = f"{_key('a', Role.LAC)}+{_key('b', Role.SENIOR_REVIEWER)}"
# Everyone of ICB B (and its region's coordinator), and DUAL: each sees what their roles allow.
INSIDERS = (*(_key("b", role) for role in ICB_ROLES), _key("b", RC), DUAL)
VERIFIED_OUTSIDERS = tuple(a for a in OUTSIDERS if a not in (ANONYMOUS, PASSWORD_ONLY))

B_LAC = _key("b", Role.LAC)
B_SENIOR = _key("b", Role.SENIOR_REVIEWER)
B_REVIEWER = _key("b", Role.REVIEWER)
B_PANEL = (_key("b", Role.PANEL_MEMBER), _key("b", Role.PANEL_CHAIR))
B_RC = _key("b", RC)
A_LAC = _key("a", Role.LAC)
A_SENIOR = _key("a", Role.SENIOR_REVIEWER)
A_REVIEWER = _key("a", Role.REVIEWER)

NOT_A_REFERENCE = "LDR-2099-999999"
NOT_AN_ID = 999_999_999


def parts(actor: str) -> list[str]:
    """The actor keys whose roles one person holds ("a:lac+b:senior_reviewer": two)."""
    return actor.split("+")


def roles_of(actor: str) -> set[str]:
    if actor in (ANONYMOUS, PASSWORD_ONLY):
        return set()
    return {part.split(":")[-1] for part in parts(actor)}


def among(actor: str, keys, *, as_lac_only: bool = False) -> bool:
    """Whether one of the actor's roles is among `keys` (only their LAC roles if
    `as_lac_only`: pages of a LAC's data, like the triage queue and the export)."""
    return any(
        part in keys and (not as_lac_only or part.endswith(f":{Role.LAC}")) for part in parts(actor)
    )


# -- The world ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Secret:
    """Text that identifies someone, and the actors who may see it."""

    texts: tuple[str, ...]
    viewers: frozenset[str]


def nhs_texts(digits: str) -> tuple[str, ...]:
    """An NHS number the ways a page, a CSV or a spreadsheet may write it."""
    spaced = f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return (digits, spaced, spaced.replace(" ", "-"), spaced.replace(" ", "&nbsp;"))


class World:
    """Two ICBs in two regions, everyone in every role, and in ICB B: notifications, cases in
    several states, a duplicate flag and a reviewer register, all with distinctive names."""

    secrets: dict[str, Secret]
    users: dict[str, object]
    # (model label, pk) -> the secret a view of that object would reveal (for the audit check).
    objects: dict[tuple[str, str], str]
    # (URL keyword, value) -> the secret of the object it names.
    subject_of: dict[tuple[str, object], str]


def _person_secrets(world, key, notification, *, viewers, reference_viewers=None):
    world.secrets[key] = Secret(
        (notification.given_name, notification.family_name, *nhs_texts(notification.nhs_number)),
        frozenset(viewers),
    )
    world.secrets[f"{key}:ref"] = Secret(
        (notification.reference,), frozenset(reference_viewers or viewers)
    )
    world.objects[("notifications.Notification", str(notification.pk))] = key
    world.subject_of[("reference", notification.reference)] = key
    case = Case.objects.filter(notification=notification).first()
    if case is not None:
        world.objects[("casework.Case", str(case.pk))] = key


def build_world() -> World:
    w = World()
    w.secrets, w.users, w.objects, w.subject_of = {}, {}, {}, {}
    w.region_a = make_region(name="Test Region Alpha")
    w.region_b = make_region(name="Test Region Beta")
    w.icb_a = make_icb(name="NHS Alder ICB", short_name="Alder ICB", region=w.region_a)
    w.icb_b = make_icb(name="NHS Birch ICB", short_name="Birch ICB", region=w.region_b)
    names = {_key("b", Role.REVIEWER): "Hieronymus Blatherwick"}
    names[_key("a", Role.REVIEWER)] = "Amadeus Gumbleton"
    for side, icb in (("a", w.icb_a), ("b", w.icb_b)):
        for role in ICB_ROLES:
            key = _key(side, role)
            extra = {"full_name": names[key]} if key in names else {}
            w.users[key] = user_with_role(role, icb, **extra)
    w.users[_key("a", RC)] = user_with_role(RC, w.region_a)
    w.users[_key("b", RC)] = user_with_role(RC, w.region_b)
    w.users[Role.NATIONAL_ANALYST.value] = user_with_role(Role.NATIONAL_ANALYST)
    w.users[Role.ADMINISTRATOR.value] = user_with_role(Role.ADMINISTRATOR)
    w.users[PASSWORD_ONLY] = w.users[B_LAC]
    w.users[DUAL] = user_with_role(Role.LAC, w.icb_a)
    MembershipFactory(user=w.users[DUAL], role=Role.SENIOR_REVIEWER, organisation=w.icb_b)
    for user in set(w.users.values()):
        totp_device(user)

    # ICB A: a little of everything, so that A's own pages have rows (and B must not see them).
    a_lac = w.users[A_LAC]
    a_cases = CaseMaker(icb=w.icb_a, lac=a_lac)
    w.a_reviewer = make_reviewer(w.icb_a, user=w.users[A_REVIEWER])
    w.a_awaiting = a_cases.make(
        given_name="Persephone",
        family_name="Oakhurst",
        date_of_birth=date(1958, 6, 14),
        nhs_number=nhs_number(),
    )
    a_allocated = a_cases.make(
        given_name="Ignatius",
        family_name="Wetherby",
        date_of_birth=date(1972, 11, 2),
        nhs_number=nhs_number(),
    )
    case_allocate(actor=a_lac, case=a_allocated, reviewer=w.a_reviewer)
    w.a_untriaged = a_cases.notification(
        given_name="Tarquin",
        family_name="Heathcote",
        date_of_birth=date(1949, 3, 21),
        nhs_number=nhs_number(),
    )
    a_whole = {A_LAC, A_SENIOR}
    _person_secrets(w, "a_awaiting", w.a_awaiting.notification, viewers=a_whole)
    _person_secrets(w, "a_allocated", a_allocated.notification, viewers=a_whole | {A_REVIEWER})
    _person_secrets(w, "a_untriaged", w.a_untriaged, viewers={A_LAC})
    w.secrets["a_reviewer"] = Secret(("Gumbleton",), frozenset(a_whole | {A_REVIEWER}))

    # ICB B's register: R1 (the B reviewer actor) declared knowing a person; R2 is free; one
    # more person holds the reviewer role but is not on the register yet.
    b_lac = w.users[B_LAC]
    w.provider = GpPracticeFactory(icb=w.icb_b, name="Quarrybank Surgery")
    w.r1 = make_reviewer(w.icb_b, user=w.users[B_REVIEWER], capacity=4)
    w.conflict_nhs = nhs_number()
    reviewer_conflict_declare(
        actor=b_lac,
        reviewer=w.r1,
        kind=ConflictKind.PERSON,
        person_name="Aurelia Fothergill",
        person_nhs_number=w.conflict_nhs,
    )
    w.r2 = make_reviewer(
        w.icb_b, user=user_with_role(Role.REVIEWER, w.icb_b, full_name="Eustacia Trelawney")
    )
    w.candidate = user_with_role(Role.REVIEWER, w.icb_b, full_name="Leopold Candlewick")
    b_whole = {B_LAC, B_SENIOR}
    w.secrets["r1"] = Secret(("Blatherwick",), frozenset(b_whole | {B_REVIEWER, *B_PANEL}))
    w.secrets["r1_conflict"] = Secret(
        ("Aurelia", "Fothergill", *nhs_texts(w.conflict_nhs)), frozenset(b_whole)
    )
    w.secrets["r2"] = Secret(("Trelawney",), frozenset(b_whole))
    w.secrets["candidate"] = Secret(("Candlewick",), frozenset({B_LAC}))
    w.objects[("casework.Reviewer", str(w.r1.pk))] = "r1"
    w.objects[("casework.Reviewer", str(w.r2.pk))] = "r2"
    w.subject_of[("pk", w.r1.pk)] = "r1"
    w.subject_of[("reviewer_id", w.r2.pk)] = "r2"

    # ICB B's cases.
    b_cases = CaseMaker(icb=w.icb_b, lac=b_lac)
    w.zeb = b_cases.make(
        CaseState.AWAITING_ALLOCATION,
        given_name="Zebedee",
        family_name="Quillfeather",
        date_of_birth=date(1961, 4, 5),
        nhs_number=nhs_number(),
    )
    w.otto = b_cases.make(
        given_name="Ottoline",
        family_name="Marchbanks",
        date_of_birth=date(1980, 8, 17),
        nhs_number=nhs_number(),
    )
    case_allocate(actor=b_lac, case=w.otto, reviewer=w.r1)
    w.pere = b_cases.make(
        CaseState.ON_HOLD,
        given_name="Peregrine",
        family_name="Ashdown",
        date_of_birth=date(1944, 1, 29),
        nhs_number=nhs_number(),
    )
    w.corn = b_cases.make(
        CaseState.PANEL,
        reviewer=w.r1,
        given_name="Cornelius",
        family_name="Pendleberry",
        date_of_birth=date(1990, 12, 8),
        nhs_number=nhs_number(),
    )
    w.dru = b_cases.make(
        CaseState.AWAITING_ALLOCATION,
        given_name="Drusilla",
        family_name="Wigglesworth",
        date_of_birth=date(1953, 7, 23),
        nhs_number=nhs_number(),
    )
    Case.objects.filter(pk=w.dru.pk).update(due_on=today() - timedelta(days=150))
    w.mort = b_cases.make(
        CaseState.NOT_ELIGIBLE,
        given_name="Mortimer",
        family_name="Grimsditch",
        date_of_birth=date(1938, 10, 11),
        nhs_number=nhs_number(),
    )
    # A child's death routed to the child death review (issue 15): its panel's conclusion.
    w.kit = b_cases.make(
        CaseState.CHILD_DEATH_REVIEW,
        given_name="Kittiwake",
        family_name="Thistlewaite",
        date_of_birth=date(2014, 5, 6),
        date_of_death=date(2025, 6, 1),
        nhs_number=nhs_number(),
    )
    # A case in initial review with R1: its reviewer corrects what the review establishes.
    w.ivy = b_cases.make(
        CaseState.INITIAL_REVIEW,
        reviewer=w.r1,
        given_name="Ivanhoe",
        family_name="Cheesewright",
        date_of_birth=date(1959, 9, 9),
        nhs_number=nhs_number(),
    )
    w.barn = b_cases.notification(
        given_name="Barnaby",
        family_name="Fitzgibbon",
        date_of_birth=date(1967, 2, 3),
        nhs_number=nhs_number(),
    )
    # The same person notified again: a duplicate flag on the later notification.
    zeb_n = w.zeb.notification
    w.dup = notify(
        w.icb_b,
        given_name=zeb_n.given_name,
        family_name=zeb_n.family_name,
        date_of_birth=zeb_n.date_of_birth,
        nhs_number=zeb_n.nhs_number,
    ).notification
    w.flag = DuplicateFlag.objects.get(notification=w.dup, candidate=zeb_n)
    for case in (w.zeb, w.otto, w.pere, w.corn, w.dru, w.mort, w.kit, w.ivy):
        case.refresh_from_db()
    _person_secrets(w, "zeb", zeb_n, viewers=b_whole)
    _person_secrets(w, "otto", w.otto.notification, viewers=b_whole | {B_REVIEWER})
    _person_secrets(w, "pere", w.pere.notification, viewers=b_whole)
    _person_secrets(w, "corn", w.corn.notification, viewers=b_whole | {B_REVIEWER, *B_PANEL})
    _person_secrets(
        w, "dru", w.dru.notification, viewers=b_whole, reference_viewers=b_whole | {B_RC}
    )
    _person_secrets(w, "mort", w.mort.notification, viewers=b_whole)
    _person_secrets(w, "kit", w.kit.notification, viewers=b_whole)
    _person_secrets(w, "ivy", w.ivy.notification, viewers=b_whole | {B_REVIEWER})
    _person_secrets(w, "barn", w.barn, viewers={B_LAC})
    # The duplicate is Zebedee again: same name and number, its own reference.
    w.secrets["dup:ref"] = Secret((w.dup.reference,), frozenset({B_LAC}))
    w.objects[("notifications.Notification", str(w.dup.pk))] = "dup:ref"
    w.objects[("notifications.DuplicateFlag", str(w.flag.pk))] = "dup:ref"
    w.subject_of[("reference", w.dup.reference)] = "dup:ref"

    for name, secret in w.secrets.items():
        for text in secret.texts:
            assert len(text) >= 6, (name, text)  # long enough never to match by chance
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back afterwards. Tests
    only read it (each request runs in a savepoint that is rolled back)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


# -- The routes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """One way to request a route."""

    kwargs: dict = field(default_factory=dict)
    # The same URL naming objects that do not exist (None: the URL names no object).
    fake: dict | None = None
    # Actors who may open it (a 200 on GET). For a list page, see `Route.roles` instead.
    viewers: frozenset = frozenset()
    query: str = ""
    # actor -> secrets that actor must find on the page (the positive control).
    shows: dict = field(default_factory=dict)
    # POSTing this variant is how its writers change data (see `Route.writers`).
    writable: bool = True
    label: str = ""

    @property
    def names_object(self) -> bool:
        return self.fake is not None


@dataclass(frozen=True)
class Route:
    variants: Callable[[World], list[Variant]]
    # The roles that may use the page at all (on their own ICB's objects). For a list page,
    # these get a 200, the others a 403 (or the redirect in `redirects`).
    roles: frozenset
    # Plausible form data for a POST.
    post: Callable[[World], dict] = lambda w: {}
    # Actors whose POST of a writable variant changes data (checked to do so).
    writers: frozenset = frozenset()
    redirects: dict = field(default_factory=dict)

    @property
    def lac_data(self) -> bool:
        """A LAC-only page (the triage queue, the inbox, the export, allocation, the register's
        changes) shows what only a LAC of the ICB may see: another role of the same person in
        that ICB does not make it visible there."""
        return self.roles == LAC


LIST_ROLES = frozenset(
    {Role.LAC, Role.SENIOR_REVIEWER, Role.REVIEWER, Role.PANEL_MEMBER, Role.PANEL_CHAIR}
)
WHOLE_ICB = frozenset({B_LAC, B_SENIOR})
ONLY_B_LAC = frozenset({B_LAC})
B_CASE_KEYS = ("zeb", "otto", "pere", "corn", "dru", "mort", "kit")


def by_ref(case_or_notification) -> dict:
    notification = getattr(case_or_notification, "notification", case_or_notification)
    return {"reference": notification.reference}


def one(kwargs, *, viewers=frozenset(), label="", writable=True, **fake_changes) -> list[Variant]:
    """A variant naming B's object; `fake` replaces every value by one that does not exist."""
    fake = {k: (NOT_A_REFERENCE if isinstance(v, str) else NOT_AN_ID) for k, v in kwargs.items()}
    fake.update(fake_changes)
    return [Variant(kwargs, fake, frozenset(viewers), label=label, writable=writable)]


def queries(w, *params: str) -> list[Variant]:
    """List-page variants with ICB B's identifiers in the query string. Those of B who may see
    the person searched for must find them (so the search is known to work)."""
    zeb = w.zeb.notification
    spaced = f"{zeb.nhs_number[:3]} {zeb.nhs_number[3:6]} {zeb.nhs_number[6:]}"
    known = {
        "name": ({"q": "Quillfeather"}, {"zeb"}),
        "full_name": ({"q": "Zebedee Quillfeather"}, {"zeb"}),
        "nhs": ({"q": zeb.nhs_number}, {"zeb"}),
        "nhs_spaced": ({"q": spaced}, {"zeb"}),
        "reference": ({"q": zeb.reference}, {"zeb"}),
        "reference_prefix": ({"q": zeb.reference[:-2]}, {"zeb"}),
        "icb": ({"icb": w.icb_b.pk}, set()),
        "icb_all": ({"icb": w.icb_b.pk, "show": "all"}, set()),
        "reviewer": ({"reviewer": w.r1.pk}, {"otto"}),
        "region": ({"region": w.region_b.pk}, set()),
    }
    out = []
    for param in params:
        query, found = known[param]
        visible = {
            actor: found
            for actor in INSIDERS
            if found and all(actor in w.secrets[k].viewers for k in found)
        }
        out.append(Variant(query=urlencode(query), label=param, shows=visible))
    return out


def plain(**shows) -> Variant:
    return Variant(shows={actor.replace("__", ":"): set(keys) for actor, keys in shows.items()})


def _case_list_variants(w) -> list[Variant]:
    everything = set(B_CASE_KEYS)
    shows = {
        B_LAC: everything,
        B_SENIOR: everything,
        B_REVIEWER: {"otto", "corn"},
        B_PANEL[0]: {"corn"},
        B_PANEL[1]: {"corn"},
    }
    search = ("name", "full_name", "nhs", "nhs_spaced", "reference", "reference_prefix")
    return [Variant(shows=shows), *queries(w, *search, "icb", "reviewer")]


def _export_variants(w) -> list[Variant]:
    search = ("name", "nhs", "nhs_spaced", "reference", "icb", "reviewer")
    return [Variant(shows={B_LAC: set(B_CASE_KEYS)}), *queries(w, *search)]


def _decision(w) -> dict:
    return {"decision": "eligible", "reason": ""}


def _reviewer_details(w) -> dict:
    return {
        "profession": "ld_nurse",
        "employer": "",
        "employer_name": "Elsewhere Community Services",
        "capacity": "5",
        "recruitment_status": "trained",
        "is_active": "yes",
    }


def _eligibility(w) -> dict:
    outcome = (
        EligibilityOutcome.TO_CONFIRM
        if w.barn.eligibility_outcome != EligibilityOutcome.TO_CONFIRM
        else EligibilityOutcome.NOT_ELIGIBLE
    )
    return {"outcome": outcome, "reason": "Checked with the GP"}


def _correction(case, *, reviewer: bool = False):
    """A plausible correction of the person's ethnic group (the LAC's form has every detail;
    the reviewer's, what the review establishes)."""

    def data(w) -> dict:
        n = case(w).notification
        born = {
            "date_of_birth_day": str(n.date_of_birth.day),
            "date_of_birth_month": str(n.date_of_birth.month),
            "date_of_birth_year": str(n.date_of_birth.year),
        }
        given = {
            **born,
            "sex": n.sex,
            "ethnic_category": "N" if n.ethnic_category_id != "N" else "A",
            "has_learning_disability": n.has_learning_disability,
            "is_autistic": n.is_autistic,
            "gp_practice": "",
            "reason": "The GP record gives another ethnic group",
        }
        if reviewer:
            return given
        return {
            **given,
            "given_name": n.given_name,
            "family_name": n.family_name,
            "date_of_death_day": str(n.date_of_death.day),
            "date_of_death_month": str(n.date_of_death.month),
            "date_of_death_year": str(n.date_of_death.year),
            "nhs_number": n.nhs_number,
            "address": n.address,
            "postcode": n.postcode,
        }

    return data


LAC = frozenset({Role.LAC})
REVIEWING = frozenset({Role.REVIEWER, Role.SENIOR_REVIEWER})
ROUTES: dict[str, Route] = {
    # Triage
    "casework:triage_queue": Route(
        lambda w: [plain(b__lac={"barn", "dup:ref"}), *queries(w, "icb")], LAC
    ),
    "casework:triage": Route(
        lambda w: [
            *one(by_ref(w.barn), viewers=ONLY_B_LAC, label="untriaged"),
            *one(by_ref(w.zeb), viewers=ONLY_B_LAC, label="triaged", writable=False),
        ],
        LAC,
        post=_decision,
        writers=ONLY_B_LAC,
    ),
    "casework:triage_opt_out": Route(
        lambda w: one(by_ref(w.barn), viewers=ONLY_B_LAC),
        LAC,
        post=lambda w: {"reason": "Checked with the opt-out service", "confirm": "on"},
        writers=ONLY_B_LAC,
    ),
    "casework:triage_reconsider": Route(
        lambda w: one(by_ref(w.mort), viewers=ONLY_B_LAC),
        LAC,
        post=lambda w: {"reason": "The GP confirmed a learning disability"},
        writers=ONLY_B_LAC,
    ),
    # The reviewer register
    "casework:register": Route(
        lambda w: [
            plain(b__lac={"r1", "r2"}, b__senior_reviewer={"r1", "r2"}),
            *queries(w, "icb", "icb_all"),
        ],
        frozenset({Role.LAC, Role.SENIOR_REVIEWER}),
    ),
    "casework:register_add": Route(
        lambda w: [plain(b__lac={"candidate"})],
        LAC,
        post=lambda w: {
            **_reviewer_details(w),
            "person": f"{w.icb_b.pk}:{w.candidate.pk}",
        },
        writers=ONLY_B_LAC,
    ),
    "casework:register_detail": Route(
        lambda w: one({"pk": w.r1.pk}, viewers=WHOLE_ICB),
        frozenset({Role.LAC, Role.SENIOR_REVIEWER}),
    ),
    "casework:register_edit": Route(
        lambda w: one({"pk": w.r1.pk}, viewers=ONLY_B_LAC),
        LAC,
        post=_reviewer_details,
        writers=ONLY_B_LAC,
    ),
    "casework:register_training_add": Route(
        lambda w: one({"pk": w.r1.pk}, viewers=ONLY_B_LAC),
        LAC,
        post=lambda w: {
            "course": "LeDeR reviewer training",
            "completed_on_day": "3",
            "completed_on_month": "3",
            "completed_on_year": "2026",
        },
        writers=ONLY_B_LAC,
    ),
    "casework:register_conflict_organisation": Route(
        lambda w: one({"pk": w.r1.pk}, viewers=ONLY_B_LAC),
        LAC,
        post=lambda w: {"organisation": w.provider.pk, "note": "Worked there"},
        writers=ONLY_B_LAC,
    ),
    "casework:register_conflict_person": Route(
        lambda w: one({"pk": w.r1.pk}, viewers=ONLY_B_LAC),
        LAC,
        post=lambda w: {"person_name": "Someone Theyknew", "note": "A neighbour"},
        writers=ONLY_B_LAC,
    ),
    # The case list and its exports
    "casework:case_list": Route(_case_list_variants, LIST_ROLES),
    "casework:case_list_export_csv": Route(_export_variants, LAC),
    "casework:case_list_export_xlsx": Route(_export_variants, LAC),
    # One case
    "casework:my_cases": Route(
        lambda w: [plain(b__reviewer={"otto", "corn"})],
        frozenset({Role.REVIEWER, Role.SENIOR_REVIEWER}),
    ),
    "casework:case": Route(
        lambda w: [
            *one(by_ref(w.zeb), viewers=WHOLE_ICB, label="awaiting allocation"),
            *one(by_ref(w.otto), viewers=WHOLE_ICB | {B_REVIEWER}, label="allocated"),
            *one(by_ref(w.pere), viewers=WHOLE_ICB, label="on hold"),
            *one(by_ref(w.corn), viewers=WHOLE_ICB | {B_REVIEWER, *B_PANEL}, label="panel"),
            *one(by_ref(w.dru), viewers=WHOLE_ICB, label="long overdue"),
            *one(by_ref(w.mort), viewers=WHOLE_ICB, label="not eligible"),
            *one(by_ref(w.kit), viewers=WHOLE_ICB, label="child death review"),
        ],
        LIST_ROLES,
    ),
    # Who notified and how to reach them: whoever may see the case, as on the case page.
    "casework:notified_by": Route(
        lambda w: [
            *one(by_ref(w.zeb), viewers=WHOLE_ICB, label="awaiting allocation"),
            *one(by_ref(w.otto), viewers=WHOLE_ICB | {B_REVIEWER}, label="allocated"),
            *one(by_ref(w.corn), viewers=WHOLE_ICB | {B_REVIEWER, *B_PANEL}, label="panel"),
        ],
        LIST_ROLES,
    ),
    "casework:allocate": Route(lambda w: one(by_ref(w.zeb), viewers=ONLY_B_LAC), LAC),
    "casework:allocate_confirm": Route(
        lambda w: [
            *one({**by_ref(w.zeb), "reviewer_id": w.r2.pk}, viewers=ONLY_B_LAC),
            # A's own case offered to B's reviewer: B's register is not reachable that way.
            *one(
                {**by_ref(w.a_awaiting), "reviewer_id": w.r2.pk},
                label="own case, other ICB's reviewer",
                reference=w.a_awaiting.notification.reference,
            ),
        ],
        LAC,
        writers=ONLY_B_LAC,
    ),
    "casework:accept": Route(
        lambda w: one(by_ref(w.otto), viewers={B_REVIEWER}),
        frozenset({Role.REVIEWER, Role.SENIOR_REVIEWER}),
        writers=frozenset({B_REVIEWER}),
    ),
    "casework:decline": Route(
        lambda w: one(by_ref(w.otto), viewers={B_REVIEWER}),
        frozenset({Role.REVIEWER, Role.SENIOR_REVIEWER}),
        post=lambda w: {"reason": "I knew the family"},
        writers=frozenset({B_REVIEWER}),
    ),
    "casework:hold": Route(
        lambda w: one(by_ref(w.zeb), viewers=ONLY_B_LAC),
        LAC,
        post=lambda w: {"kind": "coroner", "reason": "A coroner's inquest"},
        writers=ONLY_B_LAC,
    ),
    "casework:resume": Route(
        lambda w: one(by_ref(w.pere), viewers=ONLY_B_LAC),
        LAC,
        post=lambda w: {"reason": "The inquest has concluded", "outcome": "Natural causes"},
        writers=ONLY_B_LAC,
    ),
    "casework:case_organisation_add": Route(
        lambda w: one(by_ref(w.zeb), viewers=ONLY_B_LAC),
        LAC,
        post=lambda w: {"q": w.provider.name, "organisation": w.provider.pk},
        writers=ONLY_B_LAC,
    ),
    "casework:child_death_review": Route(
        lambda w: one(by_ref(w.kit), viewers=ONLY_B_LAC),
        LAC,
        post=lambda w: {
            "panel_reference": "CDOP-B-2025-7",
            "panel_area": "Test area",
            "concluded_on_day": "2",
            "concluded_on_month": "2",
            "concluded_on_year": "2026",
            "cause_text": "Epilepsy",
            "cause_code": "G40.9",
            "grade": "3",
        },
        writers=ONLY_B_LAC,
    ),
    # Dashboards
    "casework:dashboard": Route(
        lambda w: [plain(b__lac={"dru:ref"}, b__senior_reviewer={"dru:ref"}), *queries(w, "icb")],
        frozenset(
            {
                Role.LAC,
                Role.SENIOR_REVIEWER,
                Role.ICB_LEAD,
                Role.PANEL_MEMBER,
                Role.PANEL_CHAIR,
            }
        ),
        redirects={
            RC: "casework:dashboard_region",
            Role.NATIONAL_ANALYST: "casework:dashboard_national",
        },
    ),
    "casework:dashboard_region": Route(lambda w: [plain(), *queries(w, "region")], frozenset({RC})),
    "casework:dashboard_national": Route(lambda w: [plain()], frozenset({Role.NATIONAL_ANALYST})),
    "casework:escalations": Route(
        lambda w: [plain(b__regional_coordinator={"dru:ref"}), *queries(w, "region")],
        frozenset({RC}),
    ),
    # The notification inbox and telephone entry (staff pages of the notifications app)
    "notifications:inbox": Route(
        lambda w: [plain(b__lac={"barn"}), *queries(w, "icb", "icb_all")], LAC
    ),
    "notifications:inbox_detail": Route(lambda w: one(by_ref(w.barn), viewers=ONLY_B_LAC), LAC),
    "notifications:inbox_eligibility": Route(
        lambda w: one(by_ref(w.barn), viewers=ONLY_B_LAC),
        LAC,
        post=_eligibility,
        writers=ONLY_B_LAC,
    ),
    "notifications:inbox_duplicate": Route(
        lambda w: [
            *one({**by_ref(w.dup), "flag_id": w.flag.pk}, viewers=ONLY_B_LAC),
            # A's own notification with B's flag.
            *one(
                {**by_ref(w.a_untriaged), "flag_id": w.flag.pk},
                label="own notification, other ICB's flag",
                reference=w.a_untriaged.reference,
            ),
        ],
        LAC,
        post=lambda w: {"decision": "dismiss", "note": "Different people"},
        writers=ONLY_B_LAC,
    ),
    "notifications:telephone_entry": Route(
        lambda w: [plain()], LAC, post=lambda w: telephone_call(w.icb_b), writers=ONLY_B_LAC
    ),
    # Only ever shown to the LAC who recorded the call, from their session: 404 for anyone else.
    "notifications:telephone_done": Route(lambda w: one(by_ref(w.barn)), LAC),
    # Issue 15. The unassigned queue (no ICB, so nothing of B's): coordinators' and the national
    # team's. B's notification is never found there, whoever asks.
    "notifications:unassigned": Route(lambda w: [plain()], frozenset({RC})),
    "notifications:unassigned_place": Route(
        lambda w: one(by_ref(w.barn)),
        frozenset({RC}),
        post=lambda w: {"icb": w.icb_a.pk, "note": "moved"},
    ),
    # Transfers: B's LAC, or B's regional coordinator, asks to move B's notification; no
    # transfer exists to decide. The list finds a death by its reference (a coordinator's way
    # in): B's references are found only by those who may ask to move them, and the answer to
    # anyone else is the one for a reference that does not exist.
    "casework:transfers": Route(
        lambda w: [
            plain(),
            Variant(query=urlencode({"reference": w.barn.reference}), label="find"),
            Variant(query=urlencode({"reference": NOT_A_REFERENCE}), label="find nothing"),
        ],
        frozenset({Role.LAC, RC}),
    ),
    "casework:transfer_request": Route(
        lambda w: one(by_ref(w.barn), viewers=frozenset({B_LAC, B_RC})),
        frozenset({Role.LAC, RC}),
        post=lambda w: {"to_icb": w.icb_a.pk, "reason": "Lived in Alder"},
        writers=frozenset({B_LAC, B_RC}),
    ),
    "casework:transfer_decide": Route(
        lambda w: one({"pk": NOT_AN_ID}), frozenset({Role.LAC, RC}), post=lambda w: {}
    ),
    # Corrections to the person's details (issue 15 item 3): B's LAC from the notification;
    # the reviewer writing B's review from the review, for what it establishes. Whoever else
    # may see the case is refused (403); nobody else finds it (404, as for no case).
    "reviews:person_correct": Route(
        lambda w: one(by_ref(w.zeb), viewers=ONLY_B_LAC),
        LAC,
        post=_correction(lambda w: w.zeb),
        writers=ONLY_B_LAC,
    ),
    "reviews:review_person_correct": Route(
        lambda w: one(by_ref(w.ivy), viewers={B_REVIEWER}),
        REVIEWING,
        post=_correction(lambda w: w.ivy, reviewer=True),
        writers=frozenset({B_REVIEWER}),
    ),
}
# The routes of the reviews namespace in the matrix: the pages that change the person's details.
REVIEW_ROUTES = frozenset({"person_correct", "review_person_correct"})


def urls_to_cover() -> dict[str, str]:
    """Every URL in the "casework" namespace, the notifications app's staff URLs (the inbox
    and telephone entry, under /staff/), and the reviews app's corrections of the person's
    details, as {"namespace:name": "route"}, found by walking the URL configuration as Django
    resolves it."""
    found: dict[str, str] = {}

    def walk(patterns, namespace: str, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, inner, route)
            elif isinstance(pattern, URLPattern) and (
                namespace == "casework"
                or (namespace == "notifications" and route.startswith("staff/"))
                or (namespace == "reviews" and pattern.name in REVIEW_ROUTES)
            ):
                assert pattern.name, f"/{route} has no name, so it cannot be in the matrix"
                found[f"{namespace}:{pattern.name}"] = route

    walk(get_resolver().url_patterns, "", "")
    return found


def test_every_staff_url_is_in_the_matrix():
    urls = urls_to_cover()
    assert sum(name.startswith("casework:") for name in urls) >= 20
    missing = sorted(set(urls) - set(ROUTES))
    assert not missing, f"Casework or staff URLs missing from the permission matrix: {missing}"
    stale = sorted(set(ROUTES) - set(urls))
    assert not stale, f"The permission matrix names URLs that no longer exist: {stale}"


# -- Making requests and judging them -----------------------------------------------------------


def client_for(world, actor: str) -> Client:
    client = Client()
    if actor == PASSWORD_ONLY:
        sign_in_password_only(client, world.users[PASSWORD_ONLY])
    elif actor != ANONYMOUS:
        sign_in_verified(client, world.users[actor])
    return client


def snapshot(w) -> dict:
    """Everything of ICB B a request could change (and any link from A's data to B's)."""
    b = w.icb_b
    case_scope = Q(notification__icb=b) | Q(reviewer__icb=b)
    involved = Case.involved_organisations.through.objects
    return {
        "notifications": list(Notification.objects.filter(icb=b).order_by("pk").values()),
        "sources": NotificationSource.objects.filter(notification__icb=b).count(),
        "decisions": list(EligibilityDecision.objects.filter(notification__icb=b).values()),
        "flags": list(
            DuplicateFlag.objects.filter(Q(notification__icb=b) | Q(candidate__icb=b))
            .order_by("pk")
            .values()
        ),
        "cases": list(Case.objects.filter(case_scope).order_by("pk").values()),
        "involved": list(
            involved.filter(case__notification__icb=b).order_by("pk").values_list("pk", flat=True)
        ),
        "events": CaseEvent.objects.filter(case__notification__icb=b).count(),
        "holds": list(CaseHold.objects.filter(case__notification__icb=b).order_by("pk").values()),
        "child_death_reviews": list(
            ChildDeathReview.objects.filter(case__notification__icb=b).order_by("pk").values()
        ),
        "allocations": list(
            Allocation.objects.filter(Q(case__notification__icb=b) | Q(reviewer__icb=b))
            .order_by("pk")
            .values()
        ),
        "reviewers": list(Reviewer.objects.filter(icb=b).order_by("pk").values()),
        "training": ReviewerTraining.objects.filter(reviewer__icb=b).count(),
        "conflicts": list(ReviewerConflict.objects.filter(reviewer__icb=b).order_by("pk").values()),
        "reminders": Reminder.objects.filter(case__notification__icb=b).count(),
        "transfers": list(
            Transfer.objects.filter(Q(from_icb=b) | Q(to_icb=b)).order_by("pk").values()
        ),
    }


def response_text(response) -> str:
    """What the response shows: the page or file (an XLSX read cell by cell), and the flash
    messages it queued for the next page."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in response.get("Content-Type", ""):
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        text = "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    else:
        text = content.decode("utf-8", "replace")
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return text + "\n" + "\n".join(str(message) for message in queued)


_NOISE = (
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
    # A new idempotency key for each telephone entry form.
    (re.compile(r'name="submission_key" value="[^"]*"'), 'name="submission_key"'),
)


def normalised(text: str, *replace: str) -> str:
    for pattern, by in _NOISE:
        text = pattern.sub(by, text)
    for value in replace:
        text = text.replace(value, "<URL>")
    return text


@dataclass
class Result:
    status: int | None
    text: str = ""
    location: str = ""
    changed: list = field(default_factory=list)
    audit: list = field(default_factory=list)
    error: str = ""


def last_audit_sequence() -> int:
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    return last or 0


def request(world, client, method: str, url: str, data=None, *, baseline=None, last=None):
    """One request in a savepoint that is rolled back: what it showed, what of B's data it
    changed (compared with `baseline`) and which audit rows it wrote (after sequence `last`;
    as every request is rolled back, that is the same for all the requests of a test)."""
    if last is None:
        last = last_audit_sequence()
    try:
        with transaction.atomic():
            response = getattr(client, method)(url, data or {})
            result = Result(
                response.status_code,
                response_text(response),
                unquote(response.get("Location", "")),
            )
            if baseline is not None:
                after = snapshot(world)
                result.changed = [k for k in baseline if baseline[k] != after[k]]
            result.audit = list(
                AuditEvent.objects.filter(sequence__gt=last).values(
                    "action", "object_type", "object_id", "summary", "details"
                )
            )
            transaction.set_rollback(True)
    except Exception as error:  # the test client re-raises what would be a 500
        result = Result(None, error=f"{type(error).__name__}: {error}")
    client.cookies.pop("messages", None)
    return result


def forbidden_for(world, actor: str, *, lac_data: bool = False) -> dict[str, Secret]:
    return {
        key: secret
        for key, secret in world.secrets.items()
        if not among(actor, secret.viewers, as_lac_only=lac_data)
    }


def leaks(
    world, actor: str, result: Result, *, asked: str = "", lac_data=False, loaded=frozenset()
) -> list[str]:
    """The secrets the actor may not see that the response or its audit rows contain; and audit
    rows about objects whose secret the actor may not see (the view loaded them), unless the
    route lets this actor open that object (`loaded`: a regional coordinator's transfer page
    opens a death of the region by its reference, and audits it, without showing who it was).
    Text the actor typed themselves (`asked`: the query string, form data, and the URL of an
    object they may open) may be echoed back (a search box, an audit row of the filters used):
    those texts are left out, the person's other identifiers are not."""
    found = []
    asked = asked.casefold()
    forbidden = {
        key: Secret(tuple(t for t in secret.texts if t.casefold() not in asked), secret.viewers)
        for key, secret in forbidden_for(world, actor, lac_data=lac_data).items()
    }
    text = result.text.casefold()
    for key, secret in forbidden.items():
        shown = [t for t in secret.texts if t.casefold() in text]
        if shown:
            found.append(f"shows {key} ({shown[0]!r})")
    for row in result.audit:
        about = world.objects.get((row["object_type"], row["object_id"]))
        if about in forbidden and about not in loaded:
            found.append(f"audited {row['object_type']} {row['object_id']} ({about})")
        written = (row["summary"] + json.dumps(row["details"])).casefold()
        for key, secret in forbidden.items():
            if any(t.casefold() in written for t in secret.texts):
                found.append(f"audit row holds {key}")
    return found


def sign_in_redirect(actor: str) -> str:
    return reverse("accounts:sign_in" if actor == ANONYMOUS else "accounts:two_factor")


@dataclass
class Check:
    world: World
    actor: str
    problems: list = field(default_factory=list)
    requests: int = 0
    # (URL name, query string) -> the GET of a list page, for `check_counts`.
    lists: dict = field(default_factory=dict)
    client: Client | None = None
    # The audit log's last sequence number before any request (all are rolled back).
    last_audit: int = 0
    # URL -> the answer to a GET that was the same as for an object that does not exist.
    answered_as_for_nothing: dict = field(default_factory=dict)

    def fail(self, where: str, what: str) -> None:
        self.problems.append(f"{self.actor} {where}: {what}")

    def run(self, name: str, route: Route, variant: Variant, method: str, baseline) -> Result:
        url = reverse(name, kwargs=variant.kwargs)
        if variant.query:
            url += "?" + variant.query
        data = route.post(self.world) if method == "post" else None
        result = request(
            self.world, self.client, method, url, data, baseline=baseline, last=self.last_audit
        )
        self.requests += 1
        where = f"{method.upper()} {url} ({name}{', ' + variant.label if variant.label else ''})"
        if result.error:
            self.fail(where, f"server error {result.error}")
            return result
        # A search box may show what was searched for; an error page must not repeat the
        # reference in the URL it was asked for.
        asked = unquote_plus(variant.query) + json.dumps(data or {})
        loaded = frozenset()
        if variant.names_object and among(self.actor, variant.viewers):
            # They may open this object: the URL they asked for may be echoed, and the view
            # may audit that they opened it.
            asked += json.dumps(variant.kwargs)
            named = (self.world.subject_of.get(item) for item in variant.kwargs.items())
            loaded = frozenset(key for key in named if key)
        for leak in leaks(
            self.world,
            self.actor,
            result,
            asked=asked,
            lac_data=route.lac_data,
            loaded=loaded,
        ):
            self.fail(where, leak)
        # A writer changes data only through an object they may open (not, say, B's LAC
        # through A's case with B's reviewer).
        may_write = (
            self.actor in route.writers
            and variant.writable
            and (not variant.names_object or among(self.actor, variant.viewers))
        )
        if result.changed and not may_write:
            self.fail(where, f"changed ICB B's {', '.join(result.changed)}")
        self.judge_status(where, name, route, variant, method, result, url, data)
        return result

    def judge_status(self, where, name, route, variant, method, result, url, data) -> None:
        actor, roles, status = self.actor, roles_of(self.actor), result.status
        role = next(iter(roles)) if len(roles) == 1 else None
        if not roles:
            if status != 302 or not result.location.startswith(sign_in_redirect(actor)):
                self.fail(where, f"{status} {result.location!r}, expected the sign-in redirect")
            return
        if not variant.names_object:
            if role in route.redirects and not variant.query and method == "get":
                if status != 302 or result.location != reverse(route.redirects[role]):
                    self.fail(where, f"{status}, expected a redirect to their dashboard")
            elif roles & route.roles or role in route.redirects:
                expected = {200} if method == "get" and not variant.query else None
                if method == "get" and variant.query:
                    expected = {200, 302, 404}
                if expected and status not in expected:
                    self.fail(where, f"{status}, expected one of {sorted(expected)}")
                if self.actor in variant.shows and status == 200:
                    self.check_shows(where, variant, result)
            elif status != 403:
                self.fail(where, f"{status}, expected 403 (the role may not use this page)")
            return
        # A URL naming an object.
        if among(actor, variant.viewers):
            if method == "get":
                if status != 200:
                    self.fail(where, f"{status}, expected 200 (they may open it)")
                else:
                    self.check_subjects(where, variant, result)
            return
        allowed = {403, 404} | ({405} if method == "post" else set())
        if status not in allowed:
            self.fail(where, f"{status}, expected 403 or 404")
        if actor in OUTSIDERS and roles & route.roles and status == 403:
            self.fail(where, "403 for another ICB's object: expected 404, as for none")
        subjects = [self.world.subject_of.get(item) for item in variant.kwargs.items()]
        subjects = [key for key in subjects if key]
        if subjects and all(among(actor, self.world.secrets[k].viewers) for k in subjects):
            return  # they may see the object anyway: a 403 confirms nothing new
        # The same answer as for an object that does not exist, so nothing is confirmed. A POST
        # answered exactly as the GET was (the same 404 or 403 page), when the GET was answered
        # as for nothing, is answered as for nothing too: no need to ask twice.
        seen = (result.status, normalised(result.text), result.location)
        if method == "post" and self.answered_as_for_nothing.get(url) == seen:
            return
        fake_url = reverse(name, kwargs=variant.fake)
        fake = request(self.world, self.client, method, fake_url, data, last=self.last_audit)
        self.requests += 1
        differences = [
            what
            for what, real, none in (
                ("status", status, fake.status),
                ("page", normalised(result.text, url), normalised(fake.text, fake_url)),
                (
                    "redirect",
                    result.location.replace(url, "<URL>"),
                    fake.location.replace(fake_url, "<URL>"),
                ),
            )
            if real != none
        ]
        if not differences and method == "get":
            self.answered_as_for_nothing[url] = seen
        if differences:
            self.fail(
                where,
                f"answered {status} {result.location!r}, and {fake.status} {fake.location!r} "
                f"for an object that does not exist (different: {', '.join(differences)})",
            )

    def check_subjects(self, where, variant, result) -> None:
        """A viewer's page of an object shows it (its person's name, NHS number or reference,
        or the reviewer's name): so that not finding it elsewhere means something."""
        secrets = self.world.secrets
        text = result.text.casefold()
        for item in variant.kwargs.items():
            key = self.world.subject_of.get(item)
            if key is None:
                continue
            reference = secrets.get(f"{key}:ref")
            texts = secrets[key].texts + (reference.texts if reference else ())
            if not any(t.casefold() in text for t in texts):
                self.fail(where, f"does not show {key}, which they may see (positive control)")

    def check_shows(self, where, variant, result) -> None:
        text = result.text.casefold()
        for key in variant.shows[self.actor]:
            if not any(t.casefold() in text for t in self.world.secrets[key].texts):
                self.fail(where, f"does not show {key}, which they may see (positive control)")


def run_matrix(world, actor: str) -> Check:
    """GET every variant of every route, and POST every variant without a query string. A GET
    of a list page cannot name B's objects, so B's data is compared after it only for POSTs and
    for URLs naming an object."""
    check = Check(world, actor)
    check.client = client_for(world, actor)
    check.last_audit = last_audit_sequence()
    baseline = snapshot(world)
    for name, route in ROUTES.items():
        for variant in route.variants(world):
            result = check.run(
                name, route, variant, "get", baseline if variant.names_object else None
            )
            if not variant.names_object:
                check.lists[(name, variant.query)] = result
            if not variant.query:
                check.run(name, route, variant, "post", baseline)
    return check


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_outsiders_see_count_and_change_nothing_of_another_icb(world, actor):
    check = run_matrix(world, actor)
    if actor in COUNTED:
        check_counts(world, check)
    assert not check.problems, "\n".join(check.problems)


@pytest.mark.parametrize("actor", INSIDERS)
def test_each_role_in_the_icb_sees_and_changes_only_what_it_may(world, actor):
    check = run_matrix(world, actor)
    assert not check.problems, "\n".join(check.problems)


# -- Counts -------------------------------------------------------------------------------------


def add_more_to_icb_b(w) -> None:
    """More of ICB B's work in every state a figure counts, new reviewers and a population: what
    would move any count of B's that reached someone outside it."""
    maker = CaseMaker(icb=w.icb_b, lac=w.users[B_LAC])
    people = (distinct_person(100 + i) for i in range(20))
    for state in (
        CaseState.AWAITING_ALLOCATION,
        CaseState.ALLOCATED,
        CaseState.INITIAL_REVIEW,
        CaseState.FOCUSED_REVIEW,
        CaseState.QUALITY_ASSURANCE,
        CaseState.PANEL,
        CaseState.COMPLETED,
        CaseState.ON_HOLD,
        CaseState.NOT_ELIGIBLE,
        CaseState.NOTIFIED,
    ):
        maker.make(state, **next(people))
    overdue = maker.make(CaseState.INITIAL_REVIEW, **next(people))
    Case.objects.filter(pk=overdue.pk).update(due_on=today() - timedelta(days=200))
    soon = maker.make(CaseState.AWAITING_ALLOCATION, **next(people))
    Case.objects.filter(pk=soon.pk).update(due_on=today() + timedelta(days=7))
    maker.notification(**next(people))
    # Someone else of the same family name, so that a count of search results would move.
    maker.make(
        CaseState.AWAITING_ALLOCATION,
        **next(people) | {"given_name": "Zenobia", "family_name": "Quillfeather"},
    )
    make_reviewer(w.icb_b)
    make_reviewer(w.icb_b, trained=False)
    type(w.icb_b).objects.filter(pk=w.icb_b.pk).update(ld_population=123_456)


# Everyone of ICB A and A's regional coordinator. Administrators open no list page (the matrix
# checks their 403s); the national analyst's national figures add up every ICB, B's included:
# that is their job.
COUNTED = tuple(a for a in VERIFIED_OUTSIDERS if a.startswith("a:"))


def check_counts(world, check: Check) -> None:
    """Every list, queue, register, dashboard and export the outsider can open (with each query
    string of the matrix) is the same, to the byte, before and after ICB B gets more cases in
    every state, more reviewers and a population: none of B's figures reach them, not even as
    a number of search results."""
    roles = roles_of(check.actor)
    pages = {
        (name, query): reverse(name) + (f"?{query}" if query else "")
        for name, query in check.lists
        if roles & ROUTES[name].roles
    }
    assert pages
    before = check.lists
    with transaction.atomic():
        add_more_to_icb_b(world)
        after = {key: request(world, check.client, "get", url) for key, url in pages.items()}
        check.requests += len(pages)
        transaction.set_rollback(True)
    for key, url in pages.items():
        was, now = before[key], after[key]
        if (was.status, normalised(was.text), was.location) != (
            now.status,
            normalised(now.text),
            now.location,
        ):
            check.fail(f"GET {url}", "changed when ICB B got more cases: it counts B's")


def test_counts_of_the_icb_reach_its_own_lac(world):
    """The control for `check_counts`: the same additions do change what B's LAC sees."""
    client = client_for(world, B_LAC)
    urls = [reverse("casework:dashboard"), reverse("casework:triage_queue")]
    before = {url: normalised(request(world, client, "get", url).text) for url in urls}
    with transaction.atomic():
        add_more_to_icb_b(world)
        after = {url: normalised(request(world, client, "get", url).text) for url in urls}
        transaction.set_rollback(True)
    assert all(before[url] != after[url] for url in urls)


# -- The form data is plausible -----------------------------------------------------------------


def test_the_form_data_is_plausible_entitled_posts_change_data(world):
    """The POSTs the matrix sends everyone else do change ICB B's data when someone entitled
    sends them: so "nothing changed" above means they were refused, not that the data was
    wrong."""
    problems, tried = [], set()
    baseline = snapshot(world)
    for name, route in ROUTES.items():
        for actor in route.writers:
            client = client_for(world, actor)
            for variant in route.variants(world):
                if not variant.writable or (variant.names_object and actor not in variant.viewers):
                    continue
                url = reverse(name, kwargs=variant.kwargs)
                result = request(world, client, "post", url, route.post(world), baseline=baseline)
                tried.add(name)
                if result.status != 302 or not result.changed:
                    problems.append(
                        f"{actor} POST {url}: {result.status}, changed {result.changed}"
                    )
    assert not problems, "\n".join(problems)
    assert tried == {name for name, route in ROUTES.items() if route.writers}


# -- The one deliberate crossing: a possible duplicate notified in another ICB ------------------


def test_a_duplicate_notified_in_another_icb_shows_only_the_earlier_notification(world):
    """Duplicates are searched for in all of England (a person may be notified where they lived
    and where they died), so A's LAC deciding about a possible duplicate sees the earlier
    notification's reference and the details compared (name, dates, NHS number, ICB): that is
    the one thing of another ICB they see, by design. Nothing of B's case (its state, reviewer,
    the person who notified B) comes with it, and the reference opens nothing."""
    b_lac = world.users[B_LAC]
    person = {
        "given_name": "Philippa",
        "family_name": "Quenby",
        "date_of_birth": date(1966, 9, 9),
        "nhs_number": nhs_number(),
    }
    earlier = notify(world.icb_b, source=notifier(name="Bartholomew Snodgrass"), **person)
    earlier = earlier.notification
    case_triage(actor=b_lac, notification=earlier, decision="eligible")
    case_allocate(actor=b_lac, case=Case.objects.get(notification=earlier), reviewer=world.r2)
    later = notify(world.icb_a, source=notifier(name="Ward Nine"), **person).notification
    flag = DuplicateFlag.objects.get(notification=later, candidate=earlier)
    client = client_for(world, A_LAC)

    pages = [
        reverse("notifications:inbox_detail", args=[later.reference]),
        reverse("notifications:inbox_duplicate", args=[later.reference, flag.pk]),
        reverse("casework:triage", args=[later.reference]),
    ]
    for url in pages:
        result = request(world, client, "get", url)
        assert result.status == 200, url
        assert earlier.reference in result.text  # what the decision needs
        for hidden in (
            "Snodgrass",
            "Trelawney",
            reverse("casework:case", args=[earlier.reference]),
        ):
            assert hidden not in result.text, (url, hidden)

    for name in ("notifications:inbox_detail", "casework:triage", "casework:case"):
        result = request(world, client, "get", reverse(name, args=[earlier.reference]))
        assert result.status == 404, name
        assert "Snodgrass" not in result.text
