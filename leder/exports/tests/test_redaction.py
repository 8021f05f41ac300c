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
    # These are the tests of the record and the general patterns; the detection of identifiers
    # the record does not hold has its own (`test_detection.py`).
    return redact(text, identifiers, detect=False).text


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
    result = redact(text, detect=False)
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
    result = redact(text, RECORD, detect=False)
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
    result = redact("from maya.okafor@example.net", RECORD, detect=False)
    assert result.text == "from [EMAIL]"
    assert result.counts == {"email": 1}


def test_a_phone_number_ending_in_ten_digits_counts_as_a_phone():
    result = redact("ring +44 (0) 113 496 0000", None, detect=False)
    assert result.text == "ring [PHONE]"
    assert result.counts == {"phone": 1}


def test_an_nhs_number_grouped_3_4_3_is_removed():
    assert redacted("NHS 999 1234 578", None) == "NHS [NHS NUMBER]"


def test_custom_placeholders():
    placeholders = {kind: "***" for kind in Kind}
    assert redact("Maya rang", RECORD, placeholders=placeholders).text == "*** rang"


def test_empty_text():
    assert redact("", RECORD, detect=False).text == ""
    assert redact("", RECORD, detect=False).counts == {}


def test_report_adds_up_kinds_over_many_texts():
    report = RedactionReport()
    assert report.redact("Maya rang 07700 900123", RECORD) == "[NAME] rang [PHONE]"
    assert report.redact("nothing here", RECORD) == "nothing here"
    report.add(redact("Okafor, on 3/3", RECORD, detect=False))
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
        "record_number": 0,
        "ni_number": 0,
        "place": 0,
    }


# --- Forms that used to leak ---------------------------------------------------------------------

MORE = RecordIdentifiers.build(
    names=["Marguerite Okafor", "Rose Day", "Jo Hill"],
    addresses=["14 Larkspur Crescent\nLeeds", "3 Mill Rd"],
    postcodes=["LS6 2AB"],
    dates=[date(1961, 3, 3), date(2020, 2, 1), date(2020, 7, 5)],
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Marguerites mum rang", "[NAME]s mum rang"),
        ("the Okafors house", "the [NAME]s house"),
        ("MARGUERITES mum", "[NAME]S mum"),
        ("Marguerite Okafors notes", "[NAME]s notes"),
        # A name that is also a word: its plain plural is the name mid-sentence or before a
        # possessed noun, and the word at the start of a sentence.
        ("when Roses mum rang", "when [NAME]s mum rang"),
        ("Roses mum rang.", "[NAME]s mum rang."),
        ("Seen by Dr. Hills team.", "Seen by Dr. [NAME]s team."),
        ("Roses were planted.", "Roses were planted."),
        ("She rallied. Days later she died.", "She rallied. Days later she died."),
        ("Hills and valleys", "Hills and valleys"),
    ],
)
def test_a_name_followed_by_a_plain_s(text, expected):
    assert redacted(text, MORE) == expected


@pytest.mark.parametrize(
    "written", ["3rd Mar 61", "3 March '61", "3 March \u201961", "03/03/61", "3 March 61"]
)
def test_two_digit_years_go_with_the_date(written):
    assert redacted(f"born {written} in Leeds", MORE) == "born [DATE] in Leeds"
    assert redacted(f"born {written} in Leeds", None) == "born [DATE] in Leeds"


def test_a_count_after_a_date_is_not_a_year():
    assert redacted("on 3 March 12 staff attended", None) == "on [DATE] 12 staff attended"
    assert redacted("on 3 March 10 mg given", None) == "on [DATE] 10 mg given"


@pytest.mark.parametrize(
    "written",
    [
        "14 Larkspur Crescent",
        "14, Larkspur Cres",
        "14 Larkspur Cres.",
        "14 LARKSPUR CRES",
        "Larkspur Cres",
        "16 Larkspur Cres",  # another house in the record's street
        "14 Larkspur",  # house number and the street's name
        "3 Mill Road",  # held abbreviated, written in full
        "3, Mill Rd",
        "Mill Road",
    ],
)
def test_record_addresses_match_abbreviated_or_in_full(written):
    text = f"visited {written} today"
    expected = "visited [ADDRESS]. today" if written.endswith(".") else "visited [ADDRESS] today"
    assert redacted(text, MORE) == expected


def test_a_street_name_alone_needs_a_house_number_or_a_capital():
    assert redacted("went to the mill road", MORE) == "went to the [ADDRESS]"
    assert redacted("2 mill wheels", MORE) == "2 mill wheels"
    assert redacted("Larkspur flowers", MORE) == "Larkspur flowers"


