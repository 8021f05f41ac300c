"""No usable secret at rest (issue 12, ADR 0121): after a records request has been e-mailed by
the real database task queue, and after a member of staff has set up an authenticator app, a
dump of every table holds no upload-link token, no authenticator key and no recovery code."""

import base64
import re

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from leder.accounts.tests.factories import current_code, sign_in_password_only
from leder.organisations.models import Organisation, OrganisationKind
from leder.reviews import tasks
from leder.reviews.services import uploads as services

pytestmark = pytest.mark.django_db


def dump_every_table() -> str:
    """Every row of every table the project's models (and their many-to-many tables) use, as
    text, read with SQL so that no model code hides a column."""
    tables = sorted(
        {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
        & set(connection.introspection.table_names())
    )
    parts = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')
            parts.append(f"{table}: {cursor.fetchall()!r}")
    return "\n".join(parts)


def test_a_records_request_leaves_no_usable_token(
    review, reviewer, settings, django_capture_on_commit_callbacks
):
    # The real database task queue, which keeps each task's arguments and result in a table.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    organisation = Organisation.objects.create(
        ods_code="TSTS00001", name="Riverside Surgery", kind=OrganisationKind.GP_PRACTICE
    )
    with django_capture_on_commit_callbacks(execute=True):
        request = tasks.records_request_send(
            actor=reviewer,
            review=review,
            organisation=organisation,
            email="records@example.nhs.uk",
            requested="GP records, 2 years",
        )
    # Run the queued task as the worker does (db_worker itself closes the test's connection).
    (queued,) = DBTaskResult.objects.all()
    queued.set_successful(
        queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    )
    (message,) = mail.outbox
    token = re.search(r"/upload/([A-Za-z0-9_-]{43,})", message.body).group(1)
    assert services.upload_link_resolve(token).request == request  # the e-mailed link works
    dumped = dump_every_table()
    assert "django_tasks_database_dbtaskresult" in dumped and str(request.pk) in dumped
    assert services.token_hash(token) in dumped  # the dump does read the request's row
    assert token not in dumped


def test_setting_up_an_authenticator_leaves_no_usable_secret(client, reviewer):
    sign_in_password_only(client, reviewer)
    set_up = reverse("accounts:two_factor_setup")
    client.get(set_up)
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    secret = device.bin_key
    page = client.post(set_up, {"code": current_code(device)}).content.decode()
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", page)
    assert len(codes) == 10
    dumped = dump_every_table().lower()
    assert TOTPDevice.objects.get(user=reviewer).key.lower() in dumped  # sealed, and dumped
    for form in (secret.hex(), base64.b32encode(secret).decode().rstrip("=")):
        assert form.lower() not in dumped
    for code in codes:
        assert code not in dumped and code.replace("-", "") not in dumped
