"""The structured questions of an initial review (DOMAIN.md, "The lifecycle"), versioned.

The question set is data in code. Each version has the date it takes effect; a review records
the version in force when it was started (`Review.question_set_version`, set by
`review_start`) and is always shown and checked against that version, so adding a new version
never changes the questions of a review already under way.

Every question is answered yes, no, not known or not applicable, with optional detail. A
question may have follow-ups, asked only when its answer is one of `shown_when`. Which
follow-ups are shown is decided here, on the server, from the saved answers: the pages work
without JavaScript, and an answer to a follow-up that no longer applies is discarded.

To change the questions, add a new `QuestionSet` with a later `effective_from`; never edit a
version reviews have been answered with.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ImproperlyConfigured

from leder.core.time import today

YES, NO, NOT_KNOWN, NOT_APPLICABLE = "yes", "no", "not_known", "not_applicable"
ANSWERS = (
    (YES, "Yes"),
    (NO, "No"),
    (NOT_KNOWN, "Not known"),
    (NOT_APPLICABLE, "Not applicable"),
)
ANSWER_LABELS = dict(ANSWERS)
DETAIL_MAX_LENGTH = 4000


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    help: str = ""
    detail_prompt: str = "Give details (optional)"
    follow_ups: tuple["Question", ...] = ()
    # For a follow-up: the parent's answers that make it relevant.
    shown_when: frozenset[str] = frozenset()
    # Answers that need detail before the question counts as answered (a concern to explain).
    detail_required_when: frozenset[str] = frozenset()
    detail_required_message: str = ""

    def shows(self, parent_answer: str | None) -> bool:
        return parent_answer in self.shown_when


@dataclass(frozen=True)
class QuestionGroup:
    """One page of questions."""

    slug: str
    title: str
    questions: tuple[Question, ...]
    intro: str = ""


@dataclass(frozen=True)
class QuestionSet:
    version: str
    effective_from: date
    groups: tuple[QuestionGroup, ...]

    def group(self, slug: str) -> QuestionGroup | None:
        return next((g for g in self.groups if g.slug == slug), None)

    def all_questions(self) -> Iterator[tuple[QuestionGroup, Question, Question | None]]:
        """Every question with its group and its parent (None for a top-level question)."""
        for group in self.groups:
            for question in group.questions:
                yield group, question, None
                for follow_up in question.follow_ups:
                    yield group, follow_up, question

    def question(self, key: str) -> Question | None:
        return next((q for _, q, _ in self.all_questions() if q.key == key), None)


# --- the question sets --------------------------------------------------------------------------


def _yes(key: str, text: str, **kwargs) -> Question:
    return Question(key, text, shown_when=frozenset({YES}), **kwargs)


def _no(key: str, text: str, **kwargs) -> Question:
    return Question(key, text, shown_when=frozenset({NO}), **kwargs)


_CONCERN = frozenset({YES})

QUESTION_SET_2026_1 = QuestionSet(
    version="2026-1",
    effective_from=date(2026, 1, 1),
    groups=(
        QuestionGroup(
            slug="health-checks",
            title="Health checks and screening",
            questions=(
                Question(
                    "annual_health_check",
                    "Did the person have an annual learning disability health check in the "
                    "12 months before they died?",
                    help="Everyone aged 14 or over on their GP's learning disability register "
                    "should be offered one every year.",
                    follow_ups=(
                        _no(
                            "annual_health_check_offered",
                            "Was the person offered an annual health check in that year?",
                        ),
                    ),
                ),
                Question(
                    "health_action_plan",
                    "Did the person have a health action plan?",
                    help="A plan made with the person, usually at the annual health check, of "
                    "what they and others will do to keep them healthy.",
                    follow_ups=(
                        _yes(
                            "health_action_plan_followed",
                            "Was the health action plan up to date and followed?",
                        ),
                    ),
                ),
                Question(
                    "cancer_screening",
                    "Did the person have the cancer screening they were eligible for?",
                    help="Bowel, breast and cervical screening, by age and sex.",
                    detail_prompt="Which screening (bowel, breast, cervical) and what happened "
                    "(optional)",
                    follow_ups=(
                        _no(
                            "cancer_screening_adjustments",
                            "Were reasonable adjustments offered so the person could be screened?",
                        ),
                    ),
                ),
                Question(
                    "flu_immunisation",
                    "Was the person vaccinated against flu in the last flu season before they "
                    "died?",
                ),
                Question(
                    "covid_immunisation",
                    "Was the person vaccinated against COVID-19 as recommended for them?",
                ),
            ),
        ),
        QuestionGroup(
            slug="medication",
            title="Medication",
            questions=(
                Question(
                    "medication_review",
                    "Was the person's medication reviewed in the 12 months before they died?",
                ),
                Question(
                    "polypharmacy",
                    "Was the person taking 5 or more medicines at the same time (polypharmacy)?",
                    follow_ups=(
                        _yes(
                            "polypharmacy_reviewed",
                            "Were the medicines reviewed together, for their combined effects?",
                        ),
                    ),
                ),
                Question(
                    "psychotropics",
                    "Was the person prescribed psychotropic medicine?",
                    help="Antipsychotics, antidepressants, sedatives, sleeping tablets or mood "
                    "stabilisers.",
                    follow_ups=(
                        _yes(
                            "psychotropics_reason",
                            "Was there a diagnosis or clear reason for each psychotropic medicine?",
                        ),
                        _yes(
                            "stomp_review",
                            "Was the psychotropic medicine reviewed in line with STOMP?",
                            help="STOMP: stopping over-medication of people with a learning "
                            "disability, autism or both.",
                        ),
                    ),
                ),
            ),
        ),
        QuestionGroup(
            slug="adjustments",
            title="Reasonable adjustments",
            questions=(
                Question(
                    "reasonable_adjustments",
                    "Were reasonable adjustments made to the person's care when they needed them?",
                    help="For example, longer appointments, easy read letters, a quiet place to "
                    "wait, or a familiar carer present.",
                ),
                Question(
                    "reasonable_adjustment_flag",
                    "Did the person's health record have the reasonable adjustment flag?",
                    help="The national flag on the person's NHS record that tells every service "
                    "what adjustments they need.",
                    follow_ups=(
                        _yes(
                            "reasonable_adjustment_flag_acted_on",
                            "Did services act on the adjustments the flag recorded?",
                        ),
                    ),
                ),
                Question(
                    "hospital_passport",
                    "Did the person have a hospital passport?",
                    follow_ups=(
                        _yes(
                            "hospital_passport_used",
                            "Did hospital staff use the hospital passport?",
                        ),
                    ),
                ),
                Question(
                    "liaison_nurse",
                    "Was a learning disability liaison nurse involved in the person's hospital "
                    "care?",
                    help="Answer not applicable if the person was not in hospital.",
                ),
            ),
        ),
        QuestionGroup(
            slug="capacity",
            title="Capacity, DoLS and DNACPR",
            questions=(
                Question(
                    "mental_capacity",
                    "Was the person's mental capacity assessed as the Mental Capacity Act "
                    "requires, when decisions about their care were needed?",
                ),
                Question(
                    "best_interests",
                    "When the person lacked capacity to make a decision, was a best-interest "
                    "decision made and recorded?",
                ),
                Question(
                    "dols",
                    "Was the person subject to a Deprivation of Liberty Safeguards (DoLS) "
                    "authorisation, or had one been applied for?",
                ),
                Question(
                    "dnacpr",
                    "Was a DNACPR decision in place?",
                    help="Do not attempt cardiopulmonary resuscitation.",
                    follow_ups=(
                        _yes("dnacpr_appropriate", "Was the DNACPR decision appropriate?"),
                        _yes(
                            "dnacpr_person_involved",
                            "Was the person involved in the decision, as far as they could be?",
                        ),
                        _yes(
                            "dnacpr_family_involved",
                            "Were the family or people close to the person involved in the "
                            "decision?",
                        ),
                        _yes(
                            "dnacpr_learning_disability_reason",
                            "Was learning disability or Down's syndrome given as a reason for "
                            "the DNACPR decision?",
                            help="A learning disability or Down's syndrome is never on its own a "
                            "reason not to attempt resuscitation.",
                            detail_prompt="What does the DNACPR form say?",
                            detail_required_when=_CONCERN,
                            detail_required_message="Enter what the DNACPR form says about "
                            "learning disability or Down's syndrome",
                        ),
                    ),
                ),
            ),
        ),
        QuestionGroup(
            slug="conditions",
            title="Diagnosis and conditions",
            questions=(
                Question(
                    "diagnostic_overshadowing",
                    "Was there diagnostic overshadowing?",
                    help="Symptoms put down to the person's learning disability or autism, "
                    "instead of being investigated.",
                    detail_required_when=_CONCERN,
                    detail_required_message="Enter what happened when symptoms were put down "
                    "to the person's learning disability or autism",
                ),
                Question(
                    "delays",
                    "Were there delays in diagnosis or treatment?",
                    detail_required_when=_CONCERN,
                    detail_required_message="Enter what was delayed and for how long",
                ),
                Question(
                    "constipation",
                    "Did the person have constipation that needed treatment or monitoring?",
                    follow_ups=(
                        _yes(
                            "constipation_managed",
                            "Was the constipation managed with a plan that was followed?",
                        ),
                    ),
                ),
                Question(
                    "dysphagia",
                    "Did the person have difficulty swallowing (dysphagia) or a risk of "
                    "aspiration?",
                    follow_ups=(
                        _yes(
                            "dysphagia_assessed",
                            "Had a speech and language therapist assessed their swallowing?",
                        ),
                        _yes(
                            "dysphagia_plan_followed",
                            "Was their eating and drinking plan followed?",
                        ),
                    ),
                ),
                Question(
                    "epilepsy",
                    "Did the person have epilepsy?",
                    follow_ups=(
                        _yes(
                            "epilepsy_managed",
                            "Did they have an up-to-date epilepsy care plan that was followed?",
                        ),
                    ),
                ),
                Question(
                    "sepsis",
                    "Did the person have sepsis in their last illness?",
                    follow_ups=(
                        _yes(
                            "sepsis_recognised",
                            "Was the sepsis recognised and treated promptly?",
                        ),
                    ),
                ),
            ),
        ),
        QuestionGroup(
            slug="care",
            title="Care and safeguarding",
            questions=(
                Question(
                    "care_package",
                    "Did the person's care package meet their needs?",
                ),
                Question(
                    "transitions",
                    "Did the person go through a transition in their care in the 2 years "
                    "before they died?",
                    help="For example, from children's to adult services, a move of home or a "
                    "change of care provider.",
                    follow_ups=(
                        _yes(
                            "transition_managed",
                            "Was the transition well planned and managed?",
                        ),
                    ),
                ),
                Question(
                    "safeguarding",
                    "Were there safeguarding concerns about the person?",
                    follow_ups=(
                        _yes(
                            "safeguarding_referral",
                            "Was a safeguarding referral made?",
                        ),
                    ),
                ),
                Question(
                    "family_view",
                    "Have the family or people close to the person given their view of the "
                    "care the person received?",
                    detail_prompt="Their view, in their words where you can (optional)",
                    follow_ups=(
                        _yes(
                            "family_concerns",
                            "Did they raise concerns about the person's care?",
                        ),
                    ),
                ),
            ),
        ),
    ),
)

QUESTION_SETS: dict[str, QuestionSet] = {QUESTION_SET_2026_1.version: QUESTION_SET_2026_1}


# --- which version ------------------------------------------------------------------------------


def current_version(on: date | None = None) -> str:
    """The version in force on `on` (today by default): the latest `effective_from` not after it.
    A new review records this, and keeps it."""
    on = on or today()
    in_force = [s for s in QUESTION_SETS.values() if s.effective_from <= on]
    chosen = max(in_force or QUESTION_SETS.values(), key=lambda s: s.effective_from)
    return chosen.version


def question_set(version: str) -> QuestionSet:
    """The question set of `version`. A review started before questions were versioned (an empty
    version) is answered with the earliest set, which never changes under it."""
    if not version:
        return min(QUESTION_SETS.values(), key=lambda s: s.effective_from)
    try:
        return QUESTION_SETS[version]
    except KeyError:
        raise ImproperlyConfigured(f"No question set {version!r}: never remove one") from None


def question_set_for(review) -> QuestionSet:
    return question_set(review.question_set_version)


# --- answers ------------------------------------------------------------------------------------

Answers = Mapping[str, Mapping[str, str]]


def answer_of(answers: Answers, key: str) -> str | None:
    value = (answers.get(key) or {}).get("answer")
    return value or None


def shown(question_set_: QuestionSet, answers: Answers) -> list[tuple[Question, Question | None]]:
    """The questions that apply given `answers`: every top-level question, and each follow-up
    whose parent's answer triggers it. In page order, with each follow-up's parent."""
    out = []
    for _, question, parent in question_set_.all_questions():
        if parent is None or question.shows(answer_of(answers, parent.key)):
            out.append((question, parent))
    return out


def clean(question_set_: QuestionSet, answers: Answers) -> dict[str, dict[str, str]]:
    """`answers` reduced to what the question set asks: unknown keys, invalid answers, empty
    entries and answers to follow-ups their parent no longer triggers are discarded. Keys are
    kept in the question set's order so the stored JSON reads like the pages."""
    valid = set(ANSWER_LABELS)
    out: dict[str, dict[str, str]] = {}
    for question, _ in shown(question_set_, answers):
        entry = answers.get(question.key) or {}
        answer = entry.get("answer") if entry.get("answer") in valid else ""
        detail = (entry.get("detail") or "").strip()
        if answer or detail:
            out[question.key] = {"answer": answer, "detail": detail}
    return out


