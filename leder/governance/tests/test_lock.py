"""The lock proof: no write path can change a signed-off version of a review in place.

Three reviews are locked, one for each way a review is signed off (`lock_fixtures`): a focused
review signed off by the panel and an initial review approved in quality assurance, each written
in full (a row in every table a review's content is made of), and a completed review brought in
by the bulk import. Each is then attacked through every way in:

- every service in `leder.reviews.services.*` that acts on a review or on a row of one,
  discovered by introspection (a new service is covered automatically: the test fails until it
  is taught how to call it);
- every URL of the `reviews` namespace (and the public records upload), discovered from the URL
  resolver, POSTed by every role, for the panel and QA reviews (so every page of an initial
  review, from the structured questions to the focused-review decision, and of a focused one);
- the Django admin (no review content registered; sign-off and QA records read-only);
- bulk `QuerySet.update()` / `delete()`, inserts and raw SQL on every content table (the
  database triggers; the suite runs on SQLite and PostgreSQL);
- the API (no route that touches reviews) and bulk import (never an existing review).

Each attack must change nothing: the content of every content table, the review row and its
sign-off are compared before and after. Reopening, the only way to change a signed-off review,
creates a version and an audit row; the audit chain still verifies; `signoff_verify` passes
after sign-off and detects a snapshot tampered with behind the triggers.
"""

import ast
import hashlib
import importlib
import inspect
import pkgutil
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, models, transaction
from django.db.models import F, ProtectedError
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import leder.reviews.services as review_services
from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.models import CaseState
from leder.casework.services.lifecycle import TransitionRefused
from leder.core.audit import verify_chain
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import now, today
from leder.demo.reviews import write_initial_review
from leder.governance import lock_triggers
from leder.governance.models import SignOff
from leder.governance.services.signoff import (
    content_hash,
    is_locked,
    review_reopen,
    signoff_verify,
)
from leder.governance.tests.lock_fixtures import (
    BUILDERS,
    CHANGED,
    FULL_ROUTES,
    PDF_BYTES,
    ROUTES,
    SIGNOFF_ROUTES,
    Locked,
    review_rows,
)
from leder.governance.tests.test_panels_factories import panel_world
from leder.reviews import questions, sections
from leder.reviews.models import (
    Contact,
    LearningTheme,
    RecordsRequest,
    Review,
    ReviewVersion,
)
from leder.reviews.services.records import review_snapshot

pytestmark = pytest.mark.django_db

REFUSED = (PermissionDenied, ValidationError, DatabaseError, TransitionRefused)
# The tables a review's content lives in (those the triggers guard), the review row itself, and
# the sign-off that froze it.
GUARDED_TABLES = [table for table, _ in lock_triggers.CONTENT_TABLES]
STATE_TABLES = [*GUARDED_TABLES, "reviews_review", "governance_signoff"]
# The tables an imported review has rows in (what the previous platform recorded).
IMPORTED_TABLES = {
    "reviews_reviewsection",
    "reviews_learningitem",
    "reviews_learningitem_themes",
    "reviews_reviewversion",
}
# Only the panel and QA reviews: every page needs a review someone wrote.
written_in_full = pytest.mark.parametrize("locked", FULL_ROUTES, indirect=True)


# -- The locked reviews -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path, monkeypatch):
    """Uploaded records and import files go to a temporary folder; no virus scanner on PATH."""
    settings.LEDER_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("PATH", "/usr/bin:/bin")


@pytest.fixture(params=ROUTES)
def locked(request) -> Locked:
    found = BUILDERS[request.param]()
    assert found.case.state == CaseState.COMPLETED and is_locked(found.review)
    assert found.signoff.route == SIGNOFF_ROUTES[request.param]
    return found


