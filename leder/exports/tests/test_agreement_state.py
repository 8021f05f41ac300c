"""Whether a data-sharing agreement is in force has one owner, the model: the page's tag, the
form's label, the service's refusal and the selector all ask it, so they agree on every day."""

from datetime import date, timedelta

import pytest

from leder.exports import selectors, services
from leder.exports.forms import agreement_label
from leder.exports.models import AgreementState, DataSharingAgreement
from leder.exports.presenters import AgreementPresenter
from leder.exports.tests import factories

pytestmark = pytest.mark.django_db

STARTS, EXPIRES = date(2026, 4, 1), date(2027, 3, 31)
DAYS = {
    STARTS - timedelta(days=1): AgreementState.NOT_STARTED,
    STARTS: AgreementState.IN_FORCE,
    EXPIRES: AgreementState.IN_FORCE,
    EXPIRES + timedelta(days=1): AgreementState.EXPIRED,
}


@pytest.fixture
def agreement():
    return factories.agreement(factories.recipient(), starts_on=STARTS, expires_on=EXPIRES)


@pytest.mark.parametrize(("day", "state"), DAYS.items())
def test_an_agreement_is_in_force_from_its_first_day_to_its_last_day_inclusive(
    agreement, day, state, monkeypatch
):
    assert agreement.state_on(day) == state
    in_force = state == AgreementState.IN_FORCE
    assert DataSharingAgreement.objects.in_force_on(day).filter(pk=agreement.pk).exists() is (
        in_force
    )
    assert (services.agreement_refusal(agreement, on=day) is None) is in_force
    for module in ("selectors", "forms", "presenters"):
        monkeypatch.setattr(f"leder.exports.{module}.today", lambda: day)
    assert list(selectors.agreements_in_force(recipient=agreement.recipient)) == (
        [agreement] if in_force else []
    )
    assert AgreementPresenter(agreement).state_tag["text"] == state.label
    assert ("in force until" in agreement_label(agreement)) is in_force
