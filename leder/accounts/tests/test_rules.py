from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from leder.accounts import rules
from leder.accounts.models import Role
from leder.accounts.tests.factories import (
    MembershipFactory,
    UserFactory,
    icb,
    region,
    user_with_role,
)
from leder.core.time import today

pytestmark = pytest.mark.django_db


def test_has_role_at_an_organisation_and_anywhere():
    board, other = icb(), icb()
    lac = user_with_role(Role.LAC, board)
    assert rules.has_role(lac, Role.LAC)
    assert rules.has_role(lac, Role.LAC, board)
    assert not rules.has_role(lac, Role.LAC, other)
    assert not rules.has_role(lac, Role.REVIEWER)
    assert rules.has_any_role(lac, Role.REVIEWER, Role.LAC, organisation=board)


def test_ended_and_future_roles_do_not_count():
    user = UserFactory()
    MembershipFactory(
        user=user,
        role=Role.LAC,
        starts_on=today() - timedelta(days=30),
        ends_on=today(),  # the first day it is no longer held
    )
    MembershipFactory(user=user, role=Role.REVIEWER, starts_on=today() + timedelta(days=1))
    assert rules.current_roles(user) == frozenset()
    assert not rules.organisations_where(user, Role.LAC, Role.REVIEWER).exists()


def test_inactive_and_anonymous_users_hold_nothing():
    lac = user_with_role(Role.LAC)
    lac.is_active = False
    assert not rules.has_role(lac, Role.LAC)
    assert not rules.organisations_where(lac, Role.LAC).exists()
    assert not rules.has_role(AnonymousUser(), Role.LAC)
    assert not rules.organisations_where(AnonymousUser(), Role.LAC).exists()
    assert not rules.has_role("system:demo", Role.LAC)


def test_organisations_where_returns_the_icbs_of_those_roles():
    first, second, third = icb(), icb(), icb()
    user = user_with_role(Role.LAC, first)
    MembershipFactory(user=user, role=Role.REVIEWER, organisation=second)
    MembershipFactory(user=UserFactory(), role=Role.LAC, organisation=third)
    assert set(rules.organisations_where(user, Role.LAC)) == {first}
    assert set(rules.organisations_where(user, Role.LAC, Role.REVIEWER)) == {first, second}
    assert set(rules.organisations_where(user)) == {first, second}


def test_organisations_where_is_one_query_when_used_to_scope_another(django_assert_num_queries):
    from leder.organisations.models import Organisation

    user = user_with_role(Role.LAC)
    with django_assert_num_queries(1):
        list(Organisation.objects.filter(pk__in=rules.organisations_where(user, Role.LAC)))


def test_regions_where_and_the_icbs_in_them():
    midlands, london = region(), region()
    in_midlands, in_london = icb(region=midlands), icb(region=london)
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, midlands)
    assert list(rules.regions_where(coordinator)) == [midlands]
    assert list(rules.icbs_in_regions_where(coordinator)) == [in_midlands]
    assert in_london not in rules.icbs_in_regions_where(coordinator)
    assert not rules.regions_where(user_with_role(Role.LAC, in_midlands)).exists()


def test_roles_are_read_once_a_request(django_assert_num_queries):
    user = user_with_role(Role.LAC)
    with django_assert_num_queries(1):
        rules.has_role(user, Role.LAC)
        rules.is_national_analyst(user)
        rules.can_manage_users(user)
        rules.holds_icb_role(user)


def test_administrator_rules():
    administrator = user_with_role(Role.ADMINISTRATOR)
    assert rules.is_administrator(administrator)
    assert rules.can_manage_users(administrator)
    assert rules.can_manage_organisations(administrator)
    assert rules.can_use_admin(administrator)
    assert not rules.holds_icb_role(administrator)

    lac = user_with_role(Role.LAC)
    assert not rules.is_administrator(lac)
    assert not rules.can_manage_users(lac)
    assert not rules.can_use_admin(lac)


def test_superuser_counts_as_administrator_for_bootstrapping():
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert rules.is_administrator(superuser)
    superuser.is_active = False
    assert not rules.is_administrator(superuser)


def test_administrator_without_admin_access_flag_cannot_use_the_admin():
    administrator = user_with_role(Role.ADMINISTRATOR)
    administrator.is_staff = False
    assert not rules.can_use_admin(administrator)


def test_national_analyst():
    assert rules.is_national_analyst(user_with_role(Role.NATIONAL_ANALYST))
    assert not rules.is_national_analyst(user_with_role(Role.ICB_LEAD))


def test_triage_and_telephone_notifications_need_a_lac_of_that_icb():
    board, other = icb(), icb()
    lac = user_with_role(Role.LAC, board)
    reviewer = user_with_role(Role.REVIEWER, board)
    assert rules.can_triage(lac, icb_id=board.pk)
    assert not rules.can_triage(lac, icb_id=other.pk)
    assert not rules.can_triage(lac, icb_id=None)
    assert not rules.can_triage(reviewer, icb_id=board.pk)
    assert rules.can_record_telephone_notification(lac, icb_id=board.pk)
    assert not rules.can_record_telephone_notification(reviewer, icb_id=board.pk)


def test_is_verified_staff(rf):
    user = UserFactory()
    assert not rules.is_verified_staff(AnonymousUser())
    user.is_verified = lambda: False
    assert not rules.is_verified_staff(user)
    user.is_verified = lambda: True
    assert rules.is_verified_staff(user)
