import pytest
from django.urls import NoReverseMatch, reverse

from leder.accounts import presenters
from leder.accounts.models import Role
from leder.accounts.tests.factories import (
    MembershipFactory,
    UserFactory,
    icb,
    sign_in_verified,
    user_with_role,
)

pytestmark = pytest.mark.django_db

HOME = reverse("accounts:home")


def test_home_lists_the_users_roles(client):
    board = icb(name="Test ICB North")
    user = user_with_role(Role.LAC, board, full_name="Lee Contact")
    MembershipFactory(user=user, role=Role.REVIEWER, organisation=board)
    sign_in_verified(client, user)
    page = client.get(HOME).content.decode()
    assert page.count("<h1") == 1 and "Lee Contact" in page
    assert "Your roles" in page
    assert "Local area contact" in page and "Reviewer" in page
    assert "Test ICB North, since" in page
    assert "nhsuk-summary-list" in page


def test_home_without_roles_says_who_to_ask(client):
    sign_in_verified(client, UserFactory())
    assert "You do not have a role yet" in client.get(HOME).content.decode()


def test_only_links_whose_pages_exist_are_shown(client):
    user = user_with_role(Role.LAC)
    sign_in_verified(client, user)
    links = presenters.staff_links(user)
    for link in presenters.STAFF_LINKS:
        if Role.LAC not in link.roles:
            continue
        try:
            href = reverse(link.url_name)
        except NoReverseMatch:
            assert link.text not in [item["text"] for item in links]
        else:
            assert {"text": link.text, "href": href, "description": link.description} in links
    client.get(HOME)  # and the page renders with them


def test_links_are_chosen_by_role():
    reviewer = user_with_role(Role.REVIEWER)
    texts = {link.text for link in presenters.STAFF_LINKS if Role.REVIEWER in link.roles}
    assert {item["text"] for item in presenters.staff_links(reviewer)} <= texts


def test_administrator_sees_admin_links_and_no_case_links(client, administrator):
    sign_in_verified(client, administrator)
    page = client.get(HOME).content.decode()
    assert f'href="{reverse("admin:accounts_user_changelist")}"' in page
    assert f'href="{reverse("admin:accounts_membership_changelist")}"' in page
    assert "They cannot see the details of anyone who has died" in page
    case_texts = {link.text for link in presenters.STAFF_LINKS}
    assert not case_texts & {item["text"] for item in presenters.staff_links(administrator)}


def test_home_shows_recovery_codes_left(client, user):
    sign_in_verified(client, user)
    page = client.get(HOME).content.decode()
    assert "You have 0 recovery codes left. Get new ones before you run out." in page
    assert reverse("accounts:recovery_codes_new") in page


def test_home_query_count_does_not_grow_with_roles(client, django_assert_max_num_queries):
    user = user_with_role(Role.LAC)
    for role in (Role.REVIEWER, Role.SENIOR_REVIEWER, Role.PANEL_MEMBER, Role.ICB_LEAD):
        MembershipFactory(user=user, role=role)
    sign_in_verified(client, user)
    # 9, and one for the prompts (leder.core.prompts: families not contacted, ADR 0184).
    with django_assert_max_num_queries(10):
        assert client.get(HOME).status_code == 200
