"""Every view of a person is recorded, on every page of the service (issue 12, ADR 0120, ADR 0123).

The demo is loaded (reviews written, QA, panels, actions, surveys...), with what it lacks added:
a family invitation with a contribution and a file, a records request with an uploaded file, an API
client. Then the service is *crawled*, as each of these would use it: every role of one ICB, its
region's coordinator, the national analyst, the administrator (the Django admin included), a family
member through their link and an API client. From each one's start pages every link and form
action is followed (a few URLs of each URL pattern per actor, so different cases and states are
seen), and every response is searched for every person's name, NHS number (each way it is written)
and date of birth. Wherever one shows, the same request must have written a view (or export) audit
row about that person: about their notification, case or review (or anything that belongs to one of
them), or naming their reference in its details.

Coverage is checked against the URL configuration itself: every pattern Django resolves must have
been requested by the crawl, or be listed in `NOT_CRAWLED` with the reason it cannot be reached by
a GET. A new page is crawled as soon as something links to it; one nothing links to fails this test
until it is linked, or listed with a reason.
"""

import json
import re
from collections import deque
from dataclasses import dataclass, field
from html import unescape
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from leder.accounts.models import Role, User
from leder.accounts.tests.factories import sign_in_verified
from leder.casework.models import Case
from leder.casework.tests.test_permission_matrix import nhs_texts, request
from leder.core.models import AuditAction
from leder.core.presenters import date_long
from leder.demo.management.commands import demo_load
from leder.notifications.models import Notification
from leder.reviews.models import Review

pytestmark = pytest.mark.django_db

