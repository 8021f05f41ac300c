"""Every view of a person is recorded, on every page of the service (issue 12, ADR 0120, ADR 0123,
ADR 0124).

The demo is loaded for one ICB (reviews written, QA, panels, actions, surveys...), with what it
lacks added: a review being written with learning, a family invited by e-mail (with a
contribution and a file) and one by letter, a review in quality assurance, a completed review
whose family sees the family copy, records requests (one answered, one waiting), a draft
briefing, annual reports, an import batch, a dataset export, a role grant to decide. Then the
service is *crawled*, as each of these would use it: every role of the ICB, its region's
coordinator, the national analyst, the administrator (the Django admin included), family members
through their links, an API client, a records request's link holder and an anonymous member of
the public. From each one's start pages every link and form action is followed (a few URLs of
each URL pattern per actor, so different cases and states are seen), and every response is
searched for every person's name, NHS number (each way it is written) and date of birth. PDFs
are searched too: WeasyPrint is replaced by a stand-in whose "PDF" is the HTML it would be laid
out from (laying out a papers pack takes tens of seconds). Wherever a person shows, the same
request must have written a view (or export) audit row about that person: about their
notification, case or review (or anything that belongs to one of them), or naming their
reference in its details.

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
    "api:export_list": "the same address as api:export_create (django-ninja names a path by its "
    "first operation): the list is crawled under that name",
    "accounts:two_factor": "only for a password-only session; shows the user's own form",
    "accounts:two_factor_recovery": "only for a password-only session",
    "accounts:two_factor_setup": "only for a session without a confirmed device",
    "healthz": "monitoring; shows no data",
    "messaging:notify_callback": "GOV.UK Notify's POST callback with its own bearer token",
    "operations:retry": "a POST that re-queues a failed job",
    "families_staff:announce": "a POST (tells the family the copy is ready); its button is on "
    "the family page (crawled)",
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
NOT_YET_CRAWLED: dict[str, str] = {}


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
    from leder.reviews.models import LearningKind, LearningTheme
    from leder.reviews.services.learning import learning_item_add

    learning_item_add(
        actor=user,
        review=review,
        kind=LearningKind.GOOD_PRACTICE,
        text="The ward made reasonable adjustments for his visits.",
        themes=LearningTheme.objects.filter(active=True)[:1],
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
    # A second family member, who has no e-mail address: their invitation is a letter to print
    # and post (delivered as the worker would).
    from leder.messaging.models import Message
    from leder.messaging.services import message_send
    from leder.reviews.services.contacts import contact_add

    by_post = contact_add(
        actor=contact.review.case.reviewer.user,
        review=contact.review,
        name="Bartholomew Quigley-Stone",
        kind="family",
        address="4 Chapel Row\nLeicester",
        postcode="LE1 5AA",
        preferred_contact="letter",
    )
    families.invitation_create(
        actor=contact.review.case.reviewer.user, contact=by_post, second_factor="date_of_birth"
    )
    for message in Message.objects.filter(contact=by_post):
        message_send(message.pk)
    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")
    families.contribution_add(
        invitation=invitation,
        kind=ContributionKind.STORY,
        answers={"story": "He loved the seaside and his dog."},
        uploads=[png],
    )
    return token


def _records_upload(review) -> str:
    """A records request to a GP practice, with a file uploaded through its link, and a second
    not answered yet; returns the second's upload link token (the link holder's)."""
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
    waiting = uploads.records_request_create(
        actor=review.case.reviewer.user,
        review=review,
        organisation=organisation,
        email="records@example.invalid",
        requested="Community nursing notes",
    )
    return uploads.upload_link_issue(waiting)


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
    upload_token = _records_upload(review)
    _survey_answers(review.case.notification)
    token = _family(contact)
    client = _family_client(token, review.case)
    actors["family"] = Actor("family", client, [f"/family/{token}/home"])

    from leder.api.tests.factories import api_client, bearer, token_for
    from leder.organisations.models import Organisation, OrganisationKind

    trust = Organisation.objects.filter(kind=OrganisationKind.TRUST).first()
    api = api_client(organisation=trust, admin=_demo_user("admin"))
    actors["api"] = Actor("api", Client(), ["/api/v1/"], bearer(token_for(api)))
    exported = _dataset_exports(api)
    _annual_reports()
    _import_batch()
    _draft_briefing()
    in_qa = _review_in_quality_assurance(review.case)
    actors["family_completed"] = _completed_with_family([review.case, in_qa])
    returned = _review_returned_with_a_comment([review.case, in_qa])
    client = Client()
    sign_in_verified(client, returned.reviewer.user)
    actors["answering"] = Actor(
        "answering", client, [f"/staff/governance/qa/{returned.reference}/comments"]
    )
    # Whoever holds a records request's upload link (a GP practice's records team).
    actors["records"] = Actor("records", Client(), [f"/records/upload/{upload_token}"])
    actors["public"] = _public_visitor()
    _role_grant_proposed()
    # Pages linked only by script or when something is due: asked for as the user would.
    reviewer_review = f"/staff/cases/{review.case.reference}/review/{review.kind}"
    actors.get("writer", actors["reviewer"]).seeds += [
        f"{reviewer_review}/cause-of-death/find?line=a&q=pneumonia",
        "/staff/families/not-contacted",
    ]
    actors["lac"].seeds.append("/staff/families/not-contacted")
    # QA's decision pages are reached by the review page's buttons (a POST that redirects);
    # the reviewer's comments page from the case once QA has answered.
    qa_page = f"/staff/governance/qa/{in_qa.reference}"
    actors["senior"].seeds += [f"{qa_page}/approve", f"{qa_page}/return"]
    actors["reviewer"].seeds.append(f"{qa_page}/comments")
    actors["api"].seeds.append("/api/v1/exports")
    actors["admin"].seeds += _admin_pages_not_offered(exported)
    return actors


def _admin_pages_not_offered(export) -> list[str]:
    """Django admin pages no link leads to: those the admin refuses to everyone (adding what
    only a restructure or a migration makes; the task queue's results), and the history of
    the recipient and agreement the crawl's export was made under."""
    from uuid import UUID

    from django.urls import reverse

    task = UUID(int=12)
    return [
        reverse("admin:organisations_succession_add"),
        reverse("admin:organisations_unplacedrecord_add"),
        reverse("admin:reviews_gradingscale_add"),
        reverse("admin:django_tasks_database_dbtaskresult_changelist"),
        reverse("admin:django_tasks_database_dbtaskresult_add"),
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[task]),
        reverse("admin:django_tasks_database_dbtaskresult_history", args=[task]),
        reverse("admin:exports_recipient_history", args=[export.recipient_id]),
        reverse("admin:exports_datasharingagreement_change", args=[export.agreement_id]),
        reverse("admin:exports_datasharingagreement_history", args=[export.agreement_id]),
    ]


