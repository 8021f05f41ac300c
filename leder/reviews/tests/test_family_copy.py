"""The family copy: the completed review without internal notes, as a page and a tagged PDF;
a draft preview before completion; who may see it; and every view and download audited."""

import re
import shutil
import subprocess
import zlib
from datetime import date

import pytest
from django import forms
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.core.models import AuditAction, AuditEvent
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


def url(name, review, draft=False):
    path = reverse(
        f"reviews:{name}",
        kwargs={"reference": review.case.notification.reference, "kind": review.kind},
    )
    return path + ("?draft=1" if draft else "")


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


def test_the_copy_has_the_pen_portrait_timeline_and_answers_and_no_internal_notes(
    client, completed, reviewer
):
    sign_in_verified(client, reviewer)
    response = client.get(url("family_copy", completed))
    page = response.content.decode()
    assert response.status_code == 200
    person = completed.case.notification
    assert f"{person.given_name} {person.family_name}" in page
    assert PEN_PORTRAIT in page
    assert EVENT in page
    assert "Riverside General Hospital" in page
    assert "20 September 2026" in page
    assert "Did they have an annual health check in the last year?" in page
    assert "Last check was in 2019" in page
    assert INTERNAL not in page
    assert "Reviewer&#39;s own notes" not in page and "Reviewer's own notes" not in page
    assert "DRAFT" not in page


def test_sections_not_chosen_for_the_family_are_left_out(completed):
    keys = [block.key for block in FamilyCopy(completed, is_draft=False).blocks]
    assert "pen_portrait" in keys
    assert "timeline" in keys
    assert "family" not in keys
    assert "contacts" not in keys
    assert "records" not in keys


# --- before completion --------------------------------------------------------------------------


def test_before_completion_the_page_says_so_and_offers_a_draft_preview(client, written, reviewer):
    sign_in_verified(client, reviewer)
    page = client.get(url("family_copy", written)).content.decode()
    assert "available when the review is completed" in page
    assert PEN_PORTRAIT not in page
    assert url("family_copy", written, draft=True).replace("&", "&amp;") in page

    draft = client.get(url("family_copy", written, draft=True)).content.decode()
    assert "DRAFT" in draft
    assert PEN_PORTRAIT in draft
    assert INTERNAL not in draft

    # The PDF without asking for the draft goes back to the page that explains.
    response = client.get(url("family_copy_pdf", written))
    assert response.status_code == 302
    assert response["Location"] == url("family_copy", written)


@needs_pdftotext
def test_the_draft_pdf_says_draft(client, written, reviewer, tmp_path):
    sign_in_verified(client, reviewer)
    response = client.get(url("family_copy_pdf", written, draft=True))
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert "DRAFT" in text
    assert "DRAFT" in response["Content-Disposition"]


# --- the PDF ----------------------------------------------------------------------------------


@needs_pdftotext
def test_the_pdf_is_tagged_has_extractable_text_and_no_internal_notes(
    client, completed, reviewer, tmp_path
):
    sign_in_verified(client, reviewer)
    response = client.get(url("family_copy_pdf", completed))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    # Tagged (PDF/UA-1): the catalogue has a structure tree and marks the document as tagged.
    assert b"/StructTreeRoot" in pdf_objects(pdf)
    assert re.search(r"^Tagged:\s+yes$", pdf_info(pdf, tmp_path), re.MULTILINE)
    text = " ".join(pdf_text(pdf, tmp_path).split())
    person = completed.case.notification
    assert f"{person.given_name} {person.family_name}" in text
    assert "Sam loved trains" in text
    assert "aspiration pneumonia" in text
    assert "Page 1 of" in text
    assert INTERNAL not in text
    assert "DRAFT" not in text


# --- audit ------------------------------------------------------------------------------------


def test_each_view_and_download_is_audited(client, completed, reviewer):
    sign_in_verified(client, reviewer)
    client.get(url("family_copy", completed))
    client.get(url("family_copy_pdf", completed))
    client.get(url("family_copy_pdf", completed))
    events = AuditEvent.objects.filter(actor=reviewer, object_type="reviews.Review")
    assert events.filter(action=AuditAction.VIEW, summary__contains="family copy").count() == 1
    exports = events.filter(action=AuditAction.EXPORT)
    assert exports.count() == 2
    assert exports.first().details["format"] == "pdf"


# --- who may see it -----------------------------------------------------------------------------


@pytest.fixture
def people(icb, lac, reviewer):
    other_icb = make_icb(name="NHS Other ICB", short_name="Other ICB")
    return {
        "reviewer": reviewer,
        "lac": lac,
        "senior": user_with_role(Role.SENIOR_REVIEWER, icb),
        "panel member": user_with_role(Role.PANEL_MEMBER, icb),
        "other reviewer": user_with_role(Role.REVIEWER, icb),
        "other ICB's LAC": user_with_role(Role.LAC, other_icb),
        "ICB lead": user_with_role(Role.ICB_LEAD, icb),
        "administrator": user_with_role(Role.ADMINISTRATOR),
    }


EXPECTED = {
    "reviewer": 200,
    "lac": 200,
    "senior": 200,
    "panel member": 403,  # sees the completed case, but the family copy is not theirs to send
    "other reviewer": 404,
    "other ICB's LAC": 404,
    "ICB lead": 403,
    "administrator": 403,
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_permission_matrix(client, completed, people, who):
    sign_in_verified(client, people[who])
    assert client.get(url("family_copy", completed)).status_code == EXPECTED[who]
    response = client.get(url("family_copy_pdf", completed))
    assert response.status_code == EXPECTED[who]
    exported = AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=people[who]).exists()
    assert exported == (EXPECTED[who] == 200)


@pytest.mark.parametrize("who", ["reviewer", "lac", "senior"])
def test_the_draft_preview_is_open_to_the_reviewer_lac_and_senior_reviewers(
    client, written, people, who
):
    sign_in_verified(client, people[who])
    assert client.get(url("family_copy", written, draft=True)).status_code == 200


def test_anonymous_users_are_sent_to_sign_in(client, completed):
    assert client.get(url("family_copy", completed)).status_code == 302
    assert client.get(url("family_copy_pdf", completed)).status_code == 302


def test_structured_questions_read_as_question_answer_and_detail(client, completed, reviewer):
    from leder.reviews import questions

    question = questions.question_set_for(completed).groups[0].questions[0]
    _row(
        completed,
        "questions",
        {question.key: {"answer": "no", "detail": "Last check was in 2019"}},
        reviewer,
    )
    sign_in_verified(client, reviewer)
    page = client.get(url("family_copy", completed)).content.decode()
    assert question.text.replace("'", "&#39;") in page or question.text in page
    assert "No – Last check was in 2019" in page