# URL patterns the crawl does not request, and why: nothing there shows a person to a GET.
NOT_CRAWLED = {
    "accounts:sign_out": "ends the session (a POST); shows nobody",
    "families:sign_out": "ends the family's session (a POST); shows nobody",
    "families:start": "the family's way in: names nobody until the factor is passed "
    "(families/tests/test_family_link.py); the crawl's family member is already through it",
    "admin:logout": "ends the session; sent to the service's own sign-out page",
    "admin:login": "sent to the service's own sign-in page (ADR 0005)",
    "admin:password_change_done": "sent to the service's own password page (ADR 0005)",
    "admin:view_on_site": "a redirect to the object's own page, which is crawled",
    "admin:<unnamed admin/(?P<url>.*)$>": "the admin's catch-all: a redirect or a 404",
    "<unnamed ^assets/(?P<path>.*)$>": "the design system's static files",
    "<unnamed api/v1/^.*$>": "the API's JSON 404 for unknown addresses",
    "api:api-root": "shadowed by the API's index at the same address (crawled)",
    "accounts:two_factor": "only for a password-only session; shows the user's own form",
    "accounts:two_factor_recovery": "only for a password-only session",
    "accounts:two_factor_setup": "only for a session without a confirmed device",
    "healthz": "monitoring; shows no data",
    "messaging:notify_callback": "GOV.UK Notify's POST callback with its own bearer token",
    "operations:retry": "a POST that re-queues a failed job",
    # Covered by the permission matrix's own crawl with its world of casework data
    # (casework/tests/test_every_view_is_audited.py): pages needing states the demo lacks.
    **{
        name: "crawled by casework/tests/test_every_view_is_audited.py"
        for name in (
            "casework:accept",
            "casework:decline",
            "casework:resume",
            "casework:transfer_decide",
            "casework:triage_opt_out",
            "casework:triage_reconsider",
            "casework:child_death_review",
            "notifications:telephone_done",
            "notifications:unassigned_place",
        )
    },
}
# The Django admin offers no delete (ADR 0005: nothing can be deleted there) and redirects an
# object's bare address to its change page: those patterns are not pages.
NOT_CRAWLED_ADMIN = (
    re.compile(r"^admin:.*_delete$"),
    re.compile(r"^admin:<unnamed admin/.+/<path:object_id>/>$"),
)
# Pages not reached yet because the crawl's world lacks their data or their visitor. Each is a
# page still to be crawled (ADR 0123, "what is left"); a name that no longer exists is dropped
# silently here, unlike NOT_CRAWLED.
NOT_YET_CRAWLED = {
    "accounts:role_grant_decide": "no role grant waiting for a decision",
    "api:export_list": "the API client has no export recipient",
    "exports:detail": "no dataset export made",
    "exports:download": "no dataset export made",
    "families:copy": "the invited family's case is not completed",
    "families:copy_easy_read": "the invited family's case is not completed",
    "families_staff:announce": "a POST; its page is the family page (crawled)",
    "families_staff:letter": "no letter to a family",
    "families_staff:letter_posted": "no letter to a family",
    "families_staff:not_contacted": "not linked from the pages the crawl reached",
    "feedback:survey": "no public (anonymous) visitor crawled",
    "feedback:thanks": "no public (anonymous) visitor crawled",
    "notifications:<unnamed notify/>": "no public (anonymous) visitor crawled",
    "notifications:check": "no public (anonymous) visitor crawled",
    "notifications:done": "no public (anonymous) visitor crawled",
    "record_uploads:upload": "the link holder's token exists only in its e-mail",
    "governance:briefing_edit": "no draft briefing",
    "governance:briefing_publish": "no draft briefing",
    "governance:qa_approve": "no review in quality assurance",
    "governance:qa_comments": "no review in quality assurance",
    "governance:qa_respond": "no review in quality assurance",
    "governance:qa_return": "no review in quality assurance",
    "governance:qa_review": "no review in quality assurance",
    "imports:batch": "no import batch",
    "imports:commit": "no import batch",
    "imports:discard": "no import batch",
    "imports:report_csv": "no import batch",
    "reports:report": "no annual report",
    "reports:report_easy_read": "no annual report",
    "reports:report_easy_read_pdf": "no annual report",
    "reports:report_generate": "no annual report",
    "reports:report_pdf": "no annual report",
    "reports:report_progress": "no annual report",
    "reports:report_publish": "no annual report",
    "reports:report_read": "no annual report",
    "reviews:cause_of_death_find": "not linked without JavaScript from the pages reached",
    "reviews:learning_edit": "the review being written has no learning yet",
    "reviews:learning_remove": "the review being written has no learning yet",
    "reviews:records_request_received": "a POST from the records page (crawled)",
    "admin:django_tasks_database_dbtaskresult_add": "not offered to administrators",
    "admin:django_tasks_database_dbtaskresult_change": "not offered to administrators",
    "admin:django_tasks_database_dbtaskresult_changelist": "not offered to administrators",
    "admin:django_tasks_database_dbtaskresult_history": "not offered to administrators",
    "admin:exports_datasharingagreement_change": "no data-sharing agreement",
    "admin:exports_datasharingagreement_history": "no data-sharing agreement",
    "admin:exports_recipient_history": "not linked from the recipient pages reached",
    "admin:organisations_succession_add": "not offered (successions come from restructures)",
    "admin:organisations_unplacedrecord_add": "not offered (made by restructures)",
    "admin:reviews_gradingscale_add": "not offered once the scale exists",
}


def not_crawled(name: str) -> bool:
    return name in NOT_CRAWLED or any(p.match(name) for p in NOT_CRAWLED_ADMIN)


# How many URLs of one pattern each actor requests (different objects and states).
PER_PATTERN = 3
ICB_LABEL, ICB_ODS = "llr", "QK1"


@dataclass
class Person:
    shown: tuple[str, ...]
    references: set[str] = field(default_factory=set)
    notifications: set[int] = field(default_factory=set)
    cases: set[int] = field(default_factory=set)
    reviews: set[int] = field(default_factory=set)


