"""Shared pytest set-up."""

import pytest


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    """Each test gets its own media folder and an empty cache (rate limits live in the cache)."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()
