"""A national export reads the database a fixed number of times, whatever the size of the
cohort (issue 17): the same queries for a cohort five times as large."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leder.accounts.models import Role, User
from leder.accounts.tests.factories import user_with_role
from leder.casework.models import CaseState
from leder.exports import release
from leder.exports import release_services as releasing
from leder.exports.models import ExportStatus
from leder.exports.tests import factories

pytestmark = pytest.mark.django_db

DIED = factories.DIED_ON


def _grow(cases, *, completed: int, others: int) -> None:
    """Add `completed` signed-off reviews (alternately through QA and through a focused review
    and the panel), the first text of each released, and `others` deaths not yet reviewed."""
    for number in range(completed):
        case = factories.completed_case(
            cases, ethnic_category_id="A" if number % 2 else "N", date_of_death=DIED
        )
        item = next(i for i in release.release_items_for(cases.releaser) if i.case.pk == case.pk)
        releasing.free_text_release(actor=cases.releaser, item=item, sha256=item.sha256)
    for number in range(others):
        if number % 3:
            cases.notification(date_of_death=DIED)  # no case opened yet
        else:
            cases.make(CaseState.AWAITING_ALLOCATION, date_of_death=DIED)


def _export_queries(capture, recipient, agreement, analyst) -> tuple[int, int]:
    analyst = User.objects.get(pk=analyst.pk)  # roles read afresh, as in a new request
    with CaptureQueriesContext(connection) as captured:
        made = factories.export(
            capture, actor=analyst, recipient=recipient, agreement=agreement, year=DIED.year
        )
    assert made.status == ExportStatus.DONE
    return made.row_count, len(captured)


def test_an_export_five_times_as_large_runs_the_same_queries(django_capture_on_commit_callbacks):
    cases = factories.area()
    cases.releaser = user_with_role(Role.LAC, cases.icb)
    analyst = factories.analyst()
    recipient = factories.recipient()
    agreement = factories.agreement(recipient)
    # At least twenty rows each time: progress is written at each twentieth.
    _grow(cases, completed=2, others=18)
    small_rows, small = _export_queries(
        django_capture_on_commit_callbacks, recipient, agreement, analyst
    )
    _grow(cases, completed=8, others=72)
    large_rows, large = _export_queries(
        django_capture_on_commit_callbacks, recipient, agreement, analyst
    )
    assert (small_rows, large_rows) == (20, 100)
    assert large == small


def test_the_batch_pseudonymiser_gives_the_pseudonyms_one_at_a_time_would():
    from leder.exports.pseudonyms import pseudonym, pseudonymiser

    key = b"k" * 32
    one = pseudonymiser(key)
    for nhs_number, reference in (
        ("9990000018", "LDR-2025-000001"),
        ("999 000 0026", "LDR-2025-000002"),
        ("", "LDR-2025-000003"),
    ):
        expected = pseudonym(key, nhs_number=nhs_number, reference=reference)
        assert one(nhs_number, reference) == expected
    assert pseudonymiser(b"j" * 32)("9990000018", "x") != one("9990000018", "x")
