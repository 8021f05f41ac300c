"""The review record's core: sections, versions with differences, the edit rule, submission."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from leder.casework.models import CaseState
from leder.core.models import AuditAction, AuditEvent
from leder.reviews import diffs, sections
from leder.reviews.services.records import (
    review_missing,
    review_section_save,
    review_start,
    review_submit,
)

pytestmark = pytest.mark.django_db


class NoteForm(forms.Form):
    note = forms.CharField()


@pytest.fixture
def only_a_note_section(monkeypatch):
    """Replace the registry with one simple section, so these tests do not depend on others."""
    monkeypatch.setattr(sections, "_registry", {})
    sections.register(
        sections.Section(
            key="note",
            title="A note",
            kinds=frozenset({"initial"}),
            order=1,
            url_name="home",
            missing=sections.simple_missing("note", required=("note",)),
            snapshot=sections.simple_snapshot("note"),
            form_class=NoteForm,
        )
    )


def test_starting_twice_gives_the_same_review(case, reviewer):
    assert review_start(actor=reviewer, case=case) == review_start(actor=reviewer, case=case)


def test_only_the_allocated_reviewer_can_start_or_save(case, lac, reviewer, only_a_note_section):
    with pytest.raises(PermissionDenied):
        review_start(actor=lac, case=case)
    review = review_start(actor=reviewer, case=case)
    with pytest.raises(PermissionDenied):
        review_section_save(actor=lac, review=review, key="note", data={"note": "x"}, complete=True)
    assert review.sections.count() == 0


def test_each_save_is_a_version_with_what_changed(review, reviewer, only_a_note_section):
    review_section_save(
        actor=reviewer, review=review, key="note", data={"note": "Loved music"}, complete=False
    )
    review_section_save(
        actor=reviewer,
        review=review,
        key="note",
        data={"note": "Loved music and swimming"},
        complete=True,
    )
    first, second = review.versions.order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert second.changes == [
        {
            "section": "note",
            "path": "note",
            "before": "Loved music",
            "after": "Loved music and swimming",
        }
    ]
    assert second.saved_by == reviewer
    review_rows = AuditEvent.objects.filter(object_type="reviews.Review", object_id=str(review.pk))
    assert review_rows.filter(action=AuditAction.UPDATE).count() == 2
    # Saving the same answers again writes nothing.
    review_section_save(
        actor=reviewer,
        review=review,
        key="note",
        data={"note": "Loved music and swimming"},
        complete=True,
    )
    assert review.versions.count() == 2
    with pytest.raises(ValueError, match="immutable"):
        second.save()


def test_submission_lists_exactly_what_is_missing_and_changes_nothing(
    review, reviewer, case, only_a_note_section
):
    with pytest.raises(ValidationError) as error:
        review_submit(actor=reviewer, review=review)
    assert error.value.messages == ["A note: Not started"]
    review_section_save(
        actor=reviewer, review=review, key="note", data={"note": ""}, complete=False
    )
    assert review_missing(review) == {"A note": ["Note is not answered", "Not marked as complete"]}
    case.refresh_from_db()
    assert case.state == CaseState.INITIAL_REVIEW


def test_a_submitted_review_goes_to_qa_and_cannot_be_edited(
    review, reviewer, case, only_a_note_section
):
    review_section_save(
        actor=reviewer, review=review, key="note", data={"note": "done"}, complete=True
    )
    step = review_submit(actor=reviewer, review=review)
    assert step.transition == "submit_for_qa"
    case.refresh_from_db()
    assert case.state == CaseState.QUALITY_ASSURANCE
    with pytest.raises(PermissionDenied, match="returned to you"):
        review_section_save(
            actor=reviewer, review=review, key="note", data={"note": "later"}, complete=True
        )


def test_differences_read_as_rows_and_words():
    before = {"pen": {"text": "She loved music", "items": ["a"]}}
    after = {"pen": {"text": "She loved music and dancing", "items": ["a", "b"]}}
    rows = [c.as_dict() for c in diffs.changes_between(before, after)]
    assert rows == [
        {"section": "pen", "path": "items[2]", "before": None, "after": "b"},
        {
            "section": "pen",
            "path": "text",
            "before": "She loved music",
            "after": "She loved music and dancing",
        },
    ]
    assert diffs.text_diff("She loved music", "She loved music and dancing") == [
        ("same", "She loved music"),
        ("added", "and dancing"),
    ]
