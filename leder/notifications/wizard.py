"""The public notification form's pages and the answers given so far, kept in the session.

Nothing reaches the notification tables until the notifier confirms on the check-answers page
(docs/adr/0006-public-notification-form.md). Answers are kept as the request data each page
posted, not as cleaned values, and every page is validated again before the check page and the
submission: a rule that depends on another page (an organisation for professionals) or on the
date (a date of death in the future) is always applied to what is actually submitted.

A `submission_key` (uuid4) is made when the form starts. The service is idempotent by it, so a
double click, a refresh or a network retry of the final POST is the same notification.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from leder.notifications import forms
from leder.notifications.models import Answer

SESSION_KEY = "leder_notify"
DONE_KEY = "leder_notify_done"
# Confirmation pages a session may show again (a notifier telling us about more than one death).
DONE_KEPT = 10


@dataclass(frozen=True)
class Step:
    slug: str
    form_class: type[forms.QuestionForm]
    title: str
    # A question asked only after some answers (decided on the server, so no JavaScript).
    asked_if: Callable[[dict], bool] | None = None

    @property
    def template(self) -> str:
        return f"notifications/steps/{self.slug.replace('-', '_')}.jinja"

    @property
    def url(self) -> str:
        return reverse("notifications:step", args=[self.slug])


STEPS = (
    Step("you", forms.RelationshipForm, "How did you know the person who died?"),
    Step("your-details", forms.NotifierDetailsForm, "Your details"),
    Step("person", forms.PersonNameForm, "What was the person's name?"),
    Step("dates", forms.DatesForm, "Dates of birth and death"),
    Step("nhs-number", forms.NHSNumberForm, "What was their NHS number?"),
    Step("address", forms.AddressForm, "Where did the person usually live?"),
    Step("gp", forms.GPForm, "What was their GP practice?"),
    Step("area", forms.AreaForm, "Which area did the person live in?"),
    Step("about-person", forms.DiagnosisForm, "Learning disability and autism"),
    Step("equality", forms.EqualityForm, "Their sex and ethnic group"),
    Step("death", forms.DeathForm, "About their death"),
    Step("covid", forms.CovidForm, "Did they have COVID-19 when they died?"),
    Step(
        "concerns",
        forms.ConcernsForm,
        "Do you have any concerns about the care the person received?",
    ),
    Step(
        "concerns-detail",
        forms.ConcernsDetailForm,
        "Tell us about your concerns",
        asked_if=lambda answers: answers.get("concerns", {}).get("has_care_concerns") == Answer.YES,
    ),
)
STEPS_BY_SLUG = {step.slug: step for step in STEPS}
# Every question of the public form, in its order (the telephone page and the API ask them all).
QUESTION_FORMS = tuple(step.form_class for step in STEPS)
AREA = STEPS_BY_SLUG["area"]
GP = STEPS_BY_SLUG["gp"]


class Wizard:
    """The notifier's progress through the form, read from and written to their session."""

    def __init__(self, session):
        self.session = session
        self._forms: dict[str, forms.QuestionForm] = {}

    # --- state ---------------------------------------------------------------------------------

    @property
    def state(self) -> dict | None:
        return self.session.get(SESSION_KEY)

    def start(self) -> dict:
        """Begin the form if it has not begun: a new submission key and no answers."""
        if self.state is None:
            self.session[SESSION_KEY] = {
                "submission_key": str(uuid.uuid4()),
                "answers": {},
                "area_from_gp": False,
            }
        return self.state

    def _save_state(self, state: dict) -> None:
        self.session[SESSION_KEY] = state
        self._forms.clear()

    @property
    def submission_key(self) -> str | None:
        return self.state["submission_key"] if self.state else None

    @property
    def answers(self) -> dict:
        return self.state["answers"] if self.state else {}

    @property
    def area_from_gp(self) -> bool:
        return bool(self.state and self.state.get("area_from_gp"))

    # --- forms ---------------------------------------------------------------------------------

    def _form_kwargs(self, step: Step) -> dict:
        if step.form_class is forms.NotifierDetailsForm:
            return {"relationship": self.answers.get("you", {}).get("relationship")}
        if step.form_class is forms.ConcernsDetailForm:
            return {"has_care_concerns": self.answers.get("concerns", {}).get("has_care_concerns")}
        return {}

    def form(self, step: Step, data=None) -> forms.QuestionForm:
        """The page's form: bound to `data` when posted, else showing the answers given."""
        kwargs = self._form_kwargs(step)
        if data is not None:
            return step.form_class(data, **kwargs)
        form = step.form_class(**kwargs)
        form.initial = form.initial_from(self.answers.get(step.slug, {}))
        return form

    def stored_form(self, step: Step) -> forms.QuestionForm | None:
        """The page's form bound to the answers kept for it (validated), or None if unanswered."""
        if step.slug not in self.answers:
            return None
        if step.slug not in self._forms:
            form = step.form_class(self.answers[step.slug], **self._form_kwargs(step))
            form.is_valid()
            self._forms[step.slug] = form
        return self._forms[step.slug]

    def save(self, step: Step, form: forms.QuestionForm) -> None:
        """Keep a valid page's answers. Answering the GP question with a practice we know also
        answers the area question, unless the notifier chose an area themselves."""
        state = self.start()
        state["answers"][step.slug] = {
            key: form.data.get(key, "") for key in form.data_keys() if key in form.data
        }
        if step is GP:
            icb = form.derived_icb()
            if icb is not None and (state["area_from_gp"] or AREA.slug not in state["answers"]):
                state["answers"][AREA.slug] = {"icb": str(icb.pk)}
                state["area_from_gp"] = True
            elif icb is None and state["area_from_gp"]:
                state["answers"].pop(AREA.slug, None)
                state["area_from_gp"] = False
        elif step is AREA:
            state["area_from_gp"] = False
        self._save_state(state)

    # --- navigation ----------------------------------------------------------------------------

    def is_asked(self, step: Step) -> bool:
        return step.asked_if is None or step.asked_if(self.answers)

    def is_skipped(self, step: Step) -> bool:
        """Not shown on the way through: not asked given the answers so far, or (the area)
        already answered by the GP practice, which the check page still lets them change."""
        return not self.is_asked(step) or (step is AREA and self.area_from_gp)

    def first_incomplete(self, *, before: Step | None = None) -> Step | None:
        """The first page asked (before `before`, if given) without a valid answer."""
        for step in STEPS:
            if step is before:
                return None
            if not self.is_asked(step):
                continue
            form = self.stored_form(step)
            if form is None or not form.is_valid():
                return step
        return None

    def next_step(self, step: Step) -> Step | None:
        later = STEPS[STEPS.index(step) + 1 :]
        return next((s for s in later if not self.is_skipped(s)), None)

    def last_step(self) -> Step:
        """The last page shown on the way through: where "Back" on the check page goes."""
        return next(s for s in reversed(STEPS) if not self.is_skipped(s))

    def previous_step(self, step: Step) -> Step | None:
        earlier = reversed(STEPS[: STEPS.index(step)])
        return next((s for s in earlier if not self.is_skipped(s)), None)

    def cleaned(self) -> dict:
        """Every page's cleaned answers, merged. Call only when `first_incomplete()` is None."""
        merged = {}
        for step in STEPS:
            if self.is_asked(step):
                merged.update(self.stored_form(step).cleaned_data)
        return merged

    # --- after submission ----------------------------------------------------------------------

    def finish(self, *, reference: str, reason: str, email_given: bool) -> None:
        """Forget the answers and remember the confirmation this session may see."""
        key = self.submission_key
        self.session.pop(SESSION_KEY, None)
        self._forms.clear()
        done = dict(self.session.get(DONE_KEY, {}))
        done[reference] = {"key": key, "reason": reason, "email_given": email_given}
        self.session[DONE_KEY] = dict(list(done.items())[-DONE_KEPT:])

    def confirmation(self, reference: str) -> dict | None:
        return self.session.get(DONE_KEY, {}).get(reference)

    def reference_for_key(self, submission_key: str) -> str | None:
        for reference, entry in self.session.get(DONE_KEY, {}).items():
            if entry["key"] == submission_key:
                return reference
        return None


def step_for(slug: str) -> Step | None:
    return STEPS_BY_SLUG.get(slug)


def change_url(step: Step) -> str:
    return f"{step.url}?change=1"
