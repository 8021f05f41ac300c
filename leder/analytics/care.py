"""The structured care questions as rates, with their denominators (issue 14).

Each rate is the share answering "yes" among the reviews that answered the question yes or
no; "not known" is counted beside it and left out of the denominator, "not applicable" and a
follow-up that was not asked are left out altogether. A follow-up's denominator is therefore the
people its parent's answer applies to: "DNACPR decision appropriate" is over the people who had a
DNACPR decision in place. Answers come from the initial review's structured questions once the
section is marked complete.
"""

import polars as pl

from leder.analytics.extract import CARE_QUESTIONS, Extract
from leder.analytics.metrics import EACH_POPULATION, in_scope, metric, share_of
from leder.analytics.national_registry import NATIONAL
from leder.analytics.populations import SEPARATE
from leder.analytics.results import Layout

#: The rates the national report gives, in its order: (question key, what a "yes" means).
RATES: tuple[tuple[str, str], ...] = (
    ("annual_health_check", "Had an annual health check in the last year"),
    ("health_action_plan", "Had a health action plan"),
    ("cancer_screening", "Had the cancer screening they were eligible for"),
    ("flu_immunisation", "Vaccinated against flu"),
    ("covid_immunisation", "Vaccinated against COVID-19 as recommended"),
    ("medication_review", "Medication reviewed in the last year"),
    ("stomp_review", "Psychotropic medicine reviewed in line with STOMP"),
    ("reasonable_adjustments", "Reasonable adjustments made when needed"),
    ("reasonable_adjustment_flag", "Reasonable adjustment flag on the record"),
    ("hospital_passport", "Had a hospital passport"),
    ("mental_capacity", "Mental Capacity Act followed in assessing capacity"),
    ("best_interests", "Best-interest decision made and recorded"),
    ("dols", "Subject to DoLS"),
    ("dnacpr", "DNACPR decision in place"),
    ("dnacpr_appropriate", "DNACPR decision appropriate (of those with one)"),
    ("dnacpr_person_involved", "Person involved in the DNACPR decision (of those with one)"),
    ("dnacpr_family_involved", "Family involved in the DNACPR decision (of those with one)"),
    (
        "dnacpr_learning_disability_reason",
        "Learning disability or Down's syndrome given as a reason for DNACPR (of those with one)",
    ),
    ("diagnostic_overshadowing", "Diagnostic overshadowing"),
    ("delays", "Delays in diagnosis or treatment"),
    ("care_package", "Care package met their needs"),
    ("transition_managed", "Transition well planned (of those with one)"),
    ("safeguarding", "Safeguarding concerns"),
)
assert all(key in CARE_QUESTIONS for key, _ in RATES)


@metric(
    "care_question_rates",
    "Care questions as rates",
    "1",
    registry=NATIONAL,
    population=EACH_POPULATION,
)
def care_question_rates(extract: Extract):
    """For each population separately (people with a learning disability; autistic adults
    without one), each structured care question as a rate: `yes` / `answered`, where
    `answered` = `yes` + `no`. `not_known` answers are shown and left out of the denominator;
    "not applicable" and follow-ups not asked are left out. A follow-up's denominator is the
    people its parent question applies to (for example, DNACPR appropriate is over those with a
    DNACPR decision in place). Answers from completed structured questions only."""
    rows = []
    for population in SEPARATE:
        people = in_scope(extract.deaths).filter(population.condition)
        for key, label in RATES:
            answers = dict(people.group_by(f"q_{key}").len().iter_rows())
            yes, no = int(answers.get("yes", 0)), int(answers.get("no", 0))
            unknown = int(answers.get("not_known", 0))
            rows.append((population.name, population.name, key, label, yes + no, yes, no, unknown))
    table = pl.DataFrame(
        rows,
        schema=[
            "breakdown",
            "population",
            "question",
            "label",
            "answered",
            "yes",
            "no",
            "not_known",
        ],
        orient="row",
    ).with_columns(share_of("yes", "answered", "rate"))
    layout = Layout(
        labels=("breakdown", "population", "question", "label"),
        counts=("answered", "yes", "no", "not_known"),
        partitions=((("yes", "no"), "answered"),),
        block="breakdown",
        hidden=("no",),
        derived=(("rate", ("yes", "answered")),),
    )
    return table, layout