def _dataset_exports(api):
    """A recipient whose API client is the crawl's, under an agreement, with a dataset export
    made for it (generated, as the worker would) of this year's deaths."""
    from leder.core.time import today
    from leder.exports import services as exports
    from leder.exports.tests.factories import agreement, recipient

    admin = _demo_user("admin")
    to = recipient(api_client=api, admin=admin)
    made = exports.dataset_export_queue(
        actor=_demo_user("analyst"),
        recipient=to,
        agreement=agreement(to, admin=admin),
        cohort_year=today().year,
    )
    return exports.dataset_export_run(export_id=made.pk)


def _annual_reports() -> None:
    """The ICB's annual report of this year's deaths, generated (as the worker would), and
    the region's, waiting to be generated."""
    from leder.core.time import today
    from leder.reports import services as reports

    lead = _demo_user(f"lead.{ICB_LABEL}")
    report = reports.report_create(actor=lead, organisation=_icb(), year=today().year)
    reports.report_generate_queue(actor=lead, report=report)
    reports.report_generate_run(report_id=report.pk)
    regional = _demo_user("regional.midlands")
    waiting = reports.report_create(actor=regional, organisation=_icb().region, year=today().year)
    reports.report_generate_queue(actor=regional, report=waiting)


def _import_batch() -> None:
    """A file of historic deaths uploaded by the local area contact and checked, one row the
    same person as a death already notified (the check names them)."""
    from leder.imports import services as imports
    from leder.imports.tests.factories import as_csv, row

    known = Notification.objects.filter(icb=_icb()).exclude(nhs_number="").order_by("pk").first()
    rows = [
        row(),
        row(
            given_name=known.given_name,
            family_name=known.family_name,
            date_of_birth=known.date_of_birth.isoformat(),
            date_of_death=known.date_of_death.isoformat(),
            nhs_number=known.nhs_number,
        ),
    ]
    batch = imports.import_batch_store(
        actor=_demo_user(f"lac.{ICB_LABEL}"),
        icb=_icb(),
        file_name="historic-deaths.csv",
        content=as_csv(rows),
    )
    imports.import_batch_check_run(batch_id=batch.pk)


