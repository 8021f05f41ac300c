"""The free-text release queue: withheld until released, released text in the next export, a
reopened review's changed text withheld again, every change audited, and the pages (who may,
plain forms that work without JavaScript, highlighting with kinds)."""

from datetime import date

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.models import CaseState
from leder.core.models import AuditEvent
from leder.demo.reviews import ReviewContent
from leder.exports import formats, spec
from leder.exports import release as queue
from leder.exports import release_services as services
from leder.exports.models import FreeTextRelease
from leder.exports.tests import factories
from leder.governance.services.signoff import review_reopen
from leder.reviews.models import LearningItem
from leder.reviews.services.learning import learning_item_update
from leder.reviews.services.records import review_submit

pytestmark = pytest.mark.django_db

CONCERN = (
    "Her brother Tobias said the team on Ward 7 did not call the GP. Charge nurse Priya Raman "
    "noticed the sepsis on Christmas Day 2024."
)


def content(concern: str = CONCERN) -> ReviewContent:
    return ReviewContent(
        written_on=date(2025, 9, 1),
        learning=(
            ("good_practice", "The hospital passport was used.", ("Reasonable adjustments",)),
            ("concern", concern, ("Sepsis",)),
        ),
    )


@pytest.fixture
def cases():
    return factories.area()


@pytest.fixture
def case(cases):
    return factories.completed_case(cases, content=content())


def _item(user, case, field="learning_concerns") -> queue.Item:
    return queue.release_item_for(user=user, case_id=case.pk, field_name=field)


_RECIPIENTS = iter(range(1, 1000))


def _export(capture) -> pl.DataFrame:
    recipient = factories.recipient(name=f"Recipient {next(_RECIPIENTS)} analysis team")
    made = factories.export(
        capture,
        actor=factories.analyst(),
        recipient=recipient,
        agreement=factories.agreement(recipient),
    )
    return made, pl.read_parquet(formats.export_dir(made) / made.files["parquet"])


def test_free_text_is_withheld_until_released_then_the_released_text_leaves(
    cases, case, django_capture_on_commit_callbacks
):
    made, frame = _export(django_capture_on_commit_callbacks)
    row = frame.row(0, named=True)
    assert row["learning_concerns"] == spec.WITHHELD
    assert row["learning_good_practice"] == spec.WITHHELD
    assert made.manifest["free_text"]["withheld"] == 2

    item = _item(cases.lac, case)
    services.free_text_release(actor=cases.lac, item=item, sha256=item.sha256)
    made, frame = _export(django_capture_on_commit_callbacks)
    row = frame.row(0, named=True)
    assert row["learning_concerns"] == (
        "Her brother [NAME] said the team on [PLACE] did not call the GP. Charge nurse [NAME] "
        "noticed the sepsis on [DATE]."
    )
    assert row["learning_good_practice"] == spec.WITHHELD
    assert made.manifest["free_text"] == {
        "released": 1,
        "withheld": 1,
        "by_field": {
            "learning_concerns": {"released": 1, "withheld": 0},
            "learning_good_practice": {"released": 0, "withheld": 1},
        },
        "withheld_value": spec.WITHHELD,
    }


def test_a_person_adds_and_undoes_redactions_and_the_release_keeps_them(cases, case):
    item = _item(cases.lac, case)
    assert (
        services.free_text_redaction_add(
            actor=cases.lac, item=item, sha256=item.sha256, words="the GP", kind="place"
        )
        == 1
    )
    item = _item(cases.lac, case)
    nurse = next(r for r in queue.redactions(item.text, queue.identifiers_of(case), item.release)
                 if item.text[r.start : r.end] == "Priya Raman")  # fmt: skip
    assert (
        services.free_text_redaction_toggle(
            actor=cases.lac, item=item, sha256=item.sha256, start=nurse.start, end=nurse.end
        )
        == "undone"
    )
    item = _item(cases.lac, case)
    released = services.free_text_release(actor=cases.lac, item=item, sha256=item.sha256)
    assert released.released_text == (
        "Her brother [NAME] said the team on [PLACE] did not call [PLACE]. Charge nurse Priya "
        "Raman noticed the sepsis on [DATE]."
    )
    # Each change and the release is audited, without the words themselves.
    events = AuditEvent.objects.filter(object_type="exports.FreeTextRelease").order_by("sequence")
    summaries = [e.summary for e in events]
    assert len(summaries) == 3
    assert "added" in summaries[0] and "undone" in summaries[1] and "released" in summaries[2]
    assert all("GP" not in str(e.details) and "Priya" not in str(e.details) for e in events)


def test_a_reopened_review_with_changed_text_is_withheld_again(
    cases, case, django_capture_on_commit_callbacks
):
    item = _item(cases.lac, case)
    services.free_text_release(actor=cases.lac, item=item, sha256=item.sha256)
    # A recorded concern makes a focused review needed (DOMAIN.md), so the panel signed off the
    # focused review: that is the review reopened.
    review = case.reviews.get(kind="focused")
    review_reopen(actor=cases.lac, review=review, reason="The family gave new information")
    concern = LearningItem.objects.get(review=review, kind="concern")
    learning_item_update(
        actor=case.reviewer.user,
        item=concern,
        kind="concern",
        text=CONCERN + " The ward did not use the hospital passport.",
        themes=list(concern.themes.all()),
    )
    review_submit(actor=case.reviewer.user, review=review)
    factories._lock(review, "panel", "panel_sign_off", cases.icb)
    case.refresh_from_db()
    assert case.state == CaseState.COMPLETED

    _, frame = _export(django_capture_on_commit_callbacks)
    assert frame.row(0, named=True)["learning_concerns"] == spec.WITHHELD
    waiting = [i for i in queue.release_items_for(cases.lac) if not i.is_released]
    assert "learning_concerns" in {i.field for i in waiting}


