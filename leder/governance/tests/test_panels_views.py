"""The panel pages: the permission matrix of every page, the forms (bad input shows a clear
message and writes nothing), the agenda's buttons, the decision page and the papers pack."""

import html
import re
import shutil

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.models import CaseState
from leder.core.models import AuditAction, AuditEvent
from leder.governance.models import AgendaItem, Panel, PanelDecision, PanelMeeting, SignOff
from leder.governance.services import panels as services
from leder.governance.tests.test_panels_factories import panel_world
from leder.reviews.tests.test_family_copy import pdf_objects, pdf_text


def text(response) -> str:
    return html.unescape(response.content.decode())


pytestmark = pytest.mark.django_db

READERS = {"lac", "chair", "member"}
RUNNERS = {"lac", "chair"}
DECIDERS = {"chair", "member"}
# Page name → (who may open it, URL kwargs builder).
PAGES = {
    "panel": RUNNERS | READERS,
    "panel_edit": RUNNERS,
    "panel_meeting_new": RUNNERS,
    "panel_meeting": READERS,
    "panel_agenda_add": RUNNERS,
    "panel_agenda_remove": RUNNERS,
    "panel_attendance": RUNNERS,
    "panel_minutes": RUNNERS,
    "panel_decision": DECIDERS,
    "panel_papers": READERS,
    "panel_papers_page": READERS,
}
OTHER_ROLES = [
    Role.REVIEWER,
    Role.SENIOR_REVIEWER,
    Role.ICB_LEAD,
    Role.REGIONAL_COORDINATOR,
    Role.NATIONAL_ANALYST,
    Role.ADMINISTRATOR,
]


@pytest.fixture
def world():
    return panel_world()


@pytest.fixture
def item(world):
    meeting = world.meeting()
    _, review = world.focused_at_panel(given_name="Maya", family_name="Okafor")
    return world.on_agenda(meeting, review)


def page_url(name: str, world, item) -> str:
    if name in ("panel", "panel_edit", "panel_meeting_new"):
        return reverse(f"governance:{name}", kwargs={"icb_id": world.icb.pk})
    if name in ("panel_agenda_remove", "panel_decision", "panel_agenda_move"):
        return reverse(f"governance:{name}", kwargs={"pk": item.meeting_id, "item": item.pk})
    return reverse(f"governance:{name}", kwargs={"pk": item.meeting_id})


def persona(name: str, world):
    return {"lac": world.lac, "chair": world.chair, "member": world.members[0]}[name]


def written():
    return (
        list(Panel.objects.values_list("name", "quorum", "terms_of_reference")),
        PanelMeeting.objects.count(),
        list(AgendaItem.objects.values_list("pk", "order", "decision", "comments")),
        SignOff.objects.count(),
        AuditEvent.objects.exclude(action=AuditAction.VIEW).count(),
    )


# -- The permission matrix ----------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_the_permission_matrix(client, world, item, name):
    """Each page for the panel's own people (by role), the same people at another ICB (404),
    every other role (403, GET and POST, nothing written)."""
    url = page_url(name, world, item)
    for who in ("lac", "chair", "member"):
        sign_in_verified(client, persona(who, world))
        assert client.get(url).status_code == (200 if who in PAGES[name] else 403), who

    other = panel_world("NHS Other ICB")
    for who in ("lac", "chair", "member"):
        sign_in_verified(client, persona(who, other))
        assert client.get(url).status_code == 404, who
        assert client.post(url).status_code == 404, who

    before = written()
    for role in OTHER_ROLES:
        at_icb = role in (Role.REVIEWER, Role.SENIOR_REVIEWER, Role.ICB_LEAD)
        sign_in_verified(client, user_with_role(role, world.icb if at_icb else None))
        assert client.get(url).status_code == 403, role
        assert client.post(url).status_code == 403, role
    assert written() == before


@pytest.mark.parametrize("name", [*PAGES, "panel_agenda_move", "panels"])
def test_anonymous_visitors_are_sent_to_sign_in(client, world, item, name):
    url = reverse("governance:panels") if name == "panels" else page_url(name, world, item)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_the_panels_page_goes_straight_to_the_only_panel(client, world):
    sign_in_verified(client, world.members[0])
    response = client.get(reverse("governance:panels"))
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:panel", kwargs={"icb_id": world.icb.pk})


def test_someone_on_two_panels_chooses_one(client, world):
    from leder.accounts.tests.factories import MembershipFactory

    other = panel_world("NHS Other ICB")
    MembershipFactory(user=world.lac, role=Role.LAC, organisation=other.icb)
    sign_in_verified(client, world.lac)
    page = text(client.get(reverse("governance:panels")))
    assert "NHS Panel ICB" in page and "NHS Other ICB" in page


