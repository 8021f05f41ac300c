"""The QA page names a snapshot's coded answers in words, as the sign-off record does: an
assessor reading "not_sure" raw was reading the database, not the review."""

from leder.governance.presenters.qa import snapshot_answers
from leder.governance.presenters.signoff import value_text


def test_coded_answers_read_as_words_on_the_qa_page_as_on_the_signoff_record():
    data = {"a": "not_sure", "b": "not_known", "c": "unknown", "d": "not_applicable", "e": "yes"}
    answers = snapshot_answers(data)
    assert [a.text for a in answers] == [
        "Not sure",
        "Not known",
        "Not known",
        "Not applicable",
        "Yes",
    ]
    assert [a.text for a in answers] == [value_text(v) for v in data.values()]


def test_the_qa_page_leaves_empty_answers_out_where_the_signoff_record_says_not_given():
    answers = snapshot_answers({"said": "2026-03-27", "blank": "", "none": None, "list": ["", "x"]})
    assert [(a.label, a.text) for a in answers] == [("Said", "27 March 2026"), ("List", "x")]
    assert value_text("") == "Not given"