def is_answered(question: Question, entry: Mapping[str, str] | None) -> bool:
    entry = entry or {}
    if entry.get("answer") not in ANSWER_LABELS:
        return False
    return not (entry["answer"] in question.detail_required_when and not entry.get("detail"))


def unanswered(
    question_set_: QuestionSet, answers: Answers
) -> list[tuple[QuestionGroup, Question]]:
    """Every question that applies and is not answered (or needs detail it lacks), by group."""
    wanted = {q.key for q, _ in shown(question_set_, answers)}
    return [
        (group, question)
        for group, question, _ in question_set_.all_questions()
        if question.key in wanted and not is_answered(question, answers.get(question.key))
    ]


def missing(question_set_: QuestionSet, answers: Answers) -> list[str]:
    """What is still to answer, in plain words, group by group. A group not started at all is
    one line; otherwise each question is named."""
    gaps = unanswered(question_set_, answers)
    out = []
    for group in question_set_.groups:
        in_group = [q for g, q in gaps if g.slug == group.slug]
        if not in_group:
            continue
        asked = [q.key for g, q, _ in question_set_.all_questions() if g.slug == group.slug]
        if not any(key in answers for key in asked):
            out.append(f"{group.title}: not started")
            continue
        for question in in_group:
            entry = answers.get(question.key) or {}
            if entry.get("answer") in question.detail_required_when:
                out.append(f"{group.title}: “{question.text}” needs details")
            else:
                out.append(f"{group.title}: “{question.text}” is not answered")
    return out