def _people() -> dict[str, Person]:
    """Every person notified, by NHS number (a duplicate notification is the same person), with
    the texts that identify them on a page: their full name, NHS number and date of birth. A text
    two people share (a common date of birth, say) identifies neither and is left out."""
    found: dict[str, Person] = {}
    texts: dict[str, set[str]] = {}
    for notification in Notification.objects.all():
        person = found.setdefault(notification.nhs_number or notification.reference, Person(()))
        person.references.add(notification.reference)
        person.notifications.add(notification.pk)
        for case in Case.objects.filter(notification=notification):
            person.cases.add(case.pk)
            person.references.add(case.reference)
            person.reviews |= set(Review.objects.filter(case=case).values_list("pk", flat=True))
        key = notification.nhs_number or notification.reference
        own = {
            f"{notification.given_name} {notification.family_name}",
            *(nhs_texts(notification.nhs_number) if notification.nhs_number else ()),
        }
        if notification.date_of_birth:
            own.add(date_long(notification.date_of_birth))
        for text in own:
            texts.setdefault(text, set()).add(key)
    # A name that is also someone else's (a relative in the contacts, a notifier, a member of
    # staff: the demo's names come from one list) identifies nobody on its own.
    from leder.notifications.models import NotificationSource
    from leder.reviews.models import Contact

    others = {
        *Contact.objects.values_list("name", flat=True),
        *NotificationSource.objects.values_list("name", flat=True),
        *User.objects.values_list("full_name", flat=True),
    }
    for key, person in found.items():
        person.shown = tuple(
            sorted(
                text
                for text, keys in texts.items()
                if keys == {key} and len(text) >= 8 and text not in others
            )
        )
    return found


# -- Whom an audit row is about --------------------------------------------------------------

_LINKS = ("case", "notification", "review", "invitation", "contribution", "request", "item")


def _subject(label: str, pk: str, depth: int = 0) -> tuple[str, int] | None:
    """The notification or case an audited object belongs to, following its foreign keys."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    if model is Notification:
        return ("notification", int(pk))
    if model is Case:
        return ("case", int(pk))
    obj = model._default_manager.filter(pk=pk).first() if pk else None
    if obj is None or depth > 3:
        return None
    for name in _LINKS:
        target = getattr(obj, f"{name}_id", None)
        if target is None:
            continue
        try:
            related = model._meta.get_field(name).related_model
        except Exception:  # an attribute that is not a foreign key
            continue
        if related is None:
            continue
        found = _subject(related._meta.label, str(target), depth + 1)
        if found:
            return found
    return None


def recorded(person: Person, rows: list[dict]) -> bool:
    for row in rows:
        if row["action"] not in (AuditAction.VIEW, AuditAction.EXPORT):
            continue
        text = json.dumps(row["details"]) + row["summary"]
        if any(reference in text for reference in person.references):
            return True
        subject = _subject(row["object_type"], row["object_id"]) if row["object_type"] else None
        if subject and (
            (subject[0] == "notification" and subject[1] in person.notifications)
            or (subject[0] == "case" and subject[1] in person.cases)
        ):
            return True
    return False


# -- The world --------------------------------------------------------------------------------


@dataclass
class Actor:
    name: str
    client: Client
    seeds: list[str]
    headers: dict = field(default_factory=dict)


def _demo_user(label: str) -> User:
    return User.objects.get(email=f"{label}@demo.leder.invalid")


def _review_being_written():
    """A review started on a case of the ICB in initial review (the demo reviewer's if they
    have one), with a family contact: the demo leaves its reviews in progress unstarted."""
    from leder.casework.models import CaseState
    from leder.reviews.services.contacts import contact_add
    from leder.reviews.services.records import review_start

    in_review = Case.objects.filter(
        notification__icb__ods_code=ICB_ODS, state=CaseState.INITIAL_REVIEW
    ).select_related("reviewer__user", "notification")
    case = (
        in_review.filter(reviewer__user=_demo_user(f"reviewer.{ICB_LABEL}")).order_by("pk").first()
        or in_review.order_by("pk").first()
    )
    assert case is not None, "the demo has a case in initial review"
    user = case.reviewer.user
    review = Review.objects.filter(case=case).first() or review_start(actor=user, case=case)
    contact = contact_add(
        actor=user,
        review=review,
        name="Jasmine Featherstonehaugh",
        kind="family",
        telephone="01632 960123",
        email="jasmine@example.invalid",
    )
    from datetime import timedelta

    from leder.families.services import draft_share
    from leder.reviews.models import TimelineEvent
    from leder.reviews.services.timeline import timeline_event_add

    kind = TimelineEvent._meta.get_field("kind").choices[0][0]
    timeline_event_add(
        actor=user,
        review=review,
        occurred_on=case.notification.date_of_death - timedelta(days=3),
        kind=kind,
        description="Admitted to hospital with a chest infection.",
    )
    draft_share(
        actor=user,
        case=case,
        kind="pen_portrait",
        content=[["Who he was", "He loved the seaside and his dog."]],
    )
    return review, contact


def _family(contact) -> str:
    """The family contact invited, with a story and a photograph sent through their link;
    returns the link's token."""
    from leder.families import services as families
    from leder.families.models import ContributionKind

    invitation = families.invitation_create(
        actor=contact.review.case.reviewer.user, contact=contact, second_factor="date_of_birth"
    )
    token = families.invitation_token_issue(invitation)
    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")
    families.contribution_add(
        invitation=invitation,
        kind=ContributionKind.STORY,
        answers={"story": "He loved the seaside and his dog."},
        uploads=[png],
    )
    return token


