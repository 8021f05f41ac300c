"""The columns of the import template: their names, what they hold, and an example row.

One list is the truth for the file check (every column must be present), the error report's
column names, the downloadable templates (`templates_files/`, rebuilt by
`python -m leder.imports.columns`) and `docs/import-template.md`, which a test keeps in step.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    description: str
    example: str = ""


COLUMNS: tuple[Column, ...] = (
    # The person who died: the questions of the notification form.
    Column("given_name", "First name", "Required.", "Joanne"),
    Column("family_name", "Last name", "Required.", "Walsh"),
    Column("other_names", "Other names", "Optional: names they were also known by."),
    Column("date_of_birth", "Date of birth", "Required. YYYY-MM-DD or DD/MM/YYYY.", "1965-02-11"),
    Column(
        "date_of_death",
        "Date of death",
        "Required, on or after the date of birth, not in the future.",
        "2024-09-30",
    ),
    Column("nhs_number", "NHS number", "Optional: 10 digits, spaces allowed; must be valid.", ""),
    Column("sex", "Sex", "Optional: female, male or not_known (empty is not_known).", "female"),
    Column(
        "ethnic_category",
        "Ethnic category",
        "Optional: the NHS ethnic category code (A to S, Z not stated, 99 not known).",
        "A",
    ),
    Column(
        "address",
        "Address",
        "Required: the usual address, or as much as is known.",
        "1 Example Street, Leeds",
    ),
    Column("postcode", "Postcode", "Optional: a full UK postcode.", "LS1 4AP"),
    Column(
        "gp_practice",
        "GP practice",
        "Optional: the practice's ODS code (like A81001) or its exact name.",
        "",
    ),
    Column(
        "has_learning_disability",
        "Learning disability",
        "Required: yes, no or not_sure.",
        "yes",
    ),
    Column("is_autistic", "Autistic", "Required: yes, no or not_sure.", "no"),
    Column(
        "place_of_death",
        "Place of death",
        "Required: hospital, home, care_home, hospice, other or not_known.",
        "hospital",
    ),
    Column(
        "place_of_death_detail",
        "Name of the place of death",
        "Required when place_of_death is other.",
        "",
    ),
    Column("died_in_england", "Died in England", "Required: yes, no or not_sure.", "yes"),
    Column("circumstances", "What happened", "Optional: up to 5,000 characters.", ""),
    Column("covid", "COVID-19", "Required: confirmed, suspected, no or not_known.", "no"),
    Column(
        "has_care_concerns",
        "Concerns about care",
        "Required: yes or no (the notifier's concerns).",
        "no",
    ),
    Column("care_concerns", "The concerns", "Required when has_care_concerns is yes.", ""),
    # Who notified.
    Column(
        "notifier_relationship",
        "Notifier's relationship",
        "Required: family, friend, gp, hospital, care_provider, professional or other.",
        "family",
    ),
    Column(
        "notifier_relationship_detail",
        "How the notifier knew them",
        "Required when notifier_relationship is other.",
        "",
    ),
    Column("notifier_name", "Notifier's name", "Required.", "Grace Walsh"),
    Column(
        "notifier_organisation",
        "Notifier's organisation",
        "Required for gp, hospital, care_provider and professional.",
        "",
    ),
    Column(
        "notifier_email",
        "Notifier's e-mail address",
        "An e-mail address or a phone number is required.",
        "grace@example.invalid",
    ),
    Column("notifier_phone", "Notifier's phone number", "Optional if an e-mail is given.", ""),
    # The programme's record.
    Column(
        "received_on",
        "Date received",
        "Required: when the notification was originally received; not before the date of death.",
        "2024-10-02",
    ),
    Column(
        "outcome",
        "Case outcome",
        "Required: notified, eligible, child_death_review, not_eligible or completed.",
        "completed",
    ),
    Column(
        "outcome_reason",
        "Reason for the outcome",
        "Required when the outcome is not_eligible.",
        "",
    ),
    # A completed review (only when outcome is completed; empty otherwise).
    Column(
        "review_completed_on",
        "Date the review was completed",
        "Completed reviews: required, on or after received_on, not in the future.",
        "2025-03-14",
    ),
    Column(
        "grading",
        "Grading of care",
        "Completed reviews: required, a grade 1 to 6 on the scale in force when it was completed.",
        "2",
    ),
    Column(
        "underlying_cause_code",
        "Underlying cause of death (ICD-10)",
        "Completed reviews: required, an ICD-10 category or subcategory like J69.0.",
        "J69.0",
    ),
    Column(
        "review_place_of_death",
        "Place of death found by the review",
        "Completed reviews: optional: hospital, home, care_home, hospice or other.",
        "hospital",
    ),
    Column(
        "learning_themes",
        "Learning themes",
        "Completed reviews: optional, theme names separated by semicolons.",
        "Reasonable adjustments; Communication",
    ),
    Column(
        "review_summary",
        "Summary of the review",
        "Completed reviews: required, up to 5,000 characters.",
        "Care met expected good practice; the hospital passport was used.",
    ),
)

NAMES = tuple(c.name for c in COLUMNS)
LABELS = {c.name: c.label for c in COLUMNS}
REVIEW_COLUMNS = (
    "review_completed_on",
    "grading",
    "underlying_cause_code",
    "review_place_of_death",
    "learning_themes",
    "review_summary",
)


def template_rows() -> list[list[str]]:
    """The header and one example row (synthetic: the name of nobody in particular)."""
    return [list(NAMES), [c.example for c in COLUMNS]]


def write_templates(folder) -> None:
    """(Re)write `import-template.csv` and `import-template.xlsx` in `folder`."""
    import csv
    from pathlib import Path

    from openpyxl import Workbook

    folder = Path(folder)
    header, example = template_rows()
    with (folder / "import-template.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerow(example)
    book = Workbook()
    sheet = book.active
    sheet.title = "Deaths"
    sheet.append(header)
    sheet.append(example)
    book.save(folder / "import-template.xlsx")


if __name__ == "__main__":
    from pathlib import Path

    write_templates(Path(__file__).parent / "templates_files")
