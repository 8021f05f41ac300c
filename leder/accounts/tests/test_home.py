import html
import re

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
    # About 9 for the page itself, then one query for each count of what waits (triage,
    # allocation, own and area deadlines, QA, panels, actions): a fixed number for these five
    # roles, whatever the number of cases, meetings or actions behind the counts.
    with django_assert_max_num_queries(26):
        assert client.get(HOME).status_code == 200


def test_the_header_offers_a_role_its_places_and_marks_the_current_section():
    board = icb(name="Test ICB Nav")
    user = user_with_role(Role.REVIEWER, board)
    user.is_verified = lambda: True
    items, crumbs = presenters.navigation(user, "/staff/cases/LDR-2026-000001")
    assert [i["text"] for i in items] == ["Home", "Your reviews", "Cases"]
    cases = next(i for i in items if i["text"] == "Cases")
    assert cases["active"] and not cases["current"]
    assert crumbs == [
        {"text": "Home", "href": HOME},
        {"text": "Cases", "href": reverse("casework:case_list")},
    ]
    # The section's own page: current, and only Home above it.
    items, crumbs = presenters.navigation(user, reverse("casework:case_list"))
    assert next(i for i in items if i["text"] == "Cases")["current"]
    assert crumbs == [{"text": "Home", "href": HOME}]


def test_no_navigation_before_the_second_factor_nor_on_the_home_page_itself():
    user = user_with_role(Role.LAC)
    user.is_verified = lambda: False
    assert presenters.navigation(user, "/staff/triage") == ([], [])
    user.is_verified = lambda: True
    items, crumbs = presenters.navigation(user, HOME)
    assert items[0] == {"text": "Home", "href": HOME, "current": True}
    assert crumbs == []


def test_home_counts_what_waits_and_links_to_the_list(client):
    from leder.casework.models import CaseState
    from leder.casework.tests.factories import CaseMaker

    board = icb(name="Test ICB Waiting")
    lac = user_with_role(Role.LAC, board)
    cases = CaseMaker(icb=board, lac=lac)
    cases.make(CaseState.AWAITING_ALLOCATION)
    cases.make(CaseState.AWAITING_ALLOCATION)
    cases.notification()
    sign_in_verified(client, lac)
    page = client.get(HOME).content.decode()
    cards = dict(
        (key, (int(number), html.unescape(href)))
        for key, href, number in re.findall(
            r'data-waiting="(\w+)".*?href="([^"]+)".*?leder-waiting__count">([\d,]+)<', page, re.S
        )
    )
    assert cards["allocate"][0] == 2 and cards["triage"][0] == 1
    listed = client.get(cards["allocate"][1]).content.decode()
    assert listed.count("/staff/cases/LDR-") == 2


def test_a_reviewers_due_counts_open_the_list_of_exactly_those_cases(client):
    """Issue 16 item 10: "Your reviews due soon" and "overdue" opened the whole list; each now
    opens "Your reviews" narrowed by the same query that counted them."""
    from datetime import timedelta

    from leder.casework.models import Case, CaseState
    from leder.casework.tests.factories import CaseMaker, make_reviewer
    from leder.core.time import today

    board = icb(name="Test ICB Due")
    cases = CaseMaker(icb=board, lac=user_with_role(Role.LAC, board))
    reviewer = make_reviewer(board)
    made = [cases.make(CaseState.INITIAL_REVIEW, reviewer=reviewer) for _ in range(4)]
    made.append(cases.make(CaseState.ALLOCATED, reviewer=reviewer))
    due = [today() - timedelta(days=3), today() + timedelta(days=5), today() + timedelta(days=90)]
    for case, on in zip(made, [due[0], due[0], due[1], due[2]], strict=False):
        Case.objects.filter(pk=case.pk).update(due_on=on)
    sign_in_verified(client, reviewer.user)
    page = client.get(HOME).content.decode()
    cards = {
        key: (int(number), html.unescape(href))
        for key, href, number in re.findall(
            r'data-waiting="(\w+)".*?href="([^"]+)".*?leder-waiting__count">([\d,]+)<', page, re.S
        )
    }
    for key in ("own_overdue", "own_due_soon", "accept"):
        count, href = cards[key]
        listed = client.get(href).content.decode()
        rows = set(re.findall(r"/staff/cases/(LDR-[\d-]+)", listed))
        assert len(rows) == count, (key, href, rows)
    assert cards["own_overdue"][0] == 2 and cards["accept"][0] == 1
    everything = client.get(reverse("casework:my_cases")).content.decode()
    assert len(set(re.findall(r"/staff/cases/(LDR-[\d-]+)", everything))) == 5
