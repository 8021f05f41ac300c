"""Quality assurance pages: the queue, the QA page (content, checklist, comments), the decision
pages, the round history, and the reviewer's comments and responses. The permission matrix of
every page, bad input (a clear message, nothing written), and audited views."""

import pytest
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_password_only, sign_in_verified, user_with_role
from leder.casework.models import CaseState
from leder.casework.tests.factories import make_reviewer
from leder.core.models import AuditAction, AuditEvent
from leder.governance.models import QAComment, QAOutcome, QARound
from leder.governance.services import qa as services
from leder.governance.tests import test_qa_services as shared
from leder.governance.tests.test_qa_services import all_yes, write_and_submit, written

# The fixtures of the service tests (a case submitted to QA, its people).
two_sections, icb, lac, cases, senior = (
    shared.two_sections,
    shared.icb,
    shared.lac,
    shared.cases,
    shared.senior,
)
case, reviewer, review = shared.case, shared.reviewer, shared.review

pytestmark = pytest.mark.django_db


def qa(name: str, case, **kwargs) -> str:
    return reverse(f"governance:{name}", kwargs={"reference": case.reference, **kwargs})


QUEUE = reverse("governance:qa_queue")


def text_of(response) -> str:
    return response.content.decode()


# --- the queue --------------------------------------------------------------------------------


def test_the_queue_lists_reviews_awaiting_qa_with_age_round_and_reviewer(
    client, review, case, senior, reviewer
):
    sign_in_verified(client, senior)
    page = text_of(client.get(QUEUE))
    assert case.reference in page and "Maya Okafor" in page
    assert reviewer.full_name in page
    assert "Today" in page  # submitted today
    assert qa("qa_review", case) in page
    assert "another senior reviewer must assess it" not in page


def test_the_queue_shows_the_age_in_days(client, review, senior):
    QARound.objects.filter(review=review).update(
        submitted_at=services.now() - services_timedelta(days=12)
    )
    sign_in_verified(client, senior)
    assert "12 days" in text_of(client.get(QUEUE))


def services_timedelta(**kwargs):
    from datetime import timedelta

    return timedelta(**kwargs)


def test_a_senior_reviewer_sees_their_own_review_marked(client, icb, cases):
    author = user_with_role(Role.SENIOR_REVIEWER, icb)
    case = cases.make(CaseState.INITIAL_REVIEW, reviewer=make_reviewer(icb, user=author))
    write_and_submit(case)
    sign_in_verified(client, author)
    page = text_of(client.get(QUEUE))
    assert case.reference in page
    assert "You wrote this – another senior reviewer must assess it" in page


def test_the_queue_leaves_out_other_icbs_and_decided_rounds(client, review, case, senior):
    other = make_icb(name="NHS Other ICB")
    other_senior = user_with_role(Role.SENIOR_REVIEWER, other)
    sign_in_verified(client, other_senior)
    page = text_of(client.get(QUEUE))
    assert case.reference not in page and "No reviews are awaiting quality assurance" in page

    round_ = QARound.objects.get(review=review)
    services.qa_comment_add(actor=senior, round=round_, section_key="", text="Amend")
    services.qa_return(actor=senior, review=review, summary="")
    client.logout()
    sign_in_verified(client, senior)
    assert case.reference not in text_of(client.get(QUEUE))


# --- the QA page ------------------------------------------------------------------------------


def test_the_qa_page_shows_the_review_section_by_section_and_is_audited(
    client, review, case, senior
):
    sign_in_verified(client, senior)
    before = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=senior).count()
    page = text_of(client.get(qa("qa_review", case)))
    assert "Family involvement" in page and "Pen portrait" in page
    assert "Maya loved music and her garden" in page  # the pen portrait's answer
    section_page = reverse(
        "reviews:section",
        kwargs={"reference": case.reference, "kind": "initial", "key": "pen_portrait"},
    )
    assert section_page in page
    # One form: a comment box beside each section, the checklist, and buttons that save it all.
    assert page.count(f'action="{qa("qa_review", case)}"') == 1
    assert 'name="comment_pen_portrait"' in page and 'name="comment_overall"' in page
    assert 'name="met_pen_portrait"' in page
    assert 'value="approve"' in page and 'value="return"' in page
    assert "Save and stay on this page" in page
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=senior)
    assert views.count() == before + 1
    assert views.order_by("-sequence")[0].object_id == str(case.pk)


