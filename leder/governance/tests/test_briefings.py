"""Learning briefings: writing them from signed-off reviews, the de-identification check at
publishing, withdrawal, the learning library's search, and who sees what (the permission matrix
of every page, another ICB, anonymous)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import region as make_region
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.models import CaseState
from leder.casework.tests.factories import CaseMaker
from leder.core.models import AuditAction, AuditEvent
from leder.governance.models import BriefingStatus, LearningBriefing
from leder.governance.services.briefings import (
    briefing_create,
    briefing_publish,
    briefing_update,
    briefing_withdraw,
    identifier_problems,
)
from leder.governance.services.signoff import review_reopen
from leder.governance.tests.test_briefings_factories import (
    one_note_section,
    signed_off_review,
    themes,
)

pytestmark = pytest.mark.django_db

SUMMARY = "A man in his fifties with a moderate learning disability died of pneumonia."
LEARNING = "Hospital teams should check the hospital passport on admission."


@pytest.fixture(autouse=True)
def _one_note_section(monkeypatch):
    one_note_section(monkeypatch)


@pytest.fixture
def icb():
    return make_icb(name="NHS North Test ICB", short_name="North Test ICB", region=make_region())


@pytest.fixture
def other_icb():
    return make_icb(name="NHS South Test ICB", short_name="South Test ICB")


@pytest.fixture
def lac(icb):
    return user_with_role(Role.LAC, icb, full_name="Alex Penrose")


@pytest.fixture
def cases(icb, lac):
    return CaseMaker(icb=icb, lac=lac)


@pytest.fixture
def review(cases):
    return signed_off_review(
        cases, given_name="Maya", family_name="Okafor", date_of_birth=date(1961, 3, 3)
    )


@pytest.fixture
def theme_pair():
    return themes("Hospital passports", "Constipation")


def draft(actor, review, theme_list, **fields) -> LearningBriefing:
    values = {
        "title": "Hospital passports on admission",
        "summary": SUMMARY,
        "learning": LEARNING,
        "easy_read": "",
        "themes": theme_list[:1],
        "source_reviews": [review],
    }
    values.update(fields)
    return briefing_create(actor=actor, icb=review.case.notification.icb, **values)


def published(actor, review, theme_list, **fields) -> LearningBriefing:
    return briefing_publish(actor=actor, briefing=draft(actor, review, theme_list, **fields))


def page(client, user, name, **kwargs):
    sign_in_verified(client, user)
    return client.get(reverse(f"governance:{name}", kwargs=kwargs or None))


# -- Writing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LAC, Role.PANEL_CHAIR, Role.ICB_LEAD, Role.SENIOR_REVIEWER])
def test_the_icbs_writers_draft_a_briefing_from_a_signed_off_review(role, icb, review, theme_pair):
    author = user_with_role(role, icb, full_name="Jordan Tiller")
    briefing = draft(author, review, theme_pair, easy_read="Line one.\n\nLine two.")

    assert briefing.status == BriefingStatus.DRAFT
    assert briefing.icb == icb
    assert list(briefing.source_reviews.all()) == [review]
    assert list(briefing.themes.all()) == theme_pair[:1]
    event = AuditEvent.objects.filter(object_type="governance.LearningBriefing").get()
    assert (event.action, event.actor) == (AuditAction.CREATE, author)


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.PANEL_MEMBER])
def test_other_icb_roles_cannot_write_briefings(role, icb, review, theme_pair):
    with pytest.raises(PermissionDenied):
        draft(user_with_role(role, icb), review, theme_pair)
    assert not LearningBriefing.objects.exists()


def test_another_icbs_lac_cannot_write_this_icbs_briefing(other_icb, review, theme_pair):
    with pytest.raises(PermissionDenied):
        draft(user_with_role(Role.LAC, other_icb), review, theme_pair)
    assert not LearningBriefing.objects.exists()


def test_a_briefing_needs_title_summary_learning_a_theme_and_a_source(icb, lac, review):
    with pytest.raises(ValidationError) as refused:
        briefing_create(
            actor=lac,
            icb=icb,
            title=" ",
            summary="",
            learning="",
            themes=[],
            source_reviews=[],
        )
    assert refused.value.message_dict == {
        "title": ["Enter a title"],
        "summary": ["Enter a summary"],
        "learning": ["Enter the learning"],
        "themes": ["Select at least one theme"],
        "source_reviews": ["Select at least one signed-off review the briefing is from"],
    }
    assert not LearningBriefing.objects.exists()


def test_a_review_not_signed_off_cannot_be_a_source(icb, lac, cases, theme_pair):
    from leder.reviews.services.records import review_start

    case = cases.make(CaseState.INITIAL_REVIEW)
    unsigned = review_start(actor=case.reviewer.user, case=case)
    with pytest.raises(ValidationError) as refused:
        draft(lac, unsigned, theme_pair)
    assert "not signed off" in refused.value.message_dict["source_reviews"][0]
    assert not LearningBriefing.objects.exists()


def test_another_icbs_review_cannot_be_a_source(lac, other_icb, theme_pair):
    theirs = signed_off_review(
        CaseMaker(icb=other_icb, lac=user_with_role(Role.LAC, other_icb, full_name="Sam Quill"))
    )
    with pytest.raises((ValidationError, PermissionDenied)):
        briefing_create(
            actor=lac,
            icb=lac.memberships.get().organisation,
            title="t",
            summary="s",
            learning="l",
            themes=theme_pair,
            source_reviews=[theirs],
        )
    assert not LearningBriefing.objects.exists()


def test_a_published_briefing_cannot_be_changed_until_withdrawn(lac, review, theme_pair):
    briefing = published(lac, review, theme_pair)
    values = {
        "title": "New title",
        "summary": SUMMARY,
        "learning": LEARNING,
        "themes": theme_pair,
        "source_reviews": [review],
    }
    with pytest.raises(ValidationError):
        briefing_update(actor=lac, briefing=briefing, **values)
    briefing.refresh_from_db()
    assert briefing.title == "Hospital passports on admission"

    briefing_withdraw(actor=lac, briefing=briefing, reason="Updating the learning")
    assert briefing_update(actor=lac, briefing=briefing, **values) == ["title", "themes"]
    briefing.refresh_from_db()
    assert briefing.title == "New title" and briefing.themes.count() == 2


# -- Publishing: the de-identification check ----------------------------------------------------


def test_publishing_puts_the_briefing_in_the_library_and_is_audited(lac, review, theme_pair):
    briefing = published(lac, review, theme_pair)
    assert briefing.status == BriefingStatus.PUBLISHED
    assert briefing.published_by == lac and briefing.published_at is not None
    event = AuditEvent.objects.filter(object_type="governance.LearningBriefing").last()
    assert event.summary.endswith("published") and event.actor == lac


@pytest.mark.parametrize(
    "field,text,kinds",
    [
        ("summary", "Maya Okafor died on 3 March 2024.", "a name and a date"),
        ("learning", "Her NHS number 943 476 5919 was wrong.", "an NHS number"),
        ("easy_read", "Okafor lived at home.", "a name"),
        ("title", "What we learned from Maya", "a name"),
        ("summary", "She was born 03/03/1961 and lived in LS1 4AP.", "a postcode and a date"),
    ],
)
def test_publishing_is_refused_while_the_text_holds_identifiers(
    client, lac, review, theme_pair, field, text, kinds
):
    briefing = draft(lac, review, theme_pair, **{field: text})
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        briefing_publish(actor=lac, briefing=briefing)

    (message,) = refused.value.messages
    assert f"contains {kinds}." in message
    # The refusal names the kinds, never the identifier itself.
    for identifier in ("Maya", "Okafor", "943", "2024", "1961", "LS1"):
        assert identifier not in message
    briefing.refresh_from_db()
    assert briefing.status == BriefingStatus.DRAFT and briefing.published_at is None
    assert AuditEvent.objects.count() == before


def test_the_names_of_staff_who_worked_on_the_case_are_identifiers(lac, review, theme_pair):
    briefing = draft(lac, review, theme_pair, learning="Robin Ferris noticed the delay.")
    assert identifier_problems(briefing) == [
        "The learning contains a name. Remove anything that could identify the person, their "
        "family or the staff involved, then publish again."
    ]


def test_the_publish_page_shows_the_kinds_found_and_publishes_nothing(
    client, lac, review, theme_pair
):
    briefing = draft(lac, review, theme_pair, summary="Maya loved her garden.")
    sign_in_verified(client, lac)
    url = reverse("governance:briefing_publish", kwargs={"pk": briefing.pk})

    response = client.post(url)

    assert response.status_code == 200
    body = response.content.decode()
    assert "The summary contains a name." in body
    assert "The briefing cannot be published yet" in body
    assert "<title>Error:" in body
    briefing.refresh_from_db()
    assert briefing.status == BriefingStatus.DRAFT


def test_a_briefing_cannot_be_published_once_its_source_review_is_reopened(
    icb, lac, review, theme_pair
):
    briefing = draft(lac, review, theme_pair)
    review_reopen(actor=lac, review=review, reason="New evidence from the coroner")
    with pytest.raises(ValidationError) as refused:
        briefing_publish(actor=lac, briefing=briefing)
    assert "not signed off" in refused.value.messages[0]
    briefing.refresh_from_db()
    assert briefing.status == BriefingStatus.DRAFT


def test_withdrawing_needs_a_reason_and_takes_it_out_of_the_library(
    client, lac, review, theme_pair
):
    briefing = published(lac, review, theme_pair)
    with pytest.raises(ValidationError):
        briefing_withdraw(actor=lac, briefing=briefing, reason="  ")
    briefing.refresh_from_db()
    assert briefing.status == BriefingStatus.PUBLISHED

    briefing_withdraw(actor=lac, briefing=briefing, reason="A family asked us to")
    assert briefing.status == BriefingStatus.WITHDRAWN
    assert briefing.withdrawn_reason == "A family asked us to"
    reader = user_with_role(Role.LAC, make_icb())
    assert page(client, reader, "briefing", pk=briefing.pk).status_code == 404
    assert "Hospital passports on admission" not in page(client, reader, "library").content.decode()


def test_the_withdraw_page_shows_a_missing_reason_and_changes_nothing(
    client, lac, review, theme_pair
):
    briefing = published(lac, review, theme_pair)
    sign_in_verified(client, lac)
    url = reverse("governance:briefing_withdraw", kwargs={"pk": briefing.pk})
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Enter the reason for withdrawing the briefing" in response.content.decode()
    briefing.refresh_from_db()
    assert briefing.status == BriefingStatus.PUBLISHED


# -- Writing through the pages ------------------------------------------------------------------


def test_the_form_offers_only_signed_off_reviews_of_the_writers_icbs(
    client, lac, cases, review, other_icb
):
    not_signed = cases.make(CaseState.INITIAL_REVIEW)
    theirs = signed_off_review(
        CaseMaker(icb=other_icb, lac=user_with_role(Role.LAC, other_icb, full_name="Sam Quill"))
    )
    body = page(client, lac, "briefing_create").content.decode()
    assert review.case.reference in body
    assert not_signed.reference not in body
    assert theirs.case.reference not in body


def test_writing_a_briefing_through_the_form(client, lac, review, theme_pair):
    sign_in_verified(client, lac)
    response = client.post(
        reverse("governance:briefing_create"),
        {
            "source_reviews": [str(review.pk)],
            "title": "Passports",
            "summary": SUMMARY,
            "learning": LEARNING,
            "themes": [str(theme_pair[1].pk)],
            "easy_read": "",
        },
    )
    briefing = LearningBriefing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:briefing", kwargs={"pk": briefing.pk})
    assert list(briefing.themes.all()) == [theme_pair[1]]


def test_the_form_shows_every_problem_and_writes_nothing(client, lac, review):
    sign_in_verified(client, lac)
    response = client.post(reverse("governance:briefing_create"), {"title": "x" * 201})
    body = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Select at least one signed-off review the briefing is from",
        "The title must be 200 characters or fewer",
        "Enter a summary",
        "Enter the learning",
        "Select at least one theme",
    ):
        assert message in body
    assert not LearningBriefing.objects.exists()


# -- The library: search and reading ------------------------------------------------------------


def test_search_by_theme_and_by_text(client, lac, cases, review, theme_pair):
    passports, constipation = theme_pair
    first = published(lac, review, theme_pair, title="Passports matter", themes=[passports])
    second = published(
        lac,
        signed_off_review(cases),
        theme_pair,
        title="Bowel care",
        learning="Record bowel movements daily in care homes.",
        themes=[constipation],
    )
    draft(lac, review, theme_pair, title="Draft about passports", themes=[passports])
    reader = user_with_role(Role.REVIEWER, make_icb())
    sign_in_verified(client, reader)
    library = reverse("governance:library")

    def titles(query):
        body = client.get(library, query).content.decode()
        return {t for t in ("Passports matter", "Bowel care", "Draft about passports") if t in body}

    assert titles({}) == {"Passports matter", "Bowel care"}
    assert titles({"theme": [passports.pk]}) == {"Passports matter"}
    assert titles({"theme": [passports.pk, constipation.pk]}) == {"Passports matter", "Bowel care"}
    assert titles({"q": "bowel care homes"}) == {"Bowel care"}
    assert titles({"q": "HOSPITAL passport"}) == {"Passports matter"}
    assert titles({"q": "bowel", "theme": [passports.pk]}) == set()
    # Unknown themes are ignored, not errors.
    assert titles({"theme": ["999999", "x"]}) == {"Passports matter", "Bowel care"}
    assert first.pk != second.pk


def test_a_briefing_page_shows_what_readers_need(client, lac, review, theme_pair, icb):
    briefing = published(lac, review, theme_pair, easy_read="We learned a lot.\nIt helps.")
    reader = user_with_role(Role.NATIONAL_ANALYST)
    body = page(client, reader, "briefing", pk=briefing.pk).content.decode()
    assert "Hospital passports on admission" in body
    assert "North Test ICB" in body
    assert SUMMARY in body and LEARNING in body
    assert "Hospital passports" in body
    assert reverse("governance:briefing_easy_read", kwargs={"pk": briefing.pk}) in body
    # Other ICBs' and national readers never see the source reviews.
    assert review.case.reference not in body
    assert "Reviews it was written from" not in body

    easy = page(client, reader, "briefing_easy_read", pk=briefing.pk).content.decode()
    assert "leder-easy-read" in easy
    assert "<li>We learned a lot.</li>" in easy and "<li>It helps.</li>" in easy
    assert 'role="img" aria-label="A group of people"' in easy


def test_no_easy_read_link_or_page_without_an_easy_read_version(client, lac, review, theme_pair):
    briefing = published(lac, review, theme_pair)
    body = page(client, lac, "briefing", pk=briefing.pk).content.decode()
    assert "easy read" not in body.split("<main")[1].split("</main>")[0].lower()
    assert page(client, lac, "briefing_easy_read", pk=briefing.pk).status_code == 404


@pytest.mark.parametrize("role", [Role.LAC, Role.REVIEWER, Role.PANEL_MEMBER, Role.ICB_LEAD])
def test_the_authoring_icbs_staff_see_the_source_reviews(
    client, role, icb, lac, review, theme_pair
):
    briefing = published(lac, review, theme_pair)
    body = page(client, user_with_role(role, icb), "briefing", pk=briefing.pk).content.decode()
    assert "Reviews it was written from" in body
    assert review.case.reference in body


def test_the_source_review_links_to_the_case_only_for_those_who_may_open_it(
    client, icb, lac, review, theme_pair
):
    briefing = published(lac, review, theme_pair)
    case_url = reverse("casework:case", kwargs={"reference": review.case.reference})
    assert case_url in page(client, lac, "briefing", pk=briefing.pk).content.decode()
    lead = user_with_role(Role.ICB_LEAD, icb)
    assert case_url not in page(client, lead, "briefing", pk=briefing.pk).content.decode()


# -- The permission matrix ----------------------------------------------------------------------

READERS = [
    Role.LAC,
    Role.REVIEWER,
    Role.SENIOR_REVIEWER,
    Role.PANEL_MEMBER,
    Role.PANEL_CHAIR,
    Role.ICB_LEAD,
    Role.REGIONAL_COORDINATOR,
    Role.NATIONAL_ANALYST,
]
WRITERS = [Role.LAC, Role.PANEL_CHAIR, Role.ICB_LEAD, Role.SENIOR_REVIEWER]


@pytest.mark.parametrize("role", READERS)
def test_every_reader_reads_the_library_and_published_briefings(
    client, role, lac, review, theme_pair
):
    briefing = published(lac, review, theme_pair)
    reader = user_with_role(role)  # another ICB, region or England
    assert page(client, reader, "library").status_code == 200
    assert page(client, reader, "briefing", pk=briefing.pk).status_code == 200


def test_administrators_cannot_read_the_library(client, lac, review, theme_pair):
    briefing = published(lac, review, theme_pair)
    admin = user_with_role(Role.ADMINISTRATOR)
    assert page(client, admin, "library").status_code == 403
    assert page(client, admin, "briefing", pk=briefing.pk).status_code == 403
    assert page(client, admin, "briefings").status_code == 403


@pytest.mark.parametrize(
    "name", ["library", "briefings", "briefing_create", "briefing", "briefing_easy_read"]
)
def test_anonymous_users_are_sent_to_sign_in(client, name, lac, review, theme_pair):
    briefing = published(lac, review, theme_pair, easy_read="Easy.")
    kwargs = {"pk": briefing.pk} if name.startswith("briefing_e") or name == "briefing" else None
    response = client.get(reverse(f"governance:{name}", kwargs=kwargs))
    assert response.status_code == 302
    assert "/account/" in response["Location"]


@pytest.mark.parametrize("role", READERS)
def test_drafts_are_seen_only_by_the_icbs_writers(client, role, icb, lac, review, theme_pair):
    briefing = draft(lac, review, theme_pair)
    same_icb = role not in (Role.REGIONAL_COORDINATOR, Role.NATIONAL_ANALYST)
    here = user_with_role(role, icb) if same_icb else user_with_role(role)
    expected = 200 if role in WRITERS else 404
    assert page(client, here, "briefing", pk=briefing.pk).status_code == expected
    elsewhere = user_with_role(role)  # another ICB (or a region, or England)
    assert page(client, elsewhere, "briefing", pk=briefing.pk).status_code == 404


@pytest.mark.parametrize("role", READERS)
def test_only_writers_manage_briefings(client, role, icb, lac, review, theme_pair):
    briefing = draft(lac, review, theme_pair)
    same_icb = role not in (Role.REGIONAL_COORDINATOR, Role.NATIONAL_ANALYST)
    user = user_with_role(role, icb) if same_icb else user_with_role(role)
    writer = role in WRITERS
    assert page(client, user, "briefings").status_code == (200 if writer else 403)
    assert page(client, user, "briefing_create").status_code == (200 if writer else 403)
    # A draft is the writers' only: others are told nothing about it (404).
    for name in ("briefing_edit", "briefing_publish", "briefing_withdraw"):
        assert page(client, user, name, pk=briefing.pk).status_code == (200 if writer else 404)


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.PANEL_MEMBER])
def test_readers_of_the_authoring_icb_cannot_change_a_published_briefing(
    client, role, icb, lac, review, theme_pair
):
    briefing = published(lac, review, theme_pair)
    user = user_with_role(role, icb)
    sign_in_verified(client, user)
    for name in ("briefing_edit", "briefing_publish", "briefing_withdraw"):
        url = reverse(f"governance:{name}", kwargs={"pk": briefing.pk})
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "x", "title": "x"}).status_code == 403
    briefing.refresh_from_db()
    assert briefing.status == BriefingStatus.PUBLISHED


def test_another_icbs_writer_may_read_but_not_change_a_published_briefing(
    client, lac, review, theme_pair, other_icb
):
    briefing = published(lac, review, theme_pair)
    theirs = user_with_role(Role.LAC, other_icb)
    sign_in_verified(client, theirs)
    for name in ("briefing_edit", "briefing_publish", "briefing_withdraw"):
        url = reverse(f"governance:{name}", kwargs={"pk": briefing.pk})
        # They can read it (it is published), so the refusal is a 403, not a 404.
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "Mine now"}).status_code == 403
    briefing.refresh_from_db()
    assert briefing.status == BriefingStatus.PUBLISHED
