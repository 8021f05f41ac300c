"""Django forms rendered through NHS.UK components, in one place.

`field_params(bound_field)` turns a bound field into the parameters of the NHS.UK macro that
draws it; the `core/forms.jinja` macro `field` picks the macro. Page templates therefore never
hand-write input markup, and error messages, hints and ids follow one pattern everywhere.
"""

from django import forms
from django.forms.boundfield import BoundField

from leder.core.fields import NHSDateWidget
from leder.core.picker import DONE_SUFFIX, SEARCH_BUTTON, SearchableSelect, search_field_name

RADIO_WIDGETS = (forms.RadioSelect,)
CHECKBOX_WIDGETS = (forms.CheckboxSelectMultiple,)


def _first_error(bound: BoundField) -> dict | None:
    errors = bound.errors
    return {"text": str(errors[0])} if errors else None


def _label(bound: BoundField, *, heading: bool, size: str | None) -> dict:
    label = {"text": str(bound.label)}
    if heading:
        label["isPageHeading"] = True
        label["size"] = size or "l"
    elif size:
        label["size"] = size
    return label


def widget_kind(bound: BoundField) -> str:
    widget = bound.field.widget
    if isinstance(widget, NHSDateWidget):
        return "date"
    if isinstance(widget, CHECKBOX_WIDGETS):
        return "checkboxes"
    if isinstance(widget, RADIO_WIDGETS):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, SearchableSelect):
        return "picker"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


def _choice_items(bound: BoundField, *, selected_key: str, conditionals: dict) -> list[dict]:
    values = bound.value()
    if not isinstance(values, list | tuple):
        values = [values]
    chosen = {"" if v is None else str(v) for v in values}
    hints = getattr(bound.field, "choice_hints", {}) or {}
    items = []
    for value, text in bound.field.choices:
        key = "" if value is None else str(value)
        if key == "" and selected_key != "selected":
            continue  # radios and checkboxes have no empty choice
        item = {"value": key, "text": str(text), selected_key: key in chosen}
        if key in hints:
            item["hint"] = {"text": str(hints[key])}
        if key in conditionals:
            item["conditional"] = {"html": conditionals[key]}
        items.append(item)
    return items


def field_params(
    bound: BoundField,
    *,
    heading: bool = False,
    size: str | None = None,
    conditionals: dict | None = None,
    **extra,
) -> dict:
    """Parameters for the NHS.UK macro that renders `bound`.

    `heading=True` makes the label or legend the page's h1 (one question a page).
    `conditionals` maps a choice value to HTML revealed when that choice is selected.
    """
    kind = widget_kind(bound)
    widget = bound.field.widget
    attrs = dict(widget.attrs)
    hint = {"text": str(bound.help_text)} if bound.help_text else None
    params: dict = {"kind": kind, "hint": hint, "errorMessage": _first_error(bound)}
    legend = _label(bound, heading=heading, size=size)

    if kind in {"radios", "checkboxes"}:
        params.update(
            idPrefix=bound.auto_id,
            name=bound.html_name,
            fieldset={"legend": legend},
            items=_choice_items(bound, selected_key="checked", conditionals=conditionals or {}),
        )
    elif kind == "checkbox":
        params.update(
            idPrefix=bound.auto_id,
            name=bound.html_name,
            items=[{"value": "on", "text": str(bound.label), "checked": bool(bound.value())}],
        )
    elif kind == "date":
        raw = bound.value() or {}
        if not isinstance(raw, dict):
            raw = NHSDateWidget.as_parts(raw)
        item_error = "nhsuk-input--error" if bound.errors else ""
        params.update(
            id=bound.auto_id,
            fieldset={"legend": legend},
            items=[
                {
                    "name": f"{bound.html_name}_{part}",
                    "label": part.capitalize(),
                    "value": raw.get(part, ""),
                    "width": 4 if part == "year" else 2,
                    "classes": item_error,
                    "id": f"{bound.auto_id}-{part}",
                }
                for part in ("day", "month", "year")
            ],
        )
    elif kind == "picker":
        params.update(_picker_params(bound, legend))
    elif kind == "select":
        params.update(
            id=bound.auto_id,
            name=bound.html_name,
            label=legend,
            items=_choice_items(bound, selected_key="selected", conditionals={}),
        )
    else:
        value = bound.value()
        params.update(
            id=bound.auto_id,
            name=bound.html_name,
            label=legend,
            value="" if value is None else str(value),
        )
        if kind == "textarea":
            params["rows"] = attrs.pop("rows", 5)
        else:
            params["type"] = getattr(widget, "input_type", "text")
            for key in ("autocomplete", "inputmode", "spellcheck"):
                if key in attrs:
                    params[key] = attrs.pop(key)
            if "width" in attrs:
                params["width"] = attrs.pop("width")
        attrs.pop("cols", None)
        attrs.pop("class", None)
        if attrs:
            params["attributes"] = {k: str(v) for k, v in attrs.items()}
    params.update(extra)
    return params


def _picker_params(bound: BoundField, legend: dict) -> dict:
    """A select of the field's shown choices and search matches, and its search box."""
    search_name = search_field_name(bound.html_name)
    query = (
        " ".join(str(bound.form.data.get(search_name, "")).split()) if bound.form.is_bound else ""
    )
    value = bound.value()
    options, found = bound.field.items(query=query, value=value)
    chosen = "" if value in (None, "") else str(value)
    if not chosen and len(found) == 1:
        chosen = str(found[0].pk)  # one match: chosen for them, as they would
    status = ""
    if query:
        if not found:
            status = f"Nothing matches ‘{query}’. Check the spelling, or search by code."
        elif len(found) == 1:
            status = f"1 match for ‘{query}’, chosen in the list above."
        else:
            status = f"{len(found)} matches for ‘{query}’, at the top of the list above."
    return {
        "id": bound.auto_id,
        "name": bound.html_name,
        "label": legend,
        "items": [{"value": v, "text": t, "selected": v == chosen} for v, t in options],
        "formGroup": {"classes": "leder-picker__choice"},
        "picker": {
            "source": bound.field.source_url(),
            "search": {
                "id": f"{bound.auto_id}-search",
                "name": search_name,
                "done": bound.html_name + DONE_SUFFIX,
                "value": query,
                "label": bound.field.search_label,
                "button": SEARCH_BUTTON,
            },
            "status": status,
        },
    }


def error_href(bound: BoundField) -> str:
    """Where the error summary's link takes the user: the first input of the field."""
    kind = widget_kind(bound)
    if kind == "date":
        return f"#{bound.auto_id}-day"
    if kind in {"radios", "checkboxes", "checkbox"}:
        return f"#{bound.auto_id}"
    return f"#{bound.auto_id}"


def error_summary_items(*forms_: forms.BaseForm) -> list[dict]:
    """The error summary's list: one entry per field error, in field order, each linking to its
    field; errors not tied to a field link to the form's first field."""
    items = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for error in form.non_field_errors():
            first = next(iter(form), None)
            items.append({"text": str(error), "href": error_href(first) if first else "#"})
        for bound in form:
            for error in bound.errors:
                items.append({"text": str(error), "href": error_href(bound)})
    return items
