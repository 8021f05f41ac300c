"""Registers the review sections of the questions part: the structured questions (order 60) and
the cause of death (order 70), both in the initial review. Both keep their answers in
`ReviewSection` rows but have pages of their own (the questions come a group at a time; the
cause of death has its ICD-10 code search)."""

from leder.reviews import sections
from leder.reviews.forms.questions import CauseOfDeathForm, QuestionsCompleteForm
from leder.reviews.services import questions as services

sections.register_simple(
    services.QUESTIONS_KEY,
    title="Structured questions",
    kinds=sections.INITIAL,
    order=60,
    url_name="reviews:questions",
    missing=services.questions_missing,
    form_class=QuestionsCompleteForm,
    hint="Health checks, medication, reasonable adjustments, capacity and DNACPR, "
    "conditions, care and safeguarding",
)
sections.register_simple(
    services.CAUSE_KEY,
    title="Cause of death",
    kinds=sections.INITIAL,
    order=70,
    url_name="reviews:cause_of_death",
    missing=services.cause_of_death_missing,
    form_class=CauseOfDeathForm,
    hint="As on the medical certificate, with ICD-10 codes, and the coroner, inquest and "
    "post-mortem",
)
