"""The review workspace: the task list of sections, the generic page of a simple section,
submission, and the version history with its comparison page.

Who gets what (`selectors.workspace.review_access`): a role that never shows case content gets
403; anyone who cannot see the case gets 404; the case's reviewer edits while the case is at the
review's stage; everyone else who can see the case reads only (no edit links, no forms). A POST
from a reader is refused with 403; from the reviewer once the review is submitted, with a
message saying why, back on the workspace. Every page showing the review is audited once.
"""

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from leder.accounts.decorators import verified_staff_required
from leder.core import audit
from leder.core.form_page import form_page
from leder.core.time import today
from leder.reviews import sections
from leder.reviews.forms.workspace import VersionCompareForm, bind_section_form, json_ready
from leder.reviews.oversight import ReviewerComments, oversight
from leder.reviews.presenters import workspace as present
from leder.reviews.selectors.workspace import (
    ReviewAccess,
    review_access,
    review_version_pair,
    review_versions,
)
from leder.reviews.services.records import (
    review_missing,
    review_next_step,
    review_section_save,
    review_start,
)
from leder.reviews.services.records import review_submit as submit_review


def record_page_view(request: HttpRequest, access: ReviewAccess, page: str) -> None:
    audit.record_view(
        actor=request.user,
        obj=access.case,
        summary=f"Viewed the {access.kind_label.lower()} of {access.case.reference}: {page}",
        details={"kind": access.kind, "page": page},
        request=request,
    )


def refuse_change(request: HttpRequest, access: ReviewAccess) -> HttpResponse:
    """The case's own reviewer is told why they cannot change the review now; anyone else, who
    never could, gets 403."""
    if _is_the_reviewer(request, access):
        messages.info(request, access.refusal)
        return redirect(present.review_url("reviews:workspace", access))
    raise PermissionDenied(access.refusal)


def section_saved(
    request: HttpRequest, access: ReviewAccess, *, title: str, changed: bool, draft: bool
) -> HttpResponse:
    """After a section's save: say whether it was saved as a draft, marked as complete, or
    changed nothing, and go back to the workspace."""
    if not changed:
        messages.info(request, f"{title}: there were no changes to save")
    elif draft:
        messages.success(request, f"{title} saved. You can come back to it later")
    else:
        messages.success(request, f"{title} saved and marked as complete")
    return redirect(present.review_url("reviews:workspace", access))


def section_form_page(
    request: HttpRequest,
    access: ReviewAccess,
    *,
    form_class,
    initial: dict | None,
    title: str,
    template: str | list[str],
    save,
    context,
    draft: bool | None = None,
    success=None,
    rename=None,
) -> HttpResponse:
    """The form page of a review section, in the one form page shape (`core.form_page`).

    "Save and come back later" saves a draft (every answer optional); "Save and mark as
    complete" needs every required answer; either way an answer that is not valid is an error,
    nothing is saved and the page keeps what was typed. A POST from anyone who may not edit is
    `refuse_change`d. `save(data, complete=…)` calls the service; `success(changed)` (by default
    `section_saved`) answers after the save, `changed` saying whether it made a new version.
    `draft` overrides which button was pressed (a save on the way to another page is a draft).
    `context(form)` is called only when the page is shown.
    """
    review = access.review
    if request.method == "POST" and not access.can_edit:
        return refuse_change(request, access)
    if draft is None:
        draft = request.POST.get("action") != "complete"
    if request.method == "POST":
        form = bind_section_form(form_class, review=review, data=request.POST, draft=draft)
    else:
        form = bind_section_form(form_class, review=review, initial=initial)

    def saving(data) -> bool:
        version = review.current_version
        save(data, complete=not draft)
        return review.current_version != version

    return form_page(
        request,
        form=form,
        template=template,
        save=saving,
        success=success
        or (
            lambda changed: section_saved(
                request, access, title=title, changed=changed, draft=draft
            )
        ),
        context=lambda: context(form),
        rename=rename,
    )


def _is_the_reviewer(request: HttpRequest, access: ReviewAccess) -> bool:
    case = access.case
    return case.is_reviewer(request.user)


def _read_only_text(request: HttpRequest, access: ReviewAccess) -> str:
    """Why the page is read-only: the reviewer is told the reason (submitted, or not at this
    stage); a reader that they can read but not change it."""
    if access.can_edit or access.can_start:
        return ""
    if access.review is None:
        if _is_the_reviewer(request, access):
            return access.refusal
        return "The reviewer has not started the review yet."
    if _is_the_reviewer(request, access):
        return f"{access.refusal} You can read it but not change it."
    return "You can read this review but not change it."


def page_context(request: HttpRequest, access: ReviewAccess, **extra) -> dict:
    return {
        "p": present.WorkspacePresenter(access, today=today()),
        "can_edit": access.can_edit,
        "read_only_text": _read_only_text(request, access),
        **_qa_comments(access),
        **extra,
    }


def _qa_comments(access: ReviewAccess) -> dict:
    """The comments of quality assurance that returned this review, by section, for the
    reviewer to act on while amending it (empty otherwise)."""
    comments = (
        oversight().comments_for_reviewer(access.review)
        if access.review is not None
        else ReviewerComments()
    )
    return {"qa_comment_rows": comments.by_section, "qa_comments_href": comments.href}


