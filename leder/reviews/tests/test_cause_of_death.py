"""The cause of death: the underlying cause, the flags, the certificate rules, the page and the
ICD-10 code search, bad input, and the permission matrix."""

import itertools
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.models import CaseState
from leder.casework.tests.factories import make_reviewer
from leder.core.models import AuditAction, AuditEvent
from leder.reviews import sections
from leder.reviews.models import Review, ReviewSection, ReviewVersion
from leder.reviews.services import questions as services

COMPLETE = {
    "a_text": "Aspiration pneumonia",
    "a_code": "J69.0",
    "b_text": "Dysphagia",
    "b_code": "r13",
    "ii1_text": "Epilepsy",
    "ii1_code": "G40.9",
    "coroner_referral": "yes",
    "inquest": "pending",
    "post_mortem": "no",
    "place_of_death": "hospital",
    "covid_status": "no",
    "covid_vaccination": "3",
}


def url(name: str, case, kind="initial", **kwargs) -> str:
    return reverse(f"reviews:{name}", kwargs={"reference": case.reference, "kind": kind, **kwargs})


def saved(review) -> ReviewSection | None:
    return ReviewSection.objects.filter(review=review, key="cause_of_death").first()


def written():
    return (
        list(ReviewSection.objects.order_by("pk").values_list("key", "data", "is_complete")),
        ReviewVersion.objects.count(),
        AuditEvent.objects.exclude(action=AuditAction.VIEW).count(),
    )


# -- The underlying cause -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filled", "expected"),
    [
        ("a", "a"),
        ("ab", "b"),
        ("abc", "c"),
        ("abcd", "d"),
        ("", None),
    ],
)
def test_the_underlying_cause_is_the_lowest_completed_line_of_part_one(filled, expected):
    data = {f"{line}_text": f"cause {line}" for line in filled}
    data |= {f"{line}_code": "J18.9" for line in filled}
    data |= {"ii1_text": "Part II never counts", "ii1_code": "I10"}
    cause = services.underlying_cause(data)
    assert (cause.line if cause else None) == expected
    if cause:
        assert cause.text == f"cause {expected}"
        assert (cause.code, cause.title) == ("J18.9", "Pneumonia, unspecified")


@given(st.lists(st.booleans(), min_size=4, max_size=4), st.booleans())
def test_the_underlying_cause_is_always_the_lowest_line_with_a_cause_written(filled, coded):
    data = {}
    for line, has_text in zip(services.PART_ONE, filled, strict=True):
        if has_text:
            data[f"{line}_text"] = f"cause {line}"
            if coded:
                data[f"{line}_code"] = "i219"
    cause = services.underlying_cause(data)
    written_lines = [line for line, has in zip(services.PART_ONE, filled, strict=True) if has]
    if not written_lines:
        assert cause is None
    else:
        assert cause.line == written_lines[-1]
        assert cause.code == ("I21.9" if coded else "")
    record = services.cause_of_death_record(data)
    assert record["underlying_cause_line"] == (written_lines[-1] if written_lines else "")
    # Part I must be filled from the top: any gap above a written line is an error.
    gap = any(not above and below for above, below in itertools.pairwise(filled))
    errors = services.cause_line_errors(data, complete=False)
    assert bool(errors) == gap


# -- Flags ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line_data", "condition", "found_in"),
    [
        ({"a_text": "Trisomy", "a_code": "Q90.9"}, "down_syndrome", "code"),
        ({"a_text": "Down's syndrome"}, "down_syndrome", "words"),
        ({"a_text": "Downs syndrome"}, "down_syndrome", "words"),
        ({"a_text": "Down syndrome", "a_code": "Q909"}, "down_syndrome", "code and words"),
        ({"a_text": "Quadriplegia", "a_code": "G80.0"}, "cerebral_palsy", "code"),
        ({"a_text": "Cerebral palsy"}, "cerebral_palsy", "words"),
        ({"a_text": "Severe learning disability"}, "learning_disability", "words"),
        ({"a_text": "Retardation", "a_code": "F79"}, "learning_disability", "code"),
        (
            {"a_text": "Pneumonia", "ii1_text": "Learning disabilities"},
            "learning_disability",
            "words",
        ),
    ],
)
def test_conditions_that_are_not_a_cause_of_death_are_flagged(line_data, condition, found_in):
    flags = services.cause_flags(line_data)
    assert len(flags) == 1
    assert flags[0]["condition"] == condition
    assert flags[0]["found_in"] == found_in