def test_the_checklist_is_saved_from_the_page(client, review, case, senior):
    sign_in_verified(client, senior)
    response = client.post(
        qa("qa_review", case),
        {
            "action": "checklist",
            "met_pen_portrait": "yes",
            "note_pen_portrait": "Vivid",
            "met_plain_words": "not_applicable",
        },
    )
    assert response.status_code == 302
    round_ = QARound.objects.get(review=review)
    assert round_.answers == {
        "pen_portrait": {"met": "yes", "note": "Vivid"},
        "plain_words": {"met": "not_applicable", "note": ""},
    }


def test_a_bad_checklist_answer_is_shown_and_nothing_is_written(client, review, case, senior):
    sign_in_verified(client, senior)
    before = written()
    response = client.post(qa("qa_review", case), {"action": "checklist", "met_pen_portrait": "x"})
    assert response.status_code == 200
    assert "There is a problem" in text_of(response)
    assert written() == before


def test_comments_are_added_beside_a_section_and_removed(client, review, case, senior):
    sign_in_verified(client, senior)
    response = client.post(
        qa("qa_review", case),
        {"action": "save", "comment_pen_portrait": "Say more about music"},
    )
    assert response.status_code == 302
    comment = QAComment.objects.get()
    assert (comment.section_key, comment.created_by) == ("pen_portrait", senior)
    assert "Say more about music" in text_of(client.get(qa("qa_review", case)))
    response = client.post(qa("qa_review", case), {"action": "save", "remove": [comment.pk]})
    assert response.status_code == 302 and not QAComment.objects.exists()


def test_a_comment_added_after_answering_the_checklist_keeps_every_answer(
    client, review, case, senior
):
    # Issue 16: adding a comment used to throw away the checklist answered but not yet saved.
    sign_in_verified(client, senior)
    answers = {
        "met_pen_portrait": "yes",
        "note_pen_portrait": "Vivid and personal",
        "met_plain_words": "no",
        "note_plain_words": "Jargon in the timeline",
    }
    response = client.post(
        qa("qa_review", case),
        {"action": "save", "comment_family": "Explain DNACPR in plain words", **answers},
    )
    assert response.status_code == 302
    round_ = QARound.objects.get(review=review)
    assert round_.answers["pen_portrait"] == {"met": "yes", "note": "Vivid and personal"}
    assert round_.answers["plain_words"] == {"met": "no", "note": "Jargon in the timeline"}
    assert QAComment.objects.get().text == "Explain DNACPR in plain words"
    page = text_of(client.get(qa("qa_review", case)))
    assert "Vivid and personal" in page and "Jargon in the timeline" in page


def test_a_refused_comment_saves_nothing_and_shows_every_answer_again(client, review, case, senior):
    sign_in_verified(client, senior)
    before = written()
    response = client.post(
        qa("qa_review", case),
        {
            "action": "approve",
            "met_pen_portrait": "yes",
            "note_pen_portrait": "Kept as typed",
            "comment_family": "x" * 5000,
            "comment_overall": "Also kept as typed",
        },
    )
    page = text_of(response)
    assert response.status_code == 200 and "There is a problem" in page
    assert written() == before and not QAComment.objects.exists()
    assert "Kept as typed" in page and "Also kept as typed" in page
    assert 'value="yes" checked' in page or 'checked value="yes"' in page


def test_the_author_reads_the_qa_page_but_cannot_assess(client, icb, cases):
    author = user_with_role(Role.SENIOR_REVIEWER, icb)
    case = cases.make(CaseState.INITIAL_REVIEW, reviewer=make_reviewer(icb, user=author))
    review = write_and_submit(case)
    sign_in_verified(client, author)
    page = text_of(client.get(qa("qa_review", case)))
    assert "You cannot quality-assure or sign off a review you wrote" in page
    assert "Save and stay on this page" not in page
    before = written()
    assert client.post(qa("qa_review", case), {"action": "comment", "text": "x"}).status_code == 403
    assert client.post(qa("qa_approve", case)).status_code == 403
    assert client.post(qa("qa_return", case), {"summary": "x"}).status_code == 403
    assert written() == before
    assert QARound.objects.get(review=review).outcome == QAOutcome.PENDING


# --- the decision -----------------------------------------------------------------------------


def test_approve_page_refuses_until_the_checklist_is_complete(client, review, case, senior):
    sign_in_verified(client, senior)
    page = text_of(client.get(qa("qa_approve", case)))
    assert "You cannot approve the review yet" in page and "Approve and sign off" not in page
    before = written()
    response = client.post(qa("qa_approve", case), {"summary": ""})
    assert response.status_code == 200 and "Answer every item of the checklist" in text_of(response)
    assert written() == before