@pytest.mark.parametrize(
    "abbreviation",
    ["Rd", "St", "Ave", "Cres", "Cl", "Dr", "Ln", "Gdns", "Terr", "Tce", "Pl", "Sq", "Ct", "Gro"],
)
def test_street_abbreviation_patterns(abbreviation):
    assert redacted(f"moved to 12 Foxglove {abbreviation}.", None) == "moved to [ADDRESS]."
    assert redacted(f"moved to 12, Foxglove {abbreviation}", None) == "moved to [ADDRESS]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a 12 lead ECG showed ST elevation", "a 12 lead ECG showed ST elevation"),
        ("on 12 March CT head was clear", "on [DATE] CT head was clear"),
        ("On 3 March St Luke's hospice rang", "On [DATE] St Luke's hospice rang"),
        ("on 3 March Dr Patel rang", "on [DATE] Dr Patel rang"),
    ],
)
def test_street_abbreviations_that_are_also_titles_or_clinical(text, expected):
    assert redacted(text, None) == expected


@pytest.mark.parametrize("written", ["LS6-2AB", "LS62AB", "ls6-2ab"])
def test_hyphenated_and_unspaced_record_postcodes(written):
    assert redacted(f"lives in {written}.", MORE) == "lives in [POSTCODE]."


@pytest.mark.parametrize("written", ["BS3-4PQ", "BS34PQ", "SW1A-1AA", "m1-1ae"])
def test_hyphenated_and_unspaced_postcode_patterns(written):
    assert redacted(f"the home at {written} closed", None) == "the home at [POSTCODE] closed"


@pytest.mark.parametrize(
    "written",
    [
        "maya at example dot com",
        "maya[at]example.com",
        "maya [at] example [dot] com",
        "maya (at) example (dot) co (dot) uk",
        "maya(at)example(dot)com",
        "maya.okafor at example.org",
        "maya dot okafor at example dot co dot uk",
        "MAYA AT EXAMPLE DOT NET",
        "maya{at}example.com",
    ],
)
def test_disguised_email_addresses(written):
    assert redacted(f"write to {written} please", None) == "write to [EMAIL] please"
    assert redact(f"write to {written} please", RECORD, detect=False).counts == {"email": 1}


@pytest.mark.parametrize(
    "text",
    [
        "she was seen at home.Then she slept",
        "staff at the home dot the notes",
        "looked at example.pdf",
        "arrived at 3.30 pm",
    ],
)
def test_ordinary_at_and_dot_are_not_email(text):
    assert redacted(text, None) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on the third of March", "on the [DATE]"),
        ("on the twenty-first of June 2023", "on the [DATE]"),
        ("March the 3rd", "[DATE]"),
        ("March the third", "[DATE]"),
        ("on the 3rd of March 2023", "on the [DATE]"),
        ("from 1st-2nd March", "from [DATE]"),
        ("from 1\u20132 March 2023", "from [DATE]"),
        ("between 5 and 6 May", "between [DATE]"),
        ("March 1-2, 2023", "[DATE]"),
        ("seen 20 March", "seen [DATE]"),
        ("died on September 9th in 2019", "died on [DATE] in 2019"),
        ("on 20/3 she was seen", "on [DATE] she was seen"),
        ("20/3: seen in clinic", "[DATE]: seen in clinic"),
        ("Stable.\n20/3 - admitted", "Stable.\n[DATE] - admitted"),
        ("from 20/3-22/3", "from [DATE]"),
        ("from 20/3 to 22/3", "from [DATE]"),
    ],
)
def test_dates_in_words_ranges_and_day_month(text, expected):
    assert redacted(text, None) == expected


@pytest.mark.parametrize(
    "text",
    [
        "diarrhoea for 5/7",
        "over 2/52",
        "24/7 support",
        "a pain score of 7/10",
        "an MRC score of 4/5",
        "GCS 14/15",
        "reduced to 1/2",
        "on 1/2 a tablet",
        "half a tablet (1/2)",
        "1.5 mg",
        "grade 2",
        "ICD-10",
        "ICD-10 J69.0",
        "Down's syndrome",
        "the first of many",
        "a second opinion",
        "the third time",
        "May the first dose help",
        "2 to 3 times a day",
        "in Nov. 1 in 10 people",
    ],
)
def test_new_look_alikes_survive(text):
    # MORE holds 1 February and 5 July: "1/2" and "5/7" here are a fraction and a duration.
    assert redacted(text, MORE) == text


def test_a_record_day_and_month_still_goes_where_it_reads_as_a_date():
    assert redacted("seen 1/2 by the GP", MORE) == "seen [DATE] by the GP"
    assert redacted("booked for 1/2", MORE) == "booked for [DATE]"
    assert redacted("booked for 5/7", MORE) == "booked for 5/7"  # five days: the shorthand wins