def table_state(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
        return hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()


def state(locked: Locked) -> dict:
    """Everything a refused write must leave as it was."""
    out = {table: table_state(table) for table in STATE_TABLES}
    out["content"] = content_hash(review_snapshot(Review.objects.get(pk=locked.review.pk)))
    return out


def assert_unchanged(locked: Locked, before: dict, what: str) -> None:
    after = state(locked)
    changed = sorted(k for k in before if before[k] != after[k])
    assert not changed, f"{what} changed {changed}"
    assert after["content"] == locked.signoff.content_hash, what


def test_every_content_table_holds_rows_of_the_locked_review(locked):
    """Without rows of the locked review itself the attacks below could prove nothing: the panel
    and QA reviews have a row in every content table, the imported one in those it is made of."""
    expected = IMPORTED_TABLES if locked.route == "imported" else set(GUARDED_TABLES)
    holding = {table for table in GUARDED_TABLES if review_rows(table, locked.review.pk)}
    assert holding == expected
    assert signoff_verify(locked.signoff) == []
    assert locked.signoff.version_number == locked.review.versions.order_by("-number")[0].number


# -- Every service that acts on a review --------------------------------------------------------

# Parameters naming a review, or a row of one, or the way into one (a case, an upload token).
REVIEW_PARAMETERS = {"review", "case", "contact", "request", "event", "item", "record", "token"}
# Services that act on a review without writing its content: they may return, not raise.
NOT_CONTENT_WRITES = {
    "review_start": "returns the case's review that exists already (idempotent)",
    "focused_review_open": "returns the case's focused review that exists already",
    "record_download_audit": "records that someone downloaded a file: an audit row only",
}


def review_service_functions() -> list:
    """Every public function of `leder.reviews.services.*` that writes (takes an `actor`, or an
    upload `token` with a file) and acts on a review or a row of one."""
    found = []
    for info in pkgutil.iter_modules(review_services.__path__):
        module = importlib.import_module(f"{review_services.__name__}.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            params = set(inspect.signature(function).parameters)
            writes = "actor" in params or {"token", "upload"} <= params
            if writes and params & REVIEW_PARAMETERS:
                found.append(function)
    return found


def question_groups() -> list[str]:
    """Every group (page) of the structured questions in force."""
    return [g.slug for g in questions.question_set(questions.current_version()).groups]


def question_group() -> str:
    return question_groups()[0]


def _date(locked):
    return today() - timedelta(days=1)


# How to fill each parameter; a service with a parameter not here (and with no default) fails
# the test until it is added, so a new service cannot slip past the proof.
ARGUMENTS = {
    "actor": lambda lk: lk.actor,
    "review": lambda lk: lk.review,
    "case": lambda lk: lk.case,
    "contact": lambda lk: lk.contact,
    "request": lambda lk: lk.request,
    "event": lambda lk: lk.event,
    "item": lambda lk: lk.learning,
    "record": lambda lk: lk.record,
    "token": lambda lk: lk.token,
    "upload": lambda lk: SimpleUploadedFile("more.pdf", PDF_BYTES),
    "name": lambda lk: "Someone new",
    "role": lambda lk: "Neighbour",
    "notes": lambda lk: CHANGED,
    "text": lambda lk: CHANGED,
    "description": lambda lk: CHANGED,
    "reason": lambda lk: CHANGED,
    "no_learning_reason": lambda lk: CHANGED,
    "complete": lambda lk: True,
    "made_on": _date,
    "occurred_on": _date,
    "reviewed_on": _date,
    "method": lambda lk: "phone",
    "outcome": lambda lk: "spoke",
    "themes": lambda lk: list(LearningTheme.objects.filter(active=True)[:1]),
    "organisation": lambda lk: lk.organisation,
    "email": lambda lk: "other@example.nhs.uk",
    "requested": lambda lk: "Everything",
    "key": lambda lk: lk.section_key,
    "data": lambda lk: lk.section_data,
    "section_key": lambda lk: lk.section_key,
    "summary": lambda lk: CHANGED,
    "action": lambda lk: "update",
    "obj": lambda lk: lk.review,
    "audited": lambda lk: CHANGED,
    "version": lambda lk: CHANGED,
    "group": lambda lk: question_group(),
    "answers": lambda lk: {},
    "line": lambda lk: "a",
    "code": lambda lk: "J69.0",
}
# Where one service means something else by a name.
OVERRIDES = {
    "contact_add": {"kind": lambda lk: "friend"},
    "contact_update": {"kind": lambda lk: "friend"},
    "learning_item_add": {"kind": lambda lk: "improvement"},
    "learning_item_update": {"kind": lambda lk: "improvement"},
    "timeline_event_add": {"kind": lambda lk: "gp"},
    "timeline_event_update": {"kind": lambda lk: "gp"},
    "review_start": {"kind": lambda lk: lk.review.kind},
    "record_download_audit": {"request": lambda lk: None},
}


# The rows of a review a service may be aimed at: an imported review has no contact, timeline
# event or records request, so a service that needs one has nothing to attack there.
ROWS = {"contact", "request", "event", "item", "record", "token"}


def call_arguments(function, locked: Locked) -> dict:
    out = {}
    overrides = OVERRIDES.get(function.__name__, {})
    for name, param in inspect.signature(function).parameters.items():
        if name in overrides:
            out[name] = overrides[name](locked)
        elif name in ARGUMENTS:
            out[name] = ARGUMENTS[name](locked)
            if name in ROWS and out[name] is None:
                assert locked.route == "imported", (locked.route, name)
                pytest.skip(f"an imported review has no {name} to aim {function.__name__} at")
        elif param.kind is inspect.Parameter.VAR_KEYWORD:
            continue  # optional details (a contact's), none of them needed to be refused
        elif param.default is inspect.Parameter.empty:
            pytest.fail(
                f"test_lock does not know how to call {function.__module__}.{function.__name__}:"
                f" add its parameter {name!r} to ARGUMENTS"
            )
    return out


def test_the_services_under_proof_are_discovered():
    names = {f.__name__ for f in review_service_functions()}
    # A sample of the known writers, so a broken discovery cannot pass silently.
    assert {
        "review_section_save",
        "review_submit",
        "review_version_record",
        "contact_attempt_add",
        "timeline_event_remove",
        "learning_item_update",
        "record_upload",
    } <= names
    assert "learning_theme_save" not in names  # reference data, not a review


@pytest.mark.parametrize("function", review_service_functions(), ids=lambda f: f.__name__)
def test_every_review_service_is_refused_for_a_locked_review(locked, function):
    kwargs = call_arguments(function, locked)
    before = state(locked)
    refused = None
    try:
        with transaction.atomic():
            function(**kwargs)
    except REFUSED as error:
        refused = error
    if function.__name__ not in NOT_CONTENT_WRITES:
        assert refused is not None, f"{function.__name__} was not refused"
    assert_unchanged(locked, before, function.__name__)


# -- Every URL of the review pages, POSTed by every role ----------------------------------------


def review_routes() -> list[tuple[str, URLPattern]]:
    """Every URL pattern of the `reviews` namespace and of the public records upload, from the
    resolver."""
    found = []

    def walk(resolver, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, entry.namespace or namespace)
            elif namespace in ("reviews", "record_uploads") and entry.name:
                found.append((namespace, entry))

    walk(get_resolver(), None)
    return found


def url_values(locked: Locked, name: str) -> list:
    """The values to put in a URL's parameter called `name` (several for a section key)."""
    values = {
        "reference": [locked.case.reference],
        "kind": [locked.review.kind],
        "key": [s.key for s in sections.sections_for(locked.review.kind) if s.form_class],
        "contact_id": [locked.contact.pk],
        "request_id": [locked.request.pk],
        "file_id": [locked.record.pk],
        "event_id": [locked.event.pk],
        "item_id": [locked.learning.pk],
        "group": question_groups(),
        "token": [locked.token],
    }
    if name not in values:
        pytest.fail(f"test_lock does not know what to put in the URL parameter {name!r}")
    return values[name]


def route_urls(locked: Locked, namespace: str, pattern: URLPattern) -> list[str]:
    names = list(pattern.pattern.converters)
    combos = [{}]
    for name in names:
        combos = [{**c, name: value} for c in combos for value in url_values(locked, name)]
    return [reverse(f"{namespace}:{pattern.name}", kwargs=kwargs) for kwargs in combos]


# A form that every review page would accept if it could be changed: each page reads what it
# needs and ignores the rest.
PAYLOAD = {
    "action": "complete",
    "evidence": CHANGED,
    "sources": CHANGED,
    "held": "no",
    "grade": "6",
    "rationale": CHANGED,
    "name": "Someone new",
    "kind": "friend",
    "role": "Neighbour",
    "notes": CHANGED,
    "text": CHANGED,
    "description": CHANGED,
    "reason": CHANGED,
    "no_learning_reason": CHANGED,
    "complete": "on",
    "method": "phone",
    "outcome": "spoke",
    "made_on_day": "1",
    "made_on_month": "1",
    "made_on_year": "2025",
    "occurred_on_day": "1",
    "occurred_on_month": "1",
    "occurred_on_year": "2025",
    "reviewed_on_day": "1",
    "reviewed_on_month": "1",
    "reviewed_on_year": "2025",
    "email": "other@example.nhs.uk",
    "requested": "Everything",
    "confirm": "yes",
    # The pages of an initial review.
    "told_of_review": "no",
    "invited_to_contribute": "no",
    "offered_pen_portrait": "no",
    "pen_portrait_comments": CHANGED,
    "wants_copy": "no",
    "asked_for_focused_review": "yes",
    "who_they_were": CHANGED,
    "what_mattered": CHANGED,
    "what_people_said": CHANGED,
    "ld_severity": "severe",
    "level": "6",
    "reasons": "other",
    "other_reason": CHANGED,
    "a_text": "Sepsis, unspecified",
    "a_code": "A41.9",
    "place_of_death": "home",
    "coroner_referral": "yes",
    "inquest": "no",
    "post_mortem": "no",
    "covid_status": "no",
    "covid_vaccination": "3",
}


def question_answers() -> dict:
    """Every structured question answered "not known" with a detail, on whichever page."""
    question_set = questions.question_set(questions.current_version())
    out = {}
    for _group, question, _parent in question_set.all_questions():
        out[question.key] = questions.NOT_KNOWN
        out[f"{question.key}__detail"] = CHANGED
    return out


def attackers(locked: Locked) -> dict:
    world, icb = locked.world, locked.world.icb
    other = panel_world("NHS Other ICB")
    return {
        "the reviewer": locked.reviewer,
        **locked.insiders,
        "the LAC": world.lac,
        "a senior reviewer": user_with_role(Role.SENIOR_REVIEWER, icb),
        "the panel chair": world.chair,
        "a panel member": world.members[0],
        "another reviewer": user_with_role(Role.REVIEWER, icb),
        "the ICB lead": user_with_role(Role.ICB_LEAD, icb),
        "a regional coordinator": user_with_role(Role.REGIONAL_COORDINATOR),
        "a national analyst": user_with_role(Role.NATIONAL_ANALYST),
        "an administrator": user_with_role(Role.ADMINISTRATOR),
        "another ICB's LAC": other.lac,
        "someone not signed in": None,
    }


# The pages only an initial review has, each of which the URL attack must reach for the review
# approved in quality assurance.
INITIAL_PAGES = {
    ("section", "family"),
    ("section", "pen_portrait"),
    ("section", "questions"),
    ("section", "cause_of_death"),
    ("section", "grading"),
    ("section", "learning"),
    ("section", "focused_decision"),
    ("questions", None),
    ("cause_of_death", None),
    ("cause_of_death_find", None),
    *(("questions_group", group) for group in question_groups()),
}


def attacked_urls(locked: Locked) -> list[str]:
    routes = review_routes()
    assert {p.name for _, p in routes} >= {"section", "contact_add", "timeline_event_edit"}
    urls = [url for namespace, pattern in routes for url in route_urls(locked, namespace, pattern)]
    if locked.review.kind == "initial":
        reference = locked.case.reference
        for name, extra in INITIAL_PAGES:
            kwargs = {"reference": reference, "kind": "initial"}
            if name == "section":
                kwargs["key"] = extra
            elif name == "questions_group":
                kwargs["group"] = extra
            assert reverse(f"reviews:{name}", kwargs=kwargs) in urls, (name, extra)
    return urls


@written_in_full
def test_no_review_page_changes_a_locked_review_for_any_role(locked):
    urls = attacked_urls(locked)
    before = state(locked)
    for who, user in attackers(locked).items():
        client = Client(raise_request_exception=False)
        answers = question_answers()
        if user is not None:
            sign_in_verified(client, user)
        for url in urls:
            data = {**PAYLOAD, **answers, "file": SimpleUploadedFile("more.pdf", PDF_BYTES)}
            response = client.post(url, data)
            assert response.status_code < 500, (who, url)
            # The tables hold all the content: comparing them after every POST is enough (and
            # quick); the snapshot and its hash are compared once per attacker below.
            changed = [t for t in STATE_TABLES if table_state(t) != before[t]]
            assert not changed, f"POST {url} by {who} changed {changed}"
        assert_unchanged(locked, before, f"the POSTs by {who}")


# The initial review's pages whose form the payload above fills in full: on a review that is not
# locked, the reviewer's POST of it changes the review (so the attack above is a real one).
EFFECTIVE_PAGES = [
    ("section", {"key": "family"}),
    ("section", {"key": "pen_portrait"}),
    ("section", {"key": "grading"}),
    ("section", {"key": "focused_decision"}),
    ("cause_of_death", {}),
    *(("questions_group", {"group": group}) for group in question_groups()),
]


def test_the_payload_would_change_each_initial_page_of_a_review_not_locked(client):
    world = panel_world()
    case = world.cases.make(
        CaseState.INITIAL_REVIEW, given_name="Maya", family_name="Okafor", ethnic_category_id="A"
    )
    review = write_initial_review(case=case, submit=False)
    sign_in_verified(client, case.reviewer.user)
    answers = question_answers()
    for name, extra in EFFECTIVE_PAGES:
        url = reverse(
            f"reviews:{name}", kwargs={"reference": case.reference, "kind": "initial", **extra}
        )
        before = content_hash(review_snapshot(Review.objects.get(pk=review.pk)))
        response = client.post(url, {**PAYLOAD, **answers})
        assert response.status_code == 302, (url, response.status_code)
        after = content_hash(review_snapshot(Review.objects.get(pk=review.pk)))
        assert after != before, f"POST {url} changed nothing: the lock attack proves nothing"


# -- The Django admin ---------------------------------------------------------------------------


def content_models() -> set:
    tables = set(GUARDED_TABLES) | {"reviews_review", "reviews_reviewversion"}
    return {m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in tables}


def test_the_admin_has_no_change_path_for_review_content():
    registered = set(admin.site._registry)
    assert not (registered & content_models()), "review content is registered in the admin"
    superuser = type("Superuser", (), {"is_active": True, "is_staff": True, "is_superuser": True})
    request = RequestFactory().get("/admin/")
    request.user = superuser()
    from leder.governance import models as governance

    records = [
        governance.SignOff,
        governance.QARound,
        governance.QAComment,
        governance.AgendaItem,
        governance.PanelMeeting,
    ]
    for model in records:
        if model in registered:
            model_admin = admin.site._registry[model]
            assert not model_admin.has_add_permission(request), model
            assert not model_admin.has_change_permission(request), model
            assert not model_admin.has_delete_permission(request), model
    # Anything else registered that points at a review must be read-only too.
    for model, model_admin in admin.site._registry.items():
        points_at_content = any(
            getattr(f, "related_model", None) in content_models() for f in model._meta.get_fields()
        )
        if points_at_content:
            assert not model_admin.has_change_permission(request), model
            assert not model_admin.has_delete_permission(request), model


# -- Bulk operations and raw SQL on every content table -----------------------------------------


def model_for(table: str):
    return next(m for m in apps.get_models(include_auto_created=True) if m._meta.db_table == table)


def first_field(model):
    """A concrete column other than the primary key, to write back to itself."""
    return next(f for f in model._meta.concrete_fields if not f.primary_key)


def locked_refusal(error: Exception) -> bool:
    text = str(error)
    return lock_triggers.MESSAGE in text or "immutable" in text


def blank_row(model, locked: Locked):
    """A new row of `model` for the locked review, every required column filled plainly, for a
    table where the review has no row to copy (an imported review's contacts...). None when the
    row could only hang from a parent row the review does not have (an attempt needs a contact)."""
    row = model()
    for column in model._meta.concrete_fields:
        if column.primary_key or column.null or column.has_default():
            continue
        if isinstance(column, models.ForeignKey):
            target = column.related_model
            if target is Review:
                value = locked.review
            elif target in content_models():
                return None
            else:
                value = target._base_manager.order_by("pk").first()
                assert value is not None, (model, column.name)
            setattr(row, column.name, value)
        elif isinstance(column, models.DateTimeField):
            setattr(row, column.attname, now())
        elif isinstance(column, models.DateField):
            setattr(row, column.attname, today())
        elif isinstance(column, models.CharField | models.TextField):
            value = column.choices[0][0] if column.choices else CHANGED
            setattr(row, column.attname, value[: column.max_length] if column.max_length else value)
        elif isinstance(column, models.BooleanField):
            setattr(row, column.attname, False)
        elif isinstance(column, models.IntegerField):
            setattr(row, column.attname, 1)
        elif isinstance(column, models.JSONField):
            setattr(row, column.attname, {})
        else:
            pytest.fail(f"blank_row cannot fill {model.__name__}.{column.name}")
    return row


@pytest.mark.parametrize("table", [*GUARDED_TABLES, "reviews_review"])
def test_bulk_update_delete_insert_and_raw_sql_are_refused_by_the_database(locked, table):
    model = model_for(table)
    # The rows of the locked review only: a refusal must not come from some other review's row.
    pks = review_rows(table, locked.review.pk)
    attacks = {}
    if pks:
        column = first_field(model)
        quoted = connection.ops.quote_name(table)
        placeholders = ", ".join(["%s"] * len(pks))
        attacks = {
            "update()": lambda: model._base_manager.filter(pk__in=pks).update(
                **{column.name: F(column.name)}
            ),
            "delete()": lambda: model._base_manager.filter(pk__in=pks).delete(),
            # Past Django's own checks (protected foreign keys): the DELETE goes to the database.
            "_raw_delete()": lambda: model._base_manager.filter(pk__in=pks)._raw_delete(
                connection.alias
            ),
            "raw UPDATE": lambda: connection.cursor().execute(
                f"UPDATE {quoted} SET {connection.ops.quote_name(column.column)} = "
                f"{connection.ops.quote_name(column.column)} WHERE id IN ({placeholders})",
                pks,
            ),
            "raw DELETE": lambda: connection.cursor().execute(
                f"DELETE FROM {quoted} WHERE id IN ({placeholders})",
                pks,
            ),
        }
    else:
        assert locked.route == "imported" and table not in IMPORTED_TABLES, (locked.route, table)
    if table != "reviews_review":
        if pks:
            new = model._base_manager.get(pk=pks[0])
            new.pk = None
            new._state.adding = True
        else:
            new = blank_row(model, locked)
        if new is not None:
            attacks["insert"] = lambda: model.save_base(new, raw=True, force_insert=True)
    if not attacks:
        pytest.skip(f"an imported review has no row {table} could hang from")
    before = state(locked)
    for name, attack in attacks.items():
        with pytest.raises(DatabaseError) as error, transaction.atomic():
            attack()
        # Django refuses to delete rows other rows protect before asking the database.
        protected = name == "delete()" and isinstance(error.value, ProtectedError)
        assert protected or locked_refusal(error.value), (table, name, str(error.value))
        assert_unchanged(locked, before, f"{name} on {table}")


# -- The API and bulk import ---------------------------------------------------------------------


REVIEW_WORDS = re.compile(
    r"review|sign-?off|version|contact|timeline|learning|records|upload|section", re.IGNORECASE
)


def test_the_api_has_no_route_that_touches_reviews(client):
    from leder.api.api import api

    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        assert not REVIEW_WORDS.search(path), path
        for method, operation in operations.items():
            tags = " ".join(operation.get("tags", []))
            assert not REVIEW_WORDS.search(operation.get("operationId", "")), (method, path)
            assert not REVIEW_WORDS.search(tags), (method, path)
    # And from the resolver: nothing under /api/v1/ is served by review code.
    for entry in _flatten(get_resolver()):
        prefix, pattern = entry
        if prefix.startswith("api/"):
            module = getattr(pattern.callback, "__module__", "")
            assert not module.startswith(("leder.reviews", "leder.governance")), prefix
    # The API's own code imports nothing that writes a review.
    package = Path(importlib.import_module("leder.api").__file__).parent
    for source in package.rglob("*.py"):
        if "tests" in source.parts:
            continue
        text = source.read_text()
        assert "reviews.services" not in text, source
        assert "governance.services" not in text, source


def _flatten(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _flatten(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


EDITING_SERVICES = {
    f.__name__ for f in review_service_functions() if f.__name__ not in NOT_CONTENT_WRITES
} - {"review_version_record"}


def _name(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _objects_call(node) -> tuple[str, str] | None:
    """("Review", "create") for `Review.objects.create(...)`; ("Review", "insert") for
    `bulk.insert(Review, ...)` (`leder.core.bulk`, which only ever inserts new rows)."""
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "objects"
    ):
        return _name(func.value.value), func.attr
    if _name(func) == "insert" and (
        isinstance(func, ast.Name) or _name(getattr(func, "value", None)) == "bulk"
    ):
        return (_name(node.args[0]) if node.args else ""), "insert"
    return None


def _assigned_from(function: ast.FunctionDef, name: str) -> list[ast.AST]:
    return [
        node.value
        for node in ast.walk(function)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
    ]


def _keyword(call: ast.Call, name: str):
    return next((k.value for k in call.keywords if k.arg == name), None)


def test_bulk_import_never_targets_an_existing_review():
    """The importer (`leder.imports`) may only create new reviews, for cases it opens itself:
    in its code (read as a syntax tree, whatever it grows into) no review content is read to be
    changed (only `.objects.create`, an insert-only `bulk_create` or `bulk.insert`), no
    reviewer's editing service is called, every review it writes to (a version, a lock, a row)
    is one it created in the same function, and every review it creates is for a case the
    caller opened with `case_open` or, in the bulk path, a new case the import itself
    inserts."""
    content = {m.__name__ for m in content_models()} | {"LearningItem", "Contact"}
    package = Path(importlib.import_module("leder.imports").__file__).parent
    sources = [p for p in package.rglob("*.py") if not {"tests", "migrations"} & set(p.parts)]
    assert sources
    bulk_reviews, case_builds = set(), []
    for source in sources:
        tree = ast.parse(source.read_text())
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        creators = set()
        case_builds += [
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Attribute) and t.attr == "case" for t in node.targets)
        ]
        for function in functions:
            where = f"{source.name}:{function.name}"
            assert "review" not in [a.arg for a in function.args.kwonlyargs + function.args.args], (
                where
            )
            for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
                target = _objects_call(call)
                if target and target[0] in content:
                    assert target[1] in ("create", "bulk_create", "insert"), (
                        f"{where} uses {target[0]}.objects.{target[1]}"
                    )
                    # a bulk insert only inserts: never one that updates rows on conflict
                    assert not {"update_conflicts", "update_fields", "ignore_conflicts"} & {
                        k.arg for k in call.keywords
                    }, f"{where} bulk-inserts {target[0]} over existing rows"
                    if target == ("Review", "create"):
                        creators.add(function.name)
                if _name(call.func) == "Review" and isinstance(call.func, ast.Name):
                    # a review built for a bulk insert is for a case built in the same import
                    case = _keyword(call, "case")
                    assert isinstance(case, ast.Attribute) and case.attr == "case", where
                    bulk_reviews.add(where)
                called = _name(call.func)
                assert called not in EDITING_SERVICES, f"{where} calls {called}"
                review = _keyword(call, "review")
                if review is not None and (
                    called in ("review_version_record", "review_lock") or target
                ):
                    assert isinstance(review, ast.Name), where
                    sources_of = _assigned_from(function, review.id)
                    assert sources_of and all(
                        isinstance(v, ast.Call) and _objects_call(v) == ("Review", "create")
                        for v in sources_of
                    ), f"{where} writes to a review it did not create"
        for function in functions:
            for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
                if _name(call.func) in creators:
                    case = _keyword(call, "case")
                    assert isinstance(case, ast.Name), function.name
                    assert all(
                        isinstance(v, ast.Call) and _name(v.func) == "case_open"
                        for v in _assigned_from(function, case.id)
                    ) and _assigned_from(function, case.id), (
                        f"{function.name} creates a review for a case it did not open"
                    )
    if bulk_reviews:
        # the bulk path's cases are only ever new, unsaved Case objects: made where the import
        # sets a `.case`, or by the writer it shares with the demo history
        # (`casework.bulk_writes.cases_insert`, ADR 0178), which inserts them with
        # `bulk.insert(Case, …)` and never reads a case from the database
        writer = Path(importlib.import_module("leder.casework.bulk_writes").__file__)
        tree = ast.parse(writer.read_text())
        case_builds += [
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Attribute) and t.attr == "case" for t in node.targets)
        ]
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        assert ("Case", "insert") in {_objects_call(c) for c in calls}
        assert not [
            c
            for c in calls
            if (_objects_call(c) or ("", ""))[0] == "Case" and _objects_call(c)[1] != "insert"
        ], "the case writer reads or changes existing cases"
        assert case_builds and all(
            isinstance(v, ast.Call) and _name(v.func) == "Case" and isinstance(v.func, ast.Name)
            for v in case_builds
        ), "an imported review's case is not one the import creates"


