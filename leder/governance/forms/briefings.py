"""Forms for learning briefings and the library search. They collect answers; the rules (signed-
off source reviews of one ICB, lengths, the de-identification check) are the service's, whose
`ValidationError`s the views put back on these fields."""

from django import forms

from leder.core.fields import text_box
from leder.core.presenters import date_long

THEME_HINT = "Readers of every ICB find briefings by these themes."


def _theme_label(theme) -> str:
    return str(theme)


class BriefingForm(forms.Form):
    source_reviews = forms.MultipleChoiceField(
        label="Which signed-off reviews is it written from?",
        help_text="Only your ICB's staff see which reviews a briefing came from.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one signed-off review the briefing is from",
            "invalid_choice": "Select reviews from the list",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter a title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    summary = text_box(
        "Summary",
        required="Enter a summary",
        help_text=(
            "What happened, in general terms. Do not name anyone or give dates, places or "
            "other details that could identify the person, their family or staff."
        ),
        rows=6,
        max_length=None,
    )
    learning = text_box(
        "Learning",
        required="Enter the learning",
        help_text="What services should learn and do.",
        rows=8,
        max_length=None,
    )
    themes = forms.MultipleChoiceField(
        label="Themes",
        help_text=THEME_HINT,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one theme",
            "invalid_choice": "Select themes from the list",
        },
    )
    easy_read = text_box(
        "Easy read version (optional)",
        help_text=(
            "Short sentences and plain words, one idea a line. Leave a blank line between "
            "parts: each part is shown with a picture."
        ),
        rows=8,
        max_length=None,
    )

    def __init__(self, *args, reviews, themes, show_icb: bool = False, **kwargs):
        """`reviews`: the signed-off reviews the author may choose (with `live_signoff`);
        `themes`: the themes offered."""
        super().__init__(*args, **kwargs)
        self._reviews = {str(r.pk): r for r in reviews}
        self._themes = {str(t.pk): t for t in themes}
        self.fields["source_reviews"].choices = [
            (key, _review_label(review, show_icb=show_icb)) for key, review in self._reviews.items()
        ]
        self.fields["themes"].choices = [(k, _theme_label(t)) for k, t in self._themes.items()]

    def clean_source_reviews(self):
        return [self._reviews[key] for key in self.cleaned_data["source_reviews"]]

    def clean_themes(self):
        return [self._themes[key] for key in self.cleaned_data["themes"]]


def _review_label(review, *, show_icb: bool) -> str:
    signoff = getattr(review, "live_signoff", None)
    text = f"{review.case.reference}: {review.get_kind_display().lower()}"
    if signoff is not None:
        text += f", signed off {date_long(signoff.signed_off_at)}"
    if show_icb:
        text += f" ({review.case.notification.icb.display_name})"
    return text


class WithdrawForm(forms.Form):
    reason = text_box(
        "Why are you withdrawing it?",
        required="Enter the reason for withdrawing the briefing",
        help_text="Readers no longer see it. Your ICB's briefing writers see the reason.",
        too_long="The reason must be 2,000 characters or fewer",
    )


class LibrarySearchForm(forms.Form):
    """The library's search, drawn from what `parse_search` found valid in the query string (an
    unbound form with initial values): a search page never refuses to show results, so values
    that are not in the list are ignored rather than shown as errors."""

    q = forms.CharField(label="Words to search for", required=False, max_length=200)
    theme = forms.MultipleChoiceField(
        label="Themes",
        help_text="Briefings with any of the themes you select.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [(str(t.pk), _theme_label(t)) for t in themes]


def parse_search(query, *, themes) -> tuple[list, str]:
    """(themes chosen, words) from a query string: unknown themes are dropped, the words trimmed
    to 200 characters."""
    known = {str(t.pk): t for t in themes}
    chosen = [known[key] for key in dict.fromkeys(query.getlist("theme")) if key in known]
    return chosen, (query.get("q") or "").strip()[:200]
