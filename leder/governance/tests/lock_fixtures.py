"""Signed-off reviews for the lock proof (`test_lock.py`), one for each way a review is locked.
No tests in this module.

- "panel": a focused review written in full and signed off by the panel;
- "qa": an initial review written in full (`leder.demo.reviews.write_initial_review`, a White
  British person with no reason for a focused review, so it goes to quality assurance), with the
  checklist answered "yes" throughout and approved by a senior reviewer of the ICB who did not
  write it;
- "imported": a completed review brought in by the bulk import (`leder.imports`), locked at
  import: it holds only what the previous platform recorded (the cause of death, the grade,
  learning and one version), so the attacks that need a contact, a timeline event or a records
  request of the review have nothing to aim at.

The panel and QA reviews are given, through the reviewer's services before submission, a row in
every content table the triggers guard (`lock_triggers.CONTENT_TABLES`), so no table escapes the
proof. `Locked` carries what an attacker needs to reach each row, and the people who could try.
"""

from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from leder.accounts.models import Role
from leder.accounts.tests.factories import user_with_role
from leder.casework.models import CaseState
from leder.core.time import today
from leder.demo.reviews import write_focused_review, write_initial_review
from leder.governance import lock_triggers
from leder.governance.models import QARound, SignOff
from leder.governance.services import panels as panel_services
from leder.governance.services import qa as qa_services
from leder.governance.tests.test_panels_factories import PanelWorld, panel_world
from leder.imports import services as import_services
from leder.imports import tasks as import_tasks
from leder.imports.models import ImportedReview
from leder.imports.tests.factories import as_csv, completed
from leder.notifications.tests.factories import nhs_number
from leder.organisations.models import Organisation, OrganisationKind
from leder.reviews.models import (
    Contact,
    LearningItem,
    RecordsRequest,
    Review,
    TimelineEvent,
    UploadedRecord,
)
from leder.reviews.services.contacts import (
    contact_add,
    contact_attempt_add,
    gp_record_reviewed_record,
)
from leder.reviews.services.records import review_submit
from leder.reviews.services.uploads import (
    record_upload,
    records_request_create,
    upload_link_issue,
)

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
CHANGED = "Changed after sign-off: the death was not potentially avoidable"
ROUTES = ["panel", "qa", "imported"]
# The routes whose review has a row in every content table (written through the services).
FULL_ROUTES = ["panel", "qa"]


@dataclass
class Locked:
    """A signed-off review, the rows an attacker would aim at (None where the review has none),
    and the people around it."""

    route: str
    world: PanelWorld
    case: object
    review: Review
    signoff: SignOff
    # Whoever a write would most plausibly be allowed for: the review's author (the LAC for an
    # imported review, which has none).
    actor: object
    reviewer: object | None
    # A section of this kind of review, and answers that would change it.
    section_key: str
    section_data: dict
    contact: Contact | None = None
    organisation: Organisation | None = None
    request: RecordsRequest | None = None
    token: str | None = None
    event: TimelineEvent | None = None
    learning: LearningItem | None = None
    record: UploadedRecord | None = None
    # Further people with a particular tie to this review (the QA assessor...).
    insiders: dict = field(default_factory=dict)


def review_rows(table: str, review_id: int) -> list[int]:
    """The ids of the rows of `table` that belong to the review (as the triggers see it)."""
    if table == "reviews_review":
        return [review_id]
    expr = dict(lock_triggers.CONTENT_TABLES)[table].format(row="t")
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t.id FROM {quoted} t WHERE {expr} = %s ORDER BY t.id", [review_id])
        return [row[0] for row in cursor.fetchall()]


def _records_organisation() -> Organisation:
    return Organisation.objects.create(
        ods_code="TSTLK001", name="Riverside Surgery", kind=OrganisationKind.GP_PRACTICE
    )


