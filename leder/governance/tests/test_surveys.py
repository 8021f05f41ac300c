"""Feedback surveys: definitions in the admin (checked and audited), answering by staff and by
the public (validation per answer type, anonymity, the rate limit), and who sees which pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

import leder.governance.admin_surveys  # noqa: F401  (registers the survey admin, see report)
from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import today
from leder.governance.models import (
    AnswerType,
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)
from leder.governance.services.surveys import (
    survey_question_delete,
    survey_question_save,
    survey_response_submit,
    survey_save,
)

pytestmark = pytest.mark.django_db

ICB_ROLE_LIST = [
    Role.LAC,
    Role.REVIEWER,
    Role.SENIOR_REVIEWER,
    Role.PANEL_MEMBER,
    Role.PANEL_CHAIR,
    Role.ICB_LEAD,
]


@pytest.fixture
def icb():
    return make_icb(name="NHS North Test ICB", short_name="North Test ICB")


@pytest.fixture
def other_icb():
    return make_icb(name="NHS South Test ICB", short_name="South Test ICB")


@pytest.fixture
def admin_user():
    return user_with_role(Role.ADMINISTRATOR)


def make_survey(admin_user, *, audience=SurveyAudience.STAFF, anonymous=True, slug=None):
    """An open survey with one question of each answer type, through the services."""
    survey = survey_save(
        actor=admin_user,
        survey=Survey(
            slug=slug or f"{audience}-survey",
            title="Working on LeDeR" if audience == SurveyAudience.STAFF else "Your experience",
            introduction="Tell us how it went.\n\nIt takes five minutes.",
            audience=audience,
            anonymous=anonymous,
            status=SurveyStatus.DRAFT,
        ),
    )
    for order, (text, kind, options, required) in enumerate(
        [
            (
                "Which part of the review did you do?",
                AnswerType.SINGLE_CHOICE,
                ["Initial", "Focused"],
                True,
            ),
            (
                "What helped?",
                AnswerType.MULTIPLE_CHOICE,
                ["Training", "Supervision", "Time"],
                False,
            ),
            ("How supported did you feel?", AnswerType.SCALE, [], True),
            ("Would you review again?", AnswerType.YES_NO, [], True),
            ("Anything else?", AnswerType.TEXT, [], False),
        ],
        start=1,
    ):
        survey_question_save(
            actor=admin_user,
            question=SurveyQuestion(
                survey=survey,
                order=order,
                text=text,
                answer_type=kind,
                options=options,
                required=required,
            ),
        )
    survey.status = SurveyStatus.OPEN
    return survey_save(actor=admin_user, survey=survey)


def questions(survey) -> dict[str, SurveyQuestion]:
    return {q.answer_type: q for q in survey.questions.all()}


def answers(survey, **values) -> dict:
    """Valid answers (by field name), with `values` by answer type overriding them."""
    q = questions(survey)
    base = {
        AnswerType.SINGLE_CHOICE: "Initial",
        AnswerType.MULTIPLE_CHOICE: ["Time", "Training"],
        AnswerType.SCALE: "4",
        AnswerType.YES_NO: "yes",
        AnswerType.TEXT: "More time to write",
    }
    base.update(values)
    return {f"q{q[kind].pk}": value for kind, value in base.items()}


# -- Definitions --------------------------------------------------------------------------------


def test_survey_definitions_are_audited(admin_user):
    survey = make_survey(admin_user)
    events = AuditEvent.objects.filter(actor=admin_user).order_by("sequence")
    summaries = [e.summary for e in events]
    assert summaries[0] == "Survey “Working on LeDeR” created"
    assert sum(1 for s in summaries if s.startswith("Question added")) == 5
    assert events.last().details == {"changed": {"status": ["draft", "open"]}}
    assert survey.created_by == admin_user


@pytest.mark.parametrize("role", [*ICB_ROLE_LIST, Role.NATIONAL_ANALYST])
def test_only_administrators_define_surveys(role, admin_user):
    with pytest.raises(PermissionDenied):
        survey_save(
            actor=user_with_role(role),
            survey=Survey(slug="x", title="x", audience=SurveyAudience.STAFF),
        )
    assert not Survey.objects.exists()


def test_choice_questions_need_two_options_and_others_none(admin_user):
    survey = make_survey(admin_user, slug="another")
    for kind, options, field in [
        (AnswerType.SINGLE_CHOICE, ["Only one"], "options"),
        (AnswerType.MULTIPLE_CHOICE, [], "options"),
        (AnswerType.SCALE, ["1", "2"], "options"),
        (AnswerType.TEXT, "", "text"),
    ]:
        with pytest.raises(ValidationError) as refused:
            survey_question_save(
                actor=admin_user,
                question=SurveyQuestion(
                    survey=survey,
                    order=9,
                    text="" if field == "text" else "Q",
                    answer_type=kind,
                    options=options,
                ),
            )
        assert field in refused.value.message_dict
    assert survey.questions.count() == 5


def test_a_public_survey_is_always_anonymous(admin_user):
    with pytest.raises(ValidationError) as refused:
        survey_save(
            actor=admin_user,
            survey=Survey(slug="p", title="P", audience=SurveyAudience.PUBLIC, anonymous=False),
        )
    assert "always anonymous" in refused.value.message_dict["anonymous"][0]


def test_a_survey_opens_only_with_questions(admin_user):
    survey = survey_save(
        actor=admin_user, survey=Survey(slug="s", title="S", audience=SurveyAudience.STAFF)
    )
    survey.status = SurveyStatus.OPEN
    with pytest.raises(ValidationError):
        survey_save(actor=admin_user, survey=survey)
    assert Survey.objects.get().status == SurveyStatus.DRAFT


def test_questions_are_fixed_once_anyone_has_answered(admin_user, icb):
    survey = make_survey(admin_user)
    survey_response_submit(
        survey=survey, icb=icb, answers=answers(survey), respondent=user_with_role(Role.LAC, icb)
    )
    question = questions(survey)[AnswerType.SINGLE_CHOICE]
    question.options = ["Initial", "Focused", "Both"]
    with pytest.raises(ValidationError):
        survey_question_save(actor=admin_user, question=question)
    with pytest.raises(ValidationError):
        survey_question_delete(actor=admin_user, question=question)
    survey.anonymous = False
    with pytest.raises(ValidationError):
        survey_save(actor=admin_user, survey=survey)
    question.refresh_from_db()
    assert question.options == ["Initial", "Focused"]
    assert Survey.objects.get().anonymous is True


def test_administrators_define_a_survey_in_the_admin(client, admin_user):
    sign_in_verified(client, admin_user)
    response = client.post(
        reverse("admin:governance_survey_add"),
        {
            "title": "Families' views",
            "slug": "families-views",
            "introduction": "",
            "audience": SurveyAudience.PUBLIC,
            "anonymous": "on",
            "status": SurveyStatus.DRAFT,
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "0",
            "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000",
            "questions-0-order": "1",
            "questions-0-text": "How were you involved?",
            "questions-0-hint": "",
            "questions-0-answer_type": AnswerType.SINGLE_CHOICE,
            "questions-0-options": "Told about it\nAsked my views\n\nAsked my views",
            "questions-0-required": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    survey = Survey.objects.get()
    assert survey.created_by == admin_user
    assert survey.questions.get().options == ["Told about it", "Asked my views"]
    assert AuditEvent.objects.filter(
        actor=admin_user, object_type="governance.SurveyQuestion", action=AuditAction.CREATE
    ).exists()


def test_the_admin_shows_the_services_refusals(client, admin_user):
    sign_in_verified(client, admin_user)
    response = client.post(
        reverse("admin:governance_survey_add"),
        {
            "title": "Families' views",
            "slug": "families-views",
            "audience": SurveyAudience.PUBLIC,
            "status": SurveyStatus.DRAFT,
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "0",
            "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000",
            "questions-0-order": "1",
            "questions-0-text": "Pick",
            "questions-0-answer_type": AnswerType.MULTIPLE_CHOICE,
            "questions-0-options": "Only one",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "always anonymous" in body
    assert "Give at least 2 options, one a line" in body
    assert not Survey.objects.exists()


@pytest.mark.parametrize("role", [Role.LAC, Role.ICB_LEAD, Role.NATIONAL_ANALYST])
def test_other_roles_cannot_reach_the_survey_admin(client, role):
    user = user_with_role(role)
    user.is_staff = True
    user.save()
    sign_in_verified(client, user)
    assert client.get(reverse("admin:governance_survey_add")).status_code in (302, 403)
    assert client.get(reverse("admin:governance_survey_changelist")).status_code in (302, 403)


# -- Answering: validation per answer type ------------------------------------------------------


@pytest.mark.parametrize(
    "kind,value,message",
    [
        (
            AnswerType.SINGLE_CHOICE,
            "",
            "Select an answer to “Which part of the review did you do?”",
        ),
        (
            AnswerType.SINGLE_CHOICE,
            "Neither",
            "Select an answer to “Which part of the review did you do?” from the list",
        ),
        (
            AnswerType.MULTIPLE_CHOICE,
            ["Time", "Money"],
            "Select answers to “What helped?” from the list",
        ),
        (AnswerType.SCALE, "", "Select an answer to “How supported did you feel?”"),
        (
            AnswerType.SCALE,
            "6",
            "Select a number from 1 to 5 to answer “How supported did you feel?”",
        ),
        (
            AnswerType.SCALE,
            "0",
            "Select a number from 1 to 5 to answer “How supported did you feel?”",
        ),
        (AnswerType.YES_NO, "maybe", "Select an answer to “Would you review again?” from the list"),
        (
            AnswerType.TEXT,
            "x" * 2001,
            "Your answer to “Anything else?” must be 2,000 characters or fewer",
        ),
    ],
)
def test_each_answer_type_is_validated(admin_user, icb, kind, value, message):
    survey = make_survey(admin_user)
    with pytest.raises(ValidationError) as refused:
        survey_response_submit(
            survey=survey,
            icb=icb,
            answers=answers(survey, **{kind: value}),
            respondent=user_with_role(Role.LAC, icb),
        )
    assert refused.value.message_dict == {f"q{questions(survey)[kind].pk}": [message]}
    assert not SurveyResponse.objects.exists() and not SurveyAnswer.objects.exists()


def test_answers_are_stored_by_type_and_optional_ones_may_be_blank(admin_user, icb):
    survey = make_survey(admin_user)
    response = survey_response_submit(
        survey=survey,
        icb=icb,
        answers=answers(survey, **{AnswerType.MULTIPLE_CHOICE: [], AnswerType.TEXT: "  "}),
        respondent=user_with_role(Role.LAC, icb),
    )
    stored = {a.question.answer_type: a.value for a in response.answers.select_related("question")}
    assert stored == {
        AnswerType.SINGLE_CHOICE: "Initial",
        AnswerType.SCALE: 4,
        AnswerType.YES_NO: "yes",
    }
    response = survey_response_submit(
        survey=survey,
        icb=icb,
        answers=answers(survey),
        respondent=user_with_role(Role.LAC, icb),
    )
    # Options are stored in the survey's order, whatever order they came in.
    assert response.answers.get(question__answer_type=AnswerType.MULTIPLE_CHOICE).value == [
        "Training",
        "Time",
    ]


def test_the_page_shows_every_problem_beside_its_question(client, admin_user, icb):
    survey = make_survey(admin_user)
    sign_in_verified(client, user_with_role(Role.REVIEWER, icb))
    response = client.post(reverse("governance:survey_answer", kwargs={"slug": survey.slug}), {})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    for text in (
        "Which part of the review did you do?",
        "How supported did you feel?",
        "Would you review again?",
    ):
        assert f"Select an answer to “{text}”" in body.replace("&#8220;", "“").replace(
            "&#8221;", "”"
        )
    assert not SurveyResponse.objects.exists()


# -- Anonymity ----------------------------------------------------------------------------------


def test_an_anonymous_staff_response_records_no_respondent_and_only_the_day(
    client, admin_user, icb
):
    survey = make_survey(admin_user, anonymous=True)
    staff = user_with_role(Role.REVIEWER, icb)
    sign_in_verified(client, staff)
    before = AuditEvent.objects.count()

    response = client.post(
        reverse("governance:survey_answer", kwargs={"slug": survey.slug}), answers(survey)
    )

    assert response.status_code == 302
    stored = SurveyResponse.objects.get()
    assert stored.respondent is None
    assert stored.icb == icb
    assert stored.submitted_on == today()
    assert {f.name for f in SurveyResponse._meta.concrete_fields} == {
        "id",
        "survey",
        "icb",
        "respondent",
        "submitted_on",
    }
    # No audit row names them beside the response (see services.surveys).
    assert (
        not AuditEvent.objects.filter(sequence__gt=before, actor=staff)
        .exclude(action=AuditAction.VIEW)
        .exists()
    )
    assert not AuditEvent.objects.filter(object_type="governance.SurveyResponse").exists()


def test_a_named_staff_response_records_the_respondent_once(client, admin_user, icb):
    survey = make_survey(admin_user, anonymous=False)
    staff = user_with_role(Role.LAC, icb)
    survey_response_submit(survey=survey, icb=icb, answers=answers(survey), respondent=staff)
    stored = SurveyResponse.objects.get()
    assert stored.respondent == staff
    assert AuditEvent.objects.filter(
        object_type="governance.SurveyResponse", object_id=str(stored.pk), actor=staff
    ).exists()

    with pytest.raises(ValidationError):
        survey_response_submit(survey=survey, icb=icb, answers=answers(survey), respondent=staff)
    sign_in_verified(client, staff)
    page = client.get(reverse("governance:survey_answer", kwargs={"slug": survey.slug}))
    assert "You have already answered this survey" in page.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_a_public_response_records_no_respondent_even_when_signed_in(client, admin_user, icb):
    survey = make_survey(admin_user, audience=SurveyAudience.PUBLIC)
    staff = user_with_role(Role.LAC, icb)
    response = survey_response_submit(
        survey=survey, icb=icb, answers=answers(survey), respondent=staff
    )
    assert response.respondent is None


def test_staff_with_several_icbs_choose_which_they_answer_for(client, admin_user, icb, other_icb):
    survey = make_survey(admin_user)
    staff = user_with_role(Role.LAC, icb)
    from leder.accounts.tests.factories import MembershipFactory

    MembershipFactory(user=staff, role=Role.REVIEWER, organisation=other_icb)
    sign_in_verified(client, staff)
    url = reverse("governance:survey_answer", kwargs={"slug": survey.slug})
    assert "Which ICB are you answering for?" in client.get(url).content.decode()

    missing = client.post(url, answers(survey))
    assert "Select the ICB you are answering for" in missing.content.decode()
    assert not SurveyResponse.objects.exists()

    client.post(url, {**answers(survey), "icb": other_icb.pk})
    assert SurveyResponse.objects.get().icb == other_icb


def test_staff_cannot_answer_for_an_icb_where_they_hold_no_role(admin_user, icb, other_icb):
    survey = make_survey(admin_user)
    with pytest.raises(PermissionDenied):
        survey_response_submit(
            survey=survey,
            icb=other_icb,
            answers=answers(survey),
            respondent=user_with_role(Role.LAC, icb),
        )
    assert not SurveyResponse.objects.exists()


# -- The public page ----------------------------------------------------------------------------


def test_the_public_answer_with_no_account_choosing_their_area(client, admin_user):
    survey = make_survey(admin_user, audience=SurveyAudience.PUBLIC)
    url = reverse("feedback:survey", kwargs={"slug": survey.slug})
    assert url == "/feedback/public-survey"
    page = client.get(url)
    assert page.status_code == 200
    assert "Where do you live?" in page.content.decode()

    from leder.organisations.selectors import icbs_open

    area = icbs_open().first()
    response = client.post(url, {**answers(survey), "icb": area.pk})

    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:thanks", kwargs={"slug": survey.slug})
    stored = SurveyResponse.objects.get()
    assert (stored.icb, stored.respondent) == (area, None)
    assert client.get(response["Location"]).status_code == 200


def test_the_public_page_needs_an_area(client, admin_user):
    survey = make_survey(admin_user, audience=SurveyAudience.PUBLIC)
    url = reverse("feedback:survey", kwargs={"slug": survey.slug})
    response = client.post(url, answers(survey))
    assert "Select your area" in response.content.decode()
    response = client.post(url, {**answers(survey), "icb": "999999"})
    assert "Select an area from the list" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_public_posts_are_rate_limited(client, admin_user, settings):
    settings.LEDER_FEEDBACK_RATE_LIMIT_PER_HOUR = 2
    survey = make_survey(admin_user, audience=SurveyAudience.PUBLIC)
    url = reverse("feedback:survey", kwargs={"slug": survey.slug})
    from leder.organisations.selectors import icbs_open

    data = {**answers(survey), "icb": icbs_open().first().pk}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    refused = client.post(url, data)
    assert refused.status_code == 429
    assert "too many answers" in refused.content.decode()
    assert SurveyResponse.objects.count() == 2
    assert client.get(url).status_code == 200  # reading is never limited


def test_draft_and_staff_surveys_are_not_public(client, admin_user):
    staff_survey = make_survey(admin_user)
    assert client.get(f"/feedback/{staff_survey.slug}").status_code == 404
    draft = survey_save(
        actor=admin_user,
        survey=Survey(slug="draft-one", title="D", audience=SurveyAudience.PUBLIC),
    )
    assert client.get(f"/feedback/{draft.slug}").status_code == 404
    assert client.get("/feedback/no-such-survey").status_code == 404


def test_a_closed_survey_says_so_and_takes_no_answers(client, admin_user):
    survey = make_survey(admin_user, audience=SurveyAudience.PUBLIC)
    survey.status = SurveyStatus.CLOSED
    survey_save(actor=admin_user, survey=survey)
    url = reverse("feedback:survey", kwargs={"slug": survey.slug})
    assert "This survey has closed" in client.get(url).content.decode()
    client.post(url, answers(survey))
    assert not SurveyResponse.objects.exists()
    with pytest.raises(ValidationError):
        survey_response_submit(survey=survey, icb=make_icb(), answers=answers(survey))


# -- Staff pages: the permission matrix ---------------------------------------------------------


@pytest.mark.parametrize("role", ICB_ROLE_LIST)
def test_every_icb_role_answers_staff_surveys(client, role, admin_user, icb):
    survey = make_survey(admin_user)
    sign_in_verified(client, user_with_role(role, icb))
    assert client.get(reverse("governance:surveys")).status_code == 200
    assert (
        client.get(reverse("governance:survey_answer", kwargs={"slug": survey.slug})).status_code
        == 200
    )
    response = client.post(
        reverse("governance:survey_answer", kwargs={"slug": survey.slug}), answers(survey)
    )
    assert response.status_code == 302
    assert SurveyResponse.objects.get().icb == icb


@pytest.mark.parametrize(
    "role", [Role.REGIONAL_COORDINATOR, Role.NATIONAL_ANALYST, Role.ADMINISTRATOR]
)
def test_users_without_an_icb_role_cannot_answer_staff_surveys(client, role, admin_user):
    survey = make_survey(admin_user)
    sign_in_verified(client, user_with_role(role))
    url = reverse("governance:survey_answer", kwargs={"slug": survey.slug})
    assert client.get(reverse("governance:surveys")).status_code == 403
    assert client.get(url).status_code == 403
    assert client.post(url, answers(survey)).status_code == 403
    assert not SurveyResponse.objects.exists()


def test_anonymous_users_are_sent_to_sign_in_for_staff_pages(client, admin_user):
    survey = make_survey(admin_user)
    for url in (
        reverse("governance:surveys"),
        reverse("governance:survey_answer", kwargs={"slug": survey.slug}),
        reverse("governance:survey_results_list"),
        reverse("governance:survey_results", kwargs={"slug": survey.slug}),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/account/" in response["Location"], url


def test_public_and_draft_surveys_are_not_staff_surveys(client, admin_user, icb):
    public = make_survey(admin_user, audience=SurveyAudience.PUBLIC)
    draft = survey_save(
        actor=admin_user, survey=Survey(slug="draft", title="D", audience=SurveyAudience.STAFF)
    )
    sign_in_verified(client, user_with_role(Role.LAC, icb))
    for slug in (public.slug, draft.slug):
        assert (
            client.get(reverse("governance:survey_answer", kwargs={"slug": slug})).status_code
            == 404
        )