# -- The panel ----------------------------------------------------------------------------------


def test_the_panel_page_lists_members_from_the_role_holders_and_meetings(client, world, item):
    sign_in_verified(client, world.members[0])
    page = text(client.get(page_url("panel", world, item)))
    for person in (world.chair, *world.members):
        assert person.full_name in page
    assert "Panel chair" in page and "Schedule a meeting" not in page
    assert reverse("governance:panel_meeting", kwargs={"pk": item.meeting_id}) in page


def test_setting_the_panel_up_and_bad_input(client, world):
    Panel.objects.filter(pk=world.panel.pk).update(name="Old")
    url = reverse("governance:panel_edit", kwargs={"icb_id": world.icb.pk})
    sign_in_verified(client, world.chair)
    before = written()
    response = client.post(url, {"name": "", "quorum": "0"})
    page = text(response)
    assert response.status_code == 200
    assert "Enter the panel's name" in page
    assert "The quorum must be a whole number from 1 to 20" in page
    assert written() == before

    response = client.post(
        url, {"name": "Governance panel", "quorum": "4", "terms_of_reference": "x"}
    )
    assert response.status_code == 302
    world.panel.refresh_from_db()
    assert (world.panel.name, world.panel.quorum) == ("Governance panel", 4)


def test_scheduling_a_meeting_and_bad_input(client, world):
    url = reverse("governance:panel_meeting_new", kwargs={"icb_id": world.icb.pk})
    sign_in_verified(client, world.lac)
    before = written()
    page = client.post(
        url, {"date_day": "31", "date_month": "2", "date_year": "2027", "time": "25:00"}
    ).content.decode()
    assert "Date of the meeting must be a real date" in page
    assert "24-hour clock" in page
    assert written() == before

    response = client.post(
        url,
        {
            "date_day": "15",
            "date_month": "3",
            "date_year": "2027",
            "time": "14:30",
            "location": "Room 4",
        },
    )
    meeting = PanelMeeting.objects.get()
    assert response["Location"] == reverse("governance:panel_meeting", kwargs={"pk": meeting.pk})
    from django.utils import timezone

    local = timezone.localtime(meeting.starts_at)
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2027, 3, 15, 14, 30)
    assert meeting.location == "Room 4"


# -- The meeting and its agenda -----------------------------------------------------------------


def test_the_meeting_page_shows_the_agenda_and_is_audited(client, world, item):
    sign_in_verified(client, world.members[0])
    page = text(client.get(page_url("panel_meeting", world, item)))
    assert "Maya Okafor" in page and item.review.case.reference in page
    assert "Not quorate" in page
    assert "Record the decision" in page
    assert "Add reviews to the agenda" not in page  # a member does not run the meeting
    event = AuditEvent.objects.filter(action=AuditAction.VIEW).last()
    assert event.actor == world.members[0] and item.review.case.reference in event.details["cases"]


def test_the_lac_adds_a_review_from_the_list_of_those_ready(client, world, item):
    _, ready = world.focused_at_panel(given_name="Ravi", family_name="Shah")
    url = page_url("panel_agenda_add", world, item)
    sign_in_verified(client, world.lac)
    page = text(client.get(url))
    assert "Ravi Shah" in page and "Maya Okafor" not in page  # already on the agenda
    response = client.post(url, {"review": str(ready.pk)})
    assert response.status_code == 302
    assert list(item.meeting.items.order_by("order").values_list("review_id", flat=True)) == [
        item.review_id,
        ready.pk,
    ]


def test_adding_nothing_or_a_review_already_there_writes_nothing(client, world, item):
    url = page_url("panel_agenda_add", world, item)
    sign_in_verified(client, world.lac)
    before = written()
    assert "Choose a review" in text(client.post(url, {}))
    assert "on the agenda already" in text(client.post(url, {"review": item.review_id}))
    assert written() == before


def test_a_review_of_another_icb_cannot_be_added(client, world, item):
    other = panel_world("NHS Other ICB")
    _, foreign = other.focused_at_panel()
    sign_in_verified(client, world.lac)
    before = written()
    response = client.post(page_url("panel_agenda_add", world, item), {"review": foreign.pk})
    assert response.status_code == 404
    assert written() == before


