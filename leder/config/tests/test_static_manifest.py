"""collectstatic under the production storage (hashed names in a manifest) works, and pages
answer 200 with it: a static file a template names but the manifest lacks is a 500 on every
page, which is how issue 11 found production."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
STATIC_CALL = re.compile(r"""static\(\s*['"]([^'"]+)['"]\s*\)""")


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """Collected once for the module (compressing every file takes a while)."""
    with override_settings(
        STATIC_ROOT=tmp_path_factory.mktemp("static"),
        STORAGES=PRODUCTION_STORAGES,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        call_command("collectstatic", "--no-input", verbosity=0)
        manifest = json.loads((Path(settings.STATIC_ROOT) / "staticfiles.json").read_text())
        yield manifest["paths"]


def test_every_static_file_a_template_names_is_in_the_manifest(collected):
    named = set()
    for template in Path(settings.BASE_DIR, "leder").rglob("*.jinja"):
        named.update(STATIC_CALL.findall(template.read_text()))
    assert named, "no template names a static file: the pattern no longer matches"
    assert sorted(named - set(collected)) == []


def test_no_vendored_file_points_at_a_missing_source_map(collected):
    assert not [name for name in collected if name.endswith(".map")]
    for name in ("nhsuk/nhsuk-frontend.min.css", "nhsuk/nhsuk-frontend.min.js"):
        assert "sourceMappingURL" not in (Path(settings.STATIC_ROOT) / collected[name]).read_text()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/notify", "/accessibility", "/privacy", "/account/sign-in", "/api/v1/docs"]
)
def test_pages_answer_200_with_hashed_static_names(collected, path):
    response = Client().get(path, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    if path != "/api/v1/docs":
        assert collected["nhsuk/nhsuk-frontend.min.css"] in body