def _records_upload(review) -> None:
    """A records request to a GP practice, with a file uploaded through its link."""
    from leder.organisations.models import Organisation, OrganisationKind
    from leder.reviews.services import uploads

    organisation = Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE).first()
    request_ = uploads.records_request_create(
        actor=review.case.reviewer.user,
        review=review,
        organisation=organisation,
        email="records@example.invalid",
        requested="GP record, last two years",
    )
    token = uploads.upload_link_issue(request_)
    pdf = SimpleUploadedFile("gp-record.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", "application/pdf")
    uploads.record_upload(token=token, upload=pdf)


def _survey_answers(person: Notification) -> None:
    """Enough answers to every demo survey for its results to show, one of them naming a
    person in its free text (as families do)."""
    from django.conf import settings

    from leder.governance.models import AnswerType, Survey, SurveyStatus
    from leder.governance.services.surveys import answer_field_name, survey_response_submit

    named = (
        f"My brother {person.given_name} {person.family_name} (NHS number {person.nhs_number}) "
        "was not listened to."
    )
    for survey in Survey.objects.filter(status=SurveyStatus.OPEN):
        for n in range(getattr(settings, "LEDER_SURVEY_MIN_RESPONSES", 10) + 1):
            answers = {}
            for question in survey.questions.all():
                field_name = answer_field_name(question)
                if question.answer_type == AnswerType.TEXT:
                    answers[field_name] = named if n == 0 else "Thank you."
                elif question.answer_type == AnswerType.SCALE:
                    answers[field_name] = "4"
                elif question.answer_type == AnswerType.YES_NO:
                    answers[field_name] = "yes"
                elif question.answer_type == AnswerType.MULTIPLE_CHOICE:
                    answers[field_name] = [question.options[0]]
                else:
                    answers[field_name] = question.options[0]
            survey_response_submit(
                survey=survey, icb=person.icb, answers=answers, respondent=_respondent(survey, n)
            )


def _respondent(survey, n):
    from leder.governance.models import SurveyAudience

    if survey.audience != SurveyAudience.STAFF:
        return None
    from leder.accounts.tests.factories import user_with_role

    return user_with_role(Role.REVIEWER, _icb())