def test_moving_and_removing_agenda_items(client, world, item):
    second = world.on_agenda(item.meeting, world.focused_at_panel()[1])
    sign_in_verified(client, world.chair)
    move = page_url("panel_agenda_move", world, second)
    assert client.post(move, {"direction": "up"}).status_code == 302
    assert list(item.meeting.items.order_by("order").values_list("pk", flat=True)) == [
        second.pk,
        item.pk,
    ]
    assert client.get(move).status_code == 405
    response = client.post(page_url("panel_agenda_remove", world, item))
    assert response.status_code == 302
    assert list(item.meeting.items.values_list("pk", flat=True)) == [second.pk]


def test_attendance_is_recorded_by_tick_box_and_shows_the_quorum(client, world, item):
    url = page_url("panel_attendance", world, item)
    sign_in_verified(client, world.lac)
    page = text(client.get(url))
    assert "Priya Chaudhry (chair)" in page and 'type="checkbox"' in page
    response = client.post(
        url,
        {
            "attendees": [str(world.chair.pk), *(str(m.pk) for m in world.members)],
            "other_attendees": "Sam Patel, family advocate",
        },
        follow=True,
    )
    assert "Quorate: 3 panel members attending" in response.content.decode()
    assert set(item.meeting.attendees.all()) == {world.chair, *world.members}


def test_attendance_refuses_someone_not_on_the_list(client, world, item):
    sign_in_verified(client, world.lac)
    before = written()
    page = client.post(
        page_url("panel_attendance", world, item), {"attendees": [str(world.lac.pk)]}
    )
    assert (
        page.status_code == 200 and "is not one of the available choices" in page.content.decode()
    )
    assert written() == before and not item.meeting.attendees.exists()


def test_minutes_need_words(client, world, item):
    url = page_url("panel_minutes", world, item)
    sign_in_verified(client, world.lac)
    before = written()
    assert "Enter the minutes of the meeting" in text(client.post(url, {"minutes": " "}))
    assert written() == before
    assert client.post(url, {"minutes": "The panel met."}).status_code == 302
    item.meeting.refresh_from_db()
    assert item.meeting.minutes == "The panel met."


# -- Decisions ----------------------------------------------------------------------------------


def test_a_decision_at_a_meeting_that_is_not_quorate_is_refused_on_the_page(client, world, item):
    url = page_url("panel_decision", world, item)
    sign_in_verified(client, world.chair)
    page = text(client.get(url))
    assert "The meeting is not quorate" in page
    before = written()
    page = text(client.post(url, {"decision": "signed_off"}))
    assert "not quorate" in page and "There is a problem" in page
    assert written() == before


def test_returning_without_comments_shows_a_message_and_writes_nothing(client, world, item):
    world.quorate(item.meeting)
    url = page_url("panel_decision", world, item)
    sign_in_verified(client, world.members[1])
    before = written()
    page = text(client.post(url, {"decision": "returned", "comments": ""}))
    assert "Enter the panel's comments for the reviewer" in page
    assert "Choose the panel" in text(client.post(url, {}))
    assert written() == before


