"""`core.bulk.insert` stores what `bulk_create` stores, and sets the new keys (ADR 0177)."""

from datetime import UTC, datetime

import pytest

from leder.accounts.models import User
from leder.core import bulk
from leder.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def _events(user, start: int) -> list[AuditEvent]:
    at = datetime(2024, 3, 31, 0, 30, 15, 123456, tzinfo=UTC)
    return [
        AuditEvent(
            sequence=start + i,
            occurred_at=at,
            actor=user if i % 2 else None,
            actor_label="someone@example.invalid",
            action=AuditAction.CREATE,
            object_type="notifications.Notification",
            object_id=str(i),
            summary=f"Row {i}: “quoted”, 100% sure",
            details={"nested": {"list": [1, "two", None, True]}, "n": i, "text": "é"},
            ip_address="192.0.2.1" if i == 1 else None,
            previous_hash="0" * 64,
            row_hash=f"{start + i:064d}",
            key_id="k1",
        )
        for i in range(3)
    ]


def _stored(pks) -> list[dict]:
    rows = AuditEvent.objects.filter(pk__in=pks).order_by("object_id").values()
    return [{k: v for k, v in r.items() if k not in ("id", "sequence", "row_hash")} for r in rows]


def test_insert_stores_what_bulk_create_stores_and_sets_the_keys():
    user = User.objects.create_user(email="bulk@example.invalid", full_name="Bulk")
    inserted = bulk.insert(AuditEvent, _events(user, 10_000), batch_size=2)
    created = AuditEvent.objects.bulk_create(_events(user, 20_000))
    assert all(e.pk is not None and not e._state.adding for e in inserted)
    assert len({e.pk for e in inserted}) == 3
    assert AuditEvent.objects.get(pk=inserted[1].pk).actor == user
    assert _stored([e.pk for e in inserted]) == _stored([e.pk for e in created])


def test_insert_is_for_new_objects_only():
    event = _events(None, 30_000)[0]
    bulk.insert(AuditEvent, [event])
    with pytest.raises(ValueError):
        bulk.insert(AuditEvent, [event])
    assert bulk.insert(AuditEvent, []) == []


def test_a_related_object_must_be_saved_first():
    event = _events(None, 40_000)[0]
    event.actor = User(email="unsaved@example.invalid")
    with pytest.raises(ValueError):
        bulk.insert(AuditEvent, [event])
