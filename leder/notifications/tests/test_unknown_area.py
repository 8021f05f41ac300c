"""Issue 15: a notifier who does not know the area is never blocked. The GP practice places the
death, else the postcode district when the practices there agree on one ICB, else it waits in
the unassigned queue for the region's coordinators and the national team."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.core.models import AuditEvent
from leder.notifications import services
from leder.notifications.forms import AreaForm
from leder.notifications.models import Channel, Notification
from leder.notifications.tests import factories
from leder.notifications.tests.test_public_form import answer_every_page, pages, submit
from leder.notifications.tests.test_telephone import URL as TELEPHONE_URL
from leder.notifications.tests.test_telephone import call
from leder.organisations.areas import AreaSource, find_area, postcode_district
from leder.organisations.models import Organisation, OrganisationKind
from leder.organisations.tests.factories import GpPracticeFactory, IcbFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return RegionFactory(name="Test North")


@pytest.fixture
def leeds(region):
    return IcbFactory(short_name="West Yorkshire", region=region)


@pytest.fixture
def york(region):
    return IcbFactory(short_name="Humber and North Yorkshire", region=region)


@pytest.fixture
def practices(leeds, york):
    """LS1 is all West Yorkshire; HG1 is shared by two ICBs of one region."""
    return [
        GpPracticeFactory(icb=leeds, postcode="LS1 3EX"),
        GpPracticeFactory(icb=leeds, postcode="LS1 4AP"),
        GpPracticeFactory(icb=leeds, postcode="LS11 5AA"),
        GpPracticeFactory(icb=leeds, postcode="HG1 2AB"),
        GpPracticeFactory(icb=york, postcode="HG1 5XY"),
        GpPracticeFactory(icb=york, postcode="YO1 7HH"),
    ]


def unknown(icb, **fields):
    return factories.notify(icb, icb_id=None, **fields).notification


def test_postcode_district_is_the_outward_code():
    assert postcode_district("ls11 5aa") == "LS11"
    assert postcode_district("LS1 4AP") == "LS1"
    assert postcode_district("SW1A1AA") == "SW1A"
    assert postcode_district("not one") == ""


def test_the_gp_practice_places_the_death_first(leeds, york, practices):
    practice = practices[-1]  # York's, though the postcode is in Leeds
    notification = unknown(leeds, gp_practice_id=practice.pk, postcode="LS1 4AP")
    assert notification.icb == york
    assert notification.area_source == AreaSource.GP_PRACTICE
    assert practice.name in notification.area_explanation


def test_a_postcode_whose_district_is_one_icb_places_the_death(leeds, practices):
    notification = unknown(leeds, postcode="LS1 9ZZ")
    assert notification.icb == leeds
    assert notification.area_source == AreaSource.POSTCODE
    assert "LS1" in notification.area_explanation
    # LS11 is not LS1: the district must be equal, not a prefix.
    assert [p.postcode for p in practices if p.postcode.startswith("LS1")] != []


def test_a_district_shared_by_two_icbs_places_nothing_but_keeps_the_region(
    leeds, region, practices
):
    notification = unknown(leeds, postcode="HG1 1AA")
    assert notification.icb is None
    assert notification.region == region
    assert notification.area_source == AreaSource.UNKNOWN
    assert "HG1" in notification.area_explanation


def test_nothing_known_leaves_the_death_unassigned_without_a_region(leeds, practices):
    notification = unknown(leeds, postcode="")
    assert notification.icb is None and notification.region is None
    audit = AuditEvent.objects.get(
        object_id=str(notification.pk), action="create", summary__startswith="Notification"
    )
    assert audit.details["area"] == AreaSource.UNKNOWN


def test_closed_icbs_and_practices_do_not_place(leeds, practices):
    from datetime import date

    leeds.closed_on = date(2020, 1, 1)
    leeds.save()
    finding = find_area(gp_practice=practices[0], postcode="LS1 4AP")
    assert finding.icb is None
    assert finding.region == leeds.region  # the closed ICB's region still says where to look


def test_a_chosen_area_is_kept_and_says_so(leeds, york, practices):
    notification = factories.notify(york, postcode="LS1 4AP").notification
    assert notification.icb == york
    assert notification.area_source == AreaSource.CHOSEN


# --- the public form


def test_a_relative_who_does_not_know_the_area_can_send_the_form(client, leeds, practices):
    answers = pages(
        leeds,
        area={"icb": "unknown"},
        address={"address": "2 Park Row", "postcode": "ls1 9zz"},
        gp={"gp_practice_text": ""},
    )
    shown = answer_every_page(client, answers)
    assert "area" in shown
    check = client.get(reverse("notifications:check")).content.decode()
    assert "I do not know" in check
    response = submit(client)
    assert response.status_code == 302
    notification = Notification.objects.get()
    assert notification.icb == leeds
    assert notification.area_source == AreaSource.POSTCODE


def test_the_area_question_offers_i_do_not_know_and_still_needs_an_answer(leeds):
    form = AreaForm({"icb": "unknown"})
    assert ("unknown", "I do not know") in list(form.fields["icb"].choices)
    assert form.is_valid() and form.cleaned_data["icb"] is None
    assert AreaForm({"icb": str(leeds.pk)}).is_valid()
    empty = AreaForm({"icb": ""})
    assert not empty.is_valid()
    assert empty.errors["icb"] == ["Select the area where the person lived"]


# --- the telephone form


def test_a_lac_records_a_call_for_an_area_the_caller_does_not_know(client, leeds, york):
    lac = user_with_role(Role.LAC, organisation=leeds)
    sign_in_verified(client, lac)
    data = call(leeds, address={"address": "Somewhere", "postcode": ""})
    data["icb"] = "unknown"
    response = client.post(TELEPHONE_URL, data)
    assert response.status_code == 302
    notification = Notification.objects.get()
    assert notification.channel == Channel.TELEPHONE
    assert notification.icb is None


def test_only_a_lac_may_record_a_telephone_call_of_unknown_area(leeds):
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, organisation=leeds.region)
    with pytest.raises(PermissionDenied):
        services.notification_submit(
            person=factories.person(leeds, icb_id=None),
            notifier=factories.notifier(),
            channel=Channel.TELEPHONE,
            recorded_by=coordinator,
            submission_key=uuid.uuid4(),
        )


# --- the unassigned queue


def test_regional_coordinators_see_their_region_and_place_in_its_icbs(
    client, leeds, york, region, practices
):
    in_region = unknown(leeds, postcode="HG1 1AA")
    nowhere = unknown(leeds, postcode="")
    elsewhere_icb = IcbFactory()
    coordinator = sign_in_verified(
        client, user_with_role(Role.REGIONAL_COORDINATOR, organisation=region)
    )
    html = client.get(reverse("notifications:unassigned")).content.decode()
    assert in_region.reference in html
    assert nowhere.reference not in html
    place_url = reverse("notifications:unassigned_place", args=[in_region.reference])
    assert (
        client.get(reverse("notifications:unassigned_place", args=[nowhere.reference])).status_code
        == 404
    )

    page = client.get(place_url).content.decode()
    assert "2 Park Row" not in page and "HG1 1AA" in page
    assert f'value="{elsewhere_icb.pk}"' not in page  # only the region's ICBs

    response = client.post(place_url, {"icb": str(york.pk), "note": "Harrogate address"})
    assert response.status_code == 302
    in_region.refresh_from_db()
    assert in_region.icb == york
    assert in_region.area_source == AreaSource.ASSIGNED
    assert AuditEvent.objects.filter(
        actor=coordinator, action="update", object_id=str(in_region.pk)
    ).exists()
    # Now it is York's LAC's to triage, and gone from the queue.
    assert place_url not in client.get(reverse("notifications:unassigned")).content.decode()


def test_the_national_team_sees_and_places_every_unassigned_death(client, leeds, practices):
    england = Organisation.objects.create(
        ods_code="TSTX1", name="NHS England (test)", kind=OrganisationKind.NATIONAL
    )
    nowhere = unknown(leeds, postcode="")
    elsewhere = IcbFactory()
    sign_in_verified(client, user_with_role(Role.NATIONAL_TEAM, organisation=england))
    assert nowhere.reference in client.get(reverse("notifications:unassigned")).content.decode()
    url = reverse("notifications:unassigned_place", args=[nowhere.reference])
    assert client.post(url, {"icb": str(elsewhere.pk)}).status_code == 302
    nowhere.refresh_from_db()
    assert nowhere.icb == elsewhere and nowhere.region == elsewhere.region


def test_a_coordinator_cannot_place_outside_the_region_or_another_regions_death(
    leeds, region, practices
):
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, organisation=region)
    in_region = unknown(leeds, postcode="HG1 1AA")
    with pytest.raises(ValidationError):
        services.notification_assign_area(
            actor=coordinator, notification=in_region, icb=IcbFactory()
        )
    nowhere = unknown(leeds, postcode="")
    with pytest.raises(PermissionDenied):
        services.notification_assign_area(actor=coordinator, notification=nowhere, icb=leeds)


def test_lacs_do_not_see_unassigned_deaths(client, leeds, practices):
    nowhere = unknown(leeds, postcode="")
    sign_in_verified(client, user_with_role(Role.LAC, organisation=leeds))
    assert client.get(reverse("notifications:unassigned")).status_code == 403
    inbox = client.get(reverse("notifications:inbox") + "?show=all").content.decode()
    assert nowhere.reference not in inbox
