"""The one shape of a staff form page: bind, save through the service, show its refusal on the
form, or say what happened and redirect."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponseRedirect
from django.test import RequestFactory

from leder.core.form_page import fields, form_page, posted, show_errors


class NameForm(forms.Form):
    name = forms.CharField(error_messages={"required": "Enter a name"})
    note = forms.CharField(required=False)


def _request(method: str, data: dict | None = None):
    factory = RequestFactory()
    request = factory.post("/x", data or {}) if method == "POST" else factory.get("/x")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _page(request, save, **kwargs):
    return form_page(
        request,
        form=NameForm(posted(request)),
        template="core/accessibility.jinja",
        save=save,
        success=lambda result: HttpResponseRedirect(f"/done/{result}"),
        **kwargs,
    )


def _never(_data):
    raise AssertionError("the service must not be called")


def test_a_get_renders_the_form_without_calling_the_service():
    response = _page(_request("GET"), _never)
    assert response.status_code == 200


def test_an_empty_post_is_a_submission_and_shows_required_errors():
    request = _request("POST")
    form = NameForm(posted(request))
    assert form.is_bound
    response = _page(request, _never)
    assert response.status_code == 200
    assert not form.is_valid()


def test_a_valid_post_calls_the_service_with_cleaned_data_then_redirects_with_a_message():
    calls = []

    def save(data):
        calls.append(data)
        return 7

    request = _request("POST", {"name": " Ann ", "note": "x"})
    response = _page(request, save, message=lambda result: f"Saved {result}")
    assert calls == [{"name": "Ann", "note": "x"}]
    assert response.status_code == 302
    assert response["Location"] == "/done/7"
    assert [str(m) for m in get_messages(request)] == ["Saved 7"]


def test_a_service_refusal_is_shown_beside_its_field_and_nothing_redirects():
    def save(_data):
        raise ValidationError({"who": "That person is not on the register"})

    request = _request("POST", {"name": "Ann"})
    form = NameForm(posted(request))
    response = form_page(
        request,
        form=form,
        template="core/accessibility.jinja",
        save=save,
        success="/never",
        rename={"who": "name"},
    )
    assert response.status_code == 200
    assert form.errors == {"name": ["That person is not on the register"]}
    assert list(get_messages(request)) == []


def test_a_refusal_without_a_field_goes_to_the_top_of_the_form():
    form = NameForm({"name": "Ann"})
    form.is_valid()
    show_errors(form, ValidationError("The case is locked"))
    assert form.non_field_errors() == ["The case is locked"]


def test_fields_picks_the_named_answers():
    assert fields({"a": 1, "b": 2, "c": 3}, "a", "c") == {"a": 1, "c": 3}
    with pytest.raises(KeyError):
        fields({"a": 1}, "b")


def test_a_context_function_is_called_only_when_the_page_is_shown():
    shown = []

    def context():
        shown.append(True)
        return {"extra": 1}

    _page(_request("POST", {"name": "Ann"}), lambda data: 1, context=context)
    assert shown == []
    response = _page(_request("POST", {}), _never, context=context)
    assert response.status_code == 200
    assert shown == [True]


class Refused(Exception):
    pass


def test_a_named_refusal_is_shown_at_the_top_of_the_form():
    def save(_data):
        raise Refused("The case is on hold")

    request = _request("POST", {"name": "Ann"})
    form = NameForm(posted(request))
    response = form_page(
        request,
        form=form,
        template="core/accessibility.jinja",
        save=save,
        success="/never",
        refusals=(Refused,),
    )
    assert response.status_code == 200
    assert form.non_field_errors() == ["The case is on hold"]


def test_an_exception_not_named_as_a_refusal_propagates():
    def save(_data):
        raise Refused("not expected here")

    with pytest.raises(Refused):
        _page(_request("POST", {"name": "Ann"}), save)


def test_a_refusal_without_a_field_can_be_shown_beside_the_pages_one_question():
    form = NameForm({"name": "Ann"})
    form.is_valid()
    show_errors(form, ValidationError("Ann is listed already"), rename={NON_FIELD_ERRORS: "name"})
    assert form.errors == {"name": ["Ann is listed already"]}
