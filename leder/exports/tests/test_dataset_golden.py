"""The dataset builder's output, fixed on a realistic cohort (issue 17).

The national history (`leder.demo.history`, seeded, so the same seed, scale and day give the
same deaths) holds reviews signed off in QA and by a panel, focused reviews, learning of every
kind with themes, grading, deaths in progress, not eligible and opted out. On top of it some
free texts are released (some as they stand, some for an older version of the text, some
worked on but not yet released), and two notifications have no case yet.

The expected rows in `golden/` were written by the builder as it was before it was rewritten to
read the cohort in a constant number of queries (ADR 0172): the rewrite must give exactly the
same bytes. The export through the service is then checked to write, in every format, exactly
the builder's rows after the re-identification check (whatever that check does, which other
tests pin down).

To rewrite the golden files after a deliberate change to the output:
`LEDER_WRITE_GOLDEN=1 .venv/bin/pytest leder/exports/tests/test_dataset_golden.py`.
"""

import hashlib
import io
import json
import os
import uuid
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import polars as pl
import pytest

from leder.analytics.cohorts import Cohort
from leder.casework.models import Case, CaseState
from leder.demo import history
from leder.exports import formats, release, spec
from leder.exports.anonymity import anonymise
from leder.exports.dataset import build_dataset
from leder.exports.models import FreeTextRelease, Recipient
from leder.exports.pseudonyms import recipient_key
from leder.exports.tests import factories
from leder.governance.models import SignOff
from leder.notifications.models import Notification

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
AS_OF = date(2026, 11, 1)
SCALE = 0.01
YEAR = 2024
KEY = hashlib.sha256(b"golden dataset test").digest()
SALT = "golden-test-salt"
RELEASED_AT = datetime(2026, 10, 1, 12, 0, tzinfo=ZoneInfo("Europe/London"))
WRITE = os.environ.get("LEDER_WRITE_GOLDEN") == "1"


def _releases() -> None:
    """Release some of the cohort's free texts, deterministically: every second completed case
    has each text released (the released words differ from the original, as a person's
    redaction would make them); every third has its releases made for an older wording (so the
    texts are withheld); every fifth has a release worked on but not released."""
    cases = (
        Case.objects.filter(notification__date_of_death__year=YEAR, state=CaseState.COMPLETED)
        .select_related("notification")
        .order_by("notification__reference")
    )
    for index, case in enumerate(cases):
        kinds: dict = {}
        for signoff in SignOff.objects.filter(
            review__case=case, reopened_at__isnull=True
        ).select_related("review"):
            kinds[signoff.review.kind] = signoff
        texts = release.free_texts(kinds)
        for number, (column, text) in enumerate(sorted(texts.items())):
            if index % 2 == 0:
                digest, released_at = release.text_sha256(text), RELEASED_AT
            elif index % 3 == 0:
                digest, released_at = release.text_sha256(text + " (older)"), RELEASED_AT
            elif index % 5 == 0:
                digest, released_at = release.text_sha256(text), None
            else:
                continue
            FreeTextRelease.objects.create(
                case=case,
                field=column,
                text_sha256=digest,
                signoff=release.completing_signoff(kinds),
                released_at=released_at,
                released_text=f"[{number}] " + text[: 40 + index % 30] + " [NAME REMOVED]",
                released_counts={"name": 1},
                created_at=RELEASED_AT,
                updated_at=RELEASED_AT,
            )


def _uncased() -> None:
    """Two notifications of the cohort with no case opened yet (one found not eligible)."""
    for number, outcome in enumerate(("", "not_eligible")):
        source = (
            Notification.objects.filter(date_of_death__year=YEAR, case__isnull=False)
            .order_by("reference")
            .first()
        )
        source.pk = None
        source.id = None
        source.reference = f"LDR-{YEAR}-88888{number}"
        source.submission_key = uuid.UUID(int=888880 + number)
        source.nhs_number = "" if number else "9990000018"
        source.eligibility_outcome = outcome
        source.save()