def _draft_briefing() -> None:
    """A learning briefing drafted from a signed-off review, not yet published."""
    from leder.governance.models import LearningBriefing
    from leder.governance.services import briefings

    published = LearningBriefing.objects.filter(icb=_icb()).first()
    assert published is not None, "the demo publishes a briefing"
    briefings.briefing_create(
        actor=_demo_user(f"lac.{ICB_LABEL}"),
        icb=_icb(),
        title="Hospital passports were not read on admission",
        summary="Two people's hospital passports were filed but not read by ward staff.",
        learning="Read the hospital passport on admission and share it with the night staff.",
        themes=published.themes.all(),
        source_reviews=published.source_reviews.all(),
    )


def _to_qa():
    """Every ethnic category counted as White British while the crawl's own reviews are
    submitted, so that they go to quality assurance (whose pages the crawl needs) whoever the
    person was: the demo's people are drawn at random."""
    from django.test import override_settings

    from leder.reference.models import EthnicCategory

    codes = list(EthnicCategory.objects.values_list("code", flat=True))
    return override_settings(LEDER_FOCUSED_REVIEW_WHITE_BRITISH_CODES=codes)


def _initial_review_case(*, besides) -> Case:
    """A case of the ICB in initial review, other than `besides`, whose review (written with
    `ReviewContent`'s defaults: grade 2, good practice only, see `_to_qa`) goes to quality
    assurance rather than to a focused review: not autistic without a learning disability.
    The demo's case on hold is resumed when there is none."""
    from leder.casework.models import CaseState
    from leder.casework.services.lifecycle import case_transition
    from leder.notifications.models import Answer

    cases = (
        Case.objects.filter(notification__icb=_icb())
        .exclude(pk__in=[c.pk for c in besides])
        .exclude(
            notification__is_autistic=Answer.YES,
            notification__has_learning_disability__in=[Answer.NO, Answer.NOT_SURE],
        )
    )
    found = cases.filter(state=CaseState.INITIAL_REVIEW).order_by("pk").first()
    if found is None:
        held = cases.filter(state=CaseState.ON_HOLD).order_by("pk").first()
        assert held is not None, "the demo has a case in initial review or on hold"
        case_transition(
            actor=_demo_user(f"lac.{ICB_LABEL}"),
            case=held,
            transition="resume",
            reason="The inquest has concluded.",
        )
        found = Case.objects.get(pk=held.pk)
    return found


def _completed_with_family(besides) -> Actor:
    """A review written with a family member invited through their link, then approved in
    quality assurance: the case is completed and the family sees the family copy. Returns the
    family member, through their link."""
    from leder.casework.models import CaseState
    from leder.demo.reviews import ReviewContent, write_initial_review
    from leder.families import services as families
    from leder.governance.models import QAChecklistItem
    from leder.governance.services import qa
    from leder.reviews.services.contacts import contact_add
    from leder.reviews.services.records import review_submit

    case = _initial_review_case(besides=besides)
    with _to_qa():
        review = write_initial_review(case=case, content=ReviewContent(), submit=False)
    user = case.reviewer.user
    contact = contact_add(
        actor=user,
        review=review,
        name="Philippa Ashdown-Kerr",
        kind="family",
        email="philippa@example.invalid",
    )
    invitation = families.invitation_create(
        actor=user, contact=contact, second_factor="date_of_birth"
    )
    token = families.invitation_token_issue(invitation)
    with _to_qa():
        review_submit(actor=user, review=review)
    case.refresh_from_db()
    assert case.state == CaseState.QUALITY_ASSURANCE, case.state
    senior = _demo_user(f"senior.{ICB_LABEL}")
    round_ = qa.pending_round(review)
    qa.qa_checklist_save(
        actor=senior,
        round=round_,
        answers={
            item.key: {"met": "yes", "note": ""}
            for item in QAChecklistItem.objects.filter(checklist=round_.checklist)
        },
    )
    qa.qa_approve(actor=senior, review=review, summary="Meets the standard.")
    case.refresh_from_db()
    assert case.state == CaseState.COMPLETED, case.state
    return Actor("family_completed", _family_client(token, case), [f"/family/{token}/home"])


