"""Feedback surveys: administrators define them; staff and the public answer them.

- Definitions (surveys and their questions) are maintained by administrators in the Django
  admin, whose saves come here so that each is checked and audited. Once anyone has answered a
  survey its questions are fixed: changing an option would change what earlier answers mean.
- Staff answer staff surveys signed in, for an ICB where they hold a role; the public answer
  public surveys with no account, choosing their area. Answers are checked per answer type.
- An anonymous survey (every public survey is) records no respondent and only the day of the
  response. Nor does it write a per-response audit row: an audit row carries the actor's session
  and a time to the microsecond, which would let anyone holding the audit log match a response
  to the person who gave it. Named responses are audited like any other write.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from leder.accounts import rules
from leder.accounts.models import ICB_ROLES
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now, today
from leder.governance.models import (
    AnswerType,
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)
from leder.governance.services.admin_audit import record_saved
from leder.organisations.models import Organisation, OrganisationKind

TEXT_ANSWER_MAX = 2000
OPTION_MAX = 200
SCALE = ("1", "2", "3", "4", "5")
YES_NO = ("yes", "no")
CHOICE_TYPES = (AnswerType.SINGLE_CHOICE, AnswerType.MULTIPLE_CHOICE)
SURVEY_FIELDS = ("slug", "title", "introduction", "audience", "anonymous", "status")
# Addresses of other pages beside the surveys' own (/staff/governance/surveys/results).
RESERVED_SLUGS = frozenset({"results"})
QUESTION_FIELDS = ("order", "text", "hint", "answer_type", "options", "required")


def can_manage_surveys(user) -> bool:
    """Define surveys and their questions: administrators."""
    return rules.is_administrator(user)


def _check_manager(actor) -> None:
    if not can_manage_surveys(actor):
        raise PermissionDenied("Only administrators define feedback surveys.")


# -- Definitions --------------------------------------------------------------------------------


def survey_problems(survey: Survey) -> dict[str, str]:
    """What is wrong with a survey's definition, by field (empty when nothing)."""
    problems = {}
    if not (survey.title or "").strip():
        problems["title"] = "Enter the survey's title"
    if not (survey.slug or "").strip():
        problems["slug"] = "Enter the survey's web address (its slug)"
    elif survey.slug in RESERVED_SLUGS:
        problems["slug"] = f"“{survey.slug}” is used by another page: choose another address"
    if survey.audience not in SurveyAudience.values:
        problems["audience"] = "Select who the survey is for"
    elif survey.audience == SurveyAudience.PUBLIC and not survey.anonymous:
        problems["anonymous"] = (
            "A survey for people with lived experience and families is always anonymous: they "
            "answer without an account"
        )
    if survey.status not in SurveyStatus.values:
        problems["status"] = "Select the survey's status"
    elif survey.status == SurveyStatus.OPEN and survey.pk and not survey.questions.exists():
        problems["status"] = "Add at least one question before opening the survey"
    elif survey.status == SurveyStatus.OPEN and not survey.pk:
        problems["status"] = "Save the survey as a draft and add its questions before opening it"
    return problems


def _has_responses(survey: Survey) -> bool:
    return bool(survey.pk) and SurveyResponse.objects.filter(survey=survey).exists()


def _values(obj, fields) -> dict:
    return {name: getattr(obj, name) for name in fields}


def survey_save(*, actor, survey: Survey) -> Survey:
    """Create or change a survey definition (administrators). Guarantees: the definition is
    valid (else `ValidationError` by field, nothing saved); a survey answered anonymously
    cannot later become named, nor the reverse (earlier respondents were told otherwise), and its
    audience cannot change; audited with what changed."""
    _check_manager(actor)
    problems = survey_problems(survey)
    if survey.pk:
        before = Survey.objects.filter(pk=survey.pk).values(*SURVEY_FIELDS).first()
        if before and _has_responses(survey):
            for name in ("anonymous", "audience"):
                if before[name] != getattr(survey, name):
                    problems[name] = (
                        "People have answered this survey: who it is for and whether it is "
                        "anonymous cannot change. Close it and make a new survey instead"
                    )
    else:
        before = None
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        if before is None:
            survey.created_at = survey.created_at or now()
            survey.created_by = getattr(survey, "created_by", None) or actor
        survey.save()
        record_saved(
            actor=actor,
            obj=survey,
            before=before,
            after=_values(survey, SURVEY_FIELDS),
            added=f"Survey “{survey.title}” created",
            changed=f"Survey “{survey.title}” changed",
        )
    return survey


