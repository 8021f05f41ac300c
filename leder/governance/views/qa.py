"""Quality assurance pages: the queue of reviews awaiting QA, the QA page of a review (its content
read-only section by section, the checklist, comments on sections), the decision pages (approve,
or return with comments; each page is its own confirmation step), the round history, and for the
reviewer the comments of a returned review with a response to each.

Who sees what is decided in `selectors.qa` (403 for a role that never may, 404 for a case the
user cannot see); what may be done, in `services.qa`, whose refusals are shown on the form. Every
page that shows the person or the review is an audited view.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from leder.accounts.decorators import verified_staff_required
from leder.casework.models import CaseState
from leder.core import audit, presenters
from leder.core.form_page import form_page, posted
from leder.core.time import today
from leder.governance.forms.qa import AssessmentForm, DecisionForm, ResponseForm
from leder.governance.presenters import qa as present
from leder.governance.selectors import qa as selectors
from leder.governance.services import qa as services


def _record_view(request: HttpRequest, access: selectors.QAAccess, page: str) -> None:
    audit.record_view(
        actor=request.user,
        obj=access.case,
        summary=f"Viewed the quality assurance of {access.case.reference}: {page}",
        details={"page": page},
        request=request,
    )


def _header(access: selectors.QAAccess) -> dict:
    n = access.case.notification
    return {
        "reference": access.case.reference,
        "person_name": presenters.person_name(given=n.given_name, family=n.family_name),
        "born_died": (
            f"Born {presenters.date_long(n.date_of_birth)}, died "
            f"{presenters.date_long(n.date_of_death)}"
        ),
        "case_href": reverse("casework:case", kwargs={"reference": access.case.reference}),
        "qa_href": present.qa_url("qa_review", access.case.reference),
        "history_href": present.qa_url("qa_history", access.case.reference),
        "workspace_href": reverse(
            "reviews:workspace", kwargs={"reference": access.case.reference, "kind": "initial"}
        ),
    }


# --- the queue --------------------------------------------------------------------------------


@verified_staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """The reviews awaiting QA at the user's ICBs, oldest first. Their own are shown but marked:
    someone else must assess them."""
    if not selectors.can_quality_assure(request.user):
        raise PermissionDenied(selectors.NOT_A_SENIOR_REVIEWER)
    rounds = list(selectors.qa_queue(user=request.user))
    own = selectors.authored_case_ids(
        user=request.user, case_ids=[r.review.case_id for r in rounds]
    )
    rows = [present.QueueRow(r, today(), r.review.case_id in own) for r in rounds]
    if rows:
        audit.record_view(
            actor=request.user,
            obj=None,
            summary=f"Viewed the quality assurance queue ({presenters.count(len(rows), 'review')})",
            details={"cases": [row.reference for row in rows][:100]},
            request=request,
        )
    return render(
        request,
        "governance/qa/queue.jinja",
        {
            "rows": rows,
            "total": presenters.count(len(rows), "review"),
            "several_icbs": len({row.icb_name for row in rows}) > 1,
        },
    )


# --- the QA page ------------------------------------------------------------------------------


def _qa_page_context(request, access, *, form=None) -> dict:
    rounds = selectors.qa_rounds(access.review)
    current = rounds[-1]
    comments = list(current.comments.all())
    snapshot = selectors.qa_submitted_snapshot(current)
    can_assess = access.can_assess
    if can_assess:
        form = form or AssessmentForm(
            round=current,
            sections=present.section_choices(access.review),
            existing_comments=comments,
        )
    blocks = present.review_content(access.review, snapshot, comments=comments)
    overall = [c for c in comments if not c.section_key]
    _record_view(request, access, "review")
    return {
        **_header(access),
        "round": current,
        "round_tag": present.outcome_tag(current.outcome),
        "round_rows": present.RoundView(current, access.case.reference).summary_rows,
        "earlier_rounds": len(rounds) - 1,
        "blocks": blocks,
        "section_navigation": present.section_navigation(blocks, overall, can_assess=can_assess),
        "overall_comments": present.comment_rows(overall, access.case.reference),
        "checklist_rows": present.checklist_rows(current),
        "can_assess": can_assess,
        "refusal": access.refusal,
        "form": form,
        "has_errors": bool(form and form.errors),
    }


# What each button of the QA page does once everything on the page is saved.
_AFTER_SAVE = {
    "save": ("qa_review", "Your checklist answers and comments are saved"),
    "approve": ("qa_approve", None),
    "return": ("qa_return", None),
}


@verified_staff_required
def review(request: HttpRequest, reference: str) -> HttpResponse:
    """The review read-only, section by section, with a comment box beside each section, the
    checklist and the decision buttons, all in one form. Every button (save, approve, return)
    saves the whole page first (`services.qa_assessment_save`, all or nothing), so nothing typed
    is ever lost by using another part of the page; a refused comment shows the page again with
    every answer as typed."""
    access = selectors.qa_access(user=request.user, reference=reference)
    if request.method != "POST":
        return render(request, "governance/qa/review.jinja", _qa_page_context(request, access))
    if access.refusal:
        raise PermissionDenied(access.refusal)
    here = present.qa_url("qa_review", reference)
    if access.pending is None:
        messages.info(request, services.NOT_AWAITING)
        return redirect(here)
    action = request.POST.get("action", "save")
    then, message = _AFTER_SAVE.get(action, _AFTER_SAVE["save"])
    comments = list(access.pending.comments.all())
    form = AssessmentForm(
        request.POST,
        round=access.pending,
        sections=present.section_choices(access.review),
        existing_comments=comments,
    )

    def save(_data):
        removed = form.removed_ids()
        return services.qa_assessment_save(
            actor=request.user,
            round=access.pending,
            answers=form.answers(),
            comments=form.new_comments(),
            remove=[c for c in comments if c.pk in removed],
        )

    return form_page(
        request,
        form=form,
        template="governance/qa/review.jinja",
        save=save,
        success=lambda _: redirect(present.qa_url(then, reference)),
        message=message,
        context=lambda: _qa_page_context(request, access, form=form),
    )


# --- the decision -----------------------------------------------------------------------------


def _decision_access(request: HttpRequest, reference: str):
    access = selectors.qa_access(user=request.user, reference=reference)
    if access.refusal:
        raise PermissionDenied(access.refusal)
    return access


def _decision_page(request, access, *, decide, label, hint, template, message, context):
    """The confirmation page of a decision (approve or return): overall comments, then
    `decide(actor=, review=, summary=)`; back to the QA queue."""
    return form_page(
        request,
        form=DecisionForm(posted(request), label=label, hint=hint),
        template=f"governance/qa/{template}.jinja",
        save=lambda data: decide(actor=request.user, review=access.review, summary=data["summary"]),
        success="governance:qa_queue",
        message=message,
        context=context,
    )


@verified_staff_required
def approve(request: HttpRequest, reference: str) -> HttpResponse:
    """Confirm approval: the checklist's answers, optional overall comments, then approve (the
    review is signed off and locked, the case completed)."""
    access = _decision_access(request, reference)
    if access.pending is None:
        messages.info(request, services.NOT_AWAITING)
        return redirect(present.qa_url("qa_review", reference))

    def shown() -> dict:
        unanswered = services.unanswered_items(access.pending)
        unmet = services.unmet_items(access.pending)
        _record_view(request, access, "approve")
        return {
            **_header(access),
            "checklist_rows": present.checklist_rows(access.pending),
            "unanswered": unanswered,
            "unmet": unmet,
            "can_approve": not unanswered and not unmet,
            "comment_count": access.pending.comments.count(),
        }

    return _decision_page(
        request,
        access,
        decide=services.qa_approve,
        label="Overall comments (optional)",
        hint="For the record of this quality assurance. The reviewer can read them.",
        template="approve",
        message=f"Review of case {reference} approved, signed off and locked",
        context=shown,
    )


@verified_staff_required
def return_review(request: HttpRequest, reference: str) -> HttpResponse:
    """Confirm the return: the comments the reviewer will see, overall comments, then return the
    review to the reviewer for amendment."""
    access = _decision_access(request, reference)
    if access.pending is None:
        messages.info(request, services.NOT_AWAITING)
        return redirect(present.qa_url("qa_review", reference))
    comments = list(access.pending.comments.select_related("created_by"))

    def shown() -> dict:
        _record_view(request, access, "return")
        return {
            **_header(access),
            "groups": present.comments_by_section(comments, reference),
            "reviewer_name": access.case.reviewer.user.full_name
            if access.case.reviewer_id
            else "the reviewer",
        }

    return _decision_page(
        request,
        access,
        decide=services.qa_return,
        label="Overall comments" + ("" if not comments else " (optional)"),
        hint="What the reviewer most needs to do. Needed if you have not commented on a section.",
        template="return",
        message=f"Review of case {reference} returned to the reviewer",
        context=shown,
    )


# --- history ----------------------------------------------------------------------------------


@verified_staff_required
def history(request: HttpRequest, reference: str) -> HttpResponse:
    """Every round: when it was submitted, the checklist's answers, the comments with the
    reviewer's responses, the outcome, who decided and when."""
    access = selectors.qa_history_access(user=request.user, reference=reference)
    rounds = selectors.qa_rounds(access.review)
    _record_view(request, access, "history")
    return render(
        request,
        "governance/qa/history.jinja",
        {
            **_header(access),
            "rounds": list(reversed(present.round_views(rounds, reference))),
            "is_assessor": selectors.can_quality_assure(request.user) and access.refusal is None,
        },
    )