@verified_staff_required
def workspace(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    """The review's task list; before the review exists, a page to start it (POST starts)."""
    access = review_access(user=request.user, reference=reference, kind=kind)
    if access.review is None:
        if request.method == "POST":
            if not access.can_start:
                return refuse_change(request, access)
            review_start(actor=request.user, case=access.case, kind=kind)
            messages.success(request, f"{access.kind_label} started")
            return redirect(present.review_url("reviews:workspace", access))
        record_page_view(request, access, "start")
        return render(
            request,
            "reviews/workspace/start.jinja",
            page_context(request, access, can_start=access.can_start),
        )
    if request.method == "POST":
        return redirect(present.review_url("reviews:workspace", access))
    comments = _qa_comments(access)
    rows = present.section_rows(access, qa_comments=comments["qa_comment_rows"])
    record_page_view(request, access, "workspace")
    return render(
        request,
        "reviews/workspace/workspace.jinja",
        page_context(
            request,
            access,
            rows=rows,
            completed=present.completed_text(rows),
            all_complete=all(row.is_done for row in rows),
        ),
    )


def _simple_section(key: str, kind: str) -> sections.Section:
    try:
        section = sections.get(key)
    except ImproperlyConfigured:
        raise Http404("No such section") from None
    if kind not in section.kinds or section.form_class is None:
        raise Http404("No such section in this review")
    return section


@verified_staff_required
def section(request: HttpRequest, reference: str, kind: str, key: str) -> HttpResponse:
    """A simple section's form. "Save and come back later" saves a draft (every answer
    optional); "Save and mark as complete" needs every required answer. Either way, an answer
    that is not valid is an error: nothing is saved and the page keeps what was typed."""
    access = review_access(user=request.user, reference=reference, kind=kind)
    sec = _simple_section(key, kind)
    if sec.url_name != present.SECTION_PAGE:
        return redirect(present.section_href(sec, access))
    review = access.review
    if review is None:
        return redirect(present.review_url("reviews:workspace", access))
    row = sections.stored(review, key)
    # A section may add what its own page template needs (`extra["page_context"](review)`).
    extra = sec.extra.get("page_context") if sec.extra else None

    def shown(form) -> dict:
        record_page_view(request, access, sec.title)
        return page_context(
            request,
            access,
            section=sec,
            row=row,
            answers=present.answer_rows(sec, row.data if row else {}),
            **(extra(review) if extra else {}),
        )

    return section_form_page(
        request,
        access,
        form_class=sec.form_class,
        initial=dict(row.data) if row else None,
        title=sec.title,
        template=[f"reviews/sections/{key}.jinja", "reviews/workspace/section.jinja"],
        save=lambda data, complete: review_section_save(
            actor=request.user, review=review, key=key, data=json_ready(data), complete=complete
        ),
        context=shown,
    )


@verified_staff_required
def submit(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    """What is still missing, section by section, or the button that submits the review; after
    submission, where it went."""
    access = review_access(user=request.user, reference=reference, kind=kind)
    review = access.review
    if review is None:
        return redirect(present.review_url("reviews:workspace", access))
    errors: list[str] = []
    if request.method == "POST":
        if not access.can_edit:
            return refuse_change(request, access)
        try:
            step = submit_review(actor=request.user, review=review)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, f"{access.kind_label} submitted to {step.label}")
            return redirect(present.review_url("reviews:submit", access))
    missing = review_missing(review)
    hrefs = {s.title: present.section_href(s, access) for s in sections.sections_for(kind)}
    record_page_view(request, access, "submission")
    return render(
        request,
        "reviews/workspace/submit.jinja",
        page_context(
            request,
            access,
            missing=[
                {"title": title, "href": hrefs.get(title), "problems": problems}
                for title, problems in missing.items()
            ],
            next_step=_next_step_label(review) if access.can_edit and not missing else "",
            errors=errors,
            has_errors=bool(errors),
        ),
    )


def _next_step_label(review) -> str:
    # The same decision `review_submit` makes, so the button says where the review will go.
    return review_next_step(review).label


@verified_staff_required
def versions(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    """Every save of the review, newest first, and a form to compare any two."""
    access = review_access(user=request.user, reference=reference, kind=kind)
    if access.review is None:
        return redirect(present.review_url("reviews:workspace", access))
    found = list(review_versions(access.review))
    numbers = sorted(v.number for v in found)
    # The last two versions are chosen already: the usual question is "what changed last?"
    initial = {"from": numbers[-2], "to": numbers[-1]} if len(numbers) > 1 else {}
    form = VersionCompareForm(initial=initial, numbers=numbers)
    record_page_view(request, access, "versions")
    return render(
        request,
        "reviews/workspace/versions.jinja",
        page_context(request, access, rows=present.version_rows(found), form=form),
    )


@verified_staff_required
def compare(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    """The answers that changed between two versions (`?from=N&to=M`), word by word."""
    access = review_access(user=request.user, reference=reference, kind=kind)
    if access.review is None:
        return redirect(present.review_url("reviews:workspace", access))
    numbers = sorted(review_versions(access.review).values_list("number", flat=True))
    form = VersionCompareForm(request.GET or None, numbers=numbers)
    groups, first, second = [], None, None
    if form.is_valid():
        first, second = review_version_pair(
            access.review, form.cleaned_data["from"], form.cleaned_data["to"]
        )
        groups = present.change_groups(first.snapshot, second.snapshot)
    record_page_view(request, access, "compare versions")
    return render(
        request,
        "reviews/workspace/compare.jinja",
        page_context(
            request,
            access,
            form=form,
            groups=groups,
            first=first,
            second=second,
            has_errors=bool(form.errors),
        ),
    )
