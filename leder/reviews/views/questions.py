"""The structured questions (an overview and one page per group of questions) and the cause of
death (the certificate, and the page that finds an ICD-10 code), all without JavaScript: which
follow-up questions apply is decided here, when a page is saved.

Who gets what is the workspace's rule (`selectors.workspace.review_access`): 403 for a role
that never shows case content, 404 for a case the user cannot see, edit for the case's reviewer
while the case is in initial review, read only for everyone else who can see the case. A POST
from a reader is refused with 403; from the reviewer once the review is submitted, with a
message, back on the workspace. Every page showing the review is audited once.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from leder.accounts.decorators import verified_staff_required
from leder.core import presenters
from leder.core.form_page import form_page, posted
from leder.reference import icd10
from leder.reviews import questions, sections
from leder.reviews.forms.questions import (
    CauseOfDeathForm,
    CodeChoiceForm,
    CodeSearchForm,
    QuestionGroupForm,
)
from leder.reviews.forms.workspace import json_ready
from leder.reviews.models import ReviewKind
from leder.reviews.presenters import questions as present
from leder.reviews.presenters.workspace import review_url
from leder.reviews.selectors.workspace import ReviewAccess, review_access
from leder.reviews.services import questions as services
from leder.reviews.views.workspace import (
    page_context,
    record_page_view,
    refuse_change,
    section_form_page,
    section_saved,
)

SEARCH_LIMIT = 20


def _access(request: HttpRequest, reference: str, kind: str) -> ReviewAccess:
    access = review_access(user=request.user, reference=reference, kind=kind)
    if kind != ReviewKind.INITIAL:
        raise Http404("The focused review has no structured questions or cause of death")
    return access


def _saved(access: ReviewAccess, key: str):
    row = sections.stored(access.review, key)
    return row, (dict(row.data) if row else {})


def _group_url(access: ReviewAccess, slug: str) -> str:
    return review_url("reviews:questions_group", access, group=slug)


# --- structured questions -----------------------------------------------------------------------


@verified_staff_required
def questions_overview(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    """Every group of questions with its status and answers; marking the section complete."""
    access = _access(request, reference, kind)
    review = access.review
    if review is None:
        return redirect(review_url("reviews:workspace", access))
    question_set = questions.question_set_for(review)
    row, answers = _saved(access, services.QUESTIONS_KEY)
    errors: list[dict] = []
    if request.method == "POST":
        if not access.can_edit:
            return refuse_change(request, access)
        complete = request.POST.get("action") == "complete"
        try:
            services.questions_complete_set(actor=request.user, review=review, complete=complete)
        except ValidationError as error:
            hrefs = {g.title: _group_url(access, g.slug) for g in question_set.groups}
            errors = [
                {"text": message, "href": hrefs.get(message.split(":")[0], "#groups")}
                for message in error.messages
            ]
        else:
            if complete:
                messages.success(request, "Structured questions marked as complete")
                return redirect(review_url("reviews:workspace", access))
            messages.success(request, "Structured questions marked as not complete")
            return redirect(review_url("reviews:questions", access))
    record_page_view(request, access, "Structured questions")
    return render(
        request,
        "reviews/questions/overview.jinja",
        page_context(
            request,
            access,
            row=row,
            groups=[
                {"summary": s, "href": _group_url(access, s.group.slug)}
                for s in present.group_summaries(question_set, answers)
            ],
            question_set=question_set,
            errors=errors,
            has_errors=bool(errors),
        ),
    )


@verified_staff_required
def questions_group(request: HttpRequest, reference: str, kind: str, group: str) -> HttpResponse:
    """One page of questions. Saving re-shows the page when the answers given bring up
    follow-up questions, else goes on to the next page (the overview after the last)."""
    access = _access(request, reference, kind)
    review = access.review
    if review is None:
        return redirect(review_url("reviews:workspace", access))
    question_set = questions.question_set_for(review)
    page = question_set.group(group)
    if page is None:
        raise Http404("No such group of questions")
    row, answers = _saved(access, services.QUESTIONS_KEY)
    position = question_set.groups.index(page)
    following = (
        question_set.groups[position + 1] if position + 1 < len(question_set.groups) else None
    )
    next_href = (
        _group_url(access, following.slug) if following else review_url("reviews:questions", access)
    )
    if request.method == "POST" and not access.can_edit:
        return refuse_change(request, access)
    form = QuestionGroupForm(
        posted(request), question_set=question_set, group=page, answers=answers
    )

    def save(data):
        shown_before = {key for key in request.POST.getlist("shown") if question_set.question(key)}
        version = review.current_version
        services.questions_group_save(
            actor=request.user, review=review, group=page.slug, answers=form.answers()
        )
        appeared = [q for q, _ in form.shown if q.key not in shown_before]
        return appeared, review.current_version != version

    def then(saved) -> HttpResponse:
        appeared, changed = saved
        if appeared:
            messages.info(
                request,
                f"{page.title} saved. Your answers bring up "
                f"{presenters.count(len(appeared), 'more question')}: "
                "they are shown below.",
            )
            return redirect(f"{_group_url(access, page.slug)}#{appeared[0].key}")
        if changed:
            messages.success(request, f"{page.title} saved")
        else:
            messages.info(request, f"{page.title}: there were no changes to save")
        return redirect(next_href)

    def shown() -> dict:
        record_page_view(request, access, f"Structured questions: {page.title}")
        summary = next(
            s for s in present.group_summaries(question_set, answers) if s.group.slug == page.slug
        )
        return page_context(
            request,
            access,
            page=page,
            row=row,
            summary=summary,
            overview_href=review_url("reviews:questions", access),
            following=following,
        )

    return form_page(
        request,
        form=form,
        template="reviews/questions/group.jinja",
        save=save,
        success=then,
        context=shown,
    )


# --- cause of death -----------------------------------------------------------------------------


def _initial_from_notification(access: ReviewAccess) -> dict:
    """What the notification already says, to start the form with (the reviewer checks it)."""
    n = access.case.notification
    initial = {}
    if n.place_of_death in {"hospital", "home", "care_home", "hospice", "other"}:
        initial["place_of_death"] = n.place_of_death
        initial["place_of_death_detail"] = n.place_of_death_detail
    if n.covid in {"confirmed", "suspected", "no", "not_known"}:
        initial["covid_status"] = n.covid
    return initial


@verified_staff_required
def cause_of_death(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    """The certificate and what followed the death. "Find a code" on a line saves the page as a
    draft (so nothing typed is lost) and opens the code search for that line."""
    access = _access(request, reference, kind)
    review = access.review
    if review is None:
        return redirect(review_url("reviews:workspace", access))
    row, saved = _saved(access, services.CAUSE_KEY)
    # "Find a code" on a line saves what was typed as a draft, then opens the search for it.
    find_line = request.POST.get("find", "")

    def then(changed: bool) -> HttpResponse:
        if find_line in services.LINES:
            query = request.POST.get(f"{find_line}_text", "").strip()
            return redirect(
                review_url("reviews:cause_of_death_find", access)
                + "?"
                + urlencode({"line": find_line, "q": query})
            )
        return section_saved(request, access, title="Cause of death", changed=changed, draft=draft)

    draft = find_line != "" or request.POST.get("action") != "complete"

    def shown(form) -> dict:
        record_page_view(request, access, "Cause of death")
        return page_context(
            request,
            access,
            row=row,
            part_one=services.PART_ONE,
            part_two=form.part_two_rows(saved),
            line_label=services.line_label,
            cause=present.CauseOfDeathPresenter(saved),
            flag_explanation=present.FLAG_EXPLANATION,
        )

    return section_form_page(
        request,
        access,
        form_class=CauseOfDeathForm,
        initial=saved if row else _initial_from_notification(access),
        title="Cause of death",
        template="reviews/questions/cause_of_death.jinja",
        save=lambda data, complete: services.cause_of_death_save(
            actor=request.user, review=review, data=json_ready(data), complete=complete
        ),
        context=shown,
        draft=draft,
        success=then,
    )


@verified_staff_required
def cause_of_death_find(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    """Find an ICD-10 code by code or words (GET) and put it on a line (POST). Only for the
    reviewer who can edit: readers have nothing to choose a code for."""
    access = _access(request, reference, kind)
    review = access.review
    if review is None:
        return redirect(review_url("reviews:workspace", access))
    if not access.can_edit:
        return refuse_change(request, access)
    data = request.POST if request.method == "POST" else request.GET
    search = CodeSearchForm(data)
    if not search.is_valid() and "line" in search.errors:
        raise Http404("No such line on the certificate")
    line = search.cleaned_data["line"]
    query = search.cleaned_data.get("q") or ""
    found = icd10.search(query, limit=SEARCH_LIMIT) if query else []
    back = review_url("reviews:cause_of_death", access)

    def use(data) -> bool:
        try:
            services.cause_of_death_code_use(
                actor=request.user, review=review, line=line, code=data["code"]
            )
        except PermissionDenied:
            return False
        return True

    def shown() -> dict:
        record_page_view(request, access, "Cause of death: find a code")
        return page_context(
            request,
            access,
            search=search,
            line=line,
            line_name=services.line_label(line),
            query=query,
            found=found,
            limit_reached=len(found) >= SEARCH_LIMIT,
            back_href=back,
        )

    form = CodeChoiceForm(posted(request), found=found)
    return form_page(
        request,
        form=form,
        template="reviews/questions/find_code.jinja",
        save=use,
        success=lambda used: (
            redirect(f"{back}#{line}_code") if used else refuse_change(request, access)
        ),
        message=lambda used: (
            f"{form.cleaned_data['code']} added to {services.line_label(line)}" if used else None
        ),
        context=shown,
        rename={NON_FIELD_ERRORS: "code"},
    )
