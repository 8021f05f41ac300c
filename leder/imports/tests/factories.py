"""Import files for tests (CSV and XLSX built from rows of the template), and the lifecycle step
an imported completed review needs until `casework.lifecycle` has it."""

import csv
import io

from leder.imports.columns import NAMES

BASE = {
    "given_name": "Joanne",
    "family_name": "Walsh",
    "date_of_birth": "1965-02-11",
    "date_of_death": "2024-09-30",
    "sex": "female",
    "ethnic_category": "A",
    "address": "1 Example Street, Leeds",
    "postcode": "LS1 4AP",
    "has_learning_disability": "yes",
    "is_autistic": "no",
    "place_of_death": "hospital",
    "died_in_england": "yes",
    "covid": "no",
    "has_care_concerns": "no",
    "notifier_relationship": "family",
    "notifier_name": "Grace Walsh",
    "notifier_email": "grace@example.invalid",
    "received_on": "2024-10-02",
    "outcome": "notified",
}

REVIEW = {
    "outcome": "completed",
    "review_completed_on": "2025-03-14",
    "grading": "2",
    "underlying_cause_code": "J69.0",
    "review_place_of_death": "hospital",
    "learning_themes": "Reasonable adjustments; communication",
    "review_summary": "Care met expected good practice; the hospital passport was used.",
}


def row(**fields) -> dict:
    """One row: the base person (a notified death) with `fields` laid over it."""
    return {**BASE, **fields}


def completed(**fields) -> dict:
    return {**BASE, **REVIEW, **fields}


def as_csv(rows: list[dict], *, columns=NAMES) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for r in rows:
        writer.writerow([r.get(c, "") for c in columns])
    return out.getvalue().encode("utf-8")


def as_xlsx(rows: list[dict], *, columns=NAMES) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(columns))
    for r in rows:
        sheet.append([r.get(c, "") for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
