"""Changing organisations and loading providers: audited, and never pointing at a closed ICB."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from leder.accounts.models import Role
from leder.accounts.tests.factories import user_with_role
from leder.core.models import AuditAction, AuditEvent
from leder.organisations.errors import OrganisationChangeError, ProvidersLoadError
from leder.organisations.models import Organisation, Succession
from leder.organisations.services import (
    organisation_create,
    organisation_update,
    providers_load,
    restructure_apply,
    succession_make_default,
)
from leder.organisations.tests.factories import GpPracticeFactory, IcbFactory
from leder.organisations.tests.records import make_notification

pytestmark = pytest.mark.django_db

ACTOR = "system:test"


def _audit_rows(organisation):
    return AuditEvent.objects.filter(
        object_type="organisations.Organisation", object_id=str(organisation.pk)
    )


def test_an_update_is_audited_with_each_fields_before_and_after():
    icb = IcbFactory(name="Old Name")
    organisation_update(organisation=icb, actor=ACTOR, changes={"name": "New Name", "gss_code": ""})
    row = _audit_rows(icb).get()
    assert row.action == AuditAction.UPDATE
    assert row.details == {"changed": {"name": ["Old Name", "New Name"]}}


def test_an_update_that_changes_nothing_writes_nothing():
    icb = IcbFactory(name="Same")
    organisation_update(organisation=icb, actor=ACTOR, changes={"name": "Same"})
    assert not _audit_rows(icb).exists()


def test_an_ods_code_cannot_be_changed():
    icb = IcbFactory()
    with pytest.raises(OrganisationChangeError, match="cannot be changed"):
        organisation_update(organisation=icb, actor=ACTOR, changes={"ods_code": "QQQ"})


def test_an_icb_with_notifications_cannot_be_closed_by_hand():
    icb = IcbFactory()
    make_notification(icb=icb)
    with pytest.raises(OrganisationChangeError, match="1 notification record"):
        organisation_update(
            organisation=icb, actor=ACTOR, changes={"closed_on": datetime.date(2025, 1, 1)}
        )
    icb.refresh_from_db()
    assert icb.closed_on is None


def test_a_provider_cannot_be_moved_to_a_closed_icb():
    restructure_apply(effective_on=datetime.date(2026, 4, 1), actor=ACTOR)
    practice = GpPracticeFactory()
    with pytest.raises(OrganisationChangeError, match="its work is now held by Z9B2Z"):
        organisation_update(
            organisation=practice,
            actor=ACTOR,
            changes={"icb": Organisation.objects.get(ods_code="QMJ")},
        )


def test_creating_an_organisation_is_audited():
    practice = organisation_create(
        actor=ACTOR,
        values={
            "ods_code": "t54321",
            "name": "Riverside Surgery",
            "kind": "gp_practice",
            "icb": Organisation.objects.get(ods_code="QK1"),
        },
    )
    assert practice.ods_code == "T54321"
    row = _audit_rows(practice).get()
    assert row.action == AuditAction.CREATE and row.details["icb"] == "QK1"


def test_only_administrators_change_organisations():
    icb = IcbFactory(name="Kept")
    lac = user_with_role(Role.LAC, icb)
    with pytest.raises(PermissionDenied):
        organisation_update(organisation=icb, actor=lac, changes={"name": "Changed"})
    administrator = user_with_role(Role.ADMINISTRATOR)
    organisation_update(organisation=icb, actor=administrator, changes={"name": "Changed"})
    assert _audit_rows(icb).get().actor == administrator


def test_providers_cannot_be_loaded_into_an_icb_that_was_split():
    restructure_apply(effective_on=datetime.date(2026, 4, 1), actor=ACTOR)
    rows = [
        {
            "ods_code": "T11111",
            "name": "Heath Surgery",
            "kind": "gp_practice",
            "icb_ods_code": "QNQ",
        }
    ]
    with pytest.raises(ProvidersLoadError) as raised:
        providers_load(rows=rows, actor=ACTOR)
    assert raised.value.problems == [
        "Line 2: ICB QNQ closed on 1 April 2026; it was split between QRL, S0E4D, S9B9J."
    ]


def test_a_closed_provider_may_keep_the_icb_it_had():
    restructure_apply(effective_on=datetime.date(2026, 4, 1), actor=ACTOR)
    rows = [
        {
            "ods_code": "T22222",
            "name": "Old Surgery",
            "kind": "gp_practice",
            "icb_ods_code": "QNQ",
            "closed_on": "2025-01-01",
        }
    ]
    result = providers_load(rows=rows, actor=ACTOR)
    assert result.created == ["T22222"]


def test_the_administrator_chooses_another_default_successor_for_a_split():
    frimley_to_surrey = Succession.objects.get(
        predecessor__ods_code="QNQ", successor__ods_code="S9B9J"
    )
    succession_make_default(succession=frimley_to_surrey, actor=ACTOR)
    defaults = Succession.objects.filter(predecessor__ods_code="QNQ", takes_unplaced=True)
    assert [s.successor.ods_code for s in defaults] == ["S9B9J"]
    row = AuditEvent.objects.get(object_type="organisations.Succession")
    assert row.details == {"previous_default": ["S0E4D"], "default": "S9B9J"}
