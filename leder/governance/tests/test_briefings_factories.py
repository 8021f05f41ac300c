"""Signed-off reviews and briefings for the briefing tests and the learning library journey.

A review here has one small section (the registry is swapped for it by `one_note_section`), so
that signing it off needs no other part of the review; the lock itself is the lead's service,
called as the QA approval calls it. No tests in this module."""

from django import forms
from django.db import transaction

from leder.accounts.models import Role
from leder.accounts.tests.factories import user_with_role
from leder.casework.models import CaseState
from leder.casework.services.lifecycle import case_transition
from leder.casework.tests.factories import make_reviewer
from leder.governance.models import SignOffRoute
from leder.governance.services.signoff import review_lock
from leder.reviews import sections
from leder.reviews.models import LearningTheme
from leder.reviews.services.records import review_section_save, review_start


class NoteForm(forms.Form):
    note = forms.CharField()


def one_note_section(monkeypatch) -> None:
    """Reviews made of one "note" section: enough to sign one off."""
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


def signed_off_review(cases, *, senior=None, note="Care was good", **person):
    """A completed case whose initial review is signed off (approved in quality assurance by a
    senior reviewer of the case's ICB, through the lock service and the lifecycle)."""
    # Named people: the staff who touched a case are identifiers of its record, and the
    # factories' default "Staff Member 1" would make the word "staff" one.
    reviewer_user = user_with_role(Role.REVIEWER, cases.icb, full_name="Robin Ferris")
    case = cases.make(
        CaseState.INITIAL_REVIEW, reviewer=make_reviewer(cases.icb, user=reviewer_user), **person
    )
    reviewer = case.reviewer.user
    review = review_start(actor=reviewer, case=case)
    review_section_save(
        actor=reviewer, review=review, key="note", data={"note": note}, complete=True
    )
    case_transition(actor=reviewer, case=case, transition="submit_for_qa")
    senior = senior or user_with_role(Role.SENIOR_REVIEWER, cases.icb, full_name="Quinn Ashdown")
    with transaction.atomic():
        review_lock(actor=senior, review=review, route=SignOffRoute.QA_APPROVAL)
        case_transition(
            actor=senior,
            case=case,
            transition="qa_approve",
            service="governance.services.qa.qa_approve",
        )
    review.refresh_from_db()
    return review


def themes(*names: str) -> list[LearningTheme]:
    """Learning themes by name, made if the reference data lacks them."""
    return [LearningTheme.objects.get_or_create(name=name)[0] for name in names]
