"""Formatting for the account pages: role rows, the staff home links, the QR code and the key."""

import math
import xml.etree.ElementTree as ET
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

import qrcode
import qrcode.image.svg
from django.urls import NoReverseMatch, reverse
from markupsafe import Markup

from leder.accounts import rules
from leder.accounts.models import Membership, Role
from leder.core.presenters import count, date_long, datetime_long
from leder.core.time import now


def role_rows(memberships: list[Membership]) -> list[dict]:
    """Rows of the NHS.UK summary list "Your roles": the role, then where and since when."""
    rows = []
    for membership in memberships:
        where = membership.organisation.display_name
        since = f"since {date_long(membership.starts_on)}"
        if membership.ends_on:
            since += f", until {date_long(membership.ends_on)}"
        rows.append(
            {"key": {"text": membership.get_role_display()}, "value": {"text": f"{where}, {since}"}}
        )
    return rows


@dataclass(frozen=True)
class StaffLink:
    text: str
    url_name: str
    roles: frozenset[str]
    description: str = ""


# Who reads the actions agreed from reviews.
_ACTION_READERS = frozenset(
    {
        Role.LAC,
        Role.SENIOR_REVIEWER,
        Role.PANEL_MEMBER,
        Role.PANEL_CHAIR,
        Role.ICB_LEAD,
        Role.REGIONAL_COORDINATOR,
    }
)
# Who reads the figures and charts: those who read the actions, and the national analysts.
_FIGURE_READERS = _ACTION_READERS | {Role.NATIONAL_ANALYST}
# Who works in the governance panel.
_PANEL_ROLES = frozenset({Role.LAC, Role.PANEL_MEMBER, Role.PANEL_CHAIR})