def _add_missing_rows(review: Review, reviewer) -> dict:
    """Through the reviewer's services, the rows `write_*_review` does not write: a contact
    statement (the GP record reviewed), a records request and a file uploaded through its link.
    Also a contact with an attempt, so the rows attacked are ones this test made."""
    contact = contact_add(
        actor=reviewer, review=review, name="Susan Okafor", kind="family", role="Sister"
    )
    contact_attempt_add(
        actor=reviewer, contact=contact, made_on=today(), method="phone", outcome="spoke"
    )
    gp_record_reviewed_record(actor=reviewer, review=review, reviewed_on=today())
    organisation = _records_organisation()
    request = records_request_create(
        actor=reviewer,
        review=review,
        organisation=organisation,
        email="records@example.nhs.uk",
        requested="GP records, 2 years",
    )
    token = upload_link_issue(request)
    record_upload(token=token, upload=SimpleUploadedFile("gp.pdf", PDF_BYTES))
    return {
        "contact": contact,
        "organisation": organisation,
        "request": request,
        "token": token,
        "record": UploadedRecord.objects.get(request=request),
    }


def _finish(locked: Locked) -> Locked:
    review = locked.review
    locked.review = Review.objects.get(pk=review.pk)
    locked.case.refresh_from_db()
    locked.review.case = locked.case
    locked.signoff = SignOff.objects.get(review=review, reopened_at__isnull=True)
    locked.event = TimelineEvent.objects.filter(review=review).order_by("pk").first()
    locked.learning = LearningItem.objects.filter(review=review).order_by("pk").first()
    return locked


def locked_by_panel() -> Locked:
    world = panel_world()
    case = world.cases.make(CaseState.FOCUSED_REVIEW, given_name="Maya", family_name="Okafor")
    reviewer = case.reviewer.user
    review = write_focused_review(case=case, submit=False)
    rows = _add_missing_rows(review, reviewer)
    review_submit(actor=reviewer, review=review)
    meeting = world.quorate(world.meeting())
    item = world.on_agenda(meeting, review)
    panel_services.panel_decision_record(actor=world.members[0], item=item, decision="signed_off")
    return _finish(
        Locked(
            route="panel",
            world=world,
            case=case,
            review=review,
            signoff=None,
            actor=reviewer,
            reviewer=reviewer,
            section_key="focused_evidence",
            section_data={"evidence": CHANGED, "sources": CHANGED},
            **rows,
        )
    )


def locked_by_qa() -> Locked:
    world = panel_world()
    case = world.cases.make(
        CaseState.INITIAL_REVIEW,
        given_name="Maya",
        family_name="Okafor",
        ethnic_category_id="A",
    )
    reviewer = case.reviewer.user
    review = write_initial_review(case=case, submit=False)
    rows = _add_missing_rows(review, reviewer)
    review_submit(actor=reviewer, review=review)
    case.refresh_from_db()
    assert case.state == CaseState.QUALITY_ASSURANCE, case.state
    assessor = user_with_role(Role.SENIOR_REVIEWER, world.icb, full_name="Hana Kowalski")
    round_ = QARound.objects.get(review=review)
    answers = {item.key: {"met": "yes", "note": ""} for item in round_.checklist.items.all()}
    qa_services.qa_checklist_save(actor=assessor, round=round_, answers=answers)
    qa_services.qa_approve(actor=assessor, review=review)
    return _finish(
        Locked(
            route="qa",
            world=world,
            case=case,
            review=review,
            signoff=None,
            actor=reviewer,
            reviewer=reviewer,
            section_key="grading",
            section_data={"level": 6, "rationale": CHANGED},
            insiders={"the QA assessor": assessor},
            **rows,
        )
    )


def locked_by_import() -> Locked:
    world = panel_world()
    lac = world.lac
    content = as_csv([completed(nhs_number=nhs_number(), given_name="Maya", family_name="Okafor")])
    batch = import_tasks.import_batch_upload(
        actor=lac, icb=world.icb, file_name="deaths.csv", content=content
    )
    import_services.import_batch_commit(actor=lac, batch=batch)
    review = ImportedReview.objects.get(batch=batch).review
    return _finish(
        Locked(
            route="imported",
            world=world,
            case=review.case,
            review=review,
            signoff=None,
            actor=lac,
            reviewer=None,
            section_key="grading",
            section_data={"level": 6, "rationale": CHANGED},
        )
    )


BUILDERS = {"panel": locked_by_panel, "qa": locked_by_qa, "imported": locked_by_import}
# The sign-off route each builder must end in (`SignOff.route`).
SIGNOFF_ROUTES = {"panel": "panel", "qa": "qa", "imported": "imported"}
