"""Survey results per ICB: disclosure control (counts 1–4 never shown, secondary suppression, an
ICB with fewer than 5 responses shows nothing), free text for administrators only, and who sees
which ICB's results."""

import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.governance.models import AnswerType, SurveyAudience
from leder.governance.selectors.surveys import suppress, survey_results
from leder.governance.services.surveys import survey_response_submit
from leder.governance.tests.test_surveys import answers, make_survey

pytestmark = pytest.mark.django_db


# -- The suppression rule -----------------------------------------------------------------------


def test_primary_suppression_hides_one_to_four_and_shows_zero():
    assert suppress([0, 5, 4, 12], total=None, threshold=5) == [0, 5, None, 12]


def test_one_suppressed_count_with_the_total_shown_takes_the_smallest_other_with_it():
    # 3 alone could be worked out as 20 - 5 - 12; hiding 5 as well prevents it.
    assert suppress([3, 5, 12], total=20, threshold=5) == [None, None, 12]
    # A non-zero count hides more than a zero does.
    assert suppress([0, 3, 9, 6], total=18, threshold=5) == [0, None, 9, None]
    assert suppress([3, 0, 12], total=15, threshold=5) == [None, 0, None]
    assert suppress([3, 0, 0], total=None, threshold=5) == [None, 0, 0]


def test_two_suppressed_counts_need_no_more():
    assert suppress([2, 3, 9], total=14, threshold=5) == [None, None, 9]


@given(
    counts=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8),
    threshold=st.integers(min_value=2, max_value=10),
)
def test_no_small_count_is_ever_shown_nor_derivable_from_the_total(counts, threshold):
    total = sum(counts)
    shown = suppress(counts, total=total, threshold=threshold)
    assert len(shown) == len(counts)
    for original, value in zip(counts, shown, strict=True):
        assert value is None or value == original
        assert value is None or not (0 < value < threshold)
    hidden = [i for i, v in enumerate(shown) if v is None]
    # Never exactly one hidden count beside a shown total (unless nothing else could be hidden).
    assert len(hidden) != 1 or len(counts) == 1


# -- Results per ICB ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def minimum_five(settings):
    """These tests count in fives; the per-question minimum has tests of its own below."""
    settings.LEDER_SURVEY_MIN_RESPONSES = 5


@pytest.fixture
def icb():
    return make_icb(name="NHS North Test ICB", short_name="North Test ICB")


@pytest.fixture
def other_icb():
    return make_icb(name="NHS South Test ICB", short_name="South Test ICB")


@pytest.fixture
def admin_user():
    return user_with_role(Role.ADMINISTRATOR)


@pytest.fixture
def survey(admin_user):
    return make_survey(admin_user, audience=SurveyAudience.PUBLIC)


def respond(survey, icb, n, **values):
    for _ in range(n):
        survey_response_submit(survey=survey, icb=icb, answers=answers(survey, **values))


def results_page(client, user, survey, icb=None):
    sign_in_verified(client, user)
    url = reverse("governance:survey_results", kwargs={"slug": survey.slug})
    return client.get(url, {"icb": icb.pk} if icb else {})


def numbers_in(html: str) -> set[int]:
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", main)
    return {int(n) for n in re.findall(r"(?<![\w.])\d+(?![\w.])", text)}


def test_an_icb_with_fewer_than_five_responses_shows_nothing(client, survey, icb, admin_user):
    respond(survey, icb, 4)
    results = survey_results(survey=survey, icb=icb, with_free_text=True)
    assert results.total is None and results.questions == []

    body = results_page(client, admin_user, survey, icb).content.decode()
    assert "Fewer than 5 people from this ICB have answered" in body
    assert 4 not in numbers_in(body)
    assert "More time to write" not in body


def test_small_option_counts_are_suppressed_with_a_second_count(client, survey, icb, admin_user):
    # 7 responses: 6 "Initial" and 1 "Focused"; yes 4, no 3; scale 2 ×2 and 4 ×5.
    respond(survey, icb, 1, **{AnswerType.SINGLE_CHOICE: "Focused", AnswerType.SCALE: "2"})
    respond(survey, icb, 1, **{AnswerType.SCALE: "2", AnswerType.YES_NO: "no"})
    respond(survey, icb, 2, **{AnswerType.YES_NO: "no"})
    respond(survey, icb, 3, **{AnswerType.YES_NO: "yes"})
    results = survey_results(survey=survey, icb=icb, with_free_text=False)
    by_type = {q.question.answer_type: q for q in results.questions}

    assert results.total == 7
    single = by_type[AnswerType.SINGLE_CHOICE]
    assert single.answered == 7
    # "Focused" (1) is suppressed, so "Initial" (6) would reveal it: both are hidden.
    assert [(c.label, c.count) for c in single.cells] == [("Initial", None), ("Focused", None)]
    yes_no = by_type[AnswerType.YES_NO]
    assert [(c.label, c.count) for c in yes_no.cells] == [("yes", None), ("no", None)]
    scale = by_type[AnswerType.SCALE]
    # 2 (×2) is hidden, so 4 (×5) is hidden with it: 7 answered, zeros shown.
    assert [c.count for c in scale.cells] == [0, None, 0, None, 0]
    assert scale.median == 4

    body = results_page(client, admin_user, survey, icb).content.decode()
    assert "Fewer than 5" in body and "median 4" in body
    assert "7 responses" in body


