"""The learning section of a review (initial or focused): the learning so far, grouped by kind,
adding, changing and removing a piece, and finishing the section.

Who gets what (`selectors.workspace.review_access`): a role that never shows case content gets
403; anyone who cannot see the case gets 404; the case's reviewer edits while the case is at the
review's stage; everyone else who can see the case reads only. A POST from a reader is refused
with 403; from the reviewer once the review is submitted, with a message saying why. Every page
showing the review is audited once. Writes go through `services.learning`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from leder.accounts.decorators import verified_staff_required
from leder.core import audit
from leder.core.time import today
from leder.reviews import sections
from leder.reviews.forms.learning import LearningItemForm, LearningSectionForm
from leder.reviews.forms.workspace import bind_section_form
from leder.reviews.models import LearningItem
from leder.reviews.presenters import learning as present
from leder.reviews.presenters.workspace import WorkspacePresenter, review_url
from leder.reviews.selectors.workspace import ReviewAccess, review_access
from leder.reviews.services import learning as services


def _access(request: HttpRequest, reference: str, kind: str) -> ReviewAccess:
    access = review_access(user=request.user, reference=reference, kind=kind)
    if access.review is None:
        raise Http404("The review has not been started")
    return access


def _refuse(request: HttpRequest, access: ReviewAccess) -> HttpResponse:
    """The case's own reviewer is told why they cannot change the review now; anyone else, who
    never could, gets 403."""
    case = access.case
    if case.reviewer_id is not None and case.reviewer.user_id == request.user.pk:
        messages.info(request, access.refusal)
        return redirect(review_url("reviews:workspace", access))
    raise PermissionDenied(access.refusal)


def _audit(request: HttpRequest, access: ReviewAccess, page: str) -> None:
    audit.record_view(
        actor=request.user,
        obj=access.case,
        summary=f"Viewed the {access.kind_label.lower()} of {access.case.reference}: {page}",
        details={"kind": access.kind, "page": page},
        request=request,
    )


def _section(access: ReviewAccess) -> sections.Section:
    return sections.get(services.LEARNING_KEY[access.kind])


def _items(access: ReviewAccess) -> list[LearningItem]:
    return list(
        access.review.learning_items.prefetch_related("themes__parent").order_by("created_at")
    )


def _item(access: ReviewAccess, item_id: int) -> LearningItem:
    # Only a piece of this review's learning: an id from another review is simply not found.
    item = get_object_or_404(LearningItem, pk=item_id, review=access.review)
    item.review = access.review
    return item


def _context(access: ReviewAccess, **extra) -> dict:
    return {
        "p": WorkspacePresenter(access, today=today()),
        "can_edit": access.can_edit,
        "refusal": access.refusal,
        **extra,
    }


def _errors(form, error: ValidationError, field: str | None = None) -> None:
    for message in error.messages:
        form.add_error(field, message)


@verified_staff_required
def learning(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    """The learning recorded so far and, for the reviewer, finishing the section ("Save and mark
    as complete" needs learning or a reason for none; "Save and come back later" does not)."""
    access = _access(request, reference, kind)
    section = _section(access)
    review = access.review
    row = sections.stored(review, section.key)
    if request.method == "POST":
        if not access.can_edit:
            return _refuse(request, access)
        draft = request.POST.get("action") != "complete"
        form = bind_section_form(LearningSectionForm, review=review, data=request.POST, draft=draft)
        if form.is_valid():
            version = review.current_version
            try:
                services.learning_section_save(
                    actor=request.user,
                    review=review,
                    no_learning_reason=form.cleaned_data["no_learning_reason"],
                    complete=not draft,
                )
            except ValidationError as error:
                _errors(form, error, "no_learning_reason")
            else:
                if review.current_version == version:
                    messages.info(request, f"{section.title}: there were no changes to save")
                elif draft:
                    messages.success(request, f"{section.title} saved. You can come back later")
                else:
                    messages.success(request, f"{section.title} saved and marked as complete")
                return redirect(review_url("reviews:workspace", access))
    else:
        form = bind_section_form(
            LearningSectionForm, review=review, initial=dict(row.data) if row else None
        )
    items = _items(access)
    _audit(request, access, section.title)
    return render(
        request,
        "reviews/learning/learning.jinja",
        _context(
            access,
            section=section,
            row=row,
            form=form,
            items=items,
            groups=present.learning_groups(access, items),
            count_text=present.learning_count_text(items),
            note=present.RECOMMENDATIONS_NOTE,
            add_href=review_url("reviews:learning_add", access),
            has_errors=bool(form.errors),
        ),
    )


def _item_page(request, access, *, form, item=None) -> HttpResponse:
    _audit(request, access, "a piece of learning")
    return render(
        request,
        "reviews/learning/item.jinja",
        _context(
            access,
            form=form,
            item=item,
            note=present.RECOMMENDATIONS_NOTE,
            learning_href=review_url("reviews:learning", access),
            has_errors=bool(form.errors),
        ),
    )


@verified_staff_required
def learning_add(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    access = _access(request, reference, kind)
    if not access.can_edit:
        return _refuse(request, access)
    form = LearningItemForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.learning_item_add(
                actor=request.user,
                review=access.review,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                themes=form.cleaned_data["themes"],
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, f"{item.get_kind_display()} added")
            return redirect(review_url("reviews:learning", access))
    return _item_page(request, access, form=form)


@verified_staff_required
def learning_edit(request: HttpRequest, reference: str, kind: str, item_id: int) -> HttpResponse:
    access = _access(request, reference, kind)
    item = _item(access, item_id)
    if not access.can_edit:
        return _refuse(request, access)
    if request.method == "POST":
        form = LearningItemForm(request.POST, item=item)
        if form.is_valid():
            try:
                services.learning_item_update(
                    actor=request.user,
                    item=item,
                    kind=form.cleaned_data["kind"],
                    text=form.cleaned_data["text"],
                    themes=form.cleaned_data["themes"],
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, f"{item.get_kind_display()} saved")
                return redirect(review_url("reviews:learning", access))
    else:
        form = LearningItemForm(
            initial={
                "kind": item.kind,
                "text": item.text,
                "themes": [t.pk for t in item.themes.all()],
            },
            item=item,
        )
    return _item_page(request, access, form=form, item=item)


@verified_staff_required
def learning_remove(request: HttpRequest, reference: str, kind: str, item_id: int) -> HttpResponse:
    """Asks first (GET); removes on POST. The version history keeps what it said."""
    access = _access(request, reference, kind)
    item = _item(access, item_id)
    if not access.can_edit:
        return _refuse(request, access)
    if request.method == "POST":
        label = item.get_kind_display()
        services.learning_item_remove(actor=request.user, item=item)
        messages.success(request, f"{label} removed")
        return redirect(review_url("reviews:learning", access))
    _audit(request, access, "remove a piece of learning")
    return render(
        request,
        "reviews/learning/remove.jinja",
        _context(
            access,
            item=item,
            themes=sorted(str(t) for t in item.themes.all()),
            learning_href=review_url("reviews:learning", access),
        ),
    )