def _icb():
    from leder.organisations.models import Organisation

    return Organisation.objects.get(ods_code=ICB_ODS)


def build() -> dict[str, Actor]:
    from django.conf import settings

    settings.LEDER_DEMO_MODE = True
    call_command("demo_load", "--notifications", "30", "--history-scale", "0", stdout=StringIO())
    actors: dict[str, Actor] = {}
    labels = [
        (f"{role_label}.{ICB_LABEL}", role_label)
        for role_label in ("lac", "reviewer", "senior", "panel", "chair", "lead", "ig")
    ] + [("regional.midlands", "regional"), ("analyst", "analyst"), ("admin", "admin")]
    for email_label, name in labels:
        client = Client()
        sign_in_verified(client, _demo_user(email_label))
        seeds = ["/", "/staff/", "/account/"]
        if name == "admin":
            seeds.append("/admin/")
        actors[name] = Actor(name, client, seeds)

    review, contact = _review_being_written()
    writer = review.case.reviewer.user
    if writer != _demo_user(f"reviewer.{ICB_LABEL}"):
        # The demo reviewer has no case in initial review: its reviewer is crawled too.
        client = Client()
        sign_in_verified(client, writer)
        actors["writer"] = Actor("writer", client, ["/", "/staff/"])
    _records_upload(review)
    _survey_answers(review.case.notification)
    token = _family(contact)
    client = Client()
    born = review.case.notification.date_of_birth
    response = client.post(
        f"/family/{token}",
        {
            "action": "verify",
            "date_of_birth_day": str(born.day),
            "date_of_birth_month": str(born.month),
            "date_of_birth_year": str(born.year),
        },
    )
    assert response.status_code == 302, response.status_code
    actors["family"] = Actor("family", client, [f"/family/{token}/home"])

    from leder.api.tests.factories import api_client, bearer, token_for
    from leder.organisations.models import Organisation, OrganisationKind

    trust = Organisation.objects.filter(kind=OrganisationKind.TRUST).first()
    api = api_client(organisation=trust, admin=_demo_user("admin"))
    actors["api"] = Actor("api", Client(), ["/api/v1/"], bearer(token_for(api)))
    return actors


# -- PDFs ---------------------------------------------------------------------------------------

PDF_STAND_IN = b"%PDF-1.7\n% the crawl's stand-in for WeasyPrint: the document's HTML follows\n"


class _Stylesheet:
    """WeasyPrint's `CSS`, unparsed: the stand-in lays nothing out."""

    def __init__(self, *args, **kwargs):
        pass


class _Document:
    """WeasyPrint's `HTML` for the crawl: `write_pdf` returns the stand-in header followed by
    the HTML the PDF would be made from, so the crawl searches exactly the text the PDF would
    show (a papers pack takes WeasyPrint about 40 s to lay out on a busy machine; the PDFs
    themselves are tested where each is made, read with `pdftotext`). A PDF not made by the
    service (an uploaded file) is read with `pdftotext` (`response_text`)."""

    def __init__(self, *args, string: str = "", **kwargs):
        self.string = string

    def write_pdf(self, *args, **kwargs) -> bytes:
        return PDF_STAND_IN + self.string.encode()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    import weasyprint
    from django.conf import settings

    previous = getattr(settings, "LEDER_DEMO_MODE", False)
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(weasyprint, "HTML", _Document)
        patch.setattr(weasyprint, "CSS", _Stylesheet)
        # One demo ICB, the one crawled: the second doubles the load and is seen by nobody
        # the crawl signs in as but the region and the nation, whose pages the first fills.
        patch.setattr(demo_load, "DEMO_ICBS", [i for i in demo_load.DEMO_ICBS if i[0] == ICB_ODS])
        outer = transaction.atomic()
        outer.__enter__()
        try:
            actors = build()
            yield actors, _people()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            settings.LEDER_DEMO_MODE = previous


# -- The crawl --------------------------------------------------------------------------------

