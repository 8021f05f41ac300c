"""The learning library and a public feedback survey end to end in real Chromium.

A local area contact writes a briefing from a signed-off review; publishing is refused while the
summary names the person (the page says "a name", never the name); they change it and publish.
A reviewer of another ICB searches the library by theme, reads the briefing and its easy read
version, and does not see the source review. A member of the public answers a survey with no
account: a missing answer is shown beside its question, then the answers are sent. axe checks
every page visited."""

import os
from datetime import date

import pytest
from django.conf import settings
from django.test import Client

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.tests.factories import CaseMaker
from leder.governance.models import (
    AnswerType,
    BriefingStatus,
    LearningBriefing,
    Survey,
    SurveyAudience,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)
from leder.governance.services.surveys import survey_question_save, survey_save
from leder.governance.tests.test_briefings_factories import (
    one_note_section,
    signed_off_review,
    themes,
)

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = os.environ.get("LEDER_SCREENSHOTS")


def snap(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def signed_in(page, live_server, user):
    """Share a verified session with the browser (sign-in itself is tested elsewhere)."""
    client = Client()
    sign_in_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def click(page, locator):
    with page.expect_navigation():
        locator.click()


@pytest.fixture(autouse=True)
def _one_note_section(monkeypatch):
    one_note_section(monkeypatch)


@pytest.fixture
def icb():
    return make_icb(name="NHS North Test ICB", short_name="North Test ICB")


@pytest.fixture
def lac(icb):
    return user_with_role(Role.LAC, icb, full_name="Alex Penrose")


@pytest.fixture
def review(icb, lac):
    return signed_off_review(
        CaseMaker(icb=icb, lac=lac),
        given_name="Maya",
        family_name="Okafor",
        date_of_birth=date(1961, 3, 3),
    )


@pytest.fixture
def survey():
    admin = user_with_role(Role.ADMINISTRATOR, full_name="Ada Admin")
    made = survey_save(
        actor=admin,
        survey=Survey(
            slug="families",
            title="Your experience of LeDeR",
            introduction="Tell us how the review of your relative's death went.",
            audience=SurveyAudience.PUBLIC,
            anonymous=True,
        ),
    )
    for order, (text, kind, options, required) in enumerate(
        [
            ("Were you told a review was happening?", AnswerType.YES_NO, [], True),
            ("How well were you listened to?", AnswerType.SCALE, [], True),
            (
                "How were you involved?",
                AnswerType.MULTIPLE_CHOICE,
                ["Met the reviewer", "Read the pen portrait"],
                False,
            ),
            ("Anything else you want to tell us?", AnswerType.TEXT, [], False),
        ],
        start=1,
    ):
        survey_question_save(
            actor=admin,
            question=SurveyQuestion(
                survey=made,
                order=order,
                text=text,
                answer_type=kind,
                options=options,
                required=required,
            ),
        )
    made.status = SurveyStatus.OPEN
    return survey_save(actor=admin, survey=made)


def test_a_briefing_is_written_checked_published_and_read_elsewhere(
    page, live_server, axe_check, icb, lac, review
):
    themes("Hospital passports", "Constipation")
    signed_in(page, live_server, lac)

    page.goto(f"{live_server.url}/staff/governance/learning")
    axe_check(page)
    click(page, page.get_by_role("link", name="Your ICB's briefings"))
    axe_check(page)
    click(page, page.get_by_role("button", name="Write a briefing"))
    axe_check(page)

    # Nothing chosen: every problem is shown.
    click(page, page.get_by_role("button", name="Save as a draft"))
    assert "There is a problem" in page.content()
    axe_check(page)

    page.get_by_label(review.case.reference, exact=False).check()
    page.get_by_label("Title").fill("Hospital passports on admission")
    page.get_by_label("Summary").fill("Maya had a hospital passport that nobody read.")
    page.get_by_label("Learning", exact=True).fill(
        "Ward teams should read the hospital passport on admission."
    )
    page.get_by_label("Hospital passports").check()
    page.get_by_label("Easy read version (optional)").fill(
        "The person had a hospital passport.\nNobody read it.\n\nRead the passport.\nIt helps."
    )
    click(page, page.get_by_role("button", name="Save as a draft"))
    assert "Briefing saved as a draft" in page.content()
    axe_check(page)
    snap(page, "briefing-draft")

    click(page, page.get_by_role("link", name="Check and publish it"))
    axe_check(page)
    click(page, page.get_by_role("button", name="Publish the briefing"))
    summary = page.locator(".nhsuk-error-summary").inner_text()
    assert "The summary contains a name." in summary
    assert "Maya" not in summary
    axe_check(page)
    snap(page, "briefing-refused")
    assert LearningBriefing.objects.get().status == BriefingStatus.DRAFT

    click(page, page.get_by_role("link", name="Change the briefing"))
    page.get_by_label("Summary").fill("A woman had a hospital passport that nobody read.")
    click(page, page.get_by_role("button", name="Save as a draft"))
    click(page, page.get_by_role("link", name="Check and publish it"))
    click(page, page.get_by_role("button", name="Publish the briefing"))
    assert "Briefing published to the learning library" in page.content()
    assert review.case.reference in page.content()  # the authoring ICB sees its source
    axe_check(page)

    # A reviewer of another ICB finds it by theme and reads it.
    page.context.clear_cookies()
    elsewhere = user_with_role(Role.REVIEWER, make_icb(), full_name="Kit Marlow")
    signed_in(page, live_server, elsewhere)
    page.goto(f"{live_server.url}/staff/governance/learning")
    page.get_by_label("Hospital passports").check()
    click(page, page.get_by_role("button", name="Search"))
    assert "1 briefing found" in page.content()
    axe_check(page)
    snap(page, "library-search")
    click(page, page.get_by_role("link", name="Hospital passports on admission"))
    body = page.content()
    assert "North Test ICB" in body and review.case.reference not in body
    axe_check(page)
    click(page, page.get_by_role("link", name="Read this briefing in easy read"))
    assert page.get_by_role("img", name="A group of people").is_visible()
    assert "Nobody read it." in page.content()
    axe_check(page)
    snap(page, "briefing-easy-read")


def test_a_member_of_the_public_answers_a_survey(page, live_server, axe_check, survey, icb):
    page.goto(f"{live_server.url}/feedback/{survey.slug}")
    axe_check(page)

    page.get_by_label("Yes").check()
    click(page, page.get_by_role("button", name="Send your answers"))
    summary = page.locator(".nhsuk-error-summary").inner_text()
    assert "Select your area" in summary
    assert "Select an answer to “How well were you listened to?”" in summary
    assert page.get_by_label("Yes").is_checked()  # what was given is kept
    axe_check(page)
    snap(page, "survey-errors")

    page.get_by_label("Where do you live?").select_option(label="NHS North Test ICB")
    page.get_by_label("4", exact=True).check()
    page.get_by_label("Met the reviewer").check()
    page.get_by_label("Anything else you want to tell us? (optional)").fill("Thank you.")
    click(page, page.get_by_role("button", name="Send your answers"))
    assert page.locator("h1").first.inner_text() == "Thank you"
    axe_check(page)
    snap(page, "survey-thanks")

    response = SurveyResponse.objects.get()
    assert response.respondent is None
    assert response.icb.name == "NHS North Test ICB"
    assert sorted(a.question.order for a in response.answers.all()) == [1, 2, 3, 4]
