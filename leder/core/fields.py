"""Form fields the NHS.UK design system needs and Django lacks: the three-box date input; and the
two questions staff forms ask again and again, written once: a choice of radios, and a
multi-line answer (a reason, a note)."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError


class NHSDateWidget(forms.MultiWidget):
    """Day, month and year boxes, named `<name>_day`, `<name>_month` and `<name>_year`."""

    def __init__(self, attrs=None):
        numeric = {"inputmode": "numeric"}
        super().__init__(
            {
                "day": forms.TextInput(numeric),
                "month": forms.TextInput(numeric),
                "year": forms.TextInput(numeric),
            },
            attrs,
        )

    @staticmethod
    def as_parts(value) -> dict:
        if isinstance(value, date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        if isinstance(value, str) and value:
            try:
                return NHSDateWidget.as_parts(date.fromisoformat(value))
            except ValueError:
                return {}
        return {}

    def decompress(self, value):
        parts = self.as_parts(value)
        return [parts.get("day"), parts.get("month"), parts.get("year")]

    def value_from_datadict(self, data, files, name):
        return {
            part: (data.get(f"{name}_{part}") or "").strip() for part in ("day", "month", "year")
        }

    def value_omitted_from_data(self, data, files, name):
        return all(f"{name}_{part}" not in data for part in ("day", "month", "year"))


class NHSDateField(forms.Field):
    """A date entered in three boxes, with the NHS.UK error messages for each way it can be wrong.

    `subject` names the date in messages ("date of death"), as the design system asks:
    "Date of death must include a month", "Date of death must be a real date".
    """

    widget = NHSDateWidget

    def __init__(self, *, subject: str, allow_future: bool = False, **kwargs):
        self.subject = subject
        self.allow_future = allow_future
        kwargs.setdefault("error_messages", {"required": f"Enter the {subject}"})
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, date):
            return value
        value = value or {}
        parts = {part: value.get(part, "") for part in ("day", "month", "year")}
        if not any(parts.values()):
            return None
        missing = [part for part in ("day", "month", "year") if not parts[part]]
        subject = self.subject[0].upper() + self.subject[1:]
        if missing:
            raise ValidationError(
                f"{subject} must include a {' and a '.join(missing)}", code="incomplete"
            )
        # ASCII digits only ("²" is a digit to Python), at most 2 for day and month: a huge number
        # would overflow date() (issue 11: OverflowError was a 500).
        if (
            not all(parts[p].isascii() and parts[p].isdigit() for p in parts)
            or len(parts["year"]) != 4
            or len(parts["day"]) > 2
            or len(parts["month"]) > 2
        ):
            raise ValidationError(f"{subject} must be a real date", code="invalid")
        try:
            return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except (ValueError, OverflowError):
            raise ValidationError(f"{subject} must be a real date", code="invalid") from None

    def validate(self, value):
        super().validate(value)
        if value is None or self.allow_future:
            return
        from leder.core.time import today

        if value > today():
            subject = self.subject[0].upper() + self.subject[1:]
            raise ValidationError(f"{subject} must be today or in the past", code="future")


def radios(label: str, choices, *, required: str, help_text: str = "") -> forms.ChoiceField:
    """One answer chosen from radios; `required` is the error message when none is chosen."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"required": required},
    )


def text_box(
    label: str,
    *,
    required: str = "",
    help_text: str = "",
    rows: int = 4,
    max_length: int | None = 2000,
    too_long: str = "",
) -> forms.CharField:
    """A multi-line answer (a reason, a note). With a `required` message it must be given (the
    message says what to enter); without, it is optional. `too_long` replaces Django's message
    for an answer longer than `max_length`."""
    errors = {}
    if required:
        errors["required"] = required
    if too_long:
        errors["max_length"] = too_long
    return forms.CharField(
        label=label,
        required=bool(required),
        help_text=help_text,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=errors,
    )
