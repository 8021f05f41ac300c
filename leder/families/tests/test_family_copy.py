"""The family copy written for the family (issue 16 item 6, ADR 0166): plain words, the pen
portrait, what the review found (the grade as a sentence, no scale), what will change; its easy
read checked sentence by sentence; the staff preview, who may read it, how and when it was sent
(GOV.UK Notify messages and copies recorded as sent another way), and the link from the case."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.models import CaseState
from leder.core.models import AuditAction, AuditEvent
from leder.core.readability import sentence_problems
from leder.core.time import now, today
from leder.families import services
from leder.families.copy import GRADE_EASY, GRADE_WORDS, family_copy_for
from leder.families.models import CopySent
from leder.governance.models import Action, ActionStatus
from leder.reviews.models import GradingLevel, LearningItem, LearningTheme, ReviewSection

pytestmark = pytest.mark.django_db

WHO = "Sam loved trains and sang in the church choir every Sunday."
GOOD = "The GP knew Sam well."
# Not easy read: too long, and jargon.
HARD = (
    "Notwithstanding the multifactorial aetiology, the DNACPR discussion was not documented "
    "contemporaneously in accordance with the trust's policy on resuscitation decisions."
)
ACTION = "Check that every DNACPR decision is talked through with the family"


def _row(review, key, data, user):
    ReviewSection.objects.update_or_create(
        review=review,
        key=key,
        defaults={"data": data, "is_complete": True, "updated_at": now(), "updated_by": user},
    )


def _learning(review, user, kind, text):
    item = LearningItem.objects.create(
        review=review, kind=kind, text=text, created_at=now(), created_by=user, updated_at=now()
    )
    item.themes.add(LearningTheme.objects.filter(active=True).first())


@pytest.fixture
def written(review, reviewer, icb):
    _row(review, "pen_portrait", {"who_they_were": WHO, "what_mattered": "Music"}, reviewer)
    _row(review, "grading", {"level": 4, "scale_version": "1", "why": "Reasons"}, reviewer)
    _learning(review, reviewer, "good_practice", GOOD)
    _learning(review, reviewer, "improvement", HARD)
    _learning(review, reviewer, "concern", "A concern for the panel only")
    action = Action.objects.create(
        icb=icb,
        reference="ACT-T-1",
        title=ACTION,
        owner_organisation=icb,
        owner_name="Alex Owner",
        due_on=date(2027, 3, 31),
        measure="Audit",
        status=ActionStatus.OPEN,
        agreed_on=today(),
        created_at=now(),
        created_by=reviewer,
    )
    action.reviews.add(review)
    Action.objects.create(
        icb=icb,
        reference="ACT-T-2",
        title="A cancelled action",
        owner_organisation=icb,
        owner_name="Alex Owner",
        due_on=date(2027, 3, 31),
        measure="Audit",
        status=ActionStatus.CANCELLED,
        cancellation_reason="Duplicate",
        agreed_on=today(),
        created_at=now(),
        created_by=reviewer,
    ).reviews.add(review)
    return review


@pytest.fixture
def completed(written):
    case = written.case
    type(case).objects.filter(pk=case.pk).update(state=CaseState.COMPLETED)
    case.refresh_from_db()
    return case


def url(name, case):
    return reverse(f"families_staff:{name}", kwargs={"reference": case.reference})


# --- the words --------------------------------------------------------------------------------


def test_the_copy_says_who_they_were_what_was_found_and_what_will_change(completed):
    copy = family_copy_for(completed, is_draft=False)
    given = completed.notification.given_name
    assert copy.pen_portrait[0] == (f"Who {given} was", WHO)
    assert copy.grade == 4
    assert "not as good as it should have been" in copy.grade_words
    assert copy.went_well == [GOOD]
    assert copy.could_be_better == [HARD]
    assert [c.what for c in copy.changes] == [ACTION]  # not the cancelled one
    assert copy.changes[0].by_when == "31 March 2027"


def test_the_family_page_has_no_internal_labels_scales_or_concerns(completed, client, reviewer):
    sign_in_verified(client, reviewer)
    page = client.get(url("copy", completed)).content.decode()
    article = page[page.index('<article class="leder-family-copy">') :]
    assert WHO in article and ACTION in article
    for internal in (
        "Grade 4",
        "Care short of good practice",
        "Why did you choose",
        "Themes",
        "Multi-agency",
        "A concern for the panel only",
        "Reasons",
        "A cancelled action",
    ):
        assert internal not in article, internal


def test_no_grade_sentence_names_the_scale_or_a_number():
    titles = list(GradingLevel.objects.values_list("title", flat=True))
    assert len(titles) >= 6
    for level, words in GRADE_WORDS.items():
        text = words.format(name="Sam")
        assert "grade" not in text.lower() and str(level) not in text
        assert not any(title.lower() in text.lower() for title in titles)


@pytest.mark.parametrize("level", sorted(GRADE_EASY))
def test_every_easy_read_line_the_service_writes_passes_the_sentence_check(level, completed):
    ReviewSection.objects.filter(key="grading").update(data={"level": level})
    easy = family_copy_for(completed, is_draft=False).easy_read
    assert easy.grade
    problems = sentence_problems("\n".join(easy.lines))
    assert not problems, [p.message for p in problems]


def test_the_reviewers_sentences_that_are_not_easy_read_are_left_out_and_named(
    completed, client, reviewer
):
    easy = family_copy_for(completed, is_draft=False).easy_read
    assert GOOD in easy.went_well
    assert HARD not in easy.could_be_better
    # "DNACPR" is a word to avoid: the action is named to the reviewer too.
    assert [w.sentence for w in easy.withheld] == [HARD, ACTION]
    sign_in_verified(client, reviewer)
    page = client.get(url("copy_easy_read", completed)).content.decode()
    assert "not easy read" in page and "words to avoid" in page
    article = page[page.index('<article class="leder-family-copy">') :]
    assert "aetiology" not in article
    assert "There is more to read in the full copy." in article
    assert "The NHS will make 1 change." in article


def test_before_sign_off_it_is_a_draft_that_cannot_be_recorded_as_sent(written, client, reviewer):
    sign_in_verified(client, reviewer)
    page = client.get(url("copy", written.case)).content.decode()
    assert "must not be sent to the family yet" in page
    assert "Record a copy sent another way" not in page
    refused = client.post(url("copy", written.case), {"sent_to": "Jane", "way": "post"})
    assert refused.status_code == 403
    assert not CopySent.objects.exists()


# --- sending ----------------------------------------------------------------------------------


def test_a_copy_sent_another_way_is_recorded_with_when_and_how(completed, client, lac):
    sign_in_verified(client, lac)
    day = today() - timedelta(days=1)
    form = {
        "sent_to": "Jane Testperson, sister",
        "way": "post",
        "sent_on_day": day.day,
        "sent_on_month": day.month,
        "sent_on_year": day.year,
        "easy_read": "on",
    }
    future = today() + timedelta(days=2)
    refused = client.post(
        url("copy", completed),
        form
        | {"sent_on_day": future.day, "sent_on_month": future.month, "sent_on_year": future.year},
    )
    assert refused.status_code == 200 and "Error:" in refused.content.decode()
    assert not CopySent.objects.exists()
    assert client.post(url("copy", completed), form).status_code == 302
    record = CopySent.objects.get()
    assert (record.way, record.sent_on, record.easy_read) == ("post", day, True)
    page = client.get(url("copy", completed)).content.decode()
    assert "Jane Testperson, sister" in page and "Printed and posted" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, summary__startswith="Recorded the family copy"
    ).exists()


def test_the_notify_messages_telling_the_family_are_listed(
    written, sister, client, reviewer, notify, django_capture_on_commit_callbacks
):
    from leder.families.models import SecondFactor

    case = written.case
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            actor=reviewer, contact=sister, second_factor=SecondFactor.DATE_OF_BIRTH
        )
    type(case).objects.filter(pk=case.pk).update(state=CaseState.COMPLETED)
    case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.family_copy_announce(actor=reviewer, case=case) == 1
    sign_in_verified(client, reviewer)
    page = client.get(url("copy", case)).content.decode()
    table = page[page.index("How and when it was sent") : page.index("<article")]
    assert "Jane Testperson" in table and "by email (GOV.UK Notify)" in table


# --- who may read it --------------------------------------------------------------------------


def test_who_reads_it_and_each_view_is_audited(completed, client, reviewer, lac, icb):
    senior = user_with_role(Role.SENIOR_REVIEWER, icb)
    for user in (reviewer, lac, senior):
        c = client.__class__()
        sign_in_verified(c, user)
        assert c.get(url("copy", completed)).status_code == 200
        assert c.get(url("copy_easy_read", completed)).status_code == 200
    panel = client.__class__()
    sign_in_verified(panel, user_with_role(Role.PANEL_MEMBER, icb))
    assert panel.get(url("copy", completed)).status_code in (403, 404)
    other = client.__class__()
    sign_in_verified(other, user_with_role(Role.LAC, make_icb(name="NHS Other ICB")))
    assert other.get(url("copy", completed)).status_code == 404
    assert other.get(url("copy_pdf", completed)).status_code == 404
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, summary__contains="family copy")
    assert views.count() == 6


def test_the_case_page_links_the_family_copy(completed, client, reviewer):
    sign_in_verified(client, reviewer)
    page = client.get(reverse("casework:case", kwargs={"reference": completed.reference}))
    assert url("copy", completed) in page.content.decode()


def test_the_pdfs_are_audited_exports(completed, client, reviewer):
    sign_in_verified(client, reviewer)
    for name in ("copy_pdf", "copy_easy_read_pdf"):
        response = client.get(url(name, completed))
        assert response.content.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 2
