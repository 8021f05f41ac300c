"""The administrators' services for API clients and tokens: who may, what is checked, what is
audited, and that a token's plaintext is never stored."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import user_with_role
from leder.api import services
from leder.api.models import ApiClient, ApiScope, ApiToken
from leder.api.tests.factories import administrator, api_client
from leder.api.tokens import token_hash
from leder.core.models import AuditEvent
from leder.core.time import now

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [r for r in Role.values if r != Role.ADMINISTRATOR]


def _audited(obj) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk)).order_by(
            "sequence"
        )
    )


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_only_administrators_manage_clients_and_tokens(role):
    outsider = user_with_role(role)
    existing = api_client()
    token = services.api_token_issue(actor=existing.created_by, client=existing).token
    calls = [
        lambda: services.api_client_create(
            actor=outsider, name="X", organisation=make_icb(), scopes=[ApiScope.REFERENCE_READ]
        ),
        lambda: services.api_token_issue(actor=outsider, client=existing),
        lambda: services.api_token_rotate(actor=outsider, token=token),
        lambda: services.api_token_revoke(actor=outsider, token=token),
        lambda: services.api_client_revoke(actor=outsider, client=existing),
        lambda: services.api_client_update_scopes(
            actor=outsider, client=existing, scopes=[ApiScope.REFERENCE_READ]
        ),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert ApiToken.objects.count() == 1
    assert ApiClient.objects.get().revoked_at is None


def test_client_creation_is_audited():
    client = api_client(scopes=[ApiScope.REFERENCE_READ])
    (event,) = _audited(client)
    assert event.actor == client.created_by
    assert event.details["scopes"] == [ApiScope.REFERENCE_READ]


@pytest.mark.parametrize(
    ("name", "scopes", "field"),
    [
        ("", [ApiScope.REFERENCE_READ], "name"),
        ("Taken", [ApiScope.REFERENCE_READ], "name"),
        ("New", [], "scopes"),
        ("New", ["everything"], "scopes"),
    ],
)
def test_client_creation_is_validated_and_writes_nothing(name, scopes, field):
    admin = administrator()
    api_client(name="Taken", admin=admin)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        services.api_client_create(actor=admin, name=name, organisation=make_icb(), scopes=scopes)
    assert field in error.value.message_dict
    assert ApiClient.objects.count() == 1
    assert AuditEvent.objects.count() == before


def test_issued_token_is_stored_only_as_a_hash_and_audited_by_prefix():
    client = api_client()
    issued = services.api_token_issue(actor=client.created_by, client=client)
    stored = ApiToken.objects.get()
    assert stored.token_hash == token_hash(issued.plaintext)
    assert issued.plaintext.startswith(stored.prefix)
    (event,) = _audited(stored)
    assert event.details["prefix"] == stored.prefix
    for row in AuditEvent.objects.all():
        assert issued.plaintext not in str(row.details) + row.summary


def test_no_token_for_a_revoked_client_or_with_an_expiry_in_the_past():
    client = api_client()
    with pytest.raises(ValidationError):
        services.api_token_issue(
            actor=client.created_by, client=client, expires_at=now() - timedelta(minutes=1)
        )
    services.api_client_revoke(actor=client.created_by, client=client)
    with pytest.raises(ValidationError):
        services.api_token_issue(actor=client.created_by, client=client)
    assert not ApiToken.objects.exists()


def test_rotation_ends_the_old_token_after_the_grace_and_is_audited_on_both():
    client = api_client()
    old = services.api_token_issue(actor=client.created_by, client=client).token
    issued = services.api_token_rotate(actor=client.created_by, token=old, grace=timedelta(hours=2))
    old.refresh_from_db()
    assert timedelta(hours=1) < old.revoked_at - now() <= timedelta(hours=2)
    assert issued.token.client == client
    assert len(_audited(old)) == 2  # issued, rotated
    assert len(_audited(issued.token)) == 1


def test_rotation_grace_is_limited_and_a_revoked_token_cannot_be_rotated():
    client = api_client()
    token = services.api_token_issue(actor=client.created_by, client=client).token
    with pytest.raises(ValidationError):
        services.api_token_rotate(actor=client.created_by, token=token, grace=timedelta(days=8))
    services.api_token_revoke(actor=client.created_by, token=token)
    with pytest.raises(ValidationError):
        services.api_token_rotate(actor=client.created_by, token=token)
    assert ApiToken.objects.count() == 1


def test_revoking_a_token_twice_writes_one_audit_row():
    client = api_client()
    token = services.api_token_issue(actor=client.created_by, client=client).token
    services.api_token_revoke(actor=client.created_by, token=token)
    services.api_token_revoke(actor=client.created_by, token=token)
    assert token.revoked_at is not None
    assert len(_audited(token)) == 2  # issued, revoked


def test_revoking_a_client_revokes_its_live_tokens_and_is_audited():
    client = api_client()
    first = services.api_token_issue(actor=client.created_by, client=client).token
    second = services.api_token_issue(actor=client.created_by, client=client).token
    services.api_client_revoke(actor=client.created_by, client=client)
    assert client.revoked_at is not None
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 0
    event = _audited(client)[-1]
    assert set(event.details["tokens_revoked"]) == {first.prefix, second.prefix}


def test_changing_scopes_is_audited_with_before_and_after():
    client = api_client(scopes=[ApiScope.REFERENCE_READ])
    services.api_client_update_scopes(
        actor=client.created_by, client=client, scopes=[ApiScope.NOTIFICATIONS_SUBMIT]
    )
    assert client.scopes == [ApiScope.NOTIFICATIONS_SUBMIT]
    event = _audited(client)[-1]
    assert event.details == {"from": ["reference:read"], "to": ["notifications:submit"]}
