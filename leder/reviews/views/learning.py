"""The learning section of a review (initial or focused): the learning so far, grouped by kind,
adding, changing and removing a piece, and finishing the section.

Who gets what (`selectors.workspace.review_access`): a role that never shows case content gets
403; anyone who cannot see the case gets 404; the case's reviewer edits while the case is at the
review's stage; everyone else who can see the case reads only. A POST from a reader is refused
with 403; from the reviewer once the review is submitted, with a message saying why. Every page
showing the review is audited once. Writes go through `services.learning`.
"""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from leder.accounts.decorators import verified_staff_required
from leder.core.form_page import fields, form_page, posted
from leder.core.time import today
from leder.reviews import sections
from leder.reviews.forms.learning import LearningItemForm, LearningSectionForm
from leder.reviews.models import LearningItem
from leder.reviews.presenters import learning as present
from leder.reviews.presenters.workspace import WorkspacePresenter, review_url
from leder.reviews.selectors.workspace import ReviewAccess, review_access
from leder.reviews.services import learning as services
from leder.reviews.views.workspace import record_page_view, refuse_change, section_form_page


def _access(request: HttpRequest, reference: str, kind: str) -> ReviewAccess:
    access = review_access(user=request.user, reference=reference, kind=kind)
    if access.review is None:
        raise Http404("The review has not been started")
    return access


ITEM_ANSWERS = ("kind", "text", "themes")


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


@verified_staff_required
def learning(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    """The learning recorded so far and, for the reviewer, finishing the section ("Save and mark
    as complete" needs learning or a reason for none; "Save and come back later" does not)."""
    access = _access(request, reference, kind)
    section = _section(access)
    review = access.review
    row = sections.stored(review, section.key)

    def shown(form) -> dict:
        items = _items(access)
        record_page_view(request, access, section.title)
        return _context(
            access,
            section=section,
            row=row,
            items=items,
            groups=present.learning_groups(access, items),
            count_text=present.learning_count_text(items),
            note=present.RECOMMENDATIONS_NOTE,
            add_href=review_url("reviews:learning_add", access),
        )

    return section_form_page(
        request,
        access,
        form_class=LearningSectionForm,
        initial=dict(row.data) if row else None,
        title=section.title,
        template="reviews/learning/learning.jinja",
        save=lambda data, complete: services.learning_section_save(
            actor=request.user,
            review=review,
            no_learning_reason=data["no_learning_reason"],
            complete=complete,
        ),
        context=shown,
        rename={NON_FIELD_ERRORS: "no_learning_reason"},
    )


def _item_page(request, access, *, form, save, message, item=None) -> HttpResponse:
    if not access.can_edit:
        return refuse_change(request, access)

    def shown() -> dict:
        record_page_view(request, access, "a piece of learning")
        return _context(
            access,
            item=item,
            note=present.RECOMMENDATIONS_NOTE,
            learning_href=review_url("reviews:learning", access),
        )

    return form_page(
        request,
        form=form,
        template="reviews/learning/item.jinja",
        save=save,
        success=lambda _: redirect(review_url("reviews:learning", access)),
        message=message,
        context=shown,
    )


@verified_staff_required
def learning_add(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    access = _access(request, reference, kind)
    return _item_page(
        request,
        access,
        form=LearningItemForm(posted(request)),
        save=lambda data: services.learning_item_add(
            actor=request.user, review=access.review, **fields(data, *ITEM_ANSWERS)
        ),
        message=lambda item: f"{item.get_kind_display()} added",
    )


@verified_staff_required
def learning_edit(request: HttpRequest, reference: str, kind: str, item_id: int) -> HttpResponse:
    access = _access(request, reference, kind)
    item = _item(access, item_id)
    return _item_page(
        request,
        access,
        form=LearningItemForm(
            posted(request),
            initial={
                "kind": item.kind,
                "text": item.text,
                "themes": [t.pk for t in item.themes.all()],
            },
            item=item,
        ),
        save=lambda data: services.learning_item_update(
            actor=request.user, item=item, **fields(data, *ITEM_ANSWERS)
        ),
        message=lambda _: f"{item.get_kind_display()} saved",
        item=item,
    )


@verified_staff_required
def learning_remove(request: HttpRequest, reference: str, kind: str, item_id: int) -> HttpResponse:
    """Asks first (GET); removes on POST. The version history keeps what it said."""
    access = _access(request, reference, kind)
    item = _item(access, item_id)
    if not access.can_edit:
        return refuse_change(request, access)
    if request.method == "POST":
        label = item.get_kind_display()
        services.learning_item_remove(actor=request.user, item=item)
        messages.success(request, f"{label} removed")
        return redirect(review_url("reviews:learning", access))
    record_page_view(request, access, "remove a piece of learning")
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