# What each role is offered on the staff home page. Pages that other apps have not added yet are
# skipped (their URL names do not resolve), so this table can name them before they exist.
STAFF_LINKS: tuple[StaffLink, ...] = (
    StaffLink(
        "Triage",
        "casework:triage_queue",
        frozenset({Role.LAC}),
        "Decide whether new notifications are eligible for review, oldest first",
    ),
    StaffLink(
        "Notifications",
        "notifications:inbox",
        frozenset({Role.LAC}),
        "Every notification, with possible duplicates to check",
    ),
    StaffLink(
        "Record a notification taken by telephone",
        "notifications:telephone_entry",
        frozenset({Role.LAC}),
        "A death told to the team by telephone, entered as the caller answers",
    ),
    StaffLink(
        "Import historic notifications and reviews",
        "imports:list",
        frozenset({Role.LAC}),
        "Bring your area's history from the previous platform, checked row by row first",
    ),
    StaffLink(
        "Cases",
        "casework:case_list",
        rules.CASE_CONTENT_ROLES,
        "Find cases, allocate reviewers and watch deadlines",
    ),
    StaffLink(
        "Your reviews",
        "casework:my_cases",
        frozenset({Role.REVIEWER, Role.SENIOR_REVIEWER}),
        "Reviews allocated to you",
    ),
    StaffLink(
        "Reviewer register",
        "casework:register",
        frozenset({Role.LAC, Role.SENIOR_REVIEWER}),
        "Reviewers, their training, capacity and declared conflicts",
    ),
    StaffLink(
        "Dashboard",
        "casework:dashboard",
        rules.ICB_DASHBOARD_ROLES,
        "Where every notified death in your area stands",
    ),
    StaffLink(
        "Regional dashboard",
        "casework:dashboard_region",
        frozenset({Role.REGIONAL_COORDINATOR}),
        "Figures for each ICB in your region",
    ),
    StaffLink(
        "Transfers",
        "casework:transfers",
        frozenset({Role.LAC, Role.REGIONAL_COORDINATOR}),
        "Deaths moving between ICBs: accept or return those sent to you",
    ),
    StaffLink(
        "Notifications without an area",
        "notifications:unassigned",
        frozenset({Role.REGIONAL_COORDINATOR, Role.NATIONAL_TEAM}),
        "Deaths the notifier could not place: give each its ICB",
    ),
    StaffLink(
        "Long-overdue reviews",
        "casework:escalations",
        frozenset({Role.REGIONAL_COORDINATOR}),
        "Reviews escalated to the region",
    ),
    StaffLink(
        "National dashboard",
        "casework:dashboard_national",
        frozenset({Role.NATIONAL_ANALYST}),
        "Counts for each region and England",
    ),
    StaffLink(
        "Reviews waiting for quality assurance",
        "governance:qa_queue",
        frozenset({Role.SENIOR_REVIEWER}),
        "Check submitted reviews, comment, then approve or return them",
    ),
    StaffLink(
        "Governance panel",
        "governance:panels",
        _PANEL_ROLES,
        "Meetings, focused reviews to sign off and actions to agree",
    ),
    StaffLink(
        "Actions",
        "governance:action_list",
        _ACTION_READERS,
        "Every action agreed from reviews, its owner, due date and progress",
    ),
    StaffLink(
        "Action plan",
        "governance:plan_list",
        frozenset({Role.LAC, Role.PANEL_CHAIR, Role.ICB_LEAD}),
        "The ICB's three-year priorities and their actions",
    ),
    StaffLink(
        "Learning library",
        "governance:library",
        frozenset(
            {
                *rules.CASE_CONTENT_ROLES,
                Role.ICB_LEAD,
                Role.REGIONAL_COORDINATOR,
                Role.NATIONAL_ANALYST,
            }
        ),
        "De-identified learning briefings from every ICB, by theme",
    ),
    StaffLink(
        "Write a learning briefing",
        "governance:briefings",
        frozenset({Role.LAC, Role.PANEL_CHAIR, Role.ICB_LEAD, Role.SENIOR_REVIEWER}),
        "Share what your signed-off reviews taught",
    ),
    StaffLink(
        "Feedback surveys",
        "governance:surveys",
        frozenset({*rules.CASE_CONTENT_ROLES, Role.ICB_LEAD}),
        "Tell us about your work as a reviewer or on the panel",
    ),
    StaffLink(
        "Survey results",
        "governance:survey_results_list",
        frozenset({Role.LAC, Role.ICB_LEAD, Role.NATIONAL_ANALYST}),
        "What staff, people with lived experience and families told us",
    ),
    StaffLink(
        "Your ICB's LeDeR contact details",
        "organisations:leder_contact_mine",
        frozenset({Role.LAC}),
        "How families and notifiers reach the LeDeR team, and where they can raise concerns",
    ),
    StaffLink(
        "Figures and charts",
        "reports:index",
        _FIGURE_READERS,
        "Disclosure-controlled figures with charts and tables to download",
    ),
    StaffLink(
        "Annual reports",
        "reports:report_list",
        frozenset({Role.LAC, Role.ICB_LEAD, Role.REGIONAL_COORDINATOR, Role.NATIONAL_ANALYST}),
        "Prepare, generate and publish the annual LeDeR report and its easy-read version",
    ),
    StaffLink(
        "Free text to release",
        "exports_release:queue",
        frozenset({Role.LAC, Role.IG_REVIEWER}),
        "Check the redaction of signed-off reviews' learning before it goes in the national "
        "dataset",
    ),
    StaffLink(
        "National dataset",
        "exports:dataset",
        frozenset({Role.NATIONAL_ANALYST}),
        "De-identified data for analysis",
    ),
)

# Administrators see these and nothing else: they manage the installation, not cases.
ADMIN_LINKS: tuple[StaffLink, ...] = (
    StaffLink(
        "Operations",
        "operations:index",
        frozenset({Role.ADMINISTRATOR}),
        "Background jobs, the worker and the scheduler, periodic jobs and the audit check",
    ),
    StaffLink(
        "Users",
        "admin:accounts_user_changelist",
        frozenset({Role.ADMINISTRATOR}),
        "Create accounts, reset two-factor authentication, deactivate accounts",
    ),
    StaffLink(
        "Roles",
        "admin:accounts_membership_changelist",
        frozenset({Role.ADMINISTRATOR}),
        "Give and end people's roles at organisations",
    ),
    StaffLink(
        "Organisations",
        "admin:organisations_organisation_changelist",
        frozenset({Role.ADMINISTRATOR}),
        "Regions, ICBs and providers",
    ),
    StaffLink(
        "Restructures",
        "admin:organisations_succession_changelist",
        frozenset({Role.ADMINISTRATOR}),
        "Mergers and splits of organisations",
    ),
    StaffLink(
        "Records a restructure could not place",
        "admin:organisations_unplacedrecord_changelist",
        frozenset({Role.ADMINISTRATOR}),
        "Roles and providers waiting for a decision",
    ),
)