def test_the_panel_signs_off_a_review_from_its_page(client, world, item):
    world.quorate(item.meeting)
    sign_in_verified(client, world.members[1])
    response = client.post(page_url("panel_decision", world, item), {"decision": "signed_off"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.decision == PanelDecision.SIGNED_OFF
    case = item.review.case
    case.refresh_from_db()
    assert case.state == CaseState.COMPLETED
    # Decided: the page sends them back to the meeting, which links to the sign-off.
    again = client.get(page_url("panel_decision", world, item))
    assert again.status_code == 302
    page = text(client.get(page_url("panel_meeting", world, item)))
    assert (
        reverse("governance:signoffs", kwargs={"reference": case.reference, "kind": "focused"})
        in page
    )


def test_the_author_of_the_review_cannot_open_its_decision_page(client, world, item):
    from leder.accounts.tests.factories import MembershipFactory

    author = item.review.case.reviewer.user
    MembershipFactory(user=author, role=Role.PANEL_MEMBER, organisation=world.icb)
    sign_in_verified(client, author)
    assert client.get(page_url("panel_decision", world, item)).status_code == 403
    assert (
        client.post(page_url("panel_decision", world, item), {"decision": "signed_off"}).status_code
        == 403
    )


# -- The papers pack ----------------------------------------------------------------------------


def test_the_papers_pack_is_a_tagged_pdf_and_each_review_in_it_is_audited(
    client, world, item, tmp_path
):
    second = world.on_agenda(item.meeting, world.focused_at_panel()[1])
    sign_in_verified(client, world.lac)
    response = client.get(page_url("panel_papers", world, item))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert b"/StructTreeRoot" in pdf_objects(pdf)  # tagged (PDF/UA-1)
    if shutil.which("pdftotext"):
        words = " ".join(pdf_text(pdf, tmp_path).split())
        assert "Maya Okafor" in words and "Further evidence" in words
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=world.lac)
    audited = {int(e.object_id) for e in views if e.object_type == "reviews.Review"}
    assert audited == {item.review_id, second.review_id}


def test_the_papers_pack_holds_each_review_in_full(world, item, rf):
    """The document the PDF is made from: the agenda, then every section of each review,
    internal notes included (the panel needs everything)."""
    from django.template.loader import render_to_string

    from leder.governance.presenters import panels as present
    from leder.governance.selectors import panels as selectors

    meeting = item.meeting
    items = selectors.agenda(user=world.lac, meeting=meeting)
    rows = present.agenda_rows(meeting, items)
    reviews = present.paper_reviews(rows, selectors.latest_snapshots(items))
    html = render_to_string(
        "governance/panels/papers.jinja",
        {
            "m": present.MeetingPresenter(meeting, quorum=services.meeting_quorum(meeting)),
            "rows": rows,
            "reviews": reviews,
        },
    )
    assert "Maya Okafor" in html
    for title in ("Further evidence", "Multi-agency review meeting", "Timeline of care"):
        assert title in html
    assert "escalated within the hour" in html  # the further evidence, word for word
    assert "Ward manager, Riverside Hospitals NHS Trust" in html  # attendees: internal


def test_the_papers_pack_reads_in_the_order_a_panel_works(client, world, item):
    """The pack as a page: each case in the panel's order, both grades in words as well as
    number, the concerns and the actions; the focused review's other sections follow in full.
    Reading it is audited like the download."""
    sign_in_verified(client, world.lac)
    response = client.get(page_url("panel_papers_page", world, item))
    assert response.status_code == 200
    page = " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())
    headings = [
        "1. The person",
        "2. What happened",
        "3. The care timeline in brief",
        "4. Cause of death",
        "5. The initial review: findings and grade",
        "6. The focused review: findings and grade",
        "7. Concerns raised",
        "8. Proposed actions",
        "The focused review's other sections in full",
    ]
    places = [page.index(h) for h in headings]
    assert places == sorted(places)
    focused = page[places[5] : places[6]]
    assert "Grade of care: Grade 2: Good care" in focused  # in words as well as number
    assert "escalated within the hour" in focused  # the further evidence, word for word
    timeline = page[places[2] : places[3]]
    assert "Admitted with suspected aspiration pneumonia" in timeline
    assert "Ward manager, Riverside Hospitals NHS Trust" in focused  # the meeting, in full
    assert "Contacts" in page[places[8] :]  # the rest of the focused review follows
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=world.lac)
    assert {e.details.get("format") for e in views} == {"html"}


def test_the_papers_pack_takes_the_initial_reviews_findings_concerns_and_actions(world, item):
    """What the initial review froze goes where the panel looks for it: its grade in words, its
    cause of death, and its concerns and areas for improvement, with the focused review's."""
    from leder.governance.presenters import panels as present
    from leder.governance.selectors import panels as selectors

    items = selectors.agenda(user=world.lac, meeting=item.meeting)
    rows = present.agenda_rows(item.meeting, items)
    initial = {
        "cause_of_death": {"part_1a": "Aspiration pneumonia"},
        "grading": {"level": "Grade 4: Care fell short of expected good practice"},
        "learning": {
            "learning 7": {"kind": "Concern", "text": "Swallowing plan not followed"},
            "learning 8": {"kind": "Area for improvement", "text": "Share the passport"},
            "learning 9": {"kind": "Good practice", "text": "Early escalation"},
        },
    }
    (paper,) = present.paper_reviews(
        rows, selectors.latest_snapshots(items), initial={item.pk: initial}
    )
    assert paper.initial_grade == "Grade 4: Care fell short of expected good practice"
    assert paper.focused_grade == "Grade 2: Good care"
    assert [s.key for s in paper.cause_of_death] == ["cause_of_death"]
    assert "Aspiration pneumonia" in str(paper.cause_of_death[0].answers)
    assert paper.concerns == ["Swallowing plan not followed"]
    assert paper.improvements == ["Share the passport"]
    assert [s.key for s in paper.initial_findings] == ["grading", "learning"]
    shown = {s.key for s in paper.focused_findings}
    assert shown.isdisjoint(s.key for s in paper.in_full)
    assert shown | {s.key for s in paper.in_full} == {s.key for s in paper.sections}
