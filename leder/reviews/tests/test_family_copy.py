"""The family copy: the completed review without internal notes, as a page and a tagged PDF;
a draft preview before completion; who may see it; and every view and download audited."""

import re
import shutil
import subprocess
import zlib
from datetime import date

import pytest
from django import forms

from leder.core.time import now
from leder.reviews import sections
from leder.reviews.models import ReviewSection, TimelineEventKind
from leder.reviews.presenters.family_copy import FamilyCopy
from leder.reviews.services.timeline import timeline_event_add

pytestmark = pytest.mark.django_db

INTERNAL = "ZEBRA-INTERNAL-NOTE-7731"
PEN_PORTRAIT = "Sam loved trains and sang in the church choir every Sunday."
EVENT = "Admitted with aspiration pneumonia after a choking episode."


class _QuestionsForm(forms.Form):
    answer = forms.ChoiceField(
        label="Did they have an annual health check in the last year?",
        choices=[("yes", "Yes"), ("no", "No")],
    )
    detail = forms.CharField(label="Tell us more")
    reviewer_notes = forms.CharField(label="Reviewer's own notes")


@pytest.fixture
def family_question_section(monkeypatch):
    """A simple section that says it belongs in the family copy, with a reviewer's-notes field
    that must still be left out."""
    section = sections.Section(
        key="test_family_questions",
        title="Health checks",
        kinds=frozenset({"initial"}),
        order=65,
        url_name="reviews:timeline",
        missing=lambda review: [],
        snapshot=sections.simple_snapshot("test_family_questions"),
        form_class=_QuestionsForm,
        extra={"family_copy": True},
    )
    monkeypatch.setitem(sections._registry, section.key, section)
    return section


def _row(review, key, data, user):
    ReviewSection.objects.update_or_create(
        review=review,
        key=key,
        defaults={"data": data, "is_complete": True, "updated_at": now(), "updated_by": user},
    )


@pytest.fixture
def written(review, reviewer, family_question_section):
    """A review with a pen portrait, a timeline and answers, and internal notes planted in the
    family-involvement record, a contact and its attempt, and a reviewer's-notes answer."""
    _row(
        review, "pen_portrait", {"who_they_were": PEN_PORTRAIT, "what_mattered": "Music"}, reviewer
    )
    _row(review, "family", {"pen_portrait_comments": INTERNAL, "told_of_review": "yes"}, reviewer)
    _row(
        review,
        "test_family_questions",
        {"answer": "no", "detail": "Last check was in 2019", "reviewer_notes": INTERNAL},
        reviewer,
    )
    try:
        from leder.reviews.models import Contact, ContactAttempt
    except ImportError:  # the contacts part is not installed
        pass
    else:
        contact = Contact.objects.create(
            review=review,
            name=f"Sister {INTERNAL}",
            kind=Contact._meta.get_field("kind").choices[0][0],
            notes=INTERNAL,
            created_at=now(),
            created_by=reviewer,
        )
        ContactAttempt.objects.create(
            contact=contact,
            made_on=date(2026, 10, 1),
            method=ContactAttempt._meta.get_field("method").choices[0][0],
            outcome=ContactAttempt._meta.get_field("outcome").choices[0][0],
            notes=INTERNAL,
            recorded_at=now(),
            recorded_by=reviewer,
        )
    timeline_event_add(
        actor=reviewer,
        review=review,
        occurred_on=date(2026, 9, 20),
        kind=TimelineEventKind.HOSPITAL_ADMISSION,
        organisation_name="Riverside General Hospital",
        description=EVENT,
    )
    return review


@pytest.fixture
def completed(cases, written, reviewer):
    case = written.case
    cases.step(case, "submit_for_qa")
    case = cases.step(case, "qa_approve")
    written.case = case
    return written


def _text(copy: FamilyCopy) -> str:
    """Every label and answer of the copy's blocks, and its timeline rows, as one text."""

    def walk(answers):
        for a in answers:
            yield a.label
            yield a.text
            yield from walk(a.children)

    parts = []
    for block in copy.blocks:
        parts += list(walk(block.answers))
        parts += [f"{r.date} {r.kind} {r.organisation} {r.description}" for r in block.rows]
    return "\n".join(str(p) for p in parts)


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF's bytes with its compressed streams (object streams included) inflated, so the
    document catalogue's entries can be searched for."""
    inflated = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            inflated.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(inflated)


def pdf_info(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout


needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is not installed"
)


# --- content ----------------------------------------------------------------------------------


def test_the_review_without_internal_notes_has_the_pen_portrait_timeline_and_answers(completed):
    """What a shared draft summary holds (`families.selectors.draft_content`); the family copy
    itself is the families app's (`families.copy`, ADR 0166)."""
    copy = FamilyCopy(completed, is_draft=False)
    page = _text(copy)
    person = completed.case.notification
    assert copy.person_name == f"{person.given_name} {person.family_name}"
    assert PEN_PORTRAIT in page
    assert EVENT in page
    assert "Riverside General Hospital" in page
    assert "20 September 2026" in page
    assert "Did they have an annual health check in the last year?" in page
    assert "Last check was in 2019" in page
    assert INTERNAL not in page
    assert "Reviewer&#39;s own notes" not in page and "Reviewer's own notes" not in page


def test_sections_not_chosen_for_the_family_are_left_out(completed):
    keys = [block.key for block in FamilyCopy(completed, is_draft=False).blocks]
    assert "pen_portrait" in keys
    assert "timeline" in keys
    assert "family" not in keys
    assert "contacts" not in keys
    assert "records" not in keys


def test_structured_questions_read_as_question_answer_and_detail(completed, reviewer):
    from leder.reviews import questions

    question = questions.question_set_for(completed).groups[0].questions[0]
    _row(
        completed,
        "questions",
        {question.key: {"answer": "no", "detail": "Last check was in 2019"}},
        reviewer,
    )
    page = _text(FamilyCopy(completed, is_draft=False))
    assert question.text in page
    assert "No – Last check was in 2019" in page
