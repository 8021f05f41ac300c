# ruff: noqa: F811 (fixtures imported from the reviews tests are used as arguments)
"""Fixtures for the family's part: a case in initial review, its reviewer, a review, a family
member with an e-mail and a postal address, and a local GOV.UK Notify server."""

import uuid

import pytest
from django.core.cache import cache

from leder.messaging import kinds
from leder.messaging.notify_server import NotifyTestServer, templates_for_project
from leder.reviews.services.contacts import contact_add
from leder.reviews.tests.conftest import case, cases, icb, lac, review, reviewer  # noqa: F401


@pytest.fixture(autouse=True)
def _private(settings, tmp_path, monkeypatch):
    settings.LEDER_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.LEDER_BASE_URL = "https://leder.test"
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # no ClamAV
    cache.clear()


@pytest.fixture
def sister(review, reviewer):
    return contact_add(
        actor=reviewer,
        review=review,
        name="Jane Testperson",
        kind="family",
        email="jane@example.org",
        address="1 Test Street\nLeicester",
        postcode="LE1 4AP",
        preferred_contact="email",
    )


@pytest.fixture
def notify(settings):
    """A local server speaking Notify's API, with the project's templates; settings point at
    it. Callbacks are delivered by the test (`server.deliver` returns the payload)."""
    ids = {key: str(uuid.uuid4()) for key in kinds.required_templates()}
    ids.update(
        {
            kinds.template_key(k.key, ch, easy_read=True): str(uuid.uuid4())
            for k in kinds.kinds().values()
            if k.has_easy_read
            for ch in k.channels
            if ch != "letter"
        }
    )
    settings.LEDER_NOTIFY_TEMPLATE_IDS = ids
    server = NotifyTestServer(
        service_id=str(uuid.uuid4()), secret=str(uuid.uuid4()), templates=templates_for_project()
    ).start()
    settings.LEDER_NOTIFY_API_KEY = server.api_key
    settings.LEDER_NOTIFY_BASE_URL = server.base_url
    settings.LEDER_NOTIFY_CALLBACK_TOKEN = "callback-secret-for-tests"
    yield server
    server.stop()
