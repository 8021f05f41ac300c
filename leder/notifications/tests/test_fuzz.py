"""Fuzzing every step of the public notification form: whatever is posted to any field (NUL,
huge numbers, long text, other scripts, missing or extra fields), the answer is a page or a
redirect, a refusal (400/413), never a server error. A new field or step is fuzzed as soon as
it is added to `wizard.STEPS`. (The API is fuzzed by leder/api/tests/test_schemathesis.py.)

Two passes per step: every nasty value in every field, one field at a time, the others valid
(a bad value beside valid ones reaches furthest: a huge day with a real month and year is what
overflowed `date()`); then hypothesis's random forms, a few examples."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leder.core.fields import NHSDateWidget
from leder.notifications.tests.test_public_form import CHECK_URL, answer_pages_before, pages
from leder.notifications.wizard import SESSION_KEY, STEPS
from leder.organisations.tests.factories import IcbFactory

pytestmark = pytest.mark.django_db

NASTY = [
    "\x00",
    "a\x00b",
    "9" * 40,
    "99999999999999999999",
    "-1",
    "0",
    "²",
    "x" * 3_000,
    "<script>alert(1)</script>",
    "Zoë Ó'Brien-Ñúñez",
    " ",
]
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60)


def field_names(step) -> dict[str, list[str]]:
    """The names a step's form posts, with the valid values of choice fields."""
    names: dict[str, list[str]] = {}
    for name, field in step.form_class().fields.items():
        choices = [str(value) for value, _ in getattr(field, "choices", []) if value != ""]
        if isinstance(field.widget, NHSDateWidget):
            for part in ("day", "month", "year"):
                names[f"{name}_{part}"] = []
        else:
            names[name] = choices
    return names


def values_for(choices: list[str]):
    options = [TEXT, st.sampled_from(NASTY), st.integers().map(str)]
    if choices:
        options.insert(0, st.sampled_from(choices))
    return st.one_of(*options)


def form_data(step):
    names = field_names(step)
    fields = {name: st.one_of(st.none(), values_for(choices)) for name, choices in names.items()}
    extra = st.dictionaries(TEXT.filter(lambda key: key not in names), TEXT, max_size=2)
    return st.tuples(st.fixed_dictionaries(fields), extra).map(
        lambda pair: {k: v for k, v in {**pair[0], **pair[1]}.items() if v is not None}
    )


@pytest.fixture
def unlimited(settings):
    settings.LEDER_NOTIFY_STEP_RATE_LIMIT_PER_MINUTE = 100_000
    settings.LEDER_NOTIFY_RATE_LIMIT_PER_HOUR = 100_000


OK = (200, 302, 400, 413)
FUZZ = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("step", STEPS, ids=[step.slug for step in STEPS])
def test_no_answer_to_any_step_is_a_server_error(step, unlimited):
    client = Client(raise_request_exception=False)
    answers = pages(IcbFactory())
    answer_pages_before(client, answers, step.slug)

    valid = answers[step.slug]
    for name in field_names(step):
        for value in [*NASTY, None]:
            data = (
                {**valid, name: value}
                if value is not None
                else {k: v for k, v in valid.items() if k != name}
            )
            response = client.post(step.url, data)
            assert response.status_code in OK, (name, value, response.status_code)

    @FUZZ
    @given(data=form_data(step))
    def post(data):
        response = client.post(step.url, data)
        assert response.status_code in OK, (data, response.status_code)

    post()


def test_no_submission_of_the_check_page_is_a_server_error(unlimited):
    client = Client(raise_request_exception=False)
    answers = pages(IcbFactory())
    answer_pages_before(client, answers, "concerns-detail")
    client.post(STEPS[-1].url, answers["concerns-detail"])
    key = client.session[SESSION_KEY]["submission_key"]

    @FUZZ
    @given(submission_key=st.one_of(st.just(key), TEXT, st.sampled_from(NASTY)))
    def post(submission_key):
        response = client.post(CHECK_URL, {"submission_key": submission_key})
        assert response.status_code in OK, (submission_key, response)

    post()