def clean_options(raw) -> list[str]:
    """Options from the admin's text (one a line) or a list: trimmed, blanks and repeats
    dropped, in the order given."""
    lines = raw.splitlines() if isinstance(raw, str) else list(raw or [])
    return list(dict.fromkeys(" ".join(str(line).split()) for line in lines if str(line).strip()))


def question_problems(question: SurveyQuestion) -> dict[str, str]:
    """What is wrong with a question's definition, by field (empty when nothing)."""
    problems = {}
    if not (question.text or "").strip():
        problems["text"] = "Enter the question"
    if question.answer_type not in AnswerType.values:
        problems["answer_type"] = "Select the type of answer"
    options = question.options or []
    if question.answer_type in CHOICE_TYPES:
        if len(options) < 2:
            problems["options"] = "Give at least 2 options, one a line"
        elif any(len(option) > OPTION_MAX for option in options):
            problems["options"] = f"Each option must be {OPTION_MAX} characters or fewer"
    elif options:
        problems["options"] = (
            "Only questions answered by choosing options have options: leave this empty"
        )
    return problems


def _check_questions_can_change(survey: Survey) -> None:
    if _has_responses(survey):
        raise ValidationError(
            "People have answered this survey, so its questions cannot change. Close it and make "
            "a new survey instead."
        )


def survey_question_save(*, actor, question: SurveyQuestion) -> SurveyQuestion:
    """Add or change a question (administrators), while nobody has answered the survey.
    Audited with what changed."""
    _check_manager(actor)
    question.options = clean_options(question.options)
    problems = question_problems(question)
    if problems:
        raise ValidationError(problems)
    before = (
        SurveyQuestion.objects.filter(pk=question.pk).values(*QUESTION_FIELDS).first()
        if question.pk
        else None
    )
    if before is None or before != _values(question, QUESTION_FIELDS):
        _check_questions_can_change(question.survey)
    with transaction.atomic():
        question.save()
        record_saved(
            actor=actor,
            obj=question,
            before=before,
            after=_values(question, QUESTION_FIELDS),
            added=f"Question added to survey “{question.survey.title}”",
            changed=f"Question of survey “{question.survey.title}” changed",
            survey=question.survey_id,
        )
    return question


def survey_question_delete(*, actor, question: SurveyQuestion) -> None:
    """Remove a question from a survey nobody has answered (administrators). Audited."""
    _check_manager(actor)
    _check_questions_can_change(question.survey)
    with transaction.atomic():
        values = _values(question, QUESTION_FIELDS)
        audit.record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=question,
            summary=f"Question removed from survey “{question.survey.title}”",
            details={"survey": question.survey_id, "values": values},
        )
        question.delete()


# -- Answers ------------------------------------------------------------------------------------


def question_choices(question: SurveyQuestion) -> tuple[str, ...]:
    """The values a choice, scale or yes/no answer may take."""
    if question.answer_type in CHOICE_TYPES:
        return tuple(question.options or ())
    if question.answer_type == AnswerType.SCALE:
        return SCALE
    if question.answer_type == AnswerType.YES_NO:
        return YES_NO
    return ()


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == ()