@pytest.mark.parametrize(
    "line_data",
    [
        {"a_text": "Aspiration pneumonia", "a_code": "J69.0"},
        {"a_text": "Broke down after a fall", "a_code": "W19"},
        {"a_text": "Epilepsy", "a_code": "G40.9"},
    ],
)
def test_ordinary_causes_are_not_flagged(line_data):
    assert services.cause_flags(line_data) == []


# -- The certificate rules ----------------------------------------------------------------------


def test_codes_must_be_valid_and_the_message_names_the_line():
    errors = services.cause_line_errors(
        {"a_text": "Pneumonia", "a_code": "J18.99", "ii2_text": "x", "ii2_code": "X"},
        complete=False,
    )
    assert errors["a_code"].startswith("Part I line (a): “J18.99” is not an ICD-10 code")
    assert errors["ii2_code"].startswith("Part II line 2: “X” is not an ICD-10 code")


def test_part_one_is_filled_from_the_top():
    errors = services.cause_line_errors({"a_text": "A", "c_text": "C"}, complete=False)
    assert errors == {
        "b_text": "Enter Part I line (b) before Part I line (c): Part I is filled from line (a) "
        "down, with no gaps"
    }


def test_a_code_needs_its_cause_written():
    errors = services.cause_line_errors({"a_code": "J18.9"}, complete=False)
    assert errors == {
        "a_text": "Enter the cause written on Part I line (a), as it is on the certificate"
    }


def test_complete_needs_line_a_and_a_code_for_the_underlying_cause():
    assert services.cause_line_errors({}, complete=False) == {}
    assert "a_text" in services.cause_line_errors({}, complete=True)
    errors = services.cause_line_errors(
        {"a_text": "Pneumonia", "a_code": "J18.9", "b_text": "Stroke"}, complete=True
    )
    assert errors == {
        "b_code": "Enter an ICD-10 code for Part I line (b): it is the underlying cause of death"
    }


# -- The service --------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_saving_stores_the_certificate_the_underlying_cause_and_the_flags(review, reviewer):
    services.cause_of_death_save(
        actor=reviewer,
        review=review,
        data=COMPLETE | {"ii1_text": "Down's syndrome", "ii1_code": "q909"},
        complete=True,
    )
    row = saved(review)
    assert row.is_complete
    assert row.data["b_code"] == "R13"
    assert row.data["ii1_code"] == "Q90.9"
    assert row.data["underlying_cause_line"] == "b"
    assert row.data["underlying_cause_code"] == "R13"
    assert row.data["underlying_cause_title"] == "Dysphagia"
    assert row.data["flags"] == [
        {"condition": "down_syndrome", "line": "ii1", "found_in": "code and words"}
    ]
    assert review.versions.count() == 1
    assert sections.get("cause_of_death").missing(Review.objects.get(pk=review.pk)) == []


def test_a_save_that_breaks_the_rules_writes_nothing(review, reviewer):
    before = written()
    with pytest.raises(ValidationError):
        services.cause_of_death_save(
            actor=reviewer, review=review, data={"a_text": "x", "a_code": "nope"}, complete=False
        )
    assert written() == before


def test_only_the_reviewer_can_save_the_cause_of_death(review, lac):
    with pytest.raises(PermissionDenied):
        services.cause_of_death_save(actor=lac, review=review, data=COMPLETE, complete=True)
    with pytest.raises(PermissionDenied):
        services.cause_of_death_code_use(actor=lac, review=review, line="a", code="J18.9")
    assert not ReviewSection.objects.exists()


def test_what_is_missing_names_each_gap(review, reviewer):
    section = sections.get("cause_of_death")
    assert section.missing(review) == ["Not started"]
    services.cause_of_death_save(
        actor=reviewer, review=review, data={"a_text": "Pneumonia"}, complete=False
    )
    problems = section.missing(Review.objects.get(pk=review.pk))
    assert problems[0] == (
        "Enter an ICD-10 code for Part I line (a): it is the underlying cause of death"
    )
    assert "Whether the death was referred to the coroner is not answered" in problems
    assert problems[-1] == "Not marked as complete"


