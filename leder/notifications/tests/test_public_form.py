"""The public notification form at /notify, through the test client: every page, check your
answers, the confirmation, and every way the input can be wrong (a clear message in the error
summary, nothing stored)."""

import re
from html.parser import HTMLParser

import nhs_number
import pytest
from django.urls import reverse

from leder.notifications.models import (
    Channel,
    DuplicateFlag,
    EligibilityDecision,
    Notification,
    NotificationSource,
)
from leder.notifications.wizard import SESSION_KEY, STEPS
from leder.organisations.tests.factories import GpPracticeFactory, IcbFactory

pytestmark = pytest.mark.django_db

CHECK_URL = reverse("notifications:check")
VALID_NHS_NUMBER = "9990000018"


def step_url(slug: str) -> str:
    return reverse("notifications:step", args=[slug])


def pages(icb, **changes) -> dict[str, dict]:
    """What a family member answers on each page; `changes` replaces whole pages."""
    answers = {
        "you": {"relationship": "family"},
        "your-details": {"name": "Ann Oduya", "email": "ann@example.com", "phone": ""},
        "person": {"given_name": "Margaret", "family_name": "Oduya", "other_names": "Peggy"},
        "dates": {
            "date_of_birth_day": "4",
            "date_of_birth_month": "3",
            "date_of_birth_year": "1961",
            "date_of_death_day": "10",
            "date_of_death_month": "5",
            "date_of_death_year": "2025",
        },
        "nhs-number": {"nhs_number": "999 000 0018"},
        "address": {"address": "1 High Street\r\nLeeds", "postcode": "ls1 4ap"},
        "gp": {"gp_practice_text": "The Surgery, Leeds"},
        "area": {"icb": str(icb.pk)},
        "about-person": {"has_learning_disability": "yes", "is_autistic": "not_sure"},
        "equality": {"sex": "female", "ethnic_category": "N"},
        "death": {
            "place_of_death": "hospital",
            "place_of_death_detail": "Leeds General Infirmary",
            "died_in_england": "yes",
            "circumstances": "She had pneumonia.\r\n\r\nShe was in hospital for a week.",
        },
        "covid": {"covid": "no"},
        "concerns": {"has_care_concerns": "yes"},
        "concerns-detail": {"care_concerns": "Her constipation was not treated."},
    }
    answers.update(changes)
    return answers


def answer_every_page(client, answers: dict[str, dict]) -> list[str]:
    """Answer each page the form leads to, from the first, until the check page. Returns the
    slugs of the pages shown."""
    url = step_url(STEPS[0].slug)
    assert client.get(url).status_code == 200
    shown = []
    while url != CHECK_URL:
        slug = url.split("/")[-1]
        shown.append(slug)
        response = client.post(url, answers[slug])
        assert response.status_code == 302, (slug, summary_errors(response))
        url = response["Location"]
    return shown


def submit(client):
    return client.post(CHECK_URL, {"submission_key": client.session[SESSION_KEY]["submission_key"]})


