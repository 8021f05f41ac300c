"""Redaction of free text: each kind of identifier, each way of writing it, the look-alikes that
must survive, and the identifiers read from a case's record."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leder.demo.synthetic import synthetic_nhs_number
from leder.exports.redaction import (
    Kind,
    RecordIdentifiers,
    RedactionReport,
    name_tokens,
    redact,
)

RECORD = RecordIdentifiers.build(
    names=["Maya", "Okafor", "Maya Okafor", "Rose Mark-Hope", "Dr Priya Shah", "Seán O'Brien"],
    nhs_numbers=["9991234560"],
    addresses=["12 Acacia Avenue\nLeeds"],
    postcodes=["LS6 2AB"],
    dates=[date(1961, 3, 3), date(2025, 11, 14)],
    phones=["07700 900123"],
    emails=["grace.walsh@example.com"],
    places=["Oakwood Surgery"],
)


def redacted(text: str, identifiers: RecordIdentifiers | None = RECORD) -> str:
    return redact(text, identifiers).text


# --- Names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Maya enjoyed music.", "[NAME] enjoyed music."),
        ("Maya's mum rang.", "[NAME]'s mum rang."),
        ("Maya\u2019s mum rang.", "[NAME]\u2019s mum rang."),
        ("MAYA OKAFOR", "[NAME]"),
        ("maya liked buses", "[NAME] liked buses"),
        ("Okafor, Maya", "[NAME]"),
        ("M. Okafor", "[NAME]"),
        ("Ms Okafor", "Ms [NAME]"),
        ("Dr Shah saw her", "Dr [NAME] saw her"),
        ("Priya Shah's notes", "[NAME]'s notes"),
        ("Sean OBrien and Seán O’Brien", "[NAME] and [NAME]"),
        ("Her aunt Rose came.", "Her aunt [NAME] came."),
        ("Mark-Hope", "[NAME]"),
    ],
)
def test_record_names_are_removed_however_written(text, expected):
    assert redacted(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "her temperature rose overnight",
        "there was little hope of recovery",
        "a mark on her arm",
        "Down's syndrome",
        "the doctor said",
    ],
)
def test_names_that_are_words_stay_as_words(text):
    assert redacted(text) == text


def test_name_tokens_leave_out_titles_particles_and_initials():
    assert name_tokens("Dr J. van der Berg-Smith") == ["Berg", "Smith"]
    assert name_tokens("Seán O'Brien") == ["Sean", "O'Brien"]


def test_a_one_letter_word_of_a_family_name_goes_with_the_name():
    ids = RecordIdentifiers.build(names=["Gareth Ó Súilleabháin"])
    assert redacted("Ms Ó Súilleabháin rang", ids) == "Ms [NAME] rang"


# --- NHS numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["999 123 4560", "9991234560", "999-123-4560", "999.123.4560", "99912 34560"]
)
def test_the_record_nhs_number_is_removed_in_any_spacing(written):
    assert redacted(f"NHS no. {written}.") == "NHS no. [NHS NUMBER]."


def test_nhs_number_patterns_not_in_the_record():
    other = synthetic_nhs_number(__import__("random").Random(1))
    assert redacted(f"the other number {other} was wrong", None) == (
        "the other number [NHS NUMBER] was wrong"
    )
    # Failing the checksum, but in 3-3-4 form: still removed.
    assert redacted("999 123 4567 on file", None) == "[NHS NUMBER] on file"


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    form=st.sampled_from(["{a} {b} {c}", "{a}{b}{c}", "{a}-{b}-{c}"]),
    prefix=st.sampled_from(["", "NHS number ", "(", "no.", "ref: "]),
    suffix=st.sampled_from(["", ".", ")", ", and", " on file"]),
)
def test_any_generated_nhs_number_in_any_form_is_removed(seed, form, prefix, suffix):
    import random

    number = synthetic_nhs_number(random.Random(seed))
    text = prefix + form.format(a=number[:3], b=number[3:6], c=number[6:]) + suffix
    result = redact(text)
    assert not any(c.isdigit() for c in result.text)
    assert result.counts == {"nhs_number": 1}


# --- Postcodes, addresses and places ------------------------------------------------------------


@pytest.mark.parametrize("written", ["LS6 2AB", "ls6 2ab", "LS62AB", "LS6  2AB"])
def test_the_record_postcode_is_removed(written):
    assert redacted(f"lives in {written}.") == "lives in [POSTCODE]."


@pytest.mark.parametrize("postcode", ["SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT"])
def test_postcode_patterns(postcode):
    assert redacted(f"the home at {postcode} closed", None) == "the home at [POSTCODE] closed"


def test_addresses_from_the_record_and_street_patterns():
    assert redacted("visited 12 acacia avenue today") == "visited [ADDRESS] today"
    assert redacted("moved from Acacia Avenue") == "moved from [ADDRESS]"
    assert redacted("moved to 4 Mill Close", None) == "moved to [ADDRESS]"
    assert redacted("seen at Oakwood Surgery") == "seen at [ADDRESS]"
    # The town alone does not identify anyone: kept.
    assert redacted("moved to Leeds") == "moved to Leeds"


# --- Phones and e-mail ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["07700 900123", "07700900123", "+44 7700 900123", "+44 (0)7700 900123", "07700-900-123"],
)
def test_the_record_phone_number_is_removed_in_any_format(written):
    assert redacted(f"rang {written} today") == "rang [PHONE] today"


@pytest.mark.parametrize(
    "written",
    ["0113 496 0123", "(0161) 496 0999", "020 7946 0018", "+447700900456", "+44-7700-900456"],
)
def test_phone_patterns(written):
    assert redacted(f"call {written}.", None) == "call [PHONE]."


def test_email_addresses():
    assert redacted("wrote to GRACE.WALSH@example.com") == "wrote to [EMAIL]"
    assert redacted("copied to j.o'neil+ld@mail.example.org.", None) == "copied to [EMAIL]."


# --- Dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "3 March 1961",
        "03/03/1961",
        "3/3/61",
        "3rd of March",
        "3rd March 1961",
        "March 1961",
        "March 3rd, 1961",
        "1961-03-03",
        "3 Mar 1961",
        "3.3.1961",
        "03-Mar-61",
        "3/3",
        "MARCH 1961",
        "3 March '61",
    ],
)
def test_the_record_dates_are_removed_however_written(written):
    assert redacted(f"born {written}, in Leeds") == "born [DATE], in Leeds"


@pytest.mark.parametrize(
    "written",
    ["14 May 2021", "21/06/2019", "2020-01-31", "June 2018", "December 9th", "8 Sept", "Mar-2023"],
)
def test_date_patterns(written):
    assert redacted(f"seen {written}: no change", None) == "seen [DATE]: no change"


@pytest.mark.parametrize(
    "text",
    [
        "the Mental Capacity Act 2005",
        "ICD-10 J69.0",
        "aged 54",
        "5 mg twice a day",
        "10 mg/5 ml",
        "blood pressure 120/80",
        "GCS 15/15",
        "vitamin D3 2 mg",
        "an annual health check",
        "the care home",
        "Version 1.2",
        "at 14:30",
        "in 2019",
        "they may 2 weeks later",
        "section 5(2)",
        "SpO2 of 92%",
        "Type 2 diabetes",
        "a 999 call",
        "Diagnostic overshadowing",
        "Medication and STOMP",
    ],
)
def test_clinical_look_alikes_survive(text):
    assert redacted(text) == text


# --- Results and reports -------------------------------------------------------------------------


def test_counts_and_spans_per_kind():
    text = "Maya (NHS 999 123 4560) rang 07700 900123 on 3 March 1961 from LS6 2AB."
    result = redact(text, RECORD)
    assert result.text == ("[NAME] (NHS [NHS NUMBER]) rang [PHONE] on [DATE] from [POSTCODE].")
    assert result.counts == {"name": 1, "nhs_number": 1, "phone": 1, "date": 1, "postcode": 1}
    assert [text[s.start : s.end] for s in result.spans] == [
        "Maya",
        "999 123 4560",
        "07700 900123",
        "3 March 1961",
        "LS6 2AB",
    ]


def test_an_email_containing_a_name_counts_once_as_an_email():
    result = redact("from maya.okafor@example.net", RECORD)
    assert result.text == "from [EMAIL]"
    assert result.counts == {"email": 1}


def test_a_phone_number_ending_in_ten_digits_counts_as_a_phone():
    result = redact("ring +44 (0) 113 496 0000", None)
    assert result.text == "ring [PHONE]"
    assert result.counts == {"phone": 1}


def test_an_nhs_number_grouped_3_4_3_is_removed():
    assert redacted("NHS 999 1234 578", None) == "NHS [NHS NUMBER]"


def test_custom_placeholders():
    placeholders = {kind: "***" for kind in Kind}
    assert redact("Maya rang", RECORD, placeholders=placeholders).text == "*** rang"


def test_empty_text():
    assert redact("", RECORD).text == ""
    assert redact("", RECORD).counts == {}


def test_report_adds_up_kinds_over_many_texts():
    report = RedactionReport()
    assert report.redact("Maya rang 07700 900123", RECORD) == "[NAME] rang [PHONE]"
    assert report.redact("nothing here", RECORD) == "nothing here"
    report.add(redact("Okafor, on 3/3", RECORD))
    assert report.texts == 3
    assert report.texts_changed == 2
    assert report.total == 4
    assert report.as_dict()["removed"] == {
        "name": 2,
        "nhs_number": 0,
        "postcode": 0,
        "phone": 1,
        "email": 0,
        "date": 1,
        "address": 0,
    }
