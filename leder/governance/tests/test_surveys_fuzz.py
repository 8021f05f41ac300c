"""Fuzzing the public feedback survey (no account): every nasty value in every field, beside
valid answers, and hypothesis's random forms, answer a page, a redirect or a refusal, never a
server error (issue 11). The survey has one question of each answer type, so a new answer type
added to `make_survey` is fuzzed too."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from leder.accounts.models import Role
from leder.accounts.tests.factories import user_with_role
from leder.governance.models import SurveyAudience
from leder.governance.tests.test_surveys import answers, make_survey
from leder.notifications.tests.test_fuzz import FUZZ, NASTY, OK, TEXT
from leder.organisations.selectors import icbs_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return user_with_role(Role.ADMINISTRATOR)


def test_no_answer_to_the_public_survey_is_a_server_error(admin_user, settings):
    settings.LEDER_FEEDBACK_RATE_LIMIT_PER_HOUR = 100_000
    survey = make_survey(admin_user, audience=SurveyAudience.PUBLIC)
    url = reverse("feedback:survey", kwargs={"slug": survey.slug})
    client = Client(raise_request_exception=False)
    valid = {**answers(survey), "icb": str(icbs_open().first().pk)}
    for name in valid:
        for value in [*NASTY, None]:
            data = {k: v for k, v in valid.items() if k != name}
            if value is not None:
                data[name] = value
            response = client.post(url, data)
            assert response.status_code in OK, (name, value, response.status_code)

    @FUZZ
    @given(
        data=st.fixed_dictionaries(
            {name: st.one_of(TEXT, st.sampled_from(NASTY)) for name in valid}
        )
    )
    def post(data):
        response = client.post(url, data)
        assert response.status_code in OK, (data, response.status_code)

    post()