def test_no_count_of_one_to_four_appears_on_the_page(client, survey, icb, admin_user):
    respond(survey, icb, 6)
    respond(survey, icb, 2, **{AnswerType.SINGLE_CHOICE: "Focused", AnswerType.YES_NO: "no"})
    body = results_page(client, admin_user, survey, icb).content.decode()
    main = body.split("<main", 1)[1].split("</main>", 1)[0]
    cells = re.findall(r'nhsuk-table__cell--numeric">\s*([^<]+?)\s*<', main)
    assert cells, "the page shows count cells"
    for cell in cells:
        assert cell == "Fewer than 5" or cell == "0" or int(cell.replace(",", "")) >= 5


def test_free_text_is_shown_to_administrators_only(client, survey, icb, admin_user):
    respond(survey, icb, 5)
    assert "More time to write" in results_page(client, admin_user, survey, icb).content.decode()
    for role in (Role.NATIONAL_ANALYST,):
        body = results_page(client, user_with_role(role), survey, icb).content.decode()
        assert "More time to write" not in body
        assert "read by administrators only" in body
    lead = user_with_role(Role.ICB_LEAD, icb)
    body = results_page(client, lead, survey).content.decode()
    assert "5 responses" in body and "More time to write" not in body


def test_a_question_answered_by_fewer_than_five_shows_nothing(client, survey, icb, admin_user):
    respond(survey, icb, 3)
    respond(survey, icb, 3, **{AnswerType.MULTIPLE_CHOICE: [], AnswerType.TEXT: ""})
    results = survey_results(survey=survey, icb=icb, with_free_text=True)
    by_type = {q.question.answer_type: q for q in results.questions}
    assert by_type[AnswerType.MULTIPLE_CHOICE].answered is None
    assert by_type[AnswerType.MULTIPLE_CHOICE].cells == []
    assert by_type[AnswerType.TEXT].texts is None
    assert by_type[AnswerType.SINGLE_CHOICE].answered == 6


def test_results_are_per_icb(survey, icb, other_icb):
    respond(survey, icb, 5)
    respond(survey, other_icb, 2)
    assert survey_results(survey=survey, icb=icb, with_free_text=False).total == 5
    assert survey_results(survey=survey, icb=other_icb, with_free_text=False).total is None


# -- Who sees which results ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LAC, Role.ICB_LEAD])
def test_the_icbs_lac_and_lead_see_its_results_and_no_other(client, role, survey, icb, other_icb):
    respond(survey, icb, 5)
    respond(survey, other_icb, 5)
    user = user_with_role(role, icb)
    own = results_page(client, user, survey)
    assert own.status_code == 200 and "NHS North Test ICB" in own.content.decode()
    assert results_page(client, user, survey, icb).status_code == 200
    assert results_page(client, user, survey, other_icb).status_code == 404
    assert client.get(reverse("governance:survey_results_list")).status_code == 200


@pytest.mark.parametrize(
    "role",
    [
        Role.REVIEWER,
        Role.SENIOR_REVIEWER,
        Role.PANEL_MEMBER,
        Role.PANEL_CHAIR,
        Role.REGIONAL_COORDINATOR,
    ],
)
def test_other_roles_see_no_results(client, role, survey, icb):
    respond(survey, icb, 5)
    user = user_with_role(role, icb) if role != Role.REGIONAL_COORDINATOR else user_with_role(role)
    assert results_page(client, user, survey, icb).status_code == 403
    assert client.get(reverse("governance:survey_results_list")).status_code == 403


@pytest.mark.parametrize("role", [Role.NATIONAL_ANALYST, Role.ADMINISTRATOR])
def test_national_analysts_and_administrators_see_every_icb(client, role, survey, icb, other_icb):
    respond(survey, icb, 5)
    respond(survey, other_icb, 6)
    user = user_with_role(role)
    assert "5 responses" in results_page(client, user, survey, icb).content.decode()
    assert "6 responses" in results_page(client, user, survey, other_icb).content.decode()
    assert "Select an ICB to see its results" in results_page(client, user, survey).content.decode()


def test_a_draft_survey_has_no_results_page(client, admin_user):
    from leder.governance.models import Survey
    from leder.governance.services.surveys import survey_save

    draft = survey_save(
        actor=admin_user, survey=Survey(slug="d", title="D", audience=SurveyAudience.STAFF)
    )
    assert results_page(client, admin_user, draft).status_code == 404


# -- Differencing and free text (issue 12) ------------------------------------------------------


def test_planted_answers_cannot_be_subtracted_to_reveal_a_real_one(survey, icb, settings):
    """One family answered; an attacker posts four answers they know. With the threshold alone a
    question would show 5 answers and the attacker could subtract their own; below the
    per-question minimum nothing at all is shown."""
    settings.LEDER_SURVEY_MIN_RESPONSES = 10
    respond(survey, icb, 1, **{AnswerType.SINGLE_CHOICE: "Focused"})
    respond(survey, icb, 4)
    results = survey_results(survey=survey, icb=icb, with_free_text=True)
    assert results.total == 5
    assert all(q.answered is None and not q.cells and q.texts is None for q in results.questions)
    respond(survey, icb, 5)
    results = survey_results(survey=survey, icb=icb, with_free_text=True)
    assert all(q.answered == 10 for q in results.questions)


def test_free_text_is_shown_redacted_and_its_reading_is_audited(client, survey, icb, admin_user):
    from leder.core.models import AuditAction, AuditEvent
    from leder.notifications.tests.factories import nhs_number

    number = nhs_number()
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    respond(
        survey,
        icb,
        1,
        **{AnswerType.TEXT: f"My son's NHS number is {spaced}, call me on 07700 900123"},
    )
    respond(survey, icb, 4)
    body = results_page(client, admin_user, survey, icb).content.decode()
    assert "More time to write" in body
    assert spaced not in body and number not in body and "07700 900123" not in body
    assert "[NHS NUMBER]" in body
    row = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=admin_user).last()
    assert "free-text" in row.summary and row.details["answers"] == 5
