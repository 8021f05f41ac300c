"""The free-text release queue's pages, under /staff/release/ (issue 13).

For the ICB's local area contacts and information-governance reviewers (anyone else gets a 403;
another ICB's case is a 404). The item page shows the original text beside the text that would
leave, every redaction highlighted with its kind, and three plain forms that work without
JavaScript: undo or restore a redaction (one button each), add a redaction by typing the words,
and release. Viewing the original text is audited.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from leder.accounts.decorators import verified_staff_required
from leder.core import audit
from leder.core.form_page import form_page, posted
from leder.core.presenters import count
from leder.exports import release as queue
from leder.exports import release_services as services
from leder.exports.forms import RedactionAddForm, RedactionToggleForm, ReleaseForm
from leder.exports.presenters import ReleaseItemPresenter


def _releasers_only(request: HttpRequest) -> None:
    if not queue.release_icbs(request.user).exists():
        raise PermissionDenied(
            "Releasing free text is for local area contacts and information-governance reviewers."
        )


def _kinds() -> list[tuple[str, str]]:
    return [(str(kind), label[0].upper() + label[1:]) for kind, label in queue.KIND_LABELS.items()]


@verified_staff_required
def release_queue(request: HttpRequest) -> HttpResponse:
    _releasers_only(request)
    items = [ReleaseItemPresenter(i) for i in queue.release_items_for(request.user)]
    waiting = [i for i in items if not i.is_released]
    released = [i for i in items if i.is_released]
    return render(
        request,
        "exports/release/queue.jinja",
        {
            "waiting": waiting,
            "released": released,
            "waiting_count": count(len(waiting), "text"),
        },
    )


def _item(request: HttpRequest, case_id: int, field: str) -> queue.Item:
    _releasers_only(request)
    return queue.release_item_for(user=request.user, case_id=case_id, field_name=field)


def _item_page(request, item, *, add_form=None, release_form=None, status=200) -> HttpResponse:
    presenter = ReleaseItemPresenter(item, identifiers=queue.identifiers_of(item.case))
    audit.record_view(
        actor=request.user,
        obj=item.case,
        summary=f"Read the {item.label.lower()} of case {item.case.notification.reference} "
        "for release",
        details={"field": item.field, "text_sha256": item.sha256},
        request=request,
    )
    add_form = add_form or RedactionAddForm(initial={"sha256": item.sha256}, kinds=_kinds())
    release_form = release_form or ReleaseForm(initial={"sha256": item.sha256})
    return render(
        request,
        "exports/release/item.jinja",
        {
            "item": presenter,
            "add_form": add_form,
            "release_form": release_form,
            "has_errors": bool(add_form.errors or release_form.errors),
        },
        status=status,
    )


@verified_staff_required
def release_item(request: HttpRequest, case_id: int, field: str) -> HttpResponse:
    """The item's page; a POST releases it."""
    item = _item(request, case_id, field)
    if request.method != "POST":
        return _item_page(request, item)
    form = ReleaseForm(posted(request))
    return form_page(
        request,
        form=form,
        template="exports/release/item.jinja",
        save=lambda data: services.free_text_release(
            actor=request.user, item=item, sha256=data["sha256"]
        ),
        success=lambda _: redirect("exports_release:queue"),
        message=f"{item.label} of case {item.case.notification.reference} released",
        context=_page_context(request, item, release_form=form),
    )


def _page_context(request, item, *, add_form=None, release_form=None) -> dict:
    """What the item's template needs when a form is shown again with its errors."""
    return {
        "item": ReleaseItemPresenter(item, identifiers=queue.identifiers_of(item.case)),
        "add_form": add_form or RedactionAddForm(initial={"sha256": item.sha256}, kinds=_kinds()),
        "release_form": release_form or ReleaseForm(initial={"sha256": item.sha256}),
    }


@verified_staff_required
@require_POST
def redaction_add(request: HttpRequest, case_id: int, field: str) -> HttpResponse:
    item = _item(request, case_id, field)
    form = RedactionAddForm(posted(request), kinds=_kinds())
    context = _page_context(request, item, add_form=form)
    return form_page(
        request,
        form=form,
        template="exports/release/item.jinja",
        save=lambda data: services.free_text_redaction_add(
            actor=request.user,
            item=item,
            sha256=data["sha256"],
            words=data["words"],
            kind=data["kind"],
        ),
        success=lambda _: redirect(_item_url(item) + "#redactions"),
        message=lambda added: f"{count(added, 'redaction')} added",
        context=context,
    )


@verified_staff_required
@require_POST
def redaction_toggle(request: HttpRequest, case_id: int, field: str) -> HttpResponse:
    item = _item(request, case_id, field)
    form = RedactionToggleForm(posted(request))
    if not form.is_valid():
        messages.error(request, "That redaction could not be changed. Try again.")
        return redirect(_item_url(item))
    try:
        outcome = services.free_text_redaction_toggle(
            actor=request.user, item=item, **form.cleaned_data
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Redaction {outcome}")
    return redirect(_item_url(item) + "#redactions")


def _item_url(item: queue.Item) -> str:
    return reverse("exports_release:item", kwargs={"case_id": item.case.pk, "field": item.field})
