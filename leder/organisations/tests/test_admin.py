"""The Django admin changes organisations through the services, so changes are audited."""

import pytest
from django.contrib.admin.sites import AdminSite
from django.test import RequestFactory

from leder.accounts.models import Role
from leder.accounts.tests.factories import user_with_role
from leder.core.models import AuditAction, AuditEvent
from leder.organisations.admin import OrganisationAdmin, OrganisationAdminForm
from leder.organisations.models import Organisation
from leder.organisations.tests.factories import GpPracticeFactory, IcbFactory
from leder.organisations.tests.records import make_notification

pytestmark = pytest.mark.django_db


def _form_data(organisation, **changes):
    data = {
        name: getattr(organisation, name) or ""
        for name in OrganisationAdminForm.Meta.fields
        if name not in ("region", "icb")
    }
    data["region"] = organisation.region_id or ""
    data["icb"] = organisation.icb_id or ""
    data.update(changes)
    return data


def _save(organisation, **changes):
    model_admin = OrganisationAdmin(Organisation, AdminSite())
    request = RequestFactory().post("/")
    request.user = user_with_role(Role.ADMINISTRATOR)
    form = OrganisationAdminForm(data=_form_data(organisation, **changes), instance=organisation)
    if not form.is_valid():
        return form
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    return form


def test_an_admin_change_is_saved_through_the_service_and_audited():
    practice = GpPracticeFactory(name="Old Surgery")
    form = _save(practice, name="New Surgery")
    assert form.is_valid()
    practice.refresh_from_db()
    assert practice.name == "New Surgery"
    row = AuditEvent.objects.get(object_id=str(practice.pk), action=AuditAction.UPDATE)
    assert row.details == {"changed": {"name": ["Old Surgery", "New Surgery"]}}
    assert row.actor.memberships.get().role == Role.ADMINISTRATOR


def test_the_admin_form_refuses_to_close_an_icb_that_records_point_at():
    icb = IcbFactory()
    make_notification(icb=icb)
    form = _save(icb, closed_on="2025-01-01")
    assert not form.is_valid()
    assert "Close it with a restructure" in str(form.non_field_errors())
    icb.refresh_from_db()
    assert icb.closed_on is None