def answer_clean(question: SurveyQuestion, value):
    """The answer as stored (a string, a list of strings in option order, or an integer for a
    scale), or None when not answered. Raises `ValidationError` with a message for the person
    answering when the value does not fit the question's answer type."""
    text = question.text
    if isinstance(value, str) and question.answer_type != AnswerType.MULTIPLE_CHOICE:
        value = value.strip()
    if _is_empty(value):
        if question.required:
            verb = {
                AnswerType.TEXT: "Enter an answer to",
                AnswerType.MULTIPLE_CHOICE: "Select at least one answer to",
            }.get(question.answer_type, "Select an answer to")
            raise ValidationError(f"{verb} “{text}”")
        return None
    choices = question_choices(question)
    if question.answer_type == AnswerType.TEXT:
        if not isinstance(value, str):
            raise ValidationError(f"Enter an answer to “{text}” in words")
        if len(value) > TEXT_ANSWER_MAX:
            raise ValidationError(
                f"Your answer to “{text}” must be {TEXT_ANSWER_MAX:,} characters or fewer"
            )
        return value
    if question.answer_type == AnswerType.MULTIPLE_CHOICE:
        values = [value] if isinstance(value, str) else list(value)
        if any(not isinstance(v, str) or v not in choices for v in values):
            raise ValidationError(f"Select answers to “{text}” from the list")
        chosen = set(values)
        return [option for option in choices if option in chosen]
    if question.answer_type == AnswerType.SCALE:
        if str(value) not in choices or isinstance(value, bool | float):
            raise ValidationError(f"Select a number from 1 to 5 to answer “{text}”")
        return int(value)
    if not isinstance(value, str) or value not in choices:
        raise ValidationError(f"Select an answer to “{text}” from the list")
    return value


def answer_field_name(question: SurveyQuestion) -> str:
    """The name of a question's answer in forms and in the errors of `survey_response_submit`."""
    return f"q{question.pk}"


def respondent_icbs(user):
    """The ICBs a member of staff answers staff surveys for: where they hold an ICB role."""
    return rules.organisations_where(user, *ICB_ROLES).order_by("name")


def survey_response_submit(
    *, survey: Survey, icb: Organisation, answers: dict, respondent=None
) -> SurveyResponse:
    """Record one response to an open survey. `answers` maps `answer_field_name(question)` to
    the value given. Guarantees:

    - staff surveys: `respondent` is signed in and holds a role at `icb` (else
      `PermissionDenied`); a named (not anonymous) survey takes one response a person;
    - public surveys: no respondent is recorded, whoever is signed in; `icb` is an ICB;
    - every answer fits its question (else `ValidationError` keyed by answer name, nothing
      written);
    - anonymous surveys store no respondent, only the day, and write no audit row (see the
      module docstring); named responses are audited.
    """
    if survey.status != SurveyStatus.OPEN:
        raise ValidationError("This survey is closed.")
    if icb is None or icb.kind != OrganisationKind.ICB:
        raise ValidationError({"icb": "Select your area"})
    if survey.audience == SurveyAudience.STAFF:
        if not rules.has_any_role(respondent, *ICB_ROLES, organisation=icb):
            raise PermissionDenied("Staff surveys are answered by staff of the ICB they are for.")
    else:
        respondent = None
    named = respondent is not None and not survey.anonymous
    if named and SurveyResponse.objects.filter(survey=survey, respondent=respondent).exists():
        raise ValidationError("You have already answered this survey. Thank you.")
    questions = list(survey.questions.order_by("order", "pk"))
    known = {answer_field_name(q) for q in questions}
    errors: dict[str, str] = {}
    cleaned = []
    for question in questions:
        try:
            value = answer_clean(question, answers.get(answer_field_name(question)))
        except ValidationError as error:
            errors[answer_field_name(question)] = error.messages[0]
            continue
        if value is not None:
            cleaned.append((question, value))
    unknown = set(answers) - known
    if unknown:
        errors["__all__"] = "Some answers are not to questions of this survey"
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey,
                icb=icb,
                respondent=respondent if named else None,
                submitted_on=today(),
            )
            SurveyAnswer.objects.bulk_create(
                [SurveyAnswer(response=response, question=q, value=v) for q, v in cleaned]
            )
            if named:
                audit.record(
                    actor=respondent,
                    action=AuditAction.CREATE,
                    obj=response,
                    summary=f"Answered the survey “{survey.title}”",
                    details={"survey": survey.pk, "icb": icb.pk, "answers": len(cleaned)},
                )
    except IntegrityError as error:
        # Two submissions of a named survey at once: the database keeps one.
        raise ValidationError("You have already answered this survey. Thank you.") from error
    return response


__all__ = [
    "answer_clean",
    "answer_field_name",
    "can_manage_surveys",
    "clean_options",
    "question_choices",
    "question_problems",
    "respondent_icbs",
    "survey_problems",
    "survey_question_delete",
    "survey_question_save",
    "survey_response_submit",
    "survey_save",
]
