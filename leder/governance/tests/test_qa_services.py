"""Quality assurance services: rounds (numbering, history), the checklist, comments, approval
(locks and completes), return (back to the reviewer, who can edit, respond and resubmit, which
opens the next round), who may (senior reviewers of the ICB only, never an author), and bad
input writing nothing. Also the fixtures the QA view tests share.

The review here has two real sections (family involvement and the pen portrait), so the tests
do not depend on every part of the review being complete."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.models import CaseEvent, CaseState
from leder.casework.tests.factories import CaseMaker
from leder.core.audit import verify_chain
from leder.core.models import AuditAction, AuditEvent
from leder.governance.models import (
    QAChecklist,
    QAChecklistItem,
    QAComment,
    QAOutcome,
    QARound,
    SignOff,
    SignOffRoute,
)
from leder.governance.selectors.qa import qa_comments_for
from leder.governance.services import qa as services
from leder.governance.services.signoff import is_locked
from leder.reviews import sections
from leder.reviews.models import ReviewSection
from leder.reviews.services.records import (
    edit_refusal,
    review_section_save,
    review_start,
    review_submit,
)

pytestmark = pytest.mark.django_db

FAMILY = {
    "told_of_review": "no",
    "invited_to_contribute": "no",
    "offered_pen_portrait": "no",
    "wants_copy": "no",
    "asked_for_focused_review": "no",
}
PEN = {
    "who_they_were": "Maya loved music and her garden",
    "what_mattered": "Being at home with her cat",
    "what_people_said": "",
}


# --- fixtures (shared with the view tests) ------------------------------------------------------


@pytest.fixture(autouse=True)
def two_sections(monkeypatch):
    """The review is the family involvement and the pen portrait; it always goes to QA."""
    mine = {key: sections.get(key) for key in ("family", "pen_portrait")}
    monkeypatch.setattr(sections, "_registry", mine)
    monkeypatch.setattr(sections, "focused_review_needed", lambda review: False, raising=False)


@pytest.fixture
def icb():
    return make_icb(name="NHS Test ICB", short_name="Test ICB")


@pytest.fixture
def lac(icb):
    return user_with_role(Role.LAC, icb)


@pytest.fixture
def cases(icb, lac):
    return CaseMaker(icb=icb, lac=lac)


@pytest.fixture
def senior(icb):
    return user_with_role(Role.SENIOR_REVIEWER, icb, full_name="Sam Senior")


def write_and_submit(case):
    reviewer = case.reviewer.user
    review = review_start(actor=reviewer, case=case)
    review_section_save(actor=reviewer, review=review, key="family", data=FAMILY, complete=True)
    review_section_save(actor=reviewer, review=review, key="pen_portrait", data=PEN, complete=True)
    review_submit(actor=reviewer, review=review)
    review.refresh_from_db()
    case.refresh_from_db()
    return review


@pytest.fixture
def case(cases):
    return cases.make(CaseState.INITIAL_REVIEW, given_name="Maya", family_name="Okafor")


@pytest.fixture
def reviewer(case):
    return case.reviewer.user


@pytest.fixture
def review(case):
    """An initial review submitted to quality assurance (round 1 open)."""
    return write_and_submit(case)


def all_yes(round_) -> dict:
    return {item.key: {"met": "yes", "note": ""} for item in round_.checklist.items.all()}


def written():
    """Everything QA writes, to check that a refusal writes nothing."""
    return (
        list(QARound.objects.order_by("pk").values_list("number", "outcome", "answers", "summary")),
        list(QAComment.objects.order_by("pk").values_list("text", "response")),
        SignOff.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.exclude(action=AuditAction.VIEW).count(),
    )


# --- the checklist loaded by the migration ---------------------------------------------------


def test_the_default_checklist_is_in_force_with_items_pointing_at_sections():
    checklist = services.checklist_in_force()
    assert checklist.version == "2026-1"
    items = list(checklist.items.order_by("order"))
    assert 8 <= len(items) <= 10
    keys = {item.section_key for item in items}
    assert {"family", "pen_portrait", "timeline", "contacts", "cause_of_death"} <= keys


# --- rounds -----------------------------------------------------------------------------------


def test_submission_opens_round_one_with_the_version_and_checklist(review, reviewer):
    round_ = QARound.objects.get(review=review)
    assert round_.number == 1
    assert round_.outcome == QAOutcome.PENDING
    assert round_.submitted_version == review.current_version
    assert round_.checklist == services.checklist_in_force()
    event = AuditEvent.objects.get(object_type="governance.QARound", object_id=str(round_.pk))
    assert event.actor == reviewer and event.action == AuditAction.CREATE


def test_opening_a_round_again_returns_the_pending_one(review):
    first = QARound.objects.get(review=review)
    again = services.qa_round_open(review=review)
    assert again.pk == first.pk
    assert QARound.objects.filter(review=review).count() == 1


def test_a_round_takes_the_newest_checklist_in_force(case, monkeypatch):
    newer = QAChecklist.objects.create(
        version="2026-2", effective_from=services.today(), active=True
    )
    QAChecklistItem.objects.create(checklist=newer, order=1, key="one", text="One thing")
    review = write_and_submit(case)
    assert QARound.objects.get(review=review).checklist == newer


# --- checklist and comments -------------------------------------------------------------------


def test_the_assessor_saves_draft_answers(review, senior):
    round_ = QARound.objects.get(review=review)
    services.qa_checklist_save(
        actor=senior,
        round=round_,
        answers={"pen_portrait": {"met": "yes", "note": " Vivid "}, "plain_words": {"met": ""}},
    )
    round_.refresh_from_db()
    assert round_.answers == {"pen_portrait": {"met": "yes", "note": "Vivid"}}
    assert round_.assessor == senior


@pytest.mark.parametrize(
    "answers",
    [
        {"not_an_item": {"met": "yes"}},
        {"pen_portrait": {"met": "maybe"}},
        {"pen_portrait": {"met": "yes", "note": "x" * 1001}},
    ],
)
def test_bad_checklist_answers_write_nothing(review, senior, answers):
    round_ = QARound.objects.get(review=review)
    before = written()
    with pytest.raises(ValidationError):
        services.qa_checklist_save(actor=senior, round=round_, answers=answers)
    assert written() == before


def test_comments_are_added_to_sections_and_removed(review, senior):
    round_ = QARound.objects.get(review=review)
    comment = services.qa_comment_add(
        actor=senior, round=round_, section_key="pen_portrait", text="Say more about her music"
    )
    whole = services.qa_comment_add(actor=senior, round=round_, section_key="", text="Good work")
    assert comment.section_key == "pen_portrait" and whole.section_key == ""
    services.qa_comment_remove(actor=senior, comment=whole)
    assert list(round_.comments.values_list("text", flat=True)) == ["Say more about her music"]


@pytest.mark.parametrize(
    ("section_key", "text"), [("pen_portrait", "   "), ("no_such_section", "A comment")]
)
def test_a_bad_comment_writes_nothing(review, senior, section_key, text):
    round_ = QARound.objects.get(review=review)
    before = written()
    with pytest.raises(ValidationError):
        services.qa_comment_add(actor=senior, round=round_, section_key=section_key, text=text)
    assert written() == before


# --- approval ---------------------------------------------------------------------------------


def test_approval_locks_the_review_and_completes_the_case(review, senior, case):
    round_ = QARound.objects.get(review=review)
    services.qa_checklist_save(actor=senior, round=round_, answers=all_yes(round_))

    services.qa_approve(actor=senior, review=review, summary="A thorough review")

    round_.refresh_from_db()
    case.refresh_from_db()
    assert round_.outcome == QAOutcome.APPROVED
    assert (round_.assessor, round_.summary) == (senior, "A thorough review")
    assert round_.decided_at is not None
    assert case.state == CaseState.COMPLETED
    assert is_locked(review)
    signoff = SignOff.objects.get(review=review)
    assert signoff.route == SignOffRoute.QA_APPROVAL and signoff.qa_round == round_
    assert signoff.version_number == round_.submitted_version
    assert edit_refusal(user=case.reviewer.user, review=review).startswith("This review has been")
    assert verify_chain()[1] is None


def test_approval_needs_every_item_answered(review, senior):
    round_ = QARound.objects.get(review=review)
    answers = all_yes(round_)
    answers.pop("plain_words")
    services.qa_checklist_save(actor=senior, round=round_, answers=answers)
    before = written()
    with pytest.raises(ValidationError, match="1 item not answered"):
        services.qa_approve(actor=senior, review=review)
    assert written() == before
    assert not is_locked(review)


def test_a_no_answer_stops_approval(review, senior):
    round_ = QARound.objects.get(review=review)
    answers = all_yes(round_)
    answers["timeline_whole_life"] = {"met": "no", "note": "Only the last admission"}
    services.qa_checklist_save(actor=senior, round=round_, answers=answers)
    with pytest.raises(ValidationError, match="Return the review with comments"):
        services.qa_approve(actor=senior, review=review)
    assert QARound.objects.get(pk=round_.pk).outcome == QAOutcome.PENDING


# --- return, response and resubmission -----------------------------------------------------------


def test_return_sends_the_review_back_and_the_reviewer_can_edit_again(review, senior, case):
    round_ = QARound.objects.get(review=review)
    comment = services.qa_comment_add(
        actor=senior, round=round_, section_key="pen_portrait", text="Say more about her music"
    )
    services.qa_return(actor=senior, review=review, summary="")

    round_.refresh_from_db()
    case.refresh_from_db()
    assert round_.outcome == QAOutcome.RETURNED and round_.assessor == senior
    assert case.state == CaseState.INITIAL_REVIEW
    assert case.events.order_by("-pk").first().reason == "Returned with 1 comment"
    reviewer = case.reviewer.user
    assert edit_refusal(user=reviewer, review=review) is None
    assert qa_comments_for(review, "pen_portrait") == [comment]
    assert qa_comments_for(review, "family") == []


def test_return_needs_a_comment_or_a_summary(review, senior):
    before = written()
    with pytest.raises(ValidationError) as refused:
        services.qa_return(actor=senior, review=review, summary="  ")
    assert "tell the reviewer what to change" in str(refused.value)
    assert written() == before


def test_resubmission_opens_round_two_and_keeps_round_one(review, senior, case, reviewer):
    round_one = QARound.objects.get(review=review)
    comment = services.qa_comment_add(
        actor=senior, round=round_one, section_key="pen_portrait", text="Say more about music"
    )
    services.qa_return(actor=senior, review=review, summary="Nearly there")
    services.qa_comment_respond(actor=reviewer, comment=comment, response="Added her choir")
    review_section_save(
        actor=reviewer,
        review=review,
        key="pen_portrait",
        data={**PEN, "who_they_were": "Maya sang in a choir and loved her garden"},
        complete=True,
    )
    review_submit(actor=reviewer, review=review)

    rounds = list(QARound.objects.filter(review=review).order_by("number"))
    assert [(r.number, r.outcome) for r in rounds] == [
        (1, QAOutcome.RETURNED),
        (2, QAOutcome.PENDING),
    ]
    review.refresh_from_db()
    assert rounds[1].submitted_version == review.current_version > rounds[0].submitted_version
    kept = QAComment.objects.get(pk=comment.pk)
    assert (kept.round_id, kept.response) == (round_one.pk, "Added her choir")
    # Once resubmitted, the reviewer has nothing left to act on and cannot respond any more.
    assert qa_comments_for(review) == []
    with pytest.raises(ValidationError):
        services.qa_comment_respond(actor=reviewer, comment=comment, response="Changed")

    services.qa_checklist_save(actor=senior, round=rounds[1], answers=all_yes(rounds[1]))
    services.qa_approve(actor=senior, review=review)
    assert SignOff.objects.get(review=review).qa_round == rounds[1]


def test_only_the_reviewer_responds_and_not_with_a_blank(review, senior, reviewer, lac):
    round_ = QARound.objects.get(review=review)
    comment = services.qa_comment_add(
        actor=senior, round=round_, section_key="family", text="Was the family told?"
    )
    services.qa_return(actor=senior, review=review, summary="")
    before = written()
    with pytest.raises(PermissionDenied):
        services.qa_comment_respond(actor=lac, comment=comment, response="Yes")
    with pytest.raises(PermissionDenied):
        services.qa_comment_respond(actor=senior, comment=comment, response="Yes")
    with pytest.raises(ValidationError):
        services.qa_comment_respond(actor=reviewer, comment=comment, response="  ")
    assert written() == before


def test_a_comment_cannot_be_responded_to_while_awaiting_qa(review, senior, reviewer):
    round_ = QARound.objects.get(review=review)
    comment = services.qa_comment_add(actor=senior, round=round_, section_key="", text="Hmm")
    with pytest.raises(ValidationError):
        services.qa_comment_respond(actor=reviewer, comment=comment, response="Done")


# --- who may ----------------------------------------------------------------------------------


def _every_assessor_service(actor, review):
    round_ = QARound.objects.get(review=review, outcome=QAOutcome.PENDING)
    return [
        lambda: services.qa_checklist_save(actor=actor, round=round_, answers=all_yes(round_)),
        lambda: services.qa_comment_add(actor=actor, round=round_, section_key="", text="x"),
        lambda: services.qa_approve(actor=actor, review=review),
        lambda: services.qa_return(actor=actor, review=review, summary="Please amend"),
    ]


@pytest.mark.parametrize(
    "role", [Role.LAC, Role.REVIEWER, Role.PANEL_CHAIR, Role.ICB_LEAD, "other_icb_senior"]
)
def test_only_senior_reviewers_of_the_icb_assess(review, icb, role):
    if role == "other_icb_senior":
        actor = user_with_role(Role.SENIOR_REVIEWER, make_icb())
    else:
        actor = user_with_role(role, icb)
    before = written()
    for call in _every_assessor_service(actor, review):
        with pytest.raises(PermissionDenied, match="senior reviewer of this ICB"):
            call()
    assert written() == before


def test_the_author_cannot_assess_their_own_review(icb, cases):
    # A senior reviewer who is also the case's reviewer.
    from leder.casework.tests.factories import make_reviewer

    author = user_with_role(Role.SENIOR_REVIEWER, icb)
    case = cases.make(CaseState.INITIAL_REVIEW, reviewer=make_reviewer(icb, user=author))
    review = write_and_submit(case)
    before = written()
    for call in _every_assessor_service(author, review):
        with pytest.raises(PermissionDenied, match="a review you wrote"):
            call()
    assert written() == before


def test_a_senior_reviewer_who_wrote_part_of_it_before_reallocation_cannot_assess(
    icb, cases, senior
):
    from leder.casework.models import Case
    from leder.casework.tests.factories import make_reviewer

    case = cases.make(CaseState.INITIAL_REVIEW, reviewer=make_reviewer(icb, user=senior))
    review = review_start(actor=senior, case=case)
    review_section_save(actor=senior, review=review, key="family", data=FAMILY, complete=True)
    # Reallocated: someone else finishes and submits it.
    Case.objects.filter(pk=case.pk).update(reviewer=make_reviewer(icb))
    case.refresh_from_db()
    review.refresh_from_db()
    reviewer = case.reviewer.user
    review_section_save(actor=reviewer, review=review, key="pen_portrait", data=PEN, complete=True)
    review_submit(actor=reviewer, review=review)
    with pytest.raises(PermissionDenied, match="a review you wrote"):
        services.qa_approve(actor=senior, review=review)


def test_nothing_can_be_assessed_once_decided(review, senior):
    round_ = QARound.objects.get(review=review)
    services.qa_checklist_save(actor=senior, round=round_, answers=all_yes(round_))
    services.qa_approve(actor=senior, review=review)
    before = written()
    with pytest.raises(ValidationError, match="not awaiting"):
        services.qa_comment_add(actor=senior, round=round_, section_key="", text="Late")
    with pytest.raises(ValidationError, match="not awaiting"):
        services.qa_return(actor=senior, review=review, summary="Late")
    assert written() == before


def test_the_sections_are_unchanged_by_quality_assurance(review, senior):
    before = list(ReviewSection.objects.order_by("pk").values_list("key", "data"))
    round_ = QARound.objects.get(review=review)
    services.qa_comment_add(actor=senior, round=round_, section_key="family", text="Check")
    services.qa_return(actor=senior, review=review, summary="")
    assert list(ReviewSection.objects.order_by("pk").values_list("key", "data")) == before


# --- the checklist definition (administrators) -----------------------------------------------


def test_administrators_maintain_unused_checklists_and_changes_are_audited():
    admin = user_with_role(Role.ADMINISTRATOR)
    checklist = services.qa_checklist_version_save(
        actor=admin,
        checklist=QAChecklist(version="2027-1", effective_from=services.today(), active=False),
    )
    item = services.qa_checklist_item_save(
        actor=admin,
        item=QAChecklistItem(checklist=checklist, order=1, key="one", text="One thing"),
    )
    item.text = "One better thing"
    services.qa_checklist_item_save(actor=admin, item=item)
    services.qa_checklist_item_delete(actor=admin, item=item)
    summaries = list(
        AuditEvent.objects.filter(actor=admin)
        .order_by("sequence")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "QA checklist version 2027-1 added",
        "QA checklist 2027-1: item one added",
        "QA checklist 2027-1: item one changed",
        "QA checklist 2027-1: item one removed",
    ]


def test_a_used_checklist_is_frozen(review):
    admin = user_with_role(Role.ADMINISTRATOR)
    checklist = QARound.objects.get(review=review).checklist
    item = checklist.items.first()
    item.text = "Something else"
    with pytest.raises(ValidationError, match="Make a new version"):
        services.qa_checklist_item_save(actor=admin, item=item)
    with pytest.raises(ValidationError, match="Make a new version"):
        services.qa_checklist_item_delete(actor=admin, item=item)
    checklist.title = "Renamed"
    with pytest.raises(ValidationError, match="Make a new version"):
        services.qa_checklist_version_save(actor=admin, checklist=checklist)
    checklist.refresh_from_db()
    checklist.active = False
    services.qa_checklist_version_save(actor=admin, checklist=checklist)
    assert not QAChecklist.objects.get(pk=checklist.pk).active


def test_only_administrators_maintain_the_checklist(senior):
    with pytest.raises(PermissionDenied):
        services.qa_checklist_version_save(
            actor=senior,
            checklist=QAChecklist(version="x", effective_from=services.today()),
        )
    assert not QAChecklist.objects.filter(version="x").exists()


# --- the admin ----------------------------------------------------------------------------------


def _inline(prefix: str, rows: list[dict], *, initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def test_administrators_add_a_checklist_version_with_items_in_the_admin(client):
    admin_user = user_with_role(Role.ADMINISTRATOR)
    sign_in_verified(client, admin_user)
    assert client.get(reverse("admin:governance_qachecklist_changelist")).status_code == 200
    response = client.post(
        reverse("admin:governance_qachecklist_add"),
        {
            "version": "2027-1",
            "title": "Checklist 2027",
            "effective_from": "2027-01-01",
            "active": "on",
            **_inline(
                "items",
                [{"order": "1", "key": "family_view", "text": "Family view", "hint": ""}],
            ),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    checklist = QAChecklist.objects.get(version="2027-1")
    assert list(checklist.items.values_list("key", flat=True)) == ["family_view"]
    assert AuditEvent.objects.filter(
        actor=admin_user, summary="QA checklist 2027-1: item family_view added"
    ).exists()


def test_a_used_checklists_items_are_read_only_in_the_admin(client, review):
    sign_in_verified(client, user_with_role(Role.ADMINISTRATOR))
    checklist = QARound.objects.get(review=review).checklist
    page = client.get(reverse("admin:governance_qachecklist_change", args=[checklist.pk]))
    assert page.status_code == 200
    assert 'name="items-0-text"' not in page.content.decode()


def test_nobody_else_reaches_the_checklist_in_the_admin(client, senior, lac):
    for user in (senior, lac):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.logout()
        sign_in_verified(client, user)
        response = client.get(reverse("admin:governance_qachecklist_changelist"))
        assert response.status_code in (302, 403)
