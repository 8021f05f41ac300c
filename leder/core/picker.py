"""A choice from a long list that works with and without JavaScript (ADR 0167).

Without JavaScript it is a plain select of the few choices that matter here (`shown`), with a
search box and a "Search" button under it: the button submits the whole form, the page comes
back with every answer as it was typed (nothing saved, no errors shown) and the matches at the
top of the select. With JavaScript `core/picker.js` turns it into an accessible autocomplete
(alphagov's accessible-autocomplete, vendored), whose suggestions are the shown choices and then
the search endpoint's (`source`) matches.

Any choice in the field's `queryset` is valid, shown or not: the select is where to find a
choice, not the rule. `form_page` knows a search submission by the `SEARCH_BUTTON` field.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.forms.utils import ErrorDict

# The name of every picker's "Search" button; its value is the html name of the field searched.
SEARCH_BUTTON = "picker-search"
# The search box of the field `name` is `name` + SEARCH_SUFFIX; a hidden `name` + DONE_SUFFIX holds
# the search the page shows, so that Enter in a search box with a new query searches too.
SEARCH_SUFFIX = "__search"
DONE_SUFFIX = "__searched"
SHORTEST_SEARCH = 2


class SearchableSelect(forms.Select):
    """The picker's widget (drawn by `core/forms.jinja`, never by Django's templates)."""


def search_field_name(html_name: str) -> str:
    return html_name + SEARCH_SUFFIX


class SearchableModelChoiceField(forms.ModelChoiceField):
    """One row of `queryset`, offered as `shown` plus what a search found.

    - `shown`: the default choices (a queryset or list), usually those relevant to the user's
      ICB; set it in the form's or view's `__init__` like a queryset.
    - `search(query, within)`: the rows of `within` matching what was typed, best first.
    - `label(row)`: how a row reads in the select and in the autocomplete (one function, so
      the endpoint and the select agree).
    - `source`: the URL of the JSON search endpoint the autocomplete asks (`?q=`).
    """

    widget = SearchableSelect

    def __init__(
        self,
        *,
        queryset=None,
        label: str,
        required_message: str,
        search: Callable[[str, Any], Iterable],
        row_label: Callable[[Any], str],
        source: str | Callable[[], str] = "",
        search_label: str = "Not in the list? Search by name or code",
        empty_label: str = "Choose an option",
        shown=(),
        **kwargs,
    ):
        messages = {"required": required_message, "invalid_choice": required_message}
        messages.update(kwargs.pop("error_messages", {}))
        super().__init__(
            queryset=queryset,
            label=label,
            empty_label=empty_label,
            error_messages=messages,
            **kwargs,
        )
        self.search = search
        self.row_label = row_label
        self.source = source
        self.search_label = search_label
        self.shown = shown

    def __deepcopy__(self, memo):
        copied = super().__deepcopy__(memo)
        copied.shown = self.shown
        return copied

    def label_from_instance(self, obj) -> str:
        return self.row_label(obj)

    def source_url(self) -> str:
        return self.source() if callable(self.source) else self.source

    def found(self, query: str) -> list:
        """What a search for `query` finds among the valid choices (nothing for a query too
        short to mean anything)."""
        query = _words(query)
        if len(query) < SHORTEST_SEARCH or self.queryset is None:
            return []
        return list(self.search(query, self.queryset))

    def items(self, *, query: str, value) -> tuple[list[tuple[str, str]], list]:
        """The select's options (value, text), empty label first, and what the search found:
        the matches first, then the shown choices, then the chosen row if it is neither (a
        choice made by the autocomplete or an earlier search stays chosen)."""
        found = self.found(query)
        rows: dict[str, Any] = {}
        for row in [*found, *self.shown]:
            rows.setdefault(str(row.pk), row)
        key = "" if value in (None, "") else str(value)
        if key and key not in rows and self.queryset is not None:
            chosen = self.queryset.filter(pk=key).first() if key.isdigit() else None
            if chosen is not None:
                rows[key] = chosen
        options = [("", str(self.empty_label or ""))]
        options += [(k, self.row_label(row)) for k, row in rows.items()]
        return options, found


def _words(text: str) -> str:
    return " ".join((text or "").split())


def is_search_submission(request) -> bool:
    """Whether the POST is a picker's search rather than the form's own button: its "Search"
    button, or a search box whose text is not the search the page showed (Enter pressed in it;
    every other field's Enter is the form's own button, which the picker puts first)."""
    if request.method != "POST":
        return False
    if SEARCH_BUTTON in request.POST:
        return True
    return any(
        _words(value) != _words(request.POST.get(key[: -len(SEARCH_SUFFIX)] + DONE_SUFFIX, ""))
        for key, value in request.POST.items()
        if key.endswith(SEARCH_SUFFIX)
    )


def keep_answers(form: forms.BaseForm) -> None:
    """Show `form` again as it was typed, without validating it: a search is not a submission,
    so no "required" errors appear for answers not given yet."""
    form._errors = ErrorDict()
    form.cleaned_data = {}
