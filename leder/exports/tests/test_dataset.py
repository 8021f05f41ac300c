"""What the dataset takes from a review: the signed-off snapshot, never a draft."""

import polars as pl
import pytest

from leder.accounts.models import Role
from leder.accounts.tests.factories import user_with_role
from leder.exports import formats
from leder.exports.tests import factories
from leder.governance.services.signoff import review_reopen

pytestmark = pytest.mark.django_db


def test_a_reopened_review_leaves_the_dataset_until_it_is_signed_off_again(
    django_capture_on_commit_callbacks,
):
    cases = factories.area()
    case = factories.completed_case(cases)
    review = case.reviews.get(kind="initial")
    review_reopen(
        actor=user_with_role(Role.LAC, cases.icb),
        review=review,
        reason="The family sent new information",
    )
    recipient = factories.recipient()
    made = factories.export(
        django_capture_on_commit_callbacks,
        actor=factories.analyst(),
        recipient=recipient,
        agreement=factories.agreement(recipient),
    )
    row = pl.read_parquet(formats.export_dir(made) / made.files["parquet"]).row(0, named=True)
    assert row["review_status"] == "in_progress"
    review_fields = [f.name for f in factories.spec_fields_filled_by_review()]
    assert review_fields and all(row[name] is None for name in review_fields)
    assert made.manifest["redaction"]["texts"] == 0
