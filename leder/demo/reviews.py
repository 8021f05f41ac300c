"""Write complete reviews through the review services, for the demo and for tests.

`write_initial_review` fills every section of a case's initial review so that
`review_missing(review)` is empty, and (by default) submits it; `write_focused_review` does the
same for the focused review that follows. Nothing is written to a model directly: every answer
goes through the service a reviewer's page calls (contacts and their attempts, the timeline, the
structured questions a page at a time, the cause of death, grading, learning, the focused-review
decision...), as the case's reviewer, so the versions, the audit trail and the case history are
what the service itself would have written. Simple sections are validated by the section's own
form first, as the generic section page does, so the stored answers are exactly what the form
would store (JSON-ready values: dates as ISO strings, the grade as a number).

What is written is a `ReviewContent`: every field has a sensible synthetic default, so
`write_initial_review(case=case)` is a plausible review of a death from aspiration pneumonia with
good care. Texts may use `{given_name}` and `{family_name}` (the person's names, from the
notification), which makes the same content read naturally for every person.

Where the review goes on submission is `review_next_step`'s decision, not this module's: the
notification can require a focused review by itself (an ethnic group other than White British,
an autistic adult without a learning disability), so empty `focused_reasons` send an initial
review to quality assurance only when the notification triggers nothing either. The caller reads
the case's state afterwards (the `case` passed in is refreshed by the lifecycle service).

These functions are meant for a review not yet started (or started and empty): rows such as
contacts, timeline events and learning are added, not reconciled with what is there.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from leder.casework.models import Case, CaseState
from leder.core.time import today
from leder.reviews import questions as question_sets
from leder.reviews import sections
from leder.reviews.forms.workspace import bind_section_form, json_ready
from leder.reviews.models import ContactKind, LearningTheme, Review
from leder.reviews.services import contacts as contact_services
from leder.reviews.services import learning as learning_services
from leder.reviews.services import questions as question_services
from leder.reviews.services import timeline as timeline_services
from leder.reviews.services.focused import DECISION_KEY, ReviewerReason, focused_review_open
from leder.reviews.services.records import review_section_save, review_start, review_submit

__all__ = [
    "DEFAULT_ANSWERS",
    "ReviewContent",
    "write_focused_review",
    "write_initial_review",
]

# The structured questions' answers of a person whose care was good and who died of aspiration
# pneumonia (dysphagia assessed, plan followed). Any question that applies and is not here is
# answered "not known"; `ReviewContent.answers` overrides these.
DEFAULT_ANSWERS: dict[str, tuple[str, str]] = {
    "annual_health_check": ("yes", "Eight months before they died."),
    "health_action_plan": ("yes", ""),
    "health_action_plan_followed": ("yes", ""),
    "cancer_screening": ("yes", "Bowel screening, with an easy read invitation."),
    "flu_immunisation": ("yes", ""),
    "covid_immunisation": ("yes", ""),
    "medication_review": ("yes", "At the annual health check."),
    "polypharmacy": ("no", ""),
    "psychotropics": ("no", ""),
    "reasonable_adjustments": ("yes", "Longer appointments and a familiar carer present."),
    "reasonable_adjustment_flag": ("yes", ""),
    "reasonable_adjustment_flag_acted_on": ("yes", ""),
    "hospital_passport": ("yes", ""),
    "hospital_passport_used": ("yes", ""),
    "liaison_nurse": ("yes", "The liaison nurse saw them on the day of admission."),
    "mental_capacity": ("yes", ""),
    "best_interests": ("yes", ""),
    "dols": ("no", ""),
    "dnacpr": ("no", ""),
    "diagnostic_overshadowing": ("no", ""),
    "delays": ("no", ""),
    "constipation": ("no", ""),
    "dysphagia": ("yes", "A known risk of aspiration, with a modified diet."),
    "dysphagia_assessed": ("yes", ""),
    "dysphagia_plan_followed": ("yes", ""),
    "epilepsy": ("no", ""),
    "sepsis": ("no", ""),
    "care_package": ("yes", ""),
    "transitions": ("no", ""),
    "safeguarding": ("no", ""),
    "family_view": ("yes", "They felt the hospital listened to them."),
    "family_concerns": ("no", ""),
}

# The detail given when an answer needs one (a concern) and the content supplies none.
CONCERN_DETAIL = "Described in the timeline of care and the learning."

GRADING_RATIONALES = {
    1: "Care went beyond expected good practice: services planned ahead and adapted throughout.",
    2: "Care met expected good practice: needs were recognised early and adjustments were made.",
    3: "Care was satisfactory, short of good practice in places without harming wellbeing.",
    4: "Care fell short of good practice and affected wellbeing, though not the cause of death.",
    5: "Care fell significantly short of good practice and could have contributed to the death.",
    6: "Care fell far short of good practice and contributed to the cause of death.",
}


@dataclass(frozen=True)
class ReviewContent:
    """What a review says. Every field has a synthetic default; texts may use `{given_name}` and
    `{family_name}`. Dates entered in the review (when the family was told, contact attempts,
    the GP record review, the meeting) are `written_on` (today if None); timeline events are
    dated a number of days before the death (kept within the person's life and not after today).
    """

    # Grading of care (1..6 on the scale in force) and why; "" gives a sentence for the grade.
    grading: int = 2
    grading_rationale: str = ""

    # The cause of death, as (text, ICD-10 code). `underlying_cause` is what the review stores as
    # the underlying cause: it goes on the lowest completed line of Part I. `other_causes` are the
    # conditions it led to, written above it from line (a), the immediate cause, downward; at
    # most three. So other_causes=(("Aspiration pneumonia", "J69.0"),) with
    # underlying_cause=("Dysphagia", "R13") gives (a) Aspiration pneumonia, (b) Dysphagia, and an
    # underlying cause of R13. `contributing` are Part II lines (at most four).
    underlying_cause: tuple[str, str] = ("Aspiration pneumonia", "J69.0")
    other_causes: tuple[tuple[str, str], ...] = ()
    contributing: tuple[tuple[str, str], ...] = ()
    # Values of the cause of death form's choices (`forms.questions`).
    place_of_death: str = "hospital"
    place_of_death_detail: str = ""  # required by the form when place_of_death is "other"
    covid_status: str = "no"
    covid_vaccination: str = "3"
    coroner_referral: str = "no"
    inquest: str = "no"
    post_mortem: str = "no"
    medical_examiner_scrutiny: str = "yes"

    # Learning: (kind, text, theme names). Kinds are `LearningKind` values; themes are active
    # `LearningTheme` names. With no learning, `no_learning_reason` (or a default) is recorded.
    learning: tuple[tuple[str, str, tuple[str, ...]], ...] = (
        (
            "good_practice",
            "The learning disability liaison nurse met {given_name} on the day of admission and "
            "made sure the hospital passport was used on the ward.",
            ("Reasonable adjustments",),
        ),
    )
    no_learning_reason: str = ""

    # The reviewer's own reasons for a focused review (`ReviewerReason` values); any reason, or
    # the family asking, routes the submitted initial review to a focused review.
    focused_reasons: tuple[str, ...] = ()
    focused_other_reason: str = ""  # with "other"; a default sentence if empty
    family_asked_for_focused: bool = False

    # Family involvement.
    family_told: bool = True
    family_wants_copy: bool = True

    # Pen portrait.
    pen_portrait: str = (
        "{given_name} lived in a shared house with two friends and loved music, swimming and "
        "Saturday trips to the market. They were known for their sense of humour and for "
        "remembering everyone's birthday."
    )
    what_mattered: str = (
        "Being with the people they knew, keeping to their routines, and being asked rather "
        "than told."
    )
    what_people_said: str = "Their sister said they were the heart of the family."
    # Severity of learning disability (the pen portrait's choices: mild, moderate, severe, pmld,
    # none for an autistic adult without one, not_known).
    ld_severity: str = "moderate"

    # The person's profile (`leder.reviews.profile`, version 2026-1: keys and allowed values
    # are listed there).
    profile: tuple[tuple[str, object], ...] = (
        ("downs_syndrome", "no"),
        ("cerebral_palsy", "no"),
        ("epilepsy", "no"),
        ("long_term_conditions", ("hypertension",)),
        ("mobility", "some_help"),
        ("communication", "some_speech"),
        ("sensory", ("none",)),
        ("lived_in", "supported_living"),
        ("support", "round_the_clock"),
        ("out_of_area_placement", "no"),
        ("mental_health_act_detained", "no"),
    )

    # Timeline of care: (days before the death, `TimelineEventKind` value, what happened, and
    # optionally the organisation's name). A "gp" event without one names the person's GP
    # practice, when the notification gives it.
    timeline: tuple[tuple, ...] = (
        (240, "gp", "Annual learning disability health check; health action plan reviewed."),
        (
            90,
            "outpatient",
            "Speech and language therapy review; eating and drinking plan updated.",
            "Community learning disability team",
        ),
        (12, "emergency", "Taken to the emergency department with a cough and a high temperature."),
        (11, "admission", "Admitted with suspected aspiration pneumonia and given antibiotics."),
    )

    # Structured questions: (question key, answer, detail), laid over `DEFAULT_ANSWERS`.
    answers: tuple[tuple[str, str, str], ...] = ()

    # Contacts: (`ContactKind` value, name, role), each spoken with once on `written_on`. The GP
    # contact is linked to the person's GP practice when the notification names one. With no
    # family contact, `family_not_possible_reason` is recorded instead.
    contacts: tuple[tuple[str, str, str], ...] = (
        ("family", "Susan {family_name}", "Sister"),
        ("gp", "Dr Amir Khan", "Named GP"),
        ("paid_carer", "Joy Adebayo", "Support worker at their home"),
    )
    family_not_possible_reason: str = "No living relatives or close friends could be found."

    # The focused review's further evidence and multi-agency meeting.
    further_evidence: str = (
        "The ward's observation charts and the care provider's records show the deterioration "
        "was recognised and escalated within the hour."
    )
    evidence_sources: str = "Records from the hospital trust and the care provider."
    meeting_held: bool = True
    meeting_attendees: tuple[str, ...] = (
        "Ward manager, Riverside Hospitals NHS Trust",
        "Registered manager, Oakfield Supported Living",
        "Named GP, the person's GP practice",
    )
    meeting_discussion: str = "The last admission and how the services shared information."
    meeting_findings: str = "Services worked well together; the hospital passport was used."

    written_on: date | None = None


# --- the two entry points --------------------------------------------------------------------


def write_initial_review(
    *, case: Case, content: ReviewContent = ReviewContent(), submit: bool = True
) -> Review:
    """Write `case`'s initial review in full as the case's reviewer, and submit it unless
    `submit` is False. The case must be in initial review with a reviewer. Returns the Review;
    the submission moves the case where `review_next_step` says (quality assurance, or a focused
    review), which the caller reads from `case.state`. Raises ValidationError (from a service or
    a section's form) if the content is not valid."""
    _check_stage(case, CaseState.INITIAL_REVIEW)
    writer = _Writer(case, content)
    with transaction.atomic():
        review = writer.review = _with_case(review_start(actor=writer.actor, case=case), case)
        writer.family()
        writer.contacts()
        writer.pen_portrait()
        writer.profile()
        writer.timeline()
        writer.questions()
        writer.cause_of_death()
        writer.grading("grading")
        writer.learning()
        writer.focused_decision()
        if submit:
            writer.submit()
    return review


def write_focused_review(
    *, case: Case, content: ReviewContent = ReviewContent(), submit: bool = True
) -> Review:
    """Write `case`'s focused review in full as the case's reviewer (opening it if need be), and
    submit it to the panel unless `submit` is False. The case must be in focused review. Uses
    the content's timeline, grading and learning for the focused review's own sections, and its
    further evidence and meeting. Returns the Review."""
    _check_stage(case, CaseState.FOCUSED_REVIEW)
    writer = _Writer(case, content)
    with transaction.atomic():
        review = writer.review = _with_case(
            focused_review_open(actor=writer.actor, case=case), case
        )
        writer.timeline()
        writer.simple(
            "focused_evidence",
            {
                "evidence": writer.text(content.further_evidence),
                "sources": writer.text(content.evidence_sources),
            },
        )
        writer.meeting()
        writer.grading("focused_grading")
        writer.learning()
        if submit:
            writer.submit()
    return review


def _check_stage(case: Case, state: str) -> None:
    if case.state != state or case.reviewer_id is None:
        raise ValueError(
            f"Case {case.reference} must be in {CaseState(state).label.lower()} with a reviewer "
            f"(it is {case.get_state_display().lower()})"
        )


def _with_case(review: Review, case: Case) -> Review:
    """The review holding the caller's case object, so the services' permission check reads the
    case and its reviewer once rather than on every save."""
    review.case = case
    return review


# --- the sections ----------------------------------------------------------------------------


class _Writer:
    """Writes one review's sections from a `ReviewContent`, as the case's reviewer."""

    review: Review

    def __init__(self, case: Case, content: ReviewContent):
        self.case = case
        self.content = content
        self.actor = case.reviewer.user
        self.person = case.notification
        self.written_on = content.written_on or today()
        self.names = {
            "given_name": self.person.given_name,
            "family_name": self.person.family_name,
        }

    def text(self, template: str) -> str:
        return template.format(**self.names)

    def validated(self, key: str, data: dict) -> dict:
        """`data` (field values, dates as `date`) checked by the section's form as the section
        page checks a "Save and mark as complete", returned as the page would store it."""
        form = bind_section_form(
            sections.get(key).form_class, review=self.review, data=_as_post(data), draft=False
        )
        if not form.is_valid():
            raise ValidationError(
                [
                    f"{key}: {field}: {message}"
                    for field, messages in form.errors.items()
                    for message in messages
                ]
            )
        return json_ready(form.cleaned_data)

    def simple(self, key: str, data: dict) -> None:
        review_section_save(
            actor=self.actor,
            review=self.review,
            key=key,
            data=self.validated(key, data),
            complete=True,
        )

    def submit(self) -> None:
        review_submit(actor=self.actor, review=self.review)
        # The submission reloads the review (and so its case) before moving the case on: bring
        # the caller's case up to date, and give it back to the review.
        self.case.refresh_from_db()
        self.review.case = self.case

    def family(self) -> None:
        c = self.content
        told = "yes" if c.family_told else "no"
        self.simple(
            "family",
            {
                "told_of_review": told,
                "told_on": self.written_on if c.family_told else None,
                "invited_to_contribute": told,
                "offered_pen_portrait": told,
                "pen_portrait_comments": "",
                "wants_copy": "yes" if c.family_wants_copy else "no",
                "asked_for_focused_review": "yes" if c.family_asked_for_focused else "no",
            },
        )

    def contacts(self) -> None:
        review, actor = self.review, self.actor
        kinds = set()
        for kind, name, role in self.content.contacts:
            gp_practice = self.person.gp_practice if kind == ContactKind.GP else None
            contact = contact_services.contact_add(
                actor=actor,
                review=review,
                name=self.text(name),
                kind=kind,
                organisation=gp_practice,
                role=role,
            )
            contact_services.contact_attempt_add(
                actor=actor,
                contact=contact,
                made_on=self.written_on,
                method="phone",
                outcome="spoke",
            )
            kinds.add(kind)
        if not kinds & {ContactKind.FAMILY, ContactKind.FRIEND}:
            contact_services.family_contact_not_possible_record(
                actor=actor, review=review, reason=self.content.family_not_possible_reason
            )

    def pen_portrait(self) -> None:
        c = self.content
        self.simple(
            "pen_portrait",
            {
                "who_they_were": self.text(c.pen_portrait),
                "what_mattered": self.text(c.what_mattered),
                "what_people_said": self.text(c.what_people_said),
                "ld_severity": c.ld_severity,
            },
        )

    def profile(self) -> None:
        self.simple(
            "profile",
            {
                key: list(value) if isinstance(value, tuple) else value
                for key, value in self.content.profile
            },
        )

    def timeline(self) -> None:
        born, died = self.person.date_of_birth, self.person.date_of_death
        latest = min(died, today())
        practice = self.person.gp_practice.name if self.person.gp_practice_id else ""
        for days_before, kind, description, *organisation in self.content.timeline:
            on = min(max(died - timedelta(days=days_before), born), latest)
            name = organisation[0] if organisation else practice if kind == "gp" else ""
            timeline_services.timeline_event_add(
                actor=self.actor,
                review=self.review,
                occurred_on=on,
                kind=kind,
                description=self.text(description),
                organisation_name=name,
            )
        timeline_services.timeline_mark_complete(
            actor=self.actor, review=self.review, complete=True
        )

    def questions(self) -> None:
        """Every question that applies answered, a page (group) at a time as the pages save
        them, then the section marked complete."""
        question_set = question_sets.question_set_for(self.review)
        given = {key: (answer, detail) for key, answer, detail in self.content.answers}
        unknown = set(given) - {q.key for _, q, _ in question_set.all_questions()}
        if unknown:
            raise ValueError(f"No such structured questions: {sorted(unknown)}")
        chosen = {**DEFAULT_ANSWERS, **given}
        answers: dict[str, dict[str, str]] = {}
        # Parents come before their follow-ups, so whether a follow-up applies is known when
        # it is reached.
        for _group, question, parent in question_set.all_questions():
            if parent is not None and not question.shows(answers[parent.key]["answer"]):
                continue
            answer, detail = chosen.get(question.key, (question_sets.NOT_KNOWN, ""))
            if answer in question.detail_required_when and not detail:
                detail = CONCERN_DETAIL
            answers[question.key] = {"answer": answer, "detail": self.text(detail)}
        for group in question_set.groups:
            on_page = {q.key for g, q, _ in question_set.all_questions() if g.slug == group.slug}
            question_services.questions_group_save(
                actor=self.actor,
                review=self.review,
                group=group.slug,
                answers={k: v for k, v in answers.items() if k in on_page},
            )
        question_services.questions_complete_set(
            actor=self.actor, review=self.review, complete=True
        )

    def cause_of_death(self) -> None:
        c = self.content
        part_one = [*c.other_causes, c.underlying_cause]
        if len(part_one) > len(question_services.PART_ONE):
            raise ValueError("At most three other causes: Part I has four lines")
        if len(c.contributing) > len(question_services.PART_TWO):
            raise ValueError("At most four contributing conditions: Part II has four lines")
        data = {
            "coroner_referral": c.coroner_referral,
            "inquest": c.inquest,
            "post_mortem": c.post_mortem,
            "medical_examiner_scrutiny": c.medical_examiner_scrutiny,
            "place_of_death": c.place_of_death,
            "place_of_death_detail": c.place_of_death_detail,
            "covid_status": c.covid_status,
            "covid_vaccination": c.covid_vaccination,
        }
        for lines, causes in (
            (question_services.PART_ONE, part_one),
            (question_services.PART_TWO, c.contributing),
        ):
            for line, (text, code) in zip(lines, causes, strict=False):
                data[f"{line}_text"], data[f"{line}_code"] = text, code
        question_services.cause_of_death_save(
            actor=self.actor,
            review=self.review,
            data=self.validated(question_services.CAUSE_KEY, data),
            complete=True,
        )

    def grading(self, key: str) -> None:
        c = self.content
        rationale = c.grading_rationale or GRADING_RATIONALES.get(c.grading, "")
        self.simple(key, {"level": c.grading, "rationale": self.text(rationale)})

    def learning(self) -> None:
        items = self.content.learning
        wanted = {name for _, _, names in items for name in names}
        themes = {t.name: t for t in LearningTheme.objects.filter(name__in=wanted, active=True)}
        if wanted - set(themes):
            raise ValueError(f"No such active learning themes: {sorted(wanted - set(themes))}")
        for kind, text, names in items:
            learning_services.learning_item_add(
                actor=self.actor,
                review=self.review,
                kind=kind,
                text=self.text(text),
                themes=[themes[name] for name in names],
            )
        reason = "" if items else (self.content.no_learning_reason or NO_LEARNING_REASON)
        learning_services.learning_section_save(
            actor=self.actor, review=self.review, no_learning_reason=reason, complete=True
        )

    def focused_decision(self) -> None:
        reasons = list(self.content.focused_reasons)
        other = ""
        if ReviewerReason.OTHER in reasons:
            other = self.content.focused_other_reason or OTHER_REASON
        self.simple(DECISION_KEY, {"reasons": reasons, "other_reason": other})

    def meeting(self) -> None:
        c = self.content
        if not c.meeting_held:
            self.simple("focused_meeting", {"held": "no"})
            return
        self.simple(
            "focused_meeting",
            {
                "held": "yes",
                "meeting_date": self.written_on,
                "attendees": "\n".join(c.meeting_attendees),
                "discussion": self.text(c.meeting_discussion),
                "findings": self.text(c.meeting_findings),
            },
        )


NO_LEARNING_REASON = "The records and the people we spoke with showed care as planned throughout."
OTHER_REASON = "The panel asked for the last admission to be looked at in more depth."


def _as_post(data: dict) -> dict:
    """Field values as a submitted page would post them: a date in the three boxes of the NHS.UK
    date input, None as an empty answer, everything else as is (lists for checkboxes)."""
    post: dict = {}
    for name, value in data.items():
        if isinstance(value, date):
            post |= {
                f"{name}_day": str(value.day),
                f"{name}_month": str(value.month),
                f"{name}_year": str(value.year),
            }
        elif value is None:
            continue
        elif isinstance(value, int | str | list):
            post[name] = str(value) if isinstance(value, int) else value
        else:
            raise TypeError(f"{name}: cannot post a {type(value).__name__}")
    return post