@pytest.fixture
def cohort(settings):
    settings.LEDER_K_ANONYMITY_K = 3
    history.load_history(scale=SCALE, as_of=AS_OF)
    _releases()
    _uncased()
    return Cohort.deaths_in(YEAR)


def _summary(dataset) -> dict:
    return {
        "rows": dataset.frame.height,
        "status_counts": dict(sorted(dataset.status_counts.items())),
        "left_out": dict(sorted(dataset.left_out.items())),
        "notified": dataset.notified,
        "grading_scale_versions": sorted(dataset.grading_scale_versions),
        "avoidable_list_version": dataset.avoidable_list_version,
        "redaction": dataset.redaction.as_dict(),
        "free_text": dataset.redaction.free_text_dict(),
    }


def _check(name: str, content: bytes) -> None:
    path = GOLDEN / name
    if WRITE:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(content)
    assert content == path.read_bytes(), f"{name} differs from the golden file"


def test_the_builder_writes_the_golden_rows(cohort):
    for version in spec.VERSIONS:
        dataset = build_dataset(cohort=cohort, pseudonym_key=KEY, spec_version=version)
        summary = _summary(dataset)
        # The fixture holds what the output must show.
        assert summary["status_counts"]["completed"] > 10
        assert {"in_progress", "awaiting_triage"} <= set(summary["status_counts"])
        assert summary["left_out"]["not_eligible"] >= 1
        free = summary["free_text"]
        assert free["released"] > 0 and free["withheld"] > 0
        _check(f"dataset-{version}.csv", dataset.frame.write_csv().encode())
        _check(
            f"dataset-{version}.json",
            json.dumps(summary, indent=2, sort_keys=True, default=str).encode() + b"\n",
        )
        # The golden CSV read back with the specification's schema is the frame itself, so it
        # pins the values and not only their text.
        golden = (GOLDEN / f"dataset-{version}.csv").read_bytes()
        back = pl.read_csv(io.BytesIO(golden), schema=dataset.frame.schema)
        assert back.equals(dataset.frame)


def test_the_export_writes_the_checked_rows_in_every_format(
    cohort, django_capture_on_commit_callbacks
):
    recipient = factories.recipient()
    Recipient.objects.filter(pk=recipient.pk).update(pseudonym_salt=SALT)
    recipient.refresh_from_db()
    made = factories.export(
        django_capture_on_commit_callbacks,
        actor=factories.analyst(),
        recipient=recipient,
        agreement=factories.agreement(recipient),
        year=YEAR,
    )
    expected = anonymise(
        build_dataset(
            cohort=cohort, pseudonym_key=recipient_key(recipient), spec_version=made.spec_version
        ).frame
    )
    # Records were generalised (k = 3 on a small cohort), none left out here unseen.
    assert expected.frame["generalised"].drop_nulls().len() > 0
    folder = formats.export_dir(made)
    expected_csv = expected.frame.write_csv().encode()
    assert (folder / made.files["csv"]).read_bytes() == expected_csv
    parquet = pl.read_parquet(folder / made.files["parquet"])
    assert parquet.schema == expected.frame.schema
    assert parquet.write_csv().encode() == expected_csv
    book = openpyxl.load_workbook(folder / made.files["xlsx"], read_only=True)
    width = expected.frame.width
    # Empty cells are not written, so a row read back ends at its last value.
    cells = [
        [*row, *[None] * (width - len(row))] for row in book["dataset"].iter_rows(values_only=True)
    ]
    assert cells[0] == expected.frame.columns
    assert cells[1:] == [_xlsx_values(row) for row in expected.frame.iter_rows()]
    assert made.row_count == expected.frame.height
    assert made.manifest["rows"] == expected.frame.height


def _xlsx_values(row) -> list:
    """A row as openpyxl reads back what the writer wrote (dates as datetimes, "" as None)."""
    out = []
    for value in row:
        if isinstance(value, date) and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        if value == "":
            value = None
        out.append(value)
    return out