# -- Reopening, the audit chain and tampering ----------------------------------------------------


def test_reopening_creates_a_version_and_an_audit_row_and_the_chain_verifies(locked):
    review, signoff = locked.review, locked.signoff
    versions = ReviewVersion.objects.filter(review=review).count()
    audit_rows = AuditEvent.objects.exclude(action=AuditAction.VIEW).count()
    review_reopen(actor=locked.world.lac, review=review, reason="The inquest's findings")
    assert ReviewVersion.objects.filter(review=review).count() == versions + 1
    latest = ReviewVersion.objects.filter(review=review).order_by("-number").first()
    assert latest.section_key == "reopened" and latest.saved_by == locked.world.lac
    event = AuditEvent.objects.filter(
        object_type="reviews.Review", object_id=str(review.pk), details__signoff=signoff.pk
    ).last()
    assert event.actor == locked.world.lac and event.details["reason"] == "The inquest's findings"
    assert AuditEvent.objects.exclude(action=AuditAction.VIEW).count() > audit_rows
    signoff.refresh_from_db()
    assert signoff.reopened_by == locked.world.lac and signoff_verify(signoff) == []
    assert not is_locked(review)
    assert verify_chain()[1] is None


def test_signoff_verify_detects_a_snapshot_tampered_with_behind_the_triggers(locked):
    signoff = locked.signoff
    assert signoff_verify(signoff) == []
    lock_triggers.remove(connection)
    try:
        SignOff.objects.filter(pk=signoff.pk).update(
            snapshot={**signoff.snapshot, "focused_evidence": {"evidence": CHANGED}}
        )
    finally:
        lock_triggers.install(connection)
    tampered = SignOff.objects.get(pk=signoff.pk)
    problems = signoff_verify(tampered)
    assert "The signed-off content does not match its recorded hash." in problems
    # The triggers are back: the tampering cannot be put right in place either.
    with pytest.raises(DatabaseError), transaction.atomic():
        SignOff.objects.filter(pk=signoff.pk).update(snapshot=signoff.snapshot)


