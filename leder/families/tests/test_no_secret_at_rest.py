"""No usable family secret at rest (ADR 0181): after an invitation and a sign-in code have been
sent through the real database task queue, a dump of every table holds neither the link's token
nor the code, only their hashes."""

import hashlib
import re

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from leder.families import services
from leder.reviews.tests.test_no_secret_at_rest import dump_every_table

pytestmark = pytest.mark.django_db


def run_queued():
    for queued in DBTaskResult.objects.filter(status="READY"):
        queued.set_successful(
            queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
        )


def test_an_invitation_and_a_code_leave_no_usable_secret(
    sister, reviewer, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            actor=reviewer, contact=sister, second_factor="code"
        )
    run_queued()
    token = re.search(r"/family/([A-Za-z0-9_-]{43})", mail.outbox[-1].body).group(1)
    assert services.link_resolve(token).invitation == invitation
    with django_capture_on_commit_callbacks(execute=True):
        services.code_send(invitation=invitation)
    run_queued()
    code = re.search(r"is (\d{6})", mail.outbox[-1].body).group(1)
    dumped = dump_every_table()
    assert "django_tasks_database_dbtaskresult" in dumped
    assert hashlib.sha256(token.encode()).hexdigest() in dumped
    assert token not in dumped
    assert f"'{code}'" not in dumped and f'"{code}"' not in dumped
    assert services.factor_check(invitation=invitation, code=code)
