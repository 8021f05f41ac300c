"""Reads of feedback surveys and their results, with disclosure control.

Results are summarised per ICB, for the ICB's executive lead and local area contact; national
analysts and administrators see every ICB. Counts under the disclosure threshold
(`LEDER_DISCLOSURE_THRESHOLD`, default 5) are never shown:

- an ICB with fewer responses than the threshold shows nothing at all, not even the total;
- a question answered by fewer people than the threshold shows nothing but that;
- an option chosen by 1 to threshold-1 people is suppressed (primary suppression); zero is shown;
- when exactly one option of a question is suppressed and the number who answered is shown, the
  suppressed count would be that number minus the others: the smallest other option is
  suppressed too (secondary suppression);
- a scale's median is shown only when the number who answered is shown.

Free-text answers are shown only to administrators. Nothing is added up across ICBs: a total for
England beside the ICBs' totals would reveal the suppressed ones.
"""

from dataclasses import dataclass, field
from statistics import median

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import Http404

from leder.accounts import rules
from leder.accounts.models import Role
from leder.exports.redaction import redact
from leder.governance.models import (
    AnswerType,
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)
from leder.governance.services.surveys import question_choices
from leder.organisations.models import Organisation

RESULTS_READERS = (Role.LAC, Role.ICB_LEAD)


def disclosure_threshold() -> int:
    return getattr(settings, "LEDER_DISCLOSURE_THRESHOLD", 5)


# -- Answering ----------------------------------------------------------------------------------


def staff_surveys_open() -> QuerySet[Survey]:
    return Survey.objects.filter(audience=SurveyAudience.STAFF, status=SurveyStatus.OPEN)


def survey_to_answer(*, slug: str, audience: str) -> Survey:
    """An open or closed survey of `audience` (a closed one says so); 404 for a draft, another
    audience's survey or an unknown slug."""
    survey = (
        Survey.objects.filter(
            slug=slug, audience=audience, status__in=[SurveyStatus.OPEN, SurveyStatus.CLOSED]
        )
        .prefetch_related("questions")
        .first()
    )
    if survey is None:
        raise Http404("No such survey")
    return survey


def answered_by(user, surveys) -> set[int]:
    """The surveys among `surveys` that `user` answered by name (anonymous answers cannot be
    known, by design)."""
    return set(
        SurveyResponse.objects.filter(survey__in=surveys, respondent=user).values_list(
            "survey_id", flat=True
        )
    )


def questions_of(survey: Survey) -> list[SurveyQuestion]:
    return list(survey.questions.order_by("order", "pk"))


# -- Results ------------------------------------------------------------------------------------


def sees_every_icb(user) -> bool:
    return rules.is_administrator(user) or rules.is_national_analyst(user)


def can_see_results(user) -> bool:
    return sees_every_icb(user) or rules.has_any_role(user, *RESULTS_READERS)


def sees_free_text(user) -> bool:
    return rules.is_administrator(user)


def results_icbs(user) -> QuerySet[Organisation]:
    """The ICBs whose results `user` sees: every ICB for administrators and national analysts,
    the ICBs where they are LAC or executive lead otherwise."""
    if sees_every_icb(user):
        return Organisation.objects.icbs().order_by("name")
    return rules.organisations_where(user, *RESULTS_READERS).order_by("name")


def surveys_with_results() -> QuerySet[Survey]:
    """Surveys that have been open (drafts have no answers)."""
    return Survey.objects.exclude(status=SurveyStatus.DRAFT).order_by("title")


def survey_for_results(*, slug: str) -> Survey:
    survey = surveys_with_results().filter(slug=slug).first()
    if survey is None:
        raise Http404("No such survey")
    return survey


def suppress(counts: list[int], *, total: int | None, threshold: int) -> list[int | None]:
    """`counts` with those that could identify someone replaced by None: primary suppression of
    1..threshold-1, then, if exactly one is suppressed while `total` is shown, the smallest
    other count (preferring one above zero, which hides more) as well."""
    shown: list[int | None] = [None if 0 < c < threshold else c for c in counts]
    if total is not None and sum(1 for c in shown if c is None) == 1:
        others = [(c == 0, c, i) for i, c in enumerate(shown) if c is not None]
        if others:
            _, _, index = min(others)
            shown[index] = None
    return shown


@dataclass
class Cell:
    label: str
    count: int | None  # None: suppressed


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int | None  # None: fewer than the threshold answered
    cells: list[Cell] = field(default_factory=list)
    median: float | None = None
    texts: list[str] | None = None  # free text, for administrators only


@dataclass
class IcbResults:
    icb: Organisation
    total: int | None  # None: fewer responses than the threshold, so nothing is shown
    questions: list[QuestionResult] = field(default_factory=list)


def response_totals(survey: Survey) -> dict[int, int]:
    """Responses per ICB id (raw: suppress before showing)."""
    rows = (
        SurveyResponse.objects.filter(survey=survey)
        .values("icb_id")
        .annotate(n=Count("pk"))
        .values_list("icb_id", "n")
    )
    return dict(rows)


def survey_results(*, survey: Survey, icb: Organisation, with_free_text: bool) -> IcbResults:
    """The survey's results for one ICB, with disclosure control applied (see the module
    docstring). The caller has checked that the user may see `icb`'s results, and passes
    `with_free_text` only for administrators."""
    threshold = disclosure_threshold()
    total = SurveyResponse.objects.filter(survey=survey, icb=icb).count()
    if total < threshold:
        return IcbResults(icb=icb, total=None)
    answers: dict[int, list] = {}
    for question_id, value in SurveyAnswer.objects.filter(
        response__survey=survey, response__icb=icb
    ).values_list("question_id", "value"):
        answers.setdefault(question_id, []).append(value)
    results = IcbResults(icb=icb, total=total)
    # A question shows nothing until enough people answered it that a few planted answers
    # cannot be subtracted to reveal a real one (issue 12): at least the disclosure threshold
    # and at least LEDER_SURVEY_MIN_RESPONSES.
    minimum = max(threshold, settings.LEDER_SURVEY_MIN_RESPONSES)
    for question in questions_of(survey):
        values = answers.get(question.pk, [])
        answered = len(values)
        if answered < minimum:
            results.questions.append(QuestionResult(question=question, answered=None))
            continue
        result = QuestionResult(question=question, answered=answered)
        if question.answer_type == AnswerType.TEXT:
            # Shown only after the national dataset's redaction (leder.exports.redaction):
            # a family's answer naming their son keeps "[NAME]", not the name.
            result.texts = sorted(redact(str(v)).text for v in values) if with_free_text else None
        else:
            choices = question_choices(question)
            counts = []
            for choice in choices:
                if question.answer_type == AnswerType.MULTIPLE_CHOICE:
                    counts.append(sum(1 for v in values if choice in v))
                else:
                    counts.append(sum(1 for v in values if str(v) == choice))
            shown = suppress(counts, total=answered, threshold=threshold)
            result.cells = [Cell(c, n) for c, n in zip(choices, shown, strict=True)]
            if question.answer_type == AnswerType.SCALE:
                result.median = median(int(v) for v in values)
        results.questions.append(result)
    return results
