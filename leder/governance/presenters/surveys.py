"""How surveys and their results are shown: suppressed counts in words, medians, labels of
scale and yes/no answers, statuses."""

from django.urls import reverse

from leder.core.presenters import count
from leder.governance.forms.surveys import SCALE_LABELS, YES_NO_LABELS
from leder.governance.models import AnswerType, Survey, SurveyStatus
from leder.governance.selectors.surveys import IcbResults, disclosure_threshold

STATUS_TAGS = {
    SurveyStatus.DRAFT: {"text": "Draft", "classes": "nhsuk-tag--grey"},
    SurveyStatus.OPEN: {"text": "Open", "classes": "nhsuk-tag--green"},
    SurveyStatus.CLOSED: {"text": "Closed", "classes": "nhsuk-tag--grey"},
}


def suppressed_text() -> str:
    return f"Fewer than {disclosure_threshold()}"


def shown_count(value: int | None) -> str:
    return suppressed_text() if value is None else count(value)


def median_text(value: float | None) -> str:
    if value is None:
        return "Not shown"
    return f"{value:g}"


class SurveyPresenter:
    def __init__(self, survey: Survey, *, answered: bool = False):
        self.survey = survey
        self.slug = survey.slug
        self.title = survey.title
        self.anonymous = survey.anonymous
        self.answered = answered
        self.status_tag = STATUS_TAGS[survey.status]
        self.is_open = survey.status == SurveyStatus.OPEN

    @property
    def introduction(self) -> list[str]:
        return [p.strip() for p in (self.survey.introduction or "").split("\n\n") if p.strip()]

    @property
    def staff_href(self) -> str:
        return reverse("governance:survey_answer", kwargs={"slug": self.slug})

    @property
    def results_href(self) -> str:
        return reverse("governance:survey_results", kwargs={"slug": self.slug})

    @property
    def anonymity_text(self) -> str:
        if self.anonymous:
            return "Your answers are anonymous: we do not record who gave them."
        return "This survey is not anonymous: we record that you answered it."


def _label(question, value: str) -> str:
    if question.answer_type == AnswerType.SCALE:
        return SCALE_LABELS.get(value, value)
    if question.answer_type == AnswerType.YES_NO:
        return YES_NO_LABELS.get(value, value)
    return value


class ResultsPresenter:
    """One ICB's results, ready to display."""

    def __init__(self, results: IcbResults):
        self.icb_name = results.icb.name
        self.shown = results.total is not None
        self.total = count(results.total, "response") if self.shown else None
        self.threshold = disclosure_threshold()
        self.questions = [self._question(q) for q in results.questions]

    def _question(self, result) -> dict:
        question = result.question
        row = {
            "text": question.text,
            "kind": question.get_answer_type_display(),
            "answered": None if result.answered is None else count(result.answered),
            "is_text": question.answer_type == AnswerType.TEXT,
            "is_scale": question.answer_type == AnswerType.SCALE,
            "median": median_text(result.median),
            "cells": [
                {"label": _label(question, c.label), "count": shown_count(c.count)}
                for c in result.cells
            ],
            "texts": result.texts,
        }
        return row