def _family_client(token: str, case: Case) -> Client:
    """A client through the family link's second factor (the person's date of birth)."""
    client = Client()
    born = case.notification.date_of_birth
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
    return client


def _review_in_quality_assurance(being_written) -> Case:
    """An initial review written and sent to quality assurance, where the senior reviewer
    assesses it (the demo's reviews in QA were approved or returned)."""
    from leder.casework.models import CaseState
    from leder.demo.reviews import ReviewContent, write_initial_review

    case = _initial_review_case(besides=[being_written])
    with _to_qa():
        write_initial_review(case=case, content=ReviewContent())
    case.refresh_from_db()
    assert case.state == CaseState.QUALITY_ASSURANCE, case.state
    return case


def _review_returned_with_a_comment(besides) -> Case:
    """Another initial review sent to QA, commented on and returned by the senior reviewer: its
    reviewer answers the comment (the demo's returned review was in its second ICB)."""
    from leder.casework.models import CaseState
    from leder.demo.reviews import ReviewContent, write_initial_review
    from leder.governance.services import qa

    case = _initial_review_case(besides=besides)
    with _to_qa():
        write_initial_review(case=case, content=ReviewContent())
    review = Review.objects.get(case=case, kind="initial")
    senior = _demo_user(f"senior.{ICB_LABEL}")
    qa.qa_comment_add(
        actor=senior,
        round=qa.pending_round(review),
        section_key="contacts",
        text="Say who was asked and when.",
    )
    qa.qa_return(actor=senior, review=review, summary="Contacts need more detail.")
    case.refresh_from_db()
    assert case.state == CaseState.INITIAL_REVIEW, case.state
    return case


def _public_visitor() -> Actor:
    """A member of the public, with no account: they sent a notification (so its confirmation
    page is theirs to see), have answered every question of a second one (so the check page
    shows their answers, about a person nobody has notified) and are asked for feedback."""
    from leder.governance.models import Survey, SurveyAudience, SurveyStatus
    from leder.notifications.tests.test_public_form import answer_every_page, pages, submit

    client = Client()
    icb = _icb()
    # Numbers and dates of their own: the form's example number (999 000 0018) is also the one
    # the API's documentation and the telephone form show as an example.
    sent_dates = {
        "date_of_birth_day": "17",
        "date_of_birth_month": "8",
        "date_of_birth_year": "1958",
        "date_of_death_day": "2",
        "date_of_death_month": "6",
        "date_of_death_year": "2025",
    }
    answer_every_page(
        client,
        pages(icb, **{"nhs-number": {"nhs_number": "999 424 2008"}, "dates": sent_dates}),
    )
    sent = submit(client)
    assert sent.status_code == 302, sent.status_code
    someone_else = {"given_name": "Rosalind", "family_name": "Quennell-Abara", "other_names": ""}
    unsent_dates = {**sent_dates, "date_of_birth_day": "23", "date_of_birth_year": "1966"}
    answer_every_page(
        client,
        pages(icb, person=someone_else, dates=unsent_dates, **{"nhs-number": {"nhs_number": ""}}),
    )
    survey = Survey.objects.get(audience=SurveyAudience.PUBLIC, status=SurveyStatus.OPEN)
    return Actor(
        "public",
        client,
        [
            "/",
            "/notify/",
            "/notify/check",
            sent["Location"],
            f"/feedback/{survey.slug}",
            f"/feedback/{survey.slug}/thank-you",
        ],
    )


def _role_grant_proposed() -> None:
    """The administrator proposes a reviewer role at the ICB for a new user: its executive lead
    decides (ADR 0120)."""
    from leder.accounts import services as accounts

    user = accounts.user_create(
        actor=_demo_user("admin"),
        email="new.reviewer@example.invalid",
        full_name="Theodora Newcombe-Vasquez",
        job_title="Reviewer",
    )
    accounts.role_grant_propose(
        actor=_demo_user("admin"), user=user, role=Role.REVIEWER, organisation=_icb()
    )


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
    if match.url_name:
        return match.view_name
    unnamed = f"<unnamed {match.route}>"
    return f"{match.namespace}:{unnamed}" if match.namespace else unnamed


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
