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
    # Every file must have the column (the template of ADR 0020). Columns added later may be left
    # out of a file, which then reads as if they were empty (ADR 0155), so files made from the
    # earlier template still import.
    in_every_file: bool = True


def _added(name: str, label: str, description: str, example: str = "") -> Column:
    return Column(name, label, description, example, in_every_file=False)


BASE_COLUMNS: tuple[Column, ...] = (
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
        "Required: notified, awaiting_allocation (or eligible), allocated, in_review, on_hold, "
        "child_death_review, not_eligible or completed.",
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
        "Any case: optional, an ICD-10 category or subcategory like J69.0. A completed review "
        "without one is imported as cause not recorded.",
        "J69.0",
    ),
    Column(
        "review_place_of_death",
        "Place of death found by the review",
        "Optional, only with underlying_cause_code: hospital, home, care_home, hospice or other.",
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


def _profile_columns() -> tuple[Column, ...]:
    from leder.reviews import profile

    current = profile.profile_set(profile.current_version())
    examples = {
        "downs_syndrome": "no",
        "cerebral_palsy": "no",
        "epilepsy": "yes",
        "long_term_conditions": "asthma; hypertension",
        "mobility": "some_help",
        "communication": "verbal",
        "sensory": "none",
        "lived_in": "supported_living",
        "support": "daily",
        "out_of_area_placement": "no",
        "mental_health_act_detained": "no",
    }
    out = []
    for entry in current.fields:
        allowed = ", ".join(entry.values)
        many = " (several separated by semicolons)" if entry.kind == profile.LIST else ""
        out.append(
            _added(
                entry.key,
                entry.family_label or entry.label,
                f"Profile, any case: {allowed}{many}. Give every profile column or none.",
                examples.get(entry.key, ""),
            )
        )
    return tuple(out)


def _question_columns() -> tuple[Column, ...]:
    from leder.reviews import questions

    seen: dict[str, Column] = {}
    for version in sorted(questions.QUESTION_SETS):
        for _, question, parent in questions.QUESTION_SETS[version].all_questions():
            if question.key in seen:
                continue
            when = (
                f" Asked when q_{parent.key} is {' or '.join(sorted(question.shown_when))}."
                if parent is not None
                else ""
            )
            seen[question.key] = _added(
                f"q_{question.key}",
                question.text,
                "Completed reviews: yes, no, not_known or not_applicable; every question the "
                f"review asks, or none.{when}",
                "yes" if parent is None else "",
            )
    return tuple(seen.values())


LEARNING_ITEMS = 3

CASE_COLUMNS: tuple[Column, ...] = (
    _added(
        "reviewer_email",
        "Reviewer's e-mail address",
        "Required for allocated and in_review; optional for on_hold and completed: the e-mail "
        "address of a reviewer in this ICB's register.",
        "",
    ),
    _added(
        "allocated_on",
        "Date allocated",
        "Required with reviewer_email: when the case was allocated; not before received_on.",
        "",
    ),
    _added(
        "hold_kind",
        "What holds the review",
        "Required for on_hold: coroner, police, sar, dhr, psii, child_death_review or other.",
        "",
    ),
    _added(
        "hold_started_on",
        "Date put on hold",
        "Required for on_hold: not before received_on (or allocated_on).",
        "",
    ),
    _added("hold_reason", "Why it is on hold", "On hold: optional (required for other).", ""),
    _added(
        "hold_organisation",
        "Organisation running the process",
        "On hold: optional, for example the coroner's office.",
        "",
    ),
    _added("hold_reference", "Its reference", "On hold: optional.", ""),
    _added(
        "hold_expected_end_on",
        "Expected to end",
        "On hold: optional date, past or future (the local area contacts are reminded once it "
        "has passed).",
        "",
    ),
    _added(
        "ld_severity",
        "Severity of learning disability",
        "Any case: optional: mild, moderate, severe, pmld, none (an autistic adult) or not_known.",
        "moderate",
    ),
)

REVIEW_EXTRA_COLUMNS: tuple[Column, ...] = (
    _added(
        "review_submitted_on",
        "Date the review was submitted",
        "Completed reviews: optional (default review_completed_on): on or after received_on, "
        "not after review_completed_on.",
        "2025-02-20",
    ),
    *(
        column
        for n in range(1, LEARNING_ITEMS + 1)
        for column in (
            _added(
                f"learning_{n}_kind",
                f"Learning {n}: kind",
                "Completed reviews: good_practice, improvement or concern; required with its text.",
                "good_practice" if n == 1 else "",
            ),
            _added(
                f"learning_{n}_text",
                f"Learning {n}: what was learnt",
                "Completed reviews: up to 5,000 characters.",
                "The hospital passport was used on admission." if n == 1 else "",
            ),
            _added(
                f"learning_{n}_themes",
                f"Learning {n}: themes",
                "Completed reviews: theme names separated by semicolons.",
                "Reasonable adjustments" if n == 1 else "",
            ),
        )
    ),
)

PROFILE_COLUMNS = _profile_columns()
QUESTION_COLUMNS = _question_columns()
COLUMNS: tuple[Column, ...] = (
    *BASE_COLUMNS,
    *CASE_COLUMNS,
    *PROFILE_COLUMNS,
    *REVIEW_EXTRA_COLUMNS,
    *QUESTION_COLUMNS,
)

NAMES = tuple(c.name for c in COLUMNS)
REQUIRED_NAMES = tuple(c.name for c in COLUMNS if c.in_every_file)
PROFILE_NAMES = tuple(c.name for c in PROFILE_COLUMNS)
QUESTION_NAMES = tuple(c.name for c in QUESTION_COLUMNS)
LABELS = {c.name: c.label for c in COLUMNS}
# Columns only a completed review may fill.
REVIEW_COLUMNS = (
    "review_completed_on",
    "grading",
    "learning_themes",
    "review_summary",
    *(c.name for c in REVIEW_EXTRA_COLUMNS),
    *QUESTION_NAMES,
)
HOLD_COLUMNS = (
    "hold_kind",
    "hold_started_on",
    "hold_reason",
    "hold_organisation",
    "hold_reference",
    "hold_expected_end_on",
)


def markdown_table() -> str:
    """The column table of `docs/import-template.md`."""
    lines = ["| Column | What it holds | Rules | Example |", "| --- | --- | --- | --- |"]
    for c in COLUMNS:
        lines.append(f"| `{c.name}` | {c.label} | {c.description} | {c.example} |")
    return "\n".join(lines)


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
