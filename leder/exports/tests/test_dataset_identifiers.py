"""The dataset contains no direct identifier, released or not.

Identifiers of the person, the notifier, the contacts and the reviewer, and every kind of
identifier the record does not hold (issue 13: a nickname, a care home and its street, a
brother, a hospital number, a National Insurance number, a named day, a named nurse, a ward and
a hospital, initials, a title with a first name), are planted in every field of the notification
and in every free text of four signed-off reviews, written three ways: through the review
services (one approved in QA, one through a focused review and the panel), through the review
pages (learning posted as a reviewer would) and through the bulk import of a completed review.
The dataset is exported before anything is released (every free-text field withheld) and again
after the local area contact released every text as redacted automatically; each export is read
back from CSV, XLSX and Parquet and searched for each identifier in the forms it was written
in."""

import csv
import io
import re
from datetime import date

import openpyxl
import polars as pl
import pytest
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.models import CaseState
from leder.casework.tests.factories import make_reviewer
from leder.demo.reviews import ReviewContent, write_focused_review, write_initial_review
from leder.exports import formats, release_services, spec
from leder.exports import release as queue
from leder.exports.models import ExportStatus
from leder.exports.tests import factories
from leder.imports import services as imports
from leder.imports import tasks as import_tasks
from leder.imports.tests.factories import as_csv
from leder.imports.tests.factories import completed as import_row
from leder.notifications.tests.factories import notifier
from leder.reviews.models import LearningTheme
from leder.reviews.services.records import review_submit

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


# Identifiers the record does not hold: what issue 13 found in an export's learning, and more.
ELSEWHERE = (
    " She was known to everyone as Maggie and lived at Rosewood House care home, 22 Belgrave "
    "Gate, Leicester, with visits from her brother Tobias. Hospital number RWE-1234567; NI number "
    "QQ123456C. She died on Christmas Day 2024. Staff nurse Priya Raman on Ward 7 of Leicester "
    "Royal Infirmary and Mrs Funmi were there; M.O-S. signed the notes. She went to Ashmount "
    "School and Beacon Day Centre, and worked at Hartleys Bakery on Narborough Road."
)


def planted(person: dict) -> str:
    """Free text planting every kind of identifier the person's record holds, in the forms
    people write them, and identifiers it does not hold."""
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
        "Bartholomew Quince can be reached on +44 7700 900457." + ELSEWHERE
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
    # Not in the record.
    "Maggie",
    "Rosewood",
    "Belgrave",
    "Tobias",
    "RWE",
    "QQ123456C",
    "Christmas Day",
    "Priya",
    "Raman",
    "Ward 7",
    "Leicester Royal",
    "M.O-S",
    "Funmi",
    "Ashmount",
    "Beacon",
    "Hartleys",
    "Narborough",
]
# Digit runs (compared with every non-digit removed from the cell).
FORBIDDEN_DIGITS = ["9434765919", "7700900457", "1234567", "123456"]


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


# A third and a fourth person: one whose learning is posted through the review pages, one whose
# completed review arrives through the bulk import.
PAGES_PERSON = {**PERSON, "given_name": "Perpetua", "family_name": "Lindqvist", "nhs_number": ""}
IMPORTED = {"given_name": "Cornelius", "family_name": "Abernethy-Vane"}
FORBIDDEN += ["Perpetua", "Lindqvist", "Cornelius", "Abernethy"]


def _through_the_pages(client, cases, source) -> None:
    """The initial review written but not submitted, then a piece of learning of each kind
    posted through the learning page as the reviewer, then submitted and approved in QA."""
    content_ = content(PAGES_PERSON)
    user = user_with_role(Role.REVIEWER, cases.icb, full_name=REVIEWER)
    case = cases.make(
        CaseState.INITIAL_REVIEW,
        reviewer=make_reviewer(cases.icb, user=user),
        source=source,
        **PAGES_PERSON,
    )
    review = write_initial_review(case=case, content=content_, submit=False)
    sign_in_verified(client, user)
    theme = LearningTheme.objects.get(name="Communication")
    for kind in ("good_practice", "improvement", "concern"):
        response = client.post(
            reverse(
                "reviews:learning_add", kwargs={"reference": case.reference, "kind": "initial"}
            ),
            {"kind": kind, "text": "Posted: " + planted(PAGES_PERSON), "themes": [theme.pk]},
        )
        assert response.status_code == 302, response.content.decode()[:500]
    client.logout()
    review_submit(actor=user, review=review)
    case.refresh_from_db()
    if case.state == CaseState.QUALITY_ASSURANCE:
        factories._lock(review, "qa", "qa_approve", cases.icb)
    else:
        # The concern posted makes a focused review needed (DOMAIN.md): the panel signs it off.
        focused = write_focused_review(case=case, content=content_)
        factories._lock(focused, "panel", "panel_sign_off", cases.icb)


def _through_the_import(cases, capture) -> None:
    text = planted({**PERSON, **IMPORTED, "nhs_number": ""})
    row = import_row(
        **IMPORTED,
        date_of_death="2025-05-20",
        received_on="2025-05-22",
        review_completed_on="2025-09-01",
        review_summary=text[:4900],
        notifier_name="Bartholomew Quince",
    )
    batch = import_tasks.import_batch_upload(
        actor=cases.lac, icb=cases.icb, file_name="deaths.csv", content=as_csv([row])
    )
    with capture(execute=True):
        batch = imports.import_batch_commit(actor=cases.lac, batch=batch)
    assert batch.rows_imported == 1, batch.rows_rejected