def _resolved(links) -> list[dict]:
    items = []
    for link in links:
        try:
            href = reverse(link.url_name)
        except NoReverseMatch:
            continue
        items.append({"text": link.text, "href": href, "description": link.description})
    return items


def staff_links(user) -> list[dict]:
    """The links `user`'s roles make sense of, as `{"text", "href", "description"}`; only those
    whose pages exist. Administrators get the admin links only."""
    if rules.is_administrator(user):
        return _resolved(ADMIN_LINKS) if rules.can_use_admin(user) else []
    held = {role for role, _organisation in rules.current_roles(user)}
    return _resolved(link for link in STAFF_LINKS if link.roles & held)


def waiting_cards(waiting) -> list[dict]:
    """The home page's counts as cards: the number, what it counts, where the list is, and
    whether it needs attention now (something late, and more than none of it)."""
    return [
        {
            "key": item.key,
            "count": f"{item.count:,}",
            "label": item.label,
            "href": item.href,
            "attention": item.late and item.count > 0,
            "hint": item.hint,
        }
        for item in waiting
    ]


@dataclass(frozen=True)
class NavigationLink:
    """One item of the header navigation: shown to the roles given, and "current" on every page
    whose path starts with one of `sections` (the longest match wins)."""

    text: str
    url_name: str
    roles: frozenset[str]
    sections: tuple[str, ...]


# The header navigation: the few places each role goes every day, in the order of the work.
# Everything else a role can do is listed on the home page.
NAVIGATION: tuple[NavigationLink, ...] = (
    NavigationLink("Triage", "casework:triage_queue", frozenset({Role.LAC}), ("/staff/triage",)),
    NavigationLink(
        "Notifications",
        "notifications:inbox",
        frozenset({Role.LAC}),
        ("/staff/notifications",),
    ),
    NavigationLink(
        "Your reviews",
        "casework:my_cases",
        frozenset({Role.REVIEWER, Role.SENIOR_REVIEWER}),
        ("/staff/my-cases",),
    ),
    NavigationLink("Cases", "casework:case_list", rules.CASE_CONTENT_ROLES, ("/staff/cases",)),
    NavigationLink(
        "Quality assurance",
        "governance:qa_queue",
        frozenset({Role.SENIOR_REVIEWER}),
        ("/staff/governance/qa",),
    ),
    NavigationLink(
        "Panels",
        "governance:panels",
        _PANEL_ROLES,
        ("/staff/governance/panels",),
    ),
    NavigationLink(
        "Actions",
        "governance:action_list",
        _ACTION_READERS,
        ("/staff/governance/actions", "/staff/governance/action-plans"),
    ),
    NavigationLink(
        "Dashboard",
        "casework:dashboard",
        rules.ICB_DASHBOARD_ROLES,
        ("/staff/dashboard", "/staff/escalations"),
    ),
    NavigationLink(
        "Dashboard",
        "casework:dashboard_region",
        frozenset({Role.REGIONAL_COORDINATOR}),
        ("/staff/dashboard", "/staff/escalations"),
    ),
    NavigationLink(
        "Dashboard",
        "casework:dashboard_national",
        frozenset({Role.NATIONAL_ANALYST}),
        ("/staff/dashboard",),
    ),
    NavigationLink(
        "Reports",
        "reports:index",
        _FIGURE_READERS,
        ("/staff/reports",),
    ),
)

HOME_TEXT = "Home"


