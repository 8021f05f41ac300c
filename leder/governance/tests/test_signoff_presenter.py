"""How a frozen review snapshot reads: in the review's order, named by the forms' labels, every
value kept, rows numbered after what holds them, and sections no longer registered still shown."""

import pytest

from leder.governance.presenters.signoff import snapshot_sections, value_text
from leder.reviews import sections


@pytest.fixture(autouse=True)
def two_sections(monkeypatch):
    mine = {key: sections.get(key) for key in ("focused_evidence", "timeline")}
    monkeypatch.setattr(sections, "_registry", mine)


def rows(answers):
    return [(a.label, a.text, rows(a.children)) for a in answers]


def test_a_snapshot_reads_in_full_in_the_reviews_order():
    snapshot = {
        "retired": {"note": "Kept from an older version"},
        "timeline": {
            "complete": True,
            "events": {
                "17": {"date": "2026-03-02", "kind": "GP", "description": "Health check"},
                "9": {"date": "2026-04-01", "kind": "Outpatient", "description": "Review"},
            },
        },
        "focused_evidence": {"evidence": "The ward escalated", "sources": "", "extra": True},
    }
    found = snapshot_sections("focused", snapshot)
    assert [s.title for s in found] == ["Timeline of care", "Further evidence", "Retired"]
    timeline, evidence, retired = found
    assert rows(timeline.answers) == [
        (
            "Events",
            "",
            [
                (
                    "Event 1",
                    "",
                    [
                        ("Date", "2 March 2026", []),
                        ("Kind", "GP", []),
                        ("Description", "Health check", []),
                    ],
                ),
                (
                    "Event 2",
                    "",
                    [
                        ("Date", "1 April 2026", []),
                        ("Kind", "Outpatient", []),
                        ("Description", "Review", []),
                    ],
                ),
            ],
        )
    ]
    assert rows(evidence.answers) == [
        ("What further evidence did you gather, and what did it show?", "The ward escalated", []),
        ("Where did it come from?", "Not given", []),
        ("Extra", "Yes", []),
    ]
    assert rows(retired.answers) == [("Note", "Kept from an older version", [])]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "Not given"),
        ("", "Not given"),
        (False, "No"),
        ("not_sure", "Not sure"),
        ("2026-02-30", "2026-02-30"),
        (["yes", "2026-01-05"], "Yes, 5 January 2026"),
        (6, "6"),
    ],
)
def test_values_read_as_words(value, text):
    assert value_text(value) == text


def test_answers_are_named_by_their_questions_and_the_certificate_not_by_their_keys():
    """A panel reads the question a structured answer answers and the cause of death's lines as
    the medical certificate numbers them; version numbers are bookkeeping (issue 16, item 5)."""
    snapshot = {
        "retired": {
            "version": 11,
            "scale_version": 1,
            "dols": "yes",
            "a_text": "Aspiration pneumonia",
            "a_code": "J69.0",
            "ii2_text": "Epilepsy",
            "underlying_cause_line": "a",
        }
    }
    (section,) = snapshot_sections("focused", snapshot)
    assert rows(section.answers) == [
        (
            "Was the person subject to a Deprivation of Liberty Safeguards (DoLS) "
            "authorisation, or had one been applied for?",
            "Yes",
            [],
        ),
        ("Part 1, line a", "Aspiration pneumonia", []),
        ("Part 1, line a (ICD-10 code)", "J69.0", []),
        ("Part 2, condition 2", "Epilepsy", []),
        ("Line of part 1 giving the underlying cause", "a", []),
    ]