def test_using_a_code_fills_an_empty_line_with_its_title(review, reviewer):
    services.cause_of_death_code_use(actor=reviewer, review=review, line="a", code="j189")
    row = saved(review)
    assert (row.data["a_text"], row.data["a_code"]) == ("Pneumonia, unspecified", "J18.9")
    assert row.data["underlying_cause_code"] == "J18.9"
    with pytest.raises(ValidationError):
        services.cause_of_death_code_use(actor=reviewer, review=review, line="c", code="I10")
    with pytest.raises(ValidationError):
        services.cause_of_death_code_use(actor=reviewer, review=review, line="a", code="X")
    assert saved(review).data == row.data


# -- The pages ----------------------------------------------------------------------------------


def test_the_page_starts_with_what_the_notification_said(client, case, review, reviewer):
    sign_in_verified(client, reviewer)
    page = client.get(url("cause_of_death", case)).content.decode()
    assert "Part I" in page and "Part II" in page
    assert "Find a code for Part I line (a)" in page
    place = case.notification.place_of_death
    if place in {"hospital", "home", "care_home", "hospice", "other"}:
        assert f'value="{place}" checked' in page


def test_a_complete_save_shows_the_underlying_cause(client, case, review, reviewer):
    sign_in_verified(client, reviewer)
    response = client.post(url("cause_of_death", case), COMPLETE | {"action": "complete"})
    assert response.status_code == 302
    assert saved(review).is_complete
    page = client.get(url("cause_of_death", case)).content.decode()
    assert "Underlying cause of death:" in page
    assert "Dysphagia (R13 Dysphagia), from Part I line (b)" in page


def test_a_draft_may_leave_answers_out(client, case, review, reviewer):
    sign_in_verified(client, reviewer)
    response = client.post(url("cause_of_death", case), {"a_text": "Pneumonia", "action": "draft"})
    assert response.status_code == 302
    row = saved(review)
    assert not row.is_complete
    assert row.data["underlying_cause_text"] == "Pneumonia"


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"a_text": "Pneumonia", "a_code": "J18.99"}, "Part I line (a): “J18.99” is not an ICD-10"),
        (
            {"a_text": "Pneumonia", "c_text": "Stroke"},
            "Enter Part I line (b) before Part I line (c)",
        ),
        (
            {"b_text": "Stroke", "action": "complete"},
            "Enter Part I line (a) before Part I line (b)",
        ),
        ({"a_text": "", "action": "complete"}, "Enter the cause on Part I line (a)"),
        ({"a_text": "Pneumonia", "a_code": "J18.9", "action": "complete"}, "Select where the"),
        ({"a_text": "Pneumonia", "covid_status": "perhaps"}, "Select whether the person had COVID"),
    ],
)
def test_bad_input_writes_nothing_and_keeps_what_was_typed(
    client, case, review, reviewer, posted, message
):
    sign_in_verified(client, reviewer)
    before = written()
    typed = {"ii1_text": "Learning disability typed here", "action": "draft"} | posted
    response = client.post(url("cause_of_death", case), typed)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert "Learning disability typed here" in page
    for value in posted.values():
        if value not in ("draft", "complete", "", "perhaps"):  # a radio cannot show a non-choice
            assert f'value="{value}"' in page
    assert written() == before


def test_find_a_code_saves_a_draft_then_searches_the_words_of_the_line(
    client, case, review, reviewer
):
    sign_in_verified(client, reviewer)
    response = client.post(
        url("cause_of_death", case),
        {"a_text": "Aspiration pneumonia", "ii1_text": "Epilepsy", "find": "a"},
    )
    assert response.status_code == 302
    target = urlsplit(response.url)
    assert target.path == url("cause_of_death_find", case)
    assert parse_qs(target.query) == {"line": ["a"], "q": ["Aspiration pneumonia"]}
    assert saved(review).data["ii1_text"] == "Epilepsy"  # nothing typed is lost
    page = client.get(response.url).content.decode()
    assert "Find an ICD-10 code for Part I line (a)" in page
    assert "J69.0 Pneumonitis due to food and vomit" in page
    response = client.post(
        url("cause_of_death_find", case),
        {"line": "a", "q": "Aspiration pneumonia", "code": "J69.0"},
    )
    assert response.status_code == 302
    assert response.url == url("cause_of_death", case) + "#a_code"
    row = saved(review)
    assert (row.data["a_text"], row.data["a_code"]) == ("Aspiration pneumonia", "J69.0")
    assert row.data["ii1_text"] == "Epilepsy"
    page = client.get(url("cause_of_death", case)).content.decode()
    assert "J69.0 added to Part I line (a)" in page
    assert 'value="J69.0"' in page