_HREF = re.compile(r"""(?:href|action|formaction)\s*=\s*["']([^"'#]*)""", re.IGNORECASE)
_JSON_PATH = re.compile(r'"(/(?:api|staff|admin|family|account)[^"\s]*)"')


def every_pattern() -> dict[str, str]:
    """Every named URL pattern Django resolves, as {"namespace:name": route}."""
    found: dict[str, str] = {}

    def walk(patterns, namespace: str, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, inner, route)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"<unnamed {route}>"
                found[f"{namespace}:{name}" if namespace else name] = route

    walk(get_resolver().url_patterns, "", "")
    return found


def _pattern_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name if match.url_name else f"<unnamed {match.route}>"


def links(text: str, base: str) -> list[str]:
    found = []
    for raw in [*_HREF.findall(text), *_JSON_PATH.findall(text)]:
        url = unescape(raw).strip()
        if not url or url.startswith(("mailto:", "tel:", "javascript:", "data:")):
            continue
        parts = urlsplit(url)
        if (parts.scheme or parts.netloc) and parts.netloc not in ("testserver", "leder.test"):
            continue
        path = parts.path or urlsplit(base).path
        if not path.startswith("/"):
            path = base.rsplit("/", 1)[0] + "/" + path
        if path.startswith(("/assets/", "/static/")):
            continue
        found.append(path + (f"?{parts.query}" if parts.query else ""))
    return found


@dataclass
class Crawl:
    reached: set[str] = field(default_factory=set)
    opened: set[str] = field(default_factory=set)
    requests: int = 0
    shown: int = 0
    unrecorded: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def crawl(actor: Actor, people: dict[str, Person], result: Crawl) -> None:
    queue = deque(actor.seeds)
    seen: set[str] = set()
    per_pattern: dict[str, int] = {}
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        pattern = _pattern_of(urlsplit(url).path)
        if pattern is None or not_crawled(pattern):
            continue
        if per_pattern.get(pattern, 0) >= PER_PATTERN:
            continue
        per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
        if actor.headers:
            actor.client.defaults.update(actor.headers)
        outcome = request(None, actor.client, "get", url)
        result.requests += 1
        result.reached.add(pattern)
        if outcome.status is None:
            result.errors.append(f"{url} as {actor.name}: {outcome.error}")
            continue
        if outcome.status != 200:
            if outcome.status in (301, 302) and outcome.location.startswith("/"):
                queue.append(outcome.location)
            continue
        result.opened.add(pattern)
        text = unescape(outcome.text)
        for person in people.values():
            seen_texts = [t for t in person.shown if t in text]
            if not seen_texts:
                continue
            result.shown += 1
            if not recorded(person, outcome.audit):
                result.unrecorded.append(
                    f"{pattern} ({url}) as {actor.name} shows {seen_texts[0]!r} unrecorded"
                )
        queue.extend(links(outcome.text, url))


def test_every_page_that_shows_a_person_records_the_view(world):
    actors, people = world
    result = Crawl()
    for actor in actors.values():
        crawl(actor, people, result)
    patterns = every_pattern()
    missing = sorted(
        name
        for name in set(patterns) - result.reached
        if not not_crawled(name) and name not in NOT_YET_CRAWLED
    )
    stale = sorted(set(NOT_CRAWLED) - set(patterns))
    print(
        f"{result.requests} requests, {len(result.reached)} patterns reached, "
        f"{len(result.opened)} opened, {result.shown} pages showing a person"
    )
    problems = [
        *(f"error: {e}" for e in result.errors),
        *(f"NOT_CRAWLED names a pattern that no longer exists: {name}" for name in stale),
        *(f"unrecorded: {u}" for u in sorted(set(result.unrecorded))),
        *(f"never reached: {name}  /{patterns[name]}" for name in missing),
    ]
    assert result.shown > 100  # not vacuous: people are on many pages
    assert not problems, "\n".join(problems)