def navigation(user, path: str) -> tuple[list[dict], list[dict]]:
    """The header navigation items for `user` (NHS.UK header `navigation.items`) and the
    breadcrumbs of the page at `path` (Home, then the section when the page lies inside one and
    is not the section's own page). Nothing for someone not signed in with their second factor,
    and only Home for an administrator (who has the admin links on the home page)."""
    if not rules.is_verified_staff(user):
        return [], []
    home = reverse("accounts:home")
    links: list[tuple[NavigationLink, str]] = []
    if not rules.is_administrator(user):
        held = {role for role, _organisation in rules.current_roles(user)}
        seen: set[str] = set()
        for link in NAVIGATION:
            # One "Dashboard": the first that the user's roles open (ICB, then region, then
            # England), as the dashboard itself redirects.
            if not link.roles & held or link.text in seen:
                continue
            seen.add(link.text)
            links.append((link, reverse(link.url_name)))
    current = max(
        (
            (len(section), link.text, href)
            for link, href in links
            for section in link.sections
            if path == section or path.startswith(section.rstrip("/") + "/")
        ),
        default=None,
    )
    items = [{"text": HOME_TEXT, "href": home, "current": path == home}]
    for link, href in links:
        is_current = current is not None and current[2] == href
        items.append(
            {"text": link.text, "href": href, "current": path == href, "active": is_current}
        )
    crumbs: list[dict] = []
    if path != home and path.startswith(("/staff/", "/account/")):
        crumbs.append({"text": HOME_TEXT, "href": home})
        if current is not None and current[2] != path:
            crumbs.append({"text": current[1], "href": current[2]})
    return items, crumbs


def wait_phrase(until: datetime) -> str:
    """How long until another code can be tried: "8 seconds", "5 minutes" or "after 3:05pm"."""
    seconds = max(1, math.ceil((until - now()).total_seconds()))
    if seconds < 60:
        return f"Wait {count(seconds, 'second')} and try again"
    if seconds < 60 * 60:
        return f"Wait {count(math.ceil(seconds / 60), 'minute')} and try again"
    return f"Try again after {datetime_long(until)}"


def secret_key_groups(bin_key: bytes) -> list[str]:
    """The TOTP key as apps ask for it when typed in (base32), in groups of 4 for reading."""
    text = b32encode(bin_key).decode().rstrip("=")
    return [text[i : i + 4] for i in range(0, len(text), 4)]


SVG_NS = "http://www.w3.org/2000/svg"


def qr_code_svg(data: str, *, title: str, size_px: int = 200) -> Markup:
    """`data` as a QR code in inline SVG markup: no image request, no inline style or script
    (the CSP forbids those), a white quiet zone so phones read it on the grey page, and a title
    for screen readers (who use the key written out beside it)."""
    image = qrcode.make(
        data, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=4
    )
    ET.register_namespace("", SVG_NS)
    root = ET.fromstring(image.to_string(encoding="unicode"))
    root.set("width", str(size_px))
    root.set("height", str(size_px))
    root.set("role", "img")
    root.set("aria-labelledby", "qr-code-title")
    title_element = ET.Element(f"{{{SVG_NS}}}title", {"id": "qr-code-title"})
    title_element.text = title
    root.insert(0, title_element)
    # ElementTree escapes the title, and the rest is generated from the QR matrix.
    return Markup(ET.tostring(root, encoding="unicode"))


class RoleGrantRow:
    """A proposed role, for the executive lead's home page and decision page."""

    def __init__(self, grant):
        from django.urls import reverse

        from leder.core.presenters import datetime_long

        self.grant = grant
        self.person = f"{grant.user.full_name} ({grant.user.email})"
        self.role = f"{grant.get_role_display()} at {grant.organisation}"
        self.proposed = f"by {grant.proposed_by.full_name}, {datetime_long(grant.proposed_at)}"
        self.status = grant.get_status_display()
        self.is_waiting = grant.status == "proposed"
        self.decided = (
            f"by {grant.decided_by.full_name}, {datetime_long(grant.decided_at)}"
            if grant.decided_by
            else ""
        )
        self.reason = grant.reason
        self.href = reverse("accounts:role_grant_decide", kwargs={"pk": grant.pk})