def test_find_lists_codes_by_code_and_refuses_a_code_not_listed(client, case, review, reviewer):
    sign_in_verified(client, reviewer)
    find = url("cause_of_death_find", case)
    page = client.get(find, {"line": "b", "q": "j18"}).content.decode()
    assert "J18.9 Pneumonia, unspecified" in page
    assert "Use this code" in page
    before = written()
    response = client.post(find, {"line": "b", "q": "j18", "code": "X"})
    assert "Select one of the codes listed" in response.content.decode()
    assert client.get(find, {"line": "z", "q": "x"}).status_code == 404
    page = client.get(find, {"line": "a", "q": "zzzzqq"}).content.decode()
    assert "No ICD-10 code matches" in page
    assert written() == before


def test_flags_are_explained_on_the_page(client, case, review, reviewer):
    sign_in_verified(client, reviewer)
    client.post(
        url("cause_of_death", case),
        {"a_text": "Pneumonia", "a_code": "J18.9", "ii1_text": "Cerebral palsy", "action": "draft"},
    )
    page = client.get(url("cause_of_death", case)).content.decode()
    assert "This cause of death is flagged for review" in page
    assert "Cerebral palsy is recorded on Part II line 1 (in the words written)." in page
    assert "lifelong conditions, not causes of death" in page


# -- The permission matrix ----------------------------------------------------------------------

PERSONAS = {
    "the_reviewer": (200, 200),
    "lac": (200, 403),
    "senior_reviewer": (200, 403),
    "another_reviewer": (404, 404),
    "panel_member": (404, 404),
    "other_icb_lac": (404, 404),
    "icb_lead": (403, 403),
    "administrator": (403, 403),
    "national_analyst": (403, 403),
}


@pytest.fixture
def world(icb, lac, case, review, reviewer):
    services.cause_of_death_save(actor=reviewer, review=review, data=COMPLETE, complete=True)
    other_icb = make_icb(name="NHS Other ICB")
    personas = {
        "the_reviewer": reviewer,
        "lac": lac,
        "senior_reviewer": user_with_role(Role.SENIOR_REVIEWER, icb),
        "another_reviewer": make_reviewer(icb).user,
        "panel_member": user_with_role(Role.PANEL_MEMBER, icb),
        "other_icb_lac": user_with_role(Role.LAC, other_icb),
        "icb_lead": user_with_role(Role.ICB_LEAD, icb),
        "administrator": user_with_role(Role.ADMINISTRATOR),
        "national_analyst": user_with_role(Role.NATIONAL_ANALYST),
    }
    urls = (url("cause_of_death", case), url("cause_of_death_find", case) + "?line=a&q=J18")
    return urls, personas


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_permission_matrix(client, world, persona):
    urls, personas = world
    sign_in_verified(client, personas[persona])
    assert tuple(client.get(u).status_code for u in urls) == PERSONAS[persona]


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "the_reviewer"])
def test_nobody_but_the_reviewer_can_save(client, world, persona):
    urls, personas = world
    sign_in_verified(client, personas[persona])
    before = written()
    page, find = PERSONAS[persona]
    expected = 403 if page == 200 else page
    assert client.post(urls[0], COMPLETE | {"a_text": "Changed"}).status_code == expected
    assert client.post(urls[1], {"line": "a", "q": "J18", "code": "J18.9"}).status_code == find
    assert written() == before


def test_readers_see_the_certificate_without_a_form(client, world):
    urls, personas = world
    sign_in_verified(client, personas["lac"])
    page = client.get(urls[0]).content.decode()
    assert "You can read this review but not change it" in page
    assert "Aspiration pneumonia (J69.0 Pneumonitis due to food and vomit)" in page
    assert "Find a code" not in page


def test_after_submission_the_reviewer_reads_only(client, world, case):
    urls, personas = world
    case.state = CaseState.QUALITY_ASSURANCE
    case.save(update_fields=["state"])
    sign_in_verified(client, personas["the_reviewer"])
    before = written()
    assert client.post(urls[0], COMPLETE).status_code == 302
    assert client.get(urls[1]).status_code == 302
    assert written() == before
