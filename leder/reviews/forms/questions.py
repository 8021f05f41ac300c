"""Forms of the structured questions (one page of questions at a time, and marking the section
complete) and of the cause of death (the certificate, and the ICD-10 code search)."""

from django import forms

from leder.reviews import questions
from leder.reviews.services.questions import (
    LINES,
    PART_ONE,
    PART_TWO,
    cause_line_errors,
    line_label,
)

YES_NO = [("yes", "Yes"), ("no", "No")]


# --- structured questions -----------------------------------------------------------------------


def detail_name(key: str) -> str:
    return f"{key}__detail"


class QuestionGroupForm(forms.Form):
    """One page of questions: a yes / no / not known / not applicable answer and a detail box for
    each question that applies. Which follow-ups apply is decided from `answers` (what is saved,
    with this page's answers as posted laid over it), so a follow-up appears as soon as the page
    is saved with the answer that asks it. Every answer is optional (the page saves as you go);
    a concern answered without the detail it needs, or an answer not on the list, is an error."""

    def __init__(self, data=None, *, question_set, group, answers: dict):
        super().__init__(data=data)
        self.question_set = question_set
        self.group = group
        effective = dict(answers)
        if data is not None:
            for question in self._all_on_page():
                effective[question.key] = {
                    "answer": data.get(question.key, ""),
                    "detail": data.get(detail_name(question.key), ""),
                }
        self.shown = [
            (question, parent)
            for question, parent in questions.shown(question_set, effective)
            if question.key in {q.key for q in self._all_on_page()}
        ]
        for question, _parent in self.shown:
            saved = answers.get(question.key) or {}
            self.fields[question.key] = forms.ChoiceField(
                label=question.text,
                help_text=question.help,
                choices=questions.ANSWERS,
                widget=forms.RadioSelect,
                required=False,
                initial=saved.get("answer"),
                error_messages={"invalid_choice": "Select yes, no, not known or not applicable"},
            )
            self.fields[detail_name(question.key)] = forms.CharField(
                label=question.detail_prompt,
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=questions.DETAIL_MAX_LENGTH,
                initial=saved.get("detail", ""),
                error_messages={
                    "max_length": f"Details must be {questions.DETAIL_MAX_LENGTH} characters "
                    "or fewer"
                },
            )

    def _all_on_page(self):
        for question in self.group.questions:
            yield question
            yield from question.follow_ups

    def clean(self):
        data = super().clean()
        for question, _ in self.shown:
            answer = data.get(question.key)
            detail = (data.get(detail_name(question.key)) or "").strip()
            if answer in question.detail_required_when and not detail:
                self.add_error(detail_name(question.key), question.detail_required_message)
        return data

    @property
    def page_questions(self) -> list[dict]:
        """The bound fields of each question that applies, with whether it is a follow-up."""
        return [
            {
                "answer": self[question.key],
                "detail": self[detail_name(question.key)],
                "follow_up": parent is not None,
                "key": question.key,
            }
            for question, parent in self.shown
        ]

    def answers(self) -> dict[str, dict[str, str]]:
        """The page's answers as stored: {question key: {"answer", "detail"}}."""
        return {
            question.key: {
                "answer": self.cleaned_data.get(question.key) or "",
                "detail": (self.cleaned_data.get(detail_name(question.key)) or "").strip(),
            }
            for question, _ in self.shown
        }


class QuestionsCompleteForm(forms.Form):
    """Marking the structured questions complete. (The section's `form_class`: its answers are
    kept by `questions_group_save`, page by page.)"""

    wants_review = True

    def __init__(self, data=None, initial=None, *, review=None, **kwargs):
        super().__init__(data=data, initial=initial, **kwargs)
        self.review = review


# --- cause of death -----------------------------------------------------------------------------

CORONER_REFERRAL = YES_NO
INQUEST = [("yes", "Yes"), ("no", "No"), ("pending", "Not yet: an inquest is pending")]
POST_MORTEM = [("yes", "Yes"), ("no", "No"), ("not_known", "Not known")]
MEDICAL_EXAMINER = [("yes", "Yes"), ("no", "No"), ("not_known", "Not known")]
PLACE_OF_DEATH = [
    ("hospital", "Hospital"),
    ("home", "Their home"),
    ("care_home", "Care home"),
    ("hospice", "Hospice"),
    ("other", "Somewhere else"),
]
COVID_STATUS = [
    ("confirmed", "Confirmed by a positive test"),
    ("suspected", "Suspected"),
    ("no", "No"),
    ("not_known", "Not known"),
]
COVID_VACCINATION = [
    ("1", "1 dose"),
    ("2", "2 doses"),
    ("3", "3 doses"),
    ("4", "4 doses"),
    ("5", "5 or more doses"),
    ("unvaccinated", "Not vaccinated"),
    ("not_known", "Not known"),
]


