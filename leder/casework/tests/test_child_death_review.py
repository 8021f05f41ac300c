"""Issue 15 item 5: a child's death routed to the child death review records the child death
overview panel's conclusion (reference, area, date concluded, cause, learning, grade), and the
death then counts in the figures with its cause and grade (ADR 0154)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.analytics.cohorts import Cohort, Scope
from leder.analytics.extract import build_extract
from leder.analytics.metrics import compute
from leder.analytics.populations import LD
from leder.casework.models import CaseState, ChildDeathReview
from leder.casework.services.child_death import child_death_review_record
from leder.core.models import AuditEvent
from leder.exports.tests import factories

pytestmark = pytest.mark.django_db

CHILD = {"date_of_birth": date(2015, 3, 1), "date_of_death": factories.DIED_ON}
PANEL = {
    "panel_reference": "CDOP-LDS-2025-041",
    "panel_area": "Leeds",
    "concluded_on": date(2026, 1, 20),
    "cause_text": "Epilepsy",
    "cause_code": "g409",
    "learning": "Seizure plans were not shared with the school.",
    "grade": 4,
}


def _child(cases):
    return cases.make(CaseState.CHILD_DEATH_REVIEW, **CHILD)


def test_the_lac_records_the_panels_conclusion_with_an_audit_of_before_and_after(cases, lac):
    case = _child(cases)
    record = child_death_review_record(actor=lac, case=case, **PANEL)
    assert (record.cause_code, record.grade, record.panel_area) == ("G40.9", 4, "Leeds")
    child_death_review_record(actor=lac, case=case, **{**PANEL, "grade": None})
    assert ChildDeathReview.objects.get(case=case).grade is None
    events = AuditEvent.objects.order_by("sequence")
    first, second = (
        e.details["child_death_review"] for e in events if "child_death_review" in e.details
    )
    assert first["before"] == {} and first["after"]["grade"] == 4
    assert second["before"]["grade"] == 4 and second["after"]["grade"] is None
    assert second["after"]["concluded_on"] == "2026-01-20"


def test_the_conclusion_is_checked(cases, lac, other_icb):
    case = _child(cases)
    with pytest.raises(ValidationError) as refused:
        child_death_review_record(
            actor=lac,
            case=case,
            **{**PANEL, "cause_code": "XYZ", "grade": 7, "concluded_on": date(2025, 1, 1)},
        )
    assert set(refused.value.message_dict) == {"cause_code", "grade", "concluded_on"}
    with pytest.raises(PermissionDenied):
        child_death_review_record(actor=user_with_role(Role.LAC, other_icb), case=case, **PANEL)
    adult = cases.make(CaseState.AWAITING_ALLOCATION)
    with pytest.raises(ValidationError):
        child_death_review_record(actor=lac, case=adult, **PANEL)
    assert not ChildDeathReview.objects.exists()


def test_the_page_is_linked_from_the_case_and_records_the_conclusion(client, cases, lac):
    case = _child(cases)
    sign_in_verified(client, lac)
    page = reverse("casework:case", args=[case.reference])
    url = reverse("casework:child_death_review", args=[case.reference])
    assert url in client.get(page).content.decode()
    assert "Error:" in client.post(url, {}).content.decode()
    response = client.post(
        url,
        {
            "panel_reference": "CDOP-LDS-2025-041",
            "panel_area": "Leeds",
            "concluded_on_day": "20",
            "concluded_on_month": "1",
            "concluded_on_year": "2026",
            "cause_text": "Epilepsy",
            "cause_code": "G40.9",
            "learning": "",
            "grade": "",
        },
    )
    assert response.status_code == 302
    shown = client.get(page).content.decode()
    assert "CDOP-LDS-2025-041" in shown and "Not graded by the panel" in shown
    assert ChildDeathReview.objects.get(case=case).grade is None


def test_a_concluded_child_death_counts_in_the_figures_with_its_cause_and_grade():
    """Worked by hand: an adult's completed review (Aspiration pneumonia J69.0, chapter X,
    grade 2), a child's death whose panel concluded (Epilepsy G40.9, chapter VI, grade 4) and
    a child's death whose panel has not (no cause, no grade). Leading causes: X 1, VI 1, of 2.
    Grading: grade 2 1, grade 4 1; bands 1–2 1, 3–4 1; total 2."""
    cases = factories.area()
    factories.completed_case(cases)
    concluded = cases.make(CaseState.CHILD_DEATH_REVIEW, **CHILD)
    cases.make(CaseState.CHILD_DEATH_REVIEW, **CHILD)
    child_death_review_record(actor=cases.lac, case=concluded, **PANEL)

    extract = build_extract(Cohort.deaths_in(2025), Scope.england())
    rows = {r["reference"]: r for r in extract.deaths.iter_rows(named=True)}
    row = rows[concluded.reference]
    assert (row["cause_recorded"], row["underlying_cause"], row["grade"]) == (True, "G40.9", 4)
    assert sorted(r["underlying_cause"] or "-" for r in rows.values()) == ["-", "G40.9", "J69.0"]

    figures = compute(extract, ["leading_causes", "grading"])
    # leading causes are given per population (ADR 0146): these children are all in the
    # learning-disability population
    causes = {
        r["chapter"]: r["deaths"]
        for r in figures["leading_causes"].table.to_dicts()
        if r["population"] == LD.name
    }
    assert causes == {"X": 1, "VI": 1, "total": 2}
    grades = {
        (r["dimension"], r["grade"]): r["reviews"] for r in figures["grading"].table.to_dicts()
    }
    assert grades[("Grade", "2")] == 1 and grades[("Grade", "4")] == 1
    assert grades[("Band", "1–2")] == 1 and grades[("Band", "3–4")] == 1
    assert grades[("Grade", "Total")] == 2

    # Completed in 2026: the panel concluded then, so the child's death is in that cohort.
    completed = build_extract(Cohort.completed_in(2026), Scope.england())
    assert concluded.reference in completed.deaths.get_column("reference").to_list()
