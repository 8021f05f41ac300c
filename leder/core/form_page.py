"""One shape for a staff form page.

Every staff page that changes something does the same five things: bind the form to the POST (an
empty POST is still a submission, so "required" errors show), and when it is valid call one
service; put the service's `ValidationError` on the form beside the answer it is about; on
success say what happened and redirect; otherwise render the template with the form and
`has_errors` (which the templates use for the error summary and the page title's "Error: ").

A view then says only which form, which service, where to go after and which template:

    @verified_staff_required
    def reviewer_edit(request, pk):
        reviewer = _reviewer_to_change(request, pk)
        form = ReviewerEditForm(posted(request), initial=...)
        return form_page(
            request,
            form=form,
            template="casework/register/edit.jinja",
            save=lambda data: services.reviewer_update(
                actor=request.user, reviewer=reviewer, **data
            ),
            success=lambda changed: redirect("casework:register_detail", pk=reviewer.pk),
            message="Changes saved",
            context={"r": ReviewerPresenter(reviewer)},
        )

`save` receives the form's cleaned data and returns whatever the service returns; `success` and
`message` may use that result. A `PermissionDenied` from the service is left to propagate (a 403).
A check the view makes before calling the service (a reference that names no review) is a
`ValidationError` raised in `save`, so it is shown like the service's own.

A POST by an organisation picker's "Search" button (`core/picker.py`) is not a submission: the
page is shown again with every answer as typed, nothing saved and no errors.

Two needs recur, and are said explicitly:

- What only the shown page needs (its presenters, and the audited view of the person's data it
  shows) goes in `context` as a function: it is called only when the page is rendered, never
  before the redirect of a successful save.
- A service that refuses by another exception than `ValidationError` (the case lifecycle's
  `TransitionRefused`) names it in `refusals`: its message goes to the top of the form.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect as _redirect
from django.shortcuts import render

from leder.core.picker import is_search_submission, keep_answers


def posted(request: HttpRequest):
    """The data to bind a form to: the POST on a submission (even an empty one), else None."""
    return request.POST if request.method == "POST" else None


def show_errors(
    form: forms.BaseForm, error: ValidationError, *, rename: Mapping[str, str] | None = None
) -> None:
    """Put a service's refusal on the form, beside the answer it is about.

    A service names fields in its own words (`user`); `rename` maps them to the form's
    (`person`). An error about a field the form does not have, or about no field, goes to the top
    of the form (the error summary), unless `rename` maps `NON_FIELD_ERRORS` to the field a page
    asks one question with (a page whose only answer is the organisation chosen).
    """
    rename = rename or {}
    found = (
        error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    )
    for name, errors in found.items():
        name = rename.get(name, name)
        form.add_error(name if name in form.fields else None, errors)


def fields(data: Mapping[str, Any], *names: str) -> dict[str, Any]:
    """The named cleaned fields, to pass to a service as keyword arguments."""
    return {name: data[name] for name in names}


def form_page[T](
    request: HttpRequest,
    *,
    form: forms.BaseForm,
    template: str,
    save: Callable[[dict[str, Any]], T],
    success: Callable[[T], HttpResponse] | str,
    message: str | Callable[[T], str | None] | None = None,
    context: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
    rename: Mapping[str, str] | None = None,
    refusals: tuple[type[Exception], ...] = (),
    valid_on: Iterable[str] = ("POST",),
) -> HttpResponse:
    """Render a form page, or on a valid submission save it through the service and redirect.

    - `save(cleaned_data)` calls the service; its `ValidationError` is shown on the form and
      nothing is saved (the service's transaction rolled back).
    - `success(result)` returns the response after saving (usually a redirect); a string is a URL
      name or path to redirect to.
    - `message` (or `message(result)`) is shown on the next page as a success banner.
    - `context` (or `context()`, called only then) is added to the template's context whenever
      the page is rendered.
    - `refusals` are the exceptions, besides `ValidationError`, by which the service refuses
      with a message written for the person; the message is shown at the top of the form.
    """
    if is_search_submission(request):
        keep_answers(form)  # a picker's "Search": the page again, every answer kept
    elif request.method in valid_on and form.is_valid():
        try:
            result = save(dict(form.cleaned_data))
        except ValidationError as error:
            show_errors(form, error, rename=rename)
        except refusals as refused:
            form.add_error(None, str(refused))
        else:
            text = message(result) if callable(message) else message
            if text:
                messages.success(request, text)
            return success(result) if callable(success) else _redirect(success)
    extra = context() if callable(context) else context
    return render(
        request,
        template,
        {"form": form, "has_errors": bool(form.errors), **(extra or {})},
    )