def test_approving_signs_off_and_completes(client, review, case, senior):
    round_ = QARound.objects.get(review=review)
    services.qa_checklist_save(actor=senior, round=round_, answers=all_yes(round_))
    sign_in_verified(client, senior)
    assert "Approve and sign off" in text_of(client.get(qa("qa_approve", case)))
    response = client.post(qa("qa_approve", case), {"summary": "Well evidenced"})
    assert response.status_code == 302 and response.url == QUEUE
    case.refresh_from_db()
    assert case.state == CaseState.COMPLETED
    assert QARound.objects.get(pk=round_.pk).outcome == QAOutcome.APPROVED
    # The page stays readable, without the forms.
    page = text_of(client.get(qa("qa_review", case)))
    assert "not awaiting quality assurance" in page and "Save checklist" not in page
    assert client.get(qa("qa_approve", case)).status_code == 302


def test_returning_needs_a_comment_or_overall_comments(client, review, case, senior):
    sign_in_verified(client, senior)
    before = written()
    response = client.post(qa("qa_return", case), {"summary": "  "})
    assert response.status_code == 200
    assert "tell the reviewer what to change" in text_of(response)
    assert written() == before
    response = client.post(qa("qa_return", case), {"summary": "Add the GP's view"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.INITIAL_REVIEW


# --- the reviewer: comments and responses -----------------------------------------------------


@pytest.fixture
def returned(review, senior):
    round_ = QARound.objects.get(review=review)
    comment = services.qa_comment_add(
        actor=senior, round=round_, section_key="pen_portrait", text="Say more about her music"
    )
    services.qa_return(actor=senior, review=review, summary="Nearly there")
    return comment


def test_the_reviewer_sees_the_comments_by_section_and_responds(client, returned, case, reviewer):
    sign_in_verified(client, reviewer)
    page = text_of(client.get(qa("qa_comments", case)))
    assert "Nearly there" in page and "Say more about her music" in page
    assert "Pen portrait" in page
    respond_url = qa("qa_respond", case, comment_id=returned.pk)
    assert respond_url in page
    response = client.post(respond_url, {"response": "Added her choir"})
    assert response.status_code == 302
    returned.refresh_from_db()
    assert returned.response == "Added her choir"
    assert "Added her choir" in text_of(client.get(qa("qa_comments", case)))


def test_an_empty_response_is_refused(client, returned, case, reviewer):
    sign_in_verified(client, reviewer)
    before = written()
    response = client.post(qa("qa_respond", case, comment_id=returned.pk), {"response": ""})
    assert response.status_code == 200
    assert "Enter your response to the comment." in text_of(response)
    assert written() == before


def test_the_history_shows_every_round(client, returned, case, review, reviewer, senior):
    services.qa_comment_respond(actor=reviewer, comment=returned, response="Added her choir")
    from leder.reviews.services.records import review_submit

    review_submit(actor=reviewer, review=review)
    sign_in_verified(client, senior)
    page = text_of(client.get(qa("qa_history", case)))
    assert "Round 1" in page and "Round 2" in page
    assert "Returned for amendment" in page and "Awaiting quality assurance" in page
    assert "Say more about her music" in page and "Added her choir" in page
    assert "Nearly there" in page and senior.full_name in page


# --- the permission matrix ----------------------------------------------------------------------

ASSESS_PAGES = ["queue", "review", "approve", "return", "history"]
REVIEWER_PAGES = ["comments", "respond", "history_returned"]
ALL_PAGES = ASSESS_PAGES + REVIEWER_PAGES


def _expect(**overrides):
    out = dict.fromkeys(ALL_PAGES, 403)
    out.update(overrides)
    return out


MATRIX = {
    "senior_reviewer": _expect(
        queue=200, review=200, approve=200, **{"return": 200}, history=200, history_returned=200
    ),
    "author_senior_reviewer": _expect(queue=200, review=200, history=200, history_returned=200),
    "lac": _expect(history=200, history_returned=200),
    "another_reviewer": _expect(
        review=403, approve=403, history=404, comments=404, respond=404, history_returned=404
    ),
    "panel_member": _expect(
        review=403, approve=403, history=404, comments=404, respond=404, history_returned=404
    ),
    "other_icb_senior_reviewer": _expect(
        queue=200,
        review=404,
        approve=404,
        **{"return": 404},
        history=404,
        comments=404,
        respond=404,
        history_returned=404,
    ),
    "icb_lead": _expect(),
    "administrator": _expect(),
    "national_analyst": _expect(),
    "regional_coordinator": _expect(),
}


@pytest.fixture
def world(icb, cases, lac, senior):
    """One case awaiting QA (assessor pages) and one returned with a comment (reviewer pages);
    the author senior reviewer wrote the first."""
    author = user_with_role(Role.SENIOR_REVIEWER, icb)
    awaiting = cases.make(CaseState.INITIAL_REVIEW, reviewer=make_reviewer(icb, user=author))
    write_and_submit(awaiting)
    back = cases.make(CaseState.INITIAL_REVIEW)
    back_review = write_and_submit(back)
    round_ = QARound.objects.get(review=back_review)
    comment = services.qa_comment_add(actor=senior, round=round_, section_key="", text="Amend")
    services.qa_return(actor=senior, review=back_review, summary="")
    other_icb = make_icb(name="NHS Other ICB")
    urls = {
        "queue": QUEUE,
        "review": qa("qa_review", awaiting),
        "approve": qa("qa_approve", awaiting),
        "return": qa("qa_return", awaiting),
        "history": qa("qa_history", awaiting),
        "comments": qa("qa_comments", back),
        "respond": qa("qa_respond", back, comment_id=comment.pk),
        "history_returned": qa("qa_history", back),
    }
    personas = {
        "senior_reviewer": senior,
        "author_senior_reviewer": author,
        "lac": lac,
        "another_reviewer": make_reviewer(icb).user,
        "panel_member": user_with_role(Role.PANEL_MEMBER, icb),
        "other_icb_senior_reviewer": user_with_role(Role.SENIOR_REVIEWER, other_icb),
        "icb_lead": user_with_role(Role.ICB_LEAD, icb),
        "administrator": user_with_role(Role.ADMINISTRATOR),
        "national_analyst": user_with_role(Role.NATIONAL_ANALYST),
        "regional_coordinator": user_with_role(Role.REGIONAL_COORDINATOR),
    }
    return urls, personas, back


@pytest.mark.parametrize("persona", [*MATRIX, "the_reviewer"])
def test_permission_matrix(client, world, persona):
    urls, personas, back = world
    if persona == "the_reviewer":
        # The reviewer of the returned case: for the case awaiting QA they are just a reviewer.
        user = back.reviewer.user
        expected = _expect(history=404, comments=200, respond=200, history_returned=200)
    else:
        user = personas[persona]
        expected = MATRIX[persona]
    sign_in_verified(client, user)
    got = {page: client.get(page_url).status_code for page, page_url in urls.items()}
    assert got == expected


@pytest.mark.parametrize("persona", [p for p in MATRIX if p != "senior_reviewer"])
def test_nobody_else_can_assess_or_respond(client, world, persona):
    urls, personas, _ = world
    sign_in_verified(client, personas[persona])
    before = written()
    for page, data in (
        ("review", {"action": "comment", "section_key": "", "text": "x"}),
        ("approve", {"summary": ""}),
        ("return", {"summary": "Please amend"}),
        ("respond", {"response": "Done"}),
    ):
        status = client.post(urls[page], data).status_code
        assert status in (403, 404), (page, status)
    assert written() == before


def test_anonymous_and_password_only_visitors_are_sent_to_sign_in(client, world):
    urls, personas, _ = world
    for page_url in urls.values():
        response = client.get(page_url)
        assert response.status_code == 302 and "/account/sign-in" in response.url
    sign_in_password_only(client, personas["senior_reviewer"])
    for page_url in urls.values():
        response = client.get(page_url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:two_factor"))


# --- the macro the review's pages call ---------------------------------------------------------


def render_comments_macro(rows, **kwargs) -> str:
    from django.template import engines

    template = engines["jinja2"].from_string(
        '{% from "reviews/_qa_comments.jinja" import qa_comments %}'
        "{{ qa_comments(rows, respond=respond) }}"
    )
    return template.render({"rows": rows, "respond": kwargs.get("respond", True)})


def test_the_comments_macro_shows_a_sections_comments_with_a_way_to_respond(returned, case):
    from leder.governance.presenters.qa import qa_comment_rows_by_section
    from leder.governance.selectors.qa import qa_comments_for

    review = returned.round.review
    rows = qa_comment_rows_by_section(qa_comments_for(review), case.reference)
    html = render_comments_macro(rows.get("pen_portrait", []))
    assert "Say more about her music" in html
    assert qa("qa_respond", case, comment_id=returned.pk) in html
    assert qa("qa_respond", case, comment_id=returned.pk) not in render_comments_macro(
        rows["pen_portrait"], respond=False
    )
    assert render_comments_macro(rows.get("family", [])).strip() == ""