class _ErrorSummary(HTMLParser):
    """The (text, href) of each link in the NHS.UK error summary."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.items: list[tuple[str, str]] = []
        self._href = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += 1
            if tag == "a":
                self._href = attrs.get("href")
                self.items.append(("", self._href))
        elif "nhsuk-error-summary" in (attrs.get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            if tag == "a":
                self._href = None

    def handle_data(self, data):
        if self._href is not None:
            text, href = self.items[-1]
            self.items[-1] = ((text + data).strip(), href)


def summary_errors(response) -> list[tuple[str, str]]:
    parser = _ErrorSummary()
    parser.feed(response.content.decode())
    return parser.items


def squashed(response) -> str:
    """The page with each run of whitespace made one space (the NHS.UK macros emit plenty)."""
    return re.sub(r"\s+", " ", response.content.decode())


def back_link(response) -> str:
    return re.search(r'class="nhsuk-back-link" href="([^"]*)"', squashed(response)).group(1)


def page_title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


@pytest.fixture
def icb():
    return IcbFactory(name="NHS West Yorkshire Integrated Care Board", short_name="West Yorkshire")


# --- the happy path ----------------------------------------------------------------------------


def test_start_page_leads_to_the_first_question_and_the_easy_read_page(client):
    response = client.get(reverse("notifications:start"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{step_url("you")}"' in html
    assert f'href="{reverse("notifications:about_easy_read")}"' in html


def test_a_family_member_notifies_a_death_and_exactly_one_notification_is_stored(client, icb):
    shown = answer_every_page(client, pages(icb))
    assert shown == [step.slug for step in STEPS]
    assert Notification.objects.count() == 0, "nothing is stored before the notifier sends it"

    response = submit(client)

    notification = Notification.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:done", args=[notification.reference])
    assert re.fullmatch(r"LDR-\d{4}-\d{6}", notification.reference)
    assert notification.channel == Channel.ONLINE
    assert (notification.given_name, notification.family_name) == ("Margaret", "Oduya")
    assert notification.other_names == "Peggy"
    assert str(notification.date_of_birth) == "1961-03-04"
    assert str(notification.date_of_death) == "2025-05-10"
    assert notification.nhs_number == VALID_NHS_NUMBER
    assert notification.address == "1 High Street\nLeeds"
    assert notification.postcode == "LS1 4AP"
    assert notification.gp_practice is None
    assert notification.gp_practice_text == "The Surgery, Leeds"
    assert notification.icb == icb
    assert notification.has_learning_disability == "yes"
    assert notification.is_autistic == "not_sure"
    assert notification.sex == "female"
    assert notification.ethnic_category_id == "N"
    assert notification.place_of_death == "hospital"
    assert notification.place_of_death_detail == "Leeds General Infirmary"
    assert notification.died_in_england == "yes"
    assert notification.circumstances.startswith("She had pneumonia.")
    assert notification.covid == "no"
    assert notification.has_care_concerns == "yes"
    assert notification.care_concerns == "Her constipation was not treated."
    assert notification.eligibility_outcome == "eligible"
    assert EligibilityDecision.objects.filter(notification=notification).count() == 1

    source = NotificationSource.objects.get()
    assert source.notification == notification
    assert source.channel == Channel.ONLINE
    assert source.relationship == "family"
    assert (source.name, source.email, source.phone) == ("Ann Oduya", "ann@example.com", "")
    assert source.recorded_by is None
    assert source.original_reference == notification.reference

    assert SESSION_KEY not in client.session, "the answers are forgotten once sent"


def test_the_confirmation_shows_the_reference_and_the_outcome_in_plain_words(client, icb):
    answer_every_page(client, pages(icb))
    done = client.get(submit(client)["Location"])
    html = done.content.decode()
    notification = Notification.objects.get()
    assert done.status_code == 200
    assert "nhsuk-panel" in html
    assert notification.reference in html
    assert "From what you have told us, we will review this death." in html
    assert "We are sending you an e-mail" in html


def test_a_notifier_without_an_e_mail_address_is_told_to_keep_the_reference(client, icb):
    details = {"name": "Ann Oduya", "email": "", "phone": "07700 900982"}
    answer_every_page(client, pages(icb, **{"your-details": details}))
    html = client.get(submit(client)["Location"]).content.decode()
    assert "Write down your reference number" in html
    assert "We are sending you an e-mail" not in html


def test_the_acknowledgement_e_mail_is_sent_after_the_notification_is_saved(
    client, icb, mailoutbox, django_capture_on_commit_callbacks
):
    answer_every_page(client, pages(icb))
    with django_capture_on_commit_callbacks(execute=True):
        submit(client)
    reference = Notification.objects.get().reference
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ann@example.com"]
    assert reference in mailoutbox[0].subject
    assert reference in mailoutbox[0].body
    assert "From what you have told us, we will review this death." in mailoutbox[0].body


def test_a_person_not_eligible_is_told_so_in_plain_words(client, icb):
    about = {"has_learning_disability": "no", "is_autistic": "no"}
    answer_every_page(client, pages(icb, **{"about-person": about}))
    html = client.get(submit(client)["Location"]).content.decode()
    assert "we cannot review this death" in html


# --- navigation --------------------------------------------------------------------------------


def test_a_later_page_without_earlier_answers_sends_the_notifier_to_the_first_unanswered(
    client, icb
):
    assert client.get(step_url("dates"))["Location"] == step_url("you")
    client.post(step_url("you"), {"relationship": "friend"})
    assert client.get(step_url("covid"))["Location"] == step_url("your-details")
    assert client.get(CHECK_URL)["Location"] == step_url("your-details")


def test_each_page_has_one_h1_a_back_link_and_a_continue_button(client, icb):
    answers = pages(icb)
    previous = reverse("notifications:start")
    for step in STEPS:
        response = client.get(step.url)
        html = response.content.decode()
        assert html.count("<h1") == 1, step.slug
        assert back_link(response) == previous, step.slug
        assert "Continue" in html
        assert reverse("notifications:about_easy_read") in html
        client.post(step.url, answers[step.slug])
        previous = step.url


def test_a_gp_practice_we_know_answers_the_area_question(client, icb):
    practice = GpPracticeFactory(ods_code="B86001", name="Church Street Surgery", icb=icb)
    answers = pages(icb, gp={"gp_practice_text": "b86001"})
    shown = answer_every_page(client, answers)

    assert "area" not in shown
    html = client.get(CHECK_URL).content.decode()
    assert "West Yorkshire (from their GP practice)" in html
    assert "Church Street Surgery (B86001)" in html
    submit(client)
    notification = Notification.objects.get()
    assert notification.gp_practice == practice
    assert notification.icb == icb


def test_the_area_from_the_gp_practice_can_be_changed(client, icb):
    GpPracticeFactory(ods_code="B86001", name="Church Street Surgery", icb=icb)
    other = IcbFactory(short_name="Humber and North Yorkshire")
    answer_every_page(client, pages(icb, gp={"gp_practice_text": "B86001"}))

    response = client.post(f"{step_url('area')}?change=1", {"icb": str(other.pk)})

    assert response["Location"] == CHECK_URL
    assert "Humber and North Yorkshire" in client.get(CHECK_URL).content.decode()
    submit(client)
    assert Notification.objects.get().icb == other


# --- check your answers ------------------------------------------------------------------------


def test_check_answers_shows_every_answer_formatted_with_a_change_link(client, icb):
    answer_every_page(client, pages(icb))
    response = client.get(CHECK_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Margaret Oduya" in html
    assert "4 March 1961" in html and "10 May 2025" in html
    assert "999 000 0018" in html
    assert "1 High Street<br>Leeds<br>LS1 4AP" in html
    assert "Family member" in html
    assert "In hospital: Leeds General Infirmary" in html
    assert "<p>She had pneumonia.</p><p>She was in hospital for a week.</p>" in html
    assert "Black or Black British - African" in html
    for step in STEPS:
        assert f'href="{step.url}?change=1"' in html, step.slug


def test_answers_are_escaped_on_the_check_page(client, icb):
    person = {"given_name": "<script>alert(1)</script>", "family_name": "O'Brien"}
    answer_every_page(client, pages(icb, person=person))
    html = client.get(CHECK_URL).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_a_change_link_returns_to_check_answers_after_saving(client, icb):
    answer_every_page(client, pages(icb))
    page = client.get(f"{step_url('person')}?change=1")
    assert back_link(page) == CHECK_URL
    assert 'value="Margaret"' in page.content.decode(), "the page shows the answer given"

    response = client.post(
        f"{step_url('person')}?change=1",
        {"given_name": "Maggie", "family_name": "Oduya", "other_names": ""},
    )

    assert response["Location"] == CHECK_URL
    html = client.get(CHECK_URL).content.decode()
    assert "Maggie Oduya" in html
    submit(client)
    assert Notification.objects.get().given_name == "Maggie"


def test_changing_to_a_professional_asks_for_their_organisation_before_check(client, icb):
    answer_every_page(client, pages(icb))

    response = client.post(f"{step_url('you')}?change=1", {"relationship": "hospital"})

    assert response["Location"] == f"{step_url('your-details')}?change=1"
    assert client.get(CHECK_URL)["Location"] == step_url("your-details")
    missing = client.post(
        f"{step_url('your-details')}?change=1",
        {"name": "Dr Ann Oduya", "email": "ann@example.com", "phone": ""},
    )
    assert ("Enter the name of the organisation you work for", "#id_organisation_name") in (
        summary_errors(missing)
    )


# --- bad input: a specific message, nothing stored ---------------------------------------------

MISSING_ANSWERS = [
    ("you", {}, "Select how you knew the person who died", "#id_relationship"),
    ("your-details", {}, "Enter your full name", "#id_name"),
    ("person", {}, "Enter the first name of the person who died", "#id_given_name"),
    ("person", {}, "Enter the last name of the person who died", "#id_family_name"),
    ("dates", {}, "Enter the date of birth", "#id_date_of_birth-day"),
    ("dates", {}, "Enter the date of death", "#id_date_of_death-day"),
    (
        "address",
        {},
        "Enter the address where the person usually lived, or as much of it as you know",
        "#id_address",
    ),
    ("area", {}, "Select the area where the person lived", "#id_icb"),
    (
        "about-person",
        {},
        "Select whether the person had a learning disability",
        "#id_has_learning_disability",
    ),
    ("about-person", {}, "Select whether the person was autistic", "#id_is_autistic"),
    ("death", {}, "Select where the person died", "#id_place_of_death"),
    ("death", {}, "Select whether the person died in England", "#id_died_in_england"),
    ("covid", {}, "Select whether the person had COVID-19 when they died", "#id_covid"),
    (
        "concerns",
        {},
        "Select yes if you have concerns about the care the person received",
        "#id_has_care_concerns",
    ),
    ("concerns-detail", {}, "Tell us about your concerns", "#id_care_concerns"),
]


def answer_pages_before(client, answers, slug):
    for step in STEPS:
        if step.slug == slug:
            return
        assert client.post(step.url, answers[step.slug]).status_code == 302, step.slug


@pytest.mark.parametrize(("slug", "data", "message", "href"), MISSING_ANSWERS)
def test_a_missing_answer_is_named_in_the_error_summary_and_nothing_is_stored(
    client, icb, slug, data, message, href
):
    answer_pages_before(client, pages(icb), slug)

    response = client.post(step_url(slug), data)

    assert response.status_code == 200
    assert (message, href) in summary_errors(response)
    assert page_title(response).startswith("Error: ")
    html = response.content.decode()
    assert f'id="{href[1:]}"' in html, "the summary links to the field's first input"
    assert Notification.objects.count() == 0
    assert slug not in client.session[SESSION_KEY]["answers"]


BAD_INPUT = [
    (
        "dates",
        {"date_of_death_year": "1960"},
        "Date of death must be the same as or after the date of birth",
        "#id_date_of_death-day",
    ),
    (
        "dates",
        {"date_of_death_year": "2099"},
        "Date of death must be today or in the past",
        "#id_date_of_death-day",
    ),
    (
        "dates",
        {"date_of_birth_year": "2099"},
        "Date of birth must be today or in the past",
        "#id_date_of_birth-day",
    ),
    ("dates", {"date_of_death_day": "32"}, "Date of death must be a real date", None),
    ("dates", {"date_of_birth_month": "13"}, "Date of birth must be a real date", None),
    ("dates", {"date_of_death_year": "25"}, "Date of death must be a real date", None),
    ("dates", {"date_of_death_month": ""}, "Date of death must include a month", None),
    ("dates", {"date_of_birth_day": "first"}, "Date of birth must be a real date", None),
    (
        "nhs-number",
        {"nhs_number": "999 000 0019"},
        "Enter a valid NHS number, or leave this blank if you do not know it",
        "#id_nhs_number",
    ),
    ("nhs-number", {"nhs_number": "999 000 001"}, "NHS number must be 10 numbers", None),
    ("nhs-number", {"nhs_number": "999 000 001A"}, "NHS number must be 10 numbers", None),
    ("address", {"postcode": "LS1"}, "Enter a full UK postcode, like LS1 4AP", "#id_postcode"),
    ("address", {"postcode": "12345"}, "Enter a full UK postcode, like LS1 4AP", None),
    (
        "your-details",
        {"email": "", "phone": ""},
        "Enter an e-mail address or a phone number, so that we can contact you",
        "#id_email",
    ),
    (
        "your-details",
        {"email": "ann.example.com"},
        "Enter an e-mail address in the correct format, like name@example.com",
        "#id_email",
    ),
    (
        "your-details",
        {"email": "", "phone": "call me"},
        "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
        "#id_phone",
    ),
    (
        "death",
        {"place_of_death": "other", "place_of_death_detail": ""},
        "Tell us where the person died",
        "#id_place_of_death_detail",
    ),
    ("concerns-detail", {"care_concerns": "  "}, "Tell us about your concerns", None),
    ("area", {"icb": "999999"}, "Select the area where the person lived", "#id_icb"),
]


@pytest.mark.parametrize(("slug", "change", "message", "href"), BAD_INPUT)
def test_bad_input_is_explained_in_the_error_summary_and_nothing_is_stored(
    client, icb, slug, change, message, href
):
    answers = pages(icb)
    answer_pages_before(client, answers, slug)

    response = client.post(step_url(slug), {**answers[slug], **change})

    assert response.status_code == 200
    errors = summary_errors(response)
    assert message in [text for text, _ in errors]
    if href:
        assert (message, href) in errors
    assert page_title(response).startswith("Error: ")
    assert Notification.objects.count() == 0
    assert slug not in client.session[SESSION_KEY]["answers"]


def test_an_nhs_number_failing_its_check_digit_is_refused(client, icb):
    [invalid] = nhs_number.generate(valid=False, for_region=nhs_number.REGION_SYNTHETIC)
    answers = pages(icb)
    answer_pages_before(client, answers, "nhs-number")
    response = client.post(step_url("nhs-number"), {"nhs_number": invalid})
    assert [text for text, _ in summary_errors(response)] == [
        "Enter a valid NHS number, or leave this blank if you do not know it"
    ]


def test_the_nhs_number_may_be_left_blank(client, icb):
    answer_every_page(client, pages(icb, **{"nhs-number": {"nhs_number": ""}}))
    submit(client)
    assert Notification.objects.get().nhs_number == ""


def test_someone_else_is_asked_how_they_knew_the_person_on_the_next_page(client, icb):
    client.post(step_url("you"), {"relationship": "other"})
    page = client.get(step_url("your-details")).content.decode()
    assert 'name="relationship_detail"' in page

    response = client.post(step_url("your-details"), {"name": "Ann", "email": "a@example.com"})

    assert ("Tell us how you knew the person", "#id_relationship_detail") in summary_errors(
        response
    )


def test_family_are_not_asked_how_they_knew_the_person_twice(client, icb):
    client.post(step_url("you"), {"relationship": "family"})
    page = client.get(step_url("your-details")).content.decode()
    assert 'name="relationship_detail"' not in page
    assert 'name="organisation_name"' not in page


def test_someone_else_s_answer_is_stored_with_the_notifier(client, icb):
    answers = pages(
        icb,
        you={"relationship": "other"},
        **{
            "your-details": {
                "relationship_detail": "Neighbour",
                "name": "Ann",
                "phone": "07700900982",
            }
        },
    )
    answer_every_page(client, answers)
    assert "Someone else: Neighbour" in client.get(CHECK_URL).content.decode()
    submit(client)
    source = NotificationSource.objects.get()
    assert (source.relationship, source.relationship_detail) == ("other", "Neighbour")


def test_no_concerns_skips_the_concerns_page(client, icb):
    shown = answer_every_page(client, pages(icb, concerns={"has_care_concerns": "no"}))
    assert "concerns-detail" not in shown
    assert back_link(client.get(CHECK_URL)) == step_url("concerns")
    assert client.get(step_url("concerns-detail"))["Location"] == CHECK_URL


def test_changing_concerns_to_no_keeps_no_concerns_text(client, icb):
    answer_every_page(client, pages(icb))
    response = client.post(f"{step_url('concerns')}?change=1", {"has_care_concerns": "no"})
    assert response["Location"] == CHECK_URL
    assert "Her constipation" not in client.get(CHECK_URL).content.decode()
    submit(client)
    notification = Notification.objects.get()
    assert (notification.has_care_concerns, notification.care_concerns) == ("no", "")


def test_changing_concerns_to_yes_asks_for_them_before_check(client, icb):
    answer_every_page(client, pages(icb, concerns={"has_care_concerns": "no"}))
    response = client.post(f"{step_url('concerns')}?change=1", {"has_care_concerns": "yes"})
    assert response["Location"] == f"{step_url('concerns-detail')}?change=1"
    response = client.post(
        f"{step_url('concerns-detail')}?change=1", {"care_concerns": "Nobody listened."}
    )
    assert response["Location"] == CHECK_URL
    assert "Nobody listened." in client.get(CHECK_URL).content.decode()


def test_the_optional_equality_questions_may_be_skipped(client, icb):
    answer_every_page(client, pages(icb, equality={}))
    submit(client)
    notification = Notification.objects.get()
    assert notification.sex == "not_known"
    assert notification.ethnic_category is None


# --- submitting twice, and never revealing an earlier notification -----------------------------


def test_submitting_twice_creates_one_notification_and_shows_the_same_reference(client, icb):
    answer_every_page(client, pages(icb))
    key = client.session[SESSION_KEY]["submission_key"]

    first = client.post(CHECK_URL, {"submission_key": key})
    second = client.post(CHECK_URL, {"submission_key": key})

    assert Notification.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert client.get(second["Location"]).status_code == 200


def _comparable(response, reference: str) -> str:
    html = response.content.decode().replace(reference, "LDR-REFERENCE")
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


def test_the_confirmation_never_reveals_that_the_person_was_notified_before(client, icb):
    from django.test import Client

    answer_every_page(client, pages(icb))
    first_done = client.get(submit(client)["Location"])
    first = Notification.objects.get()

    # A hospital tells us about the same death later, from another browser.
    hospital = Client()
    answer_every_page(hospital, pages(icb))
    second_done = hospital.get(submit(hospital)["Location"])
    second = Notification.objects.exclude(pk=first.pk).get()

    assert DuplicateFlag.objects.filter(notification=second, candidate=first).exists()
    assert _comparable(first_done, first.reference) == _comparable(second_done, second.reference)


def test_another_session_cannot_read_the_confirmation(client, icb):
    from django.test import Client

    answer_every_page(client, pages(icb))
    done_url = submit(client)["Location"]

    assert Client().get(done_url).status_code == 404
    assert client.get(done_url).status_code == 200


def test_an_old_tab_with_another_submission_key_sends_nothing(client, icb):
    answer_every_page(client, pages(icb))
    response = client.post(CHECK_URL, {"submission_key": "1b4e28ba-2fa1-11d2-883f-0016d3cca427"})
    assert response["Location"] == CHECK_URL
    assert Notification.objects.count() == 0


def test_a_submission_without_answers_sends_nothing(client):
    response = client.post(CHECK_URL, {"submission_key": "1b4e28ba-2fa1-11d2-883f-0016d3cca427"})
    assert response.status_code == 302
    assert Notification.objects.count() == 0


# --- rate limit --------------------------------------------------------------------------------


def test_submissions_over_the_hourly_limit_get_a_429_page_and_store_nothing(client, icb, settings):
    from django.test import Client

    settings.LEDER_NOTIFY_RATE_LIMIT_PER_HOUR = 1
    answer_every_page(client, pages(icb))
    assert submit(client).status_code == 302

    other = Client()  # a new browser on the same connection
    answer_every_page(other, pages(icb, person={"given_name": "John", "family_name": "Smith"}))
    response = submit(other)

    assert response.status_code == 429
    assert "Try again in 60 minutes" in response.content.decode()
    assert response["Retry-After"] == "3600"
    assert Notification.objects.count() == 1


def test_question_pages_are_rate_limited_per_minute(client, icb, settings):
    settings.LEDER_NOTIFY_STEP_RATE_LIMIT_PER_MINUTE = 2
    client.post(step_url("you"), {"relationship": "family"})
    client.post(step_url("you"), {"relationship": "family"})
    response = client.post(step_url("you"), {"relationship": "family"})
    assert response.status_code == 429
    assert client.get(step_url("you")).status_code == 200, "reading a page is never limited"


# --- pages around the form ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["home", "accessibility", "privacy", "notifications:about_easy_read"]
)
def test_information_pages_have_one_h1(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_the_home_page_starts_the_form_and_lets_staff_sign_in(client):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("notifications:start")}"' in html
    assert f'href="{reverse("accounts:sign_in")}"' in html
    assert "Staff: sign in" in html


def test_the_easy_read_page_gives_every_picture_words(client):
    html = client.get(reverse("notifications:about_easy_read")).content.decode()
    svgs = re.findall(r"<svg[^>]*>", html)
    assert svgs
    assert all('role="img"' in svg and "aria-label=" in svg for svg in svgs)
