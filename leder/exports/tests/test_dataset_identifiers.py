"""The dataset contains no direct identifier.

Identifiers of the person, the notifier, the contacts and the reviewer are planted in every
field of the notification and in every free text of two written, signed-off reviews (one
approved in QA, one through a focused review and the panel). The export is read back from CSV,
XLSX and Parquet and searched for each identifier in the forms it was written in."""

import csv
import io
import re
from datetime import date

import openpyxl
import polars as pl
import pytest

from leder.demo.reviews import ReviewContent
from leder.exports import formats
from leder.exports.models import ExportStatus
from leder.exports.tests import factories
from leder.notifications.tests.factories import notifier

pytestmark = pytest.mark.django_db

PERSON = {
    "given_name": "Marguerite",
    "family_name": "Okonkwo-Blythe",
    "other_names": "Maggie Blythe",
    "date_of_birth": date(1961, 3, 3),
    "date_of_death": date(2025, 6, 14),
    "nhs_number": "9434765919",
    "sex": "female",
    "address": "14 Larkspur Crescent\nLittle Hamden",
    "postcode": "HP16 9QR",
    "gp_practice_text": "Thistlewood Surgery",
    "place_of_death_detail": "Room 4 at Larkspur Crescent",
    "circumstances": "Marguerite Okonkwo-Blythe (NHS 943 476 5919) died on 14/06/2025.",
    "care_concerns": "Her brother Ignatius Pemberton rang 07700 900457 on 12 June 2025.",
    "has_care_concerns": "yes",
}
# The second person has no NHS number (the pseudonym is then keyed on the reference) and a
# minority ethnic background (a focused review is required).
OTHER_PERSON = {
    **PERSON,
    "given_name": "Leopold",
    "family_name": "Achterberg",
    "other_names": "Leo",
    "date_of_birth": date(1958, 11, 23),
    "date_of_death": date(2025, 2, 7),
    "nhs_number": "",
    "sex": "male",
    "address": "Flat 2, 9 Quillon Mews\nUpper Sandby",
    "postcode": "LS6 2UE",
    "gp_practice_text": "Kestrelgate Medical Centre",
    "place_of_death_detail": "",
    "circumstances": "Leopold Achterberg died on 07/02/2025 at 9 Quillon Mews, LS6 2UE.",
    "care_concerns": "Ignatius Pemberton said Leo was unwell from 1 February 2025.",
    "ethnic_category_id": "N",
}
NOTIFIER = {
    "name": "Bartholomew Quince",
    "phone": "07700 900457",
    "email": "b.quince@example.invalid",
    "relationship": "family",
}
CONTACTS = (
    ("family", "Ignatius Pemberton", "Brother"),
    ("gp", "Dr Seraphina Voss", "Named GP"),
    ("paid_carer", "Tobias Wrenfield", "Support worker"),
)
REVIEWER = "Ottoline Fairweather"


def planted(person: dict) -> str:
    """Free text planting every kind of identifier the person's record holds, in the forms
    people write them."""
    address_line = person["address"].split("\n")[0]
    # With no NHS number in the record, one written in the text is found by its pattern.
    nhs = person["nhs_number"] or "9434765919"
    born = person["date_of_birth"]
    died = person["date_of_death"]
    return (
        f"{person['given_name']} {person['family_name']} ({person['other_names']}), NHS number "
        f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}, born {born:%d/%m/%Y}, of {address_line}, "
        f"{person['postcode']}. Her brother Ignatius Pemberton (07700 900457, "
        "b.quince@example.invalid) spoke with Dr Seraphina Voss of "
        f"{person['gp_practice_text']} on {born.day} {born:%B %Y} and again on "
        f"{died.isoformat()}; Tobias Wrenfield and Ottoline Fairweather agreed. "
        "Bartholomew Quince can be reached on +44 7700 900457."
    )


def content(person: dict) -> ReviewContent:
    text = planted(person)
    return ReviewContent(
        written_on=date(2025, 9, 1),
        grading_rationale=text,
        pen_portrait=text,
        what_mattered=text,
        what_people_said=text,
        contacts=CONTACTS,
        timeline=((30, "gp", text), (5, "admission", text, person["gp_practice_text"])),
        answers=(("annual_health_check", "yes", text), ("family_view", "yes", text)),
        learning=(
            ("good_practice", "Good: " + text, ("Reasonable adjustments",)),
            ("improvement", "Improve: " + text, ("Communication",)),
            ("concern", "Concern: " + text, ("Communication",)),
        ),
        further_evidence=text,
        evidence_sources=text,
        meeting_discussion=text,
        meeting_findings=text,
    )


# Each identifier, in the forms it must not appear in (compared case-insensitively).
FORBIDDEN = [
    "Marguerite",
    "Okonkwo",
    "Blythe",
    "Maggie",
    "Leopold",
    "Achterberg",
    "Ignatius",
    "Pemberton",
    "Seraphina",
    "Voss",
    "Tobias",
    "Wrenfield",
    "Ottoline",
    "Fairweather",
    "Bartholomew",
    "Quince",
    "Thistlewood",
    "Kestrelgate",
    "Larkspur",
    "Quillon",
    "HP16 9QR",
    "HP169QR",
    "LS6 2UE",
    "example.invalid",
    "03/03/1961",
    "3 March 1961",
    "1961-03-03",
    "23/11/1958",
    "23 November 1958",
    "14/06/2025",
    "2025-06-14",
    "2025-02-07",
    "12 June 2025",
]
# Digit runs (compared with every non-digit removed from the cell).
FORBIDDEN_DIGITS = ["9434765919", "7700900457"]