def _radios(label: str, choices, *, required_message: str, hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        help_text=hint,
        error_messages={"required": required_message, "invalid_choice": required_message},
    )


def _line_fields(line: str) -> dict[str, forms.Field]:
    text_label = "Cause" if line in PART_ONE else "Condition"
    return {
        f"{line}_text": forms.CharField(
            label=f"{line_label(line)}: {text_label.lower()} as written on the certificate",
            max_length=300,
            required=False,
            widget=forms.TextInput(attrs={"spellcheck": "true"}),
        ),
        f"{line}_code": forms.CharField(
            label=f"{line_label(line)}: ICD-10 code",
            help_text="For example, J18.9",
            max_length=10,
            required=False,
            widget=forms.TextInput(
                attrs={"autocomplete": "off", "spellcheck": "false", "width": 5}
            ),
        ),
    }


# The eight certificate lines' fields, declared once: Part I (a) to (d), Part II lines 1 to 4.
_CertificateLines = type(
    "_CertificateLines",
    (forms.Form,),
    {
        "__module__": __name__,
        **{name: f for line in LINES for name, f in _line_fields(line).items()},
    },
)


class CauseOfDeathForm(_CertificateLines):
    """The cause of death as the medical certificate gives it, and what happened after the death.

    Certificate lines are checked by `services.questions.cause_line_errors` (valid codes, Part I
    from the top with no gap; when complete, Part I (a) and a code for the underlying cause).
    The other answers are required only when the section is marked complete (`is_draft`)."""

    wants_review = True
    is_draft = False

    coroner_referral = _radios(
        "Was the death referred to the coroner?",
        CORONER_REFERRAL,
        required_message="Select yes if the death was referred to the coroner",
    )
    inquest = _radios(
        "Was there an inquest?",
        INQUEST,
        required_message="Select whether there was an inquest",
        hint="If the death was not referred to the coroner, select no.",
    )
    post_mortem = _radios(
        "Was there a post-mortem?",
        POST_MORTEM,
        required_message="Select whether there was a post-mortem",
    )
    # Asked since dataset specification 2027.1 (issue 14); optional so that sections completed
    # before it stay complete.
    medical_examiner_scrutiny = forms.ChoiceField(
        label="Did a medical examiner scrutinise the death before it was certified?",
        choices=MEDICAL_EXAMINER,
        widget=forms.RadioSelect,
        required=False,
        help_text="Medical examiners scrutinise deaths not investigated by a coroner.",
    )
    place_of_death = _radios(
        "Where did the person die?",
        PLACE_OF_DEATH,
        required_message="Select where the person died",
    )
    place_of_death_detail = forms.CharField(
        label="Where, if somewhere else",
        max_length=200,
        required=False,
    )
    covid_status = _radios(
        "Did the person have COVID-19 when they died?",
        COVID_STATUS,
        required_message="Select whether the person had COVID-19",
    )
    covid_vaccination = _radios(
        "How many doses of a COVID-19 vaccine had the person had?",
        COVID_VACCINATION,
        required_message="Select how many doses of a COVID-19 vaccine the person had",
    )

    def __init__(self, data=None, initial=None, *, review=None, **kwargs):
        super().__init__(data=data, initial=initial, **kwargs)
        self.review = review

    def clean(self):
        data = super().clean()
        for name, message in cause_line_errors(data, complete=not self.is_draft).items():
            if name not in self.errors:
                self.add_error(name, message)
        if (
            data.get("place_of_death") == "other"
            and not (data.get("place_of_death_detail") or "").strip()
            and not self.is_draft
        ):
            self.add_error("place_of_death_detail", "Enter where the person died")
        return data

    def part_two_rows(self, stored: dict | None) -> list[str]:
        """The Part II lines to show: every line with something in it, and one empty line to
        add another (at least two, at most all)."""
        source = self.data if self.is_bound else (stored or {})
        used = [
            line
            for line in PART_TWO
            if (source.get(f"{line}_text") or "").strip() or (source.get(f"{line}_code") or "")
        ]
        last = PART_TWO.index(used[-1]) + 1 if used else 0
        count = min(len(PART_TWO), max(2, last + 1))
        return list(PART_TWO[:count])


class CodeSearchForm(forms.Form):
    line = forms.ChoiceField(choices=[(line, line_label(line)) for line in LINES])
    q = forms.CharField(
        label="Search by code or words of the condition",
        help_text="For example, J18.9, J18 or aspiration pneumonia",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class CodeChoiceForm(forms.Form):
    code = forms.ChoiceField(
        label="Which code?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a code",
            "invalid_choice": "Select one of the codes listed",
        },
    )

    def __init__(self, *args, found, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [(c.code, c.label) for c in found]
