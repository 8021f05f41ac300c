"""Feedback surveys that administrators define.

A survey has questions of a few answer types and an audience: staff (signed in; their ICB comes
from their role) or people with lived experience and families (no account; they choose their
area). A survey may be anonymous, in which case no response records who gave it. Results are
summarised per ICB with counts under the disclosure threshold suppressed.
"""

from django.db import models

from leder.core.model_fields import actor_field


class SurveyAudience(models.TextChoices):
    STAFF = "staff", "Staff"
    PUBLIC = "public", "People with lived experience and families"


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Survey(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    audience = models.CharField(max_length=10, choices=SurveyAudience.choices)
    anonymous = models.BooleanField(
        default=True, help_text="Responses do not record who gave them."
    )
    status = models.CharField(
        max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    created_at = models.DateTimeField()
    created_by = actor_field()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class AnswerType(models.TextChoices):
    SINGLE_CHOICE = "single", "One option"
    MULTIPLE_CHOICE = "multiple", "Any number of options"
    SCALE = "scale", "A scale from 1 to 5"
    YES_NO = "yes_no", "Yes or no"
    TEXT = "text", "Free text"


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    hint = models.CharField(max_length=300, blank=True)
    answer_type = models.CharField(max_length=10, choices=AnswerType.choices)
    # For single and multiple choice: the options, one a line in the admin.
    options = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["survey", "order"]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    icb = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # Null when the survey is anonymous (and always for the public audience).
    respondent = actor_field(optional=True)
    # The day only: a time would help identify the respondent of an anonymous survey.
    submitted_on = models.DateField()

    class Meta:
        constraints = [
            # A named survey is answered once a person (anonymous responses have no respondent).
            models.UniqueConstraint(
                fields=["survey", "respondent"],
                condition=models.Q(respondent__isnull=False),
                name="one_named_response_a_person",
            )
        ]

    def __str__(self) -> str:
        return f"Response to {self.survey}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answers")
    # A string, a list of strings (multiple choice) or an integer (scale).
    value = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_a_question")
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"


__all__ = [
    "AnswerType",
    "Survey",
    "SurveyAnswer",
    "SurveyAudience",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveyStatus",
]