def test_a_change_to_text_read_before_it_changed_is_refused(cases, case):
    item = _item(cases.lac, case)
    with pytest.raises(ValidationError, match="changed since you opened it"):
        services.free_text_release(actor=cases.lac, item=item, sha256="0" * 64)
    assert not FreeTextRelease.objects.exists()


def test_words_not_in_the_text_are_refused(cases, case):
    item = _item(cases.lac, case)
    with pytest.raises(ValidationError) as raised:
        services.free_text_redaction_add(
            actor=cases.lac, item=item, sha256=item.sha256, words="Rumpelstiltskin", kind="name"
        )
    assert "not in the text" in str(raised.value)


def test_an_information_governance_reviewer_releases_and_others_may_not(cases, case):
    ig = user_with_role(Role.IG_REVIEWER, cases.icb)
    item = _item(ig, case)
    services.free_text_release(actor=ig, item=item, sha256=item.sha256)
    reviewer = user_with_role(Role.REVIEWER, cases.icb)
    with pytest.raises(PermissionDenied):
        services.free_text_release(actor=reviewer, item=item, sha256=item.sha256)


# --- The pages ---------------------------------------------------------------------------------


def item_url(case, name="item", field="learning_concerns"):
    return reverse(f"exports_release:{name}", kwargs={"case_id": case.pk, "field": field})


def test_the_queue_lists_waiting_text_for_the_lac_and_links_from_their_home(client, cases, case):
    sign_in_verified(client, cases.lac)
    home = client.get(reverse("accounts:home")).content.decode()
    assert reverse("exports_release:queue") in home
    page = client.get(reverse("exports_release:queue")).content.decode()
    assert case.notification.reference in page
    assert "Concerns" in page and "Good practice" in page


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.SENIOR_REVIEWER, Role.NATIONAL_ANALYST])
def test_other_roles_get_a_403(client, cases, case, role):
    sign_in_verified(client, user_with_role(role, cases.icb if role != Role.NATIONAL_ANALYST
                                            else None))  # fmt: skip
    assert client.get(reverse("exports_release:queue")).status_code == 403
    assert client.get(item_url(case)).status_code == 403


def test_another_icbs_case_is_a_404(client, case):
    sign_in_verified(client, user_with_role(Role.LAC, make_icb(name="NHS Elsewhere ICB")))
    assert client.get(item_url(case)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, case):
    response = client.get(item_url(case))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_the_item_page_highlights_each_redaction_with_its_kind_and_is_audited(client, cases, case):
    sign_in_verified(client, cases.lac)
    page = client.get(item_url(case)).content.decode()
    assert '<mark class="leder-redaction">Tobias<span class="leder-redaction__kind"> (name)' in page
    assert 'Ward 7<span class="leder-redaction__kind"> (place or organisation)' in page
    assert "[NAME]" in page and "Withheld from the national dataset until released" in page
    assert AuditEvent.objects.filter(action="view", object_id=str(case.pk)).exists()


def test_adding_a_redaction_through_the_plain_form(client, cases, case):
    sign_in_verified(client, cases.lac)
    item = _item(cases.lac, case)
    response = client.post(
        item_url(case, "add"), {"sha256": item.sha256, "words": "the GP", "kind": "place"}
    )
    assert response.status_code == 302
    page = client.get(item_url(case)).content.decode()
    assert '<mark class="leder-redaction">the GP<span class="leder-redaction__kind">' in page
    assert "A person" in page


def test_adding_a_redaction_with_nothing_typed_says_what_to_do(client, cases, case):
    sign_in_verified(client, cases.lac)
    item = _item(cases.lac, case)
    response = client.post(item_url(case, "add"), {"sha256": item.sha256, "kind": "name"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Enter the words to remove" in page
    assert not FreeTextRelease.objects.exists()


def test_undo_and_release_through_the_plain_forms(client, cases, case):
    sign_in_verified(client, cases.lac)
    item = _item(cases.lac, case)
    tobias = item.text.index("Tobias")
    client.post(
        item_url(case, "toggle"),
        {"sha256": item.sha256, "start": tobias, "end": tobias + len("Tobias")},
    )
    refused = client.post(item_url(case), {"sha256": item.sha256})
    assert "Confirm that you have read the redacted text" in refused.content.decode()
    released = client.post(item_url(case), {"sha256": item.sha256, "confirm": "on"})
    assert released.status_code == 302
    row = FreeTextRelease.objects.get()
    assert row.is_released and "Tobias" in row.released_text


def test_the_export_page_shows_free_text_withheld_and_what_the_check_did(
    client, cases, case, django_capture_on_commit_callbacks, settings
):
    # k=2 with one death in the cohort: it is alone at every step, so it is suppressed.
    settings.LEDER_K_ANONYMITY_K = 2
    made, frame = _export(django_capture_on_commit_callbacks)
    assert frame.height == 0
    assert made.manifest["k_anonymity"]["records_suppressed"] == 1
    assert made.manifest["reconciliation"]["left_out"] == {"suppressed_k_anonymity": 1}
    assert made.manifest["reconciliation"]["balanced"] is True
    sign_in_verified(client, factories.analyst())
    page = client.get(reverse("exports:detail", kwargs={"pk": made.pk})).content.decode()
    assert "Free text released and withheld" in page
    assert "Re-identification check" in page and "Suppressed (left out)" in page
    spec_page = client.get(reverse("exports:specification")).content.decode()
    assert "The re-identification check" in spec_page and spec.WITHHELD in spec_page