@pytest.fixture
def written(client, django_capture_on_commit_callbacks):
    cases = factories.area()
    source = notifier(**NOTIFIER)
    # Two through a focused review signed off by the panel: the concerns each review records
    # trigger it (and the second person's Black African background too).
    factories.completed_case(
        cases, content=content(PERSON), reviewer_name=REVIEWER, source=source, **PERSON
    )
    factories.completed_case(
        cases,
        content=content(OTHER_PERSON),
        reviewer_name=REVIEWER,
        source=source,
        **OTHER_PERSON,
    )
    _through_the_pages(client, cases, source)
    _through_the_import(cases, django_capture_on_commit_callbacks)
    return cases


def _export(capture):
    recipient = factories.recipient()
    return factories.export(
        capture,
        actor=factories.analyst(),
        recipient=recipient,
        agreement=factories.agreement(recipient),
    )


@pytest.fixture
def exported(written, django_capture_on_commit_callbacks):
    return _export(django_capture_on_commit_callbacks), written


def _release_everything(cases) -> int:
    items = [i for i in queue.release_items_for(cases.lac) if not i.is_released]
    for item in items:
        release_services.free_text_release(actor=cases.lac, item=item, sha256=item.sha256)
    return len(items)


READERS = {"csv": _texts_in_csv, "xlsx": _texts_in_xlsx, "parquet": _texts_in_parquet}


def test_nothing_planted_leaves_while_the_free_text_is_withheld(exported):
    export, _ = exported
    assert export.status == ExportStatus.DONE, export.failure
    folder = formats.export_dir(export)
    for kind, read in READERS.items():
        texts = _pseudonym_free(read(folder / export.files[kind]))
        assert sum(t == spec.WITHHELD for t in texts) == 10, kind  # 3 + 3 + 3 + 1 fields
        assert _survivors(texts) == [], kind
    assert export.manifest["free_text"]["withheld"] == 10
    assert export.manifest["free_text"]["released"] == 0


def test_nothing_planted_leaves_once_the_free_text_is_released(
    written, django_capture_on_commit_callbacks
):
    assert _release_everything(written) == 10
    export = _export(django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.DONE, export.failure
    folder = formats.export_dir(export)
    for kind, read in READERS.items():
        texts = _pseudonym_free(read(folder / export.files[kind]))
        # The learning is there (redacted), so the search looked at real free text.
        assert any("[NAME]" in t for t in texts), kind
        assert any("[PLACE]" in t and "[NI NUMBER]" in t for t in texts), kind
        assert not any(t == spec.WITHHELD for t in texts), kind
        assert _survivors(texts) == [], kind
    assert export.manifest["free_text"]["released"] == 10


def test_both_records_are_in_the_dataset_with_their_review_fields(
    written, django_capture_on_commit_callbacks
):
    _release_everything(written)
    export = _export(django_capture_on_commit_callbacks)
    frame = pl.read_parquet(formats.export_dir(export) / export.files["parquet"])
    assert frame.height == 4
    frame = frame.filter(pl.col("learning_themes") == "Communication|Reasonable adjustments")
    # Both went through a focused review: the concerns their reviews record make one needed
    # (DOMAIN.md), and the second person's ethnic background does too.
    rows = {row["sex"]: row for row in frame.iter_rows(named=True)}
    initial, focused = rows["female"], rows["male"]
    for row in (initial, focused):
        assert row["review_route"] == "focused"
        assert row["review_status"] == "completed"
        assert row["death_year"] == 2025
        assert row["underlying_cause_code"] == "J69.0"
        assert row["underlying_cause_chapter"] == "X"
        assert row["underlying_cause_block"] == "J60-J70"
        assert row["grading_level"] == 2
        assert row["region_name"] == "Test North Region"
        assert row["learning_concerns"].startswith("Concern: [NAME]")
    assert (initial["death_month"], initial["age_at_death"], initial["sex"]) == (6, 64, "female")
    assert (focused["death_month"], focused["age_at_death"], focused["sex"]) == (2, 66, "male")
    assert initial["focused_review_triggers"] == "concerns_recorded"
    assert set(focused["focused_review_triggers"].split("|")) == {
        "ethnic_background",
        "concerns_recorded",
    }


def test_the_manifest_holds_the_hash_of_every_file_and_the_redaction_report(
    written, django_capture_on_commit_callbacks
):
    _release_everything(written)
    export = _export(django_capture_on_commit_callbacks)
    folder = formats.export_dir(export)
    manifest = export.manifest
    assert manifest["rows"] == 4
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
    for kind in ("name", "nhs_number", "email", "place", "ni_number", "record_number", "date"):
        assert removed[kind] > 0, kind
    assert manifest["redaction"]["texts"] == 10


def test_the_specification_is_written_beside_the_data_and_names_every_column(exported):
    export, _ = exported
    folder = formats.export_dir(export)
    spec_rows = list(csv.DictReader(io.StringIO((folder / export.files["spec_csv"]).read_text())))
    header = pl.read_csv(folder / export.files["csv"]).columns
    assert [r["name"] for r in spec_rows] == header