# --- the reviewer -----------------------------------------------------------------------------


@verified_staff_required
def comments(request: HttpRequest, reference: str) -> HttpResponse:
    """For the reviewer of a returned review: the QA comments section by section, each with a
    link to the section and a way to respond."""
    access = selectors.qa_reviewer_access(user=request.user, reference=reference)
    returned = selectors.latest_returned_round(access.review)
    found = selectors.qa_comments_for(access.review) if returned else []
    _record_view(request, access, "comments for the reviewer")
    return render(
        request,
        "governance/qa/comments.jinja",
        {
            **_header(access),
            "returned": returned,
            "returned_on": presenters.datetime_long(returned.decided_at) if returned else "",
            "assessor": returned.assessor.full_name if returned and returned.assessor else "",
            "groups": present.comments_by_section(found, reference),
            "can_respond": bool(returned) and access.case.state == CaseState.INITIAL_REVIEW,
            "submit_href": reverse(
                "reviews:submit", kwargs={"reference": reference, "kind": "initial"}
            ),
        },
    )


@verified_staff_required
def respond(request: HttpRequest, reference: str, comment_id: int) -> HttpResponse:
    """The reviewer's response to one comment of a returned review."""
    access = selectors.qa_reviewer_access(user=request.user, reference=reference)
    returned = selectors.latest_returned_round(access.review)
    back = present.qa_url("qa_comments", reference)
    if returned is None:
        messages.info(request, "There are no quality assurance comments to respond to.")
        return redirect(back)
    comment = selectors.qa_comment(round=returned, pk=comment_id)

    def shown() -> dict:
        _record_view(request, access, "respond to a comment")
        return {
            **_header(access),
            "comment": present.CommentRow(comment, reference),
            "back_href": back,
        }

    return form_page(
        request,
        form=ResponseForm(posted(request), initial={"response": comment.response}),
        template="governance/qa/respond.jinja",
        save=lambda data: services.qa_comment_respond(
            actor=request.user, comment=comment, response=data["response"]
        ),
        success=lambda _: redirect(back),
        message="Response saved",
        context=shown,
    )