@written_in_full
def test_contacts_records_and_learning_of_the_locked_review_are_there(locked):
    """What the attacks above aim at really belongs to the locked review."""
    review = locked.review
    assert Contact.objects.filter(review=review, pk=locked.contact.pk).exists()
    assert RecordsRequest.objects.filter(review=review, pk=locked.request.pk).exists()
    assert locked.event.review_id == review.pk and locked.learning.review_id == review.pk


def test_signoff_verify_detects_a_review_rewritten_consistently_behind_the_triggers(locked):
    """The founding insider attack: with the triggers dropped, change the review's content and
    rewrite the version it froze, the sign-off's snapshot and its (unkeyed) content hash to
    agree. Every check against the database's own copies passes; the hash recorded in the keyed
    audit log at sign-off does not (ADR 0123)."""
    from leder.governance.services.signoff import content_hash
    from leder.reviews.models import ReviewSection, ReviewVersion
    from leder.reviews.services.records import review_snapshot

    signoff, review = locked.signoff, locked.review
    assert signoff_verify(signoff) == []
    lock_triggers.remove(connection)
    try:
        section = ReviewSection.objects.filter(review=review).exclude(data={}).first()
        ReviewSection.objects.filter(pk=section.pk).update(data={**section.data, "x": CHANGED})
        rewritten = review_snapshot(review)
        ReviewVersion.objects.filter(review=review, number=signoff.version_number).update(
            snapshot=rewritten
        )
        SignOff.objects.filter(pk=signoff.pk).update(
            snapshot=rewritten, content_hash=content_hash(rewritten)
        )
    finally:
        lock_triggers.install(connection)
    problems = signoff_verify(SignOff.objects.get(pk=signoff.pk))
    assert problems and "the audit log recorded at sign-off" in problems[0]
