"""The sign-off lock service and its database triggers, on one small review.

The QA and panel services that call `review_lock` have their own tests; here the lock itself:
what it freezes, that the database refuses changes while it holds, and that reopening lifts it
while keeping the signed-off content readable."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from leder.accounts.models import Role
from leder.accounts.tests.factories import user_with_role
from leder.casework.models import CaseState
from leder.casework.services.lifecycle import case_transition
from leder.core.audit import verify_chain
from leder.core.models import AuditEvent
from leder.governance import lock_triggers
from leder.governance.models import SignOff, SignOffRoute
from leder.governance.selectors.signoff import signed_off_kinds
from leder.governance.services.signoff import (
    content_hash,
    is_locked,
    review_lock,
    review_reopen,
    signoff_verify,
)
from leder.reviews import sections
from leder.reviews.models import Review, ReviewSection, ReviewVersion
from leder.reviews.services.records import review_section_save, review_start

pytestmark = pytest.mark.django_db
REFUSED = (IntegrityError, DatabaseError)


class NoteForm(forms.Form):
    note = forms.CharField()


@pytest.fixture(autouse=True)
def only_a_note_section(monkeypatch):
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


@pytest.fixture
def signed_off(cases, icb):
    """A completed case whose initial review (one note) is signed off by a senior reviewer."""
    case = cases.make(CaseState.INITIAL_REVIEW)
    reviewer = case.reviewer.user
    review = review_start(actor=reviewer, case=case)
    review_section_save(
        actor=reviewer, review=review, key="note", data={"note": "Avoidable"}, complete=True
    )
    case_transition(actor=reviewer, case=case, transition="submit_for_qa")
    senior = user_with_role(Role.SENIOR_REVIEWER, icb)
    with transaction.atomic():
        signoff = review_lock(actor=senior, review=review, route=SignOffRoute.QA_APPROVAL)
        case_transition(
            actor=senior,
            case=case,
            transition="qa_approve",
            service="governance.services.qa.qa_approve",
        )
    review.refresh_from_db()
    return review, signoff


@pytest.fixture
def icb():
    from leder.accounts.tests.factories import icb as make_icb

    return make_icb(name="NHS Lock ICB", short_name="Lock ICB")


@pytest.fixture
def cases(icb):
    from leder.casework.tests.factories import CaseMaker

    return CaseMaker(icb=icb, lac=user_with_role(Role.LAC, icb))


def test_sign_off_freezes_the_last_version_and_audits_its_hash(signed_off):
    review, signoff = signed_off
    version = review.versions.get(number=signoff.version_number)
    assert signoff.snapshot == version.snapshot == {"note": {"note": "Avoidable"}}
    assert signoff.content_hash == content_hash(version.snapshot)
    event = AuditEvent.objects.filter(details__content_sha256=signoff.content_hash).get()
    assert "signed off and locked" in event.summary
    assert is_locked(review) and signoff_verify(signoff) == []


def test_the_service_refuses_to_change_a_signed_off_review(signed_off):
    review, _ = signed_off
    with pytest.raises(PermissionDenied, match="signed off and is locked"):
        review_section_save(
            actor=review.case.reviewer.user,
            review=review,
            key="note",
            data={"note": "Not avoidable"},
            complete=True,
        )


@pytest.mark.parametrize(
    "write",
    [
        lambda r: ReviewSection.objects.filter(review=r).update(data={"note": "Not avoidable"}),
        lambda r: ReviewSection.objects.filter(review=r).delete(),
        lambda r: ReviewSection.objects.create(
            review=r, key="other", data={}, updated_at=r.started_at, updated_by=r.started_by
        ),
        lambda r: Review.objects.filter(pk=r.pk).update(submitted_at=None),
        lambda r: ReviewVersion.objects.filter(review=r).update(summary="rewritten"),
        lambda r: SignOff.objects.filter(review=r).update(snapshot={"note": {"note": "x"}}),
        lambda r: SignOff.objects.filter(review=r).delete(),
    ],
    ids=[
        "bulk-update",
        "delete",
        "insert",
        "review-row",
        "version-history",
        "signoff-rewrite",
        "signoff-delete",
    ],
)
def test_the_database_refuses_every_change_in_place(signed_off, write):
    review, signoff = signed_off
    with pytest.raises(REFUSED), transaction.atomic():
        write(review)
    assert ReviewSection.objects.get(review=review).data == {"note": "Avoidable"}
    assert signoff_verify(SignOff.objects.get(pk=signoff.pk)) == []


def test_raw_sql_is_refused_too(signed_off):
    review, _ = signed_off
    with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reviews_reviewsection SET data = %s WHERE review_id = %s",
            ['{"note": "Not avoidable"}', review.pk],
        )


def test_reopening_needs_a_permitted_person_and_a_reason(signed_off, icb):
    review, _ = signed_off
    with pytest.raises(PermissionDenied):
        review_reopen(actor=user_with_role(Role.PANEL_MEMBER, icb), review=review, reason="x")
    with pytest.raises(ValidationError):
        review_reopen(actor=user_with_role(Role.LAC, icb), review=review, reason="  ")
    assert is_locked(review)


def test_reopening_keeps_the_signed_off_version_and_allows_a_new_one(signed_off, icb):
    review, signoff = signed_off
    lac = user_with_role(Role.LAC, icb)
    review_reopen(actor=lac, review=review, reason="The coroner's findings arrived")
    review.case.refresh_from_db()
    assert review.case.state == CaseState.INITIAL_REVIEW and not is_locked(review)
    reopened = SignOff.objects.get(pk=signoff.pk)
    assert reopened.reopened_by == lac and reopened.reopen_reason.startswith("The coroner")
    latest = review.versions.order_by("-number").first()
    assert latest.section_key == "reopened" and "coroner" in latest.summary

    review_section_save(
        actor=review.case.reviewer.user,
        review=review,
        key="note",
        data={"note": "Avoidable; the inquest agreed"},
        complete=True,
    )
    # The signed-off content is still readable, and still what was signed off.
    assert reopened.snapshot == {"note": {"note": "Avoidable"}}
    assert signoff_verify(reopened) == []
    # A reopened sign-off cannot be reopened again or rewritten.
    with pytest.raises(REFUSED), transaction.atomic():
        SignOff.objects.filter(pk=signoff.pk).update(reopen_reason="changed")
    assert verify_chain()[1] is None

    # Signed off again: two sign-offs of the one review, which the case page lists once.
    with transaction.atomic():
        review_lock(actor=lac, review=review, route=SignOffRoute.QA_APPROVAL)
    assert SignOff.objects.filter(review=review).count() == 2
    assert signed_off_kinds(review.case) == ["initial"]


def test_tampering_behind_the_triggers_is_detected(signed_off):
    review, signoff = signed_off
    lock_triggers.remove(connection)
    try:
        ReviewSection.objects.filter(review=review).update(data={"note": "Not avoidable"})
    finally:
        lock_triggers.install(connection)
    assert "differs from what was signed off" in " ".join(signoff_verify(signoff))


def test_governed_moves_are_refused_outside_their_service(cases, icb):
    from leder.casework.services.lifecycle import TransitionRefused

    case = cases.make(CaseState.QUALITY_ASSURANCE)
    with pytest.raises(TransitionRefused, match=r"governance\.services\.qa\.qa_approve"):
        case_transition(
            actor=user_with_role(Role.SENIOR_REVIEWER, icb), case=case, transition="qa_approve"
        )