def _texts_in_csv(path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def _texts_in_xlsx(path) -> list[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    sheet = book["dataset"]
    return ["" if v is None else str(v) for row in sheet.iter_rows(values_only=True) for v in row]


def _texts_in_parquet(path) -> list[str]:
    frame = pl.read_parquet(path)
    return ["" if v is None else str(v) for row in frame.iter_rows() for v in row]


def _pseudonym_free(texts: list[str]) -> list[str]:
    # A pseudonym is 64 hex characters: its digits could by chance hold a short digit run.
    return [t for t in texts if not re.fullmatch(r"[0-9a-f]{64}", t)]


def _survivors(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        lowered = text.lower()
        found += [f"{f!r} in {text!r}" for f in FORBIDDEN if f.lower() in lowered]
        digits = re.sub(r"\D", "", text)
        found += [f"{d!r} in {text!r}" for d in FORBIDDEN_DIGITS if d in digits]
    return found


@pytest.fixture
def exported(django_capture_on_commit_callbacks):
    cases = factories.area()
    source = notifier(**NOTIFIER)
    # One approved in QA (White British, no reasons), one through a focused review (Black
    # African: the notification itself triggers it) signed off by the panel.
    qa_case = factories.completed_case(
        cases, content=content(PERSON), reviewer_name=REVIEWER, source=source, **PERSON
    )
    focused_case = factories.completed_case(
        cases,
        content=content(OTHER_PERSON),
        reviewer_name=REVIEWER,
        source=source,
        **OTHER_PERSON,
    )
    recipient = factories.recipient()
    made = factories.export(
        django_capture_on_commit_callbacks,
        actor=factories.analyst(),
        recipient=recipient,
        agreement=factories.agreement(recipient),
    )
    return made, qa_case, focused_case


def test_no_planted_identifier_survives_in_any_format(exported):
    export, *_ = exported
    assert export.status == ExportStatus.DONE, export.failure
    folder = formats.export_dir(export)
    readers = {"csv": _texts_in_csv, "xlsx": _texts_in_xlsx, "parquet": _texts_in_parquet}
    for kind, read in readers.items():
        texts = _pseudonym_free(read(folder / export.files[kind]))
        # The learning is there (redacted), so the search looked at real free text.
        assert any("[NAME]" in t for t in texts), kind
        assert _survivors(texts) == [], kind


def test_both_records_are_in_the_dataset_with_their_review_fields(exported):
    export, qa_case, _ = exported
    frame = pl.read_parquet(formats.export_dir(export) / export.files["parquet"])
    assert frame.height == 2
    rows = {row["review_route"]: row for row in frame.iter_rows(named=True)}
    initial, focused = rows["initial"], rows["focused"]
    for row in (initial, focused):
        assert row["review_status"] == "completed"
        assert row["death_year"] == 2025
        assert row["underlying_cause_code"] == "J69.0"
        assert row["underlying_cause_chapter"] == "X"
        assert row["underlying_cause_block"] == "J60-J70"
        assert row["learning_themes"] == "Communication|Reasonable adjustments"
        assert row["grading_level"] == 2
        assert row["icb_code"] == qa_case.notification.icb.ods_code
        assert row["region_name"] == "Test North Region"
        assert row["learning_concerns"].startswith("Concern: [NAME]")
    assert (initial["death_month"], initial["age_at_death"], initial["sex"]) == (6, 64, "female")
    assert (focused["death_month"], focused["age_at_death"], focused["sex"]) == (2, 66, "male")
    assert initial["focused_review_triggers"] is None
    assert focused["focused_review_triggers"] == "ethnic_background"


def test_the_manifest_holds_the_hash_of_every_file_and_the_redaction_report(exported):
    export, *_ = exported
    folder = formats.export_dir(export)
    manifest = export.manifest
    assert manifest["rows"] == 2
    assert manifest["reconciliation"]["balanced"] is True
    for entry in manifest["files"]:
        assert formats.sha256_of(folder / entry["name"]) == entry["sha256"]
    assert {f["kind"] for f in manifest["files"]} == {
        "csv",
        "xlsx",
        "parquet",
        "spec_csv",
        "spec_json",
    }
    assert formats.sha256_of(folder / export.files["manifest"]) == export.manifest_sha256
    removed = manifest["redaction"]["removed"]
    assert removed["name"] > 0 and removed["nhs_number"] > 0 and removed["email"] > 0
    assert manifest["redaction"]["texts"] == 6  # three pieces of learning in each review


def test_the_specification_is_written_beside_the_data_and_names_every_column(exported):
    export, *_ = exported
    folder = formats.export_dir(export)
    spec_rows = list(csv.DictReader(io.StringIO((folder / export.files["spec_csv"]).read_text())))
    header = pl.read_csv(folder / export.files["csv"]).columns
    assert [r["name"] for r in spec_rows] == header
