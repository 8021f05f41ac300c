"""Safe by default (ADR 0110): manage.py, WSGI and ASGI load production settings, which refuse to
start without two proper, different keys; DEBUG and demo mode exist only in the demo settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from leder.config.keys import key_problems, production_key_problems

ROOT = Path(__file__).resolve().parents[3]
GOOD_SECRET = "s3cret-" + "a1B2c3D4e5" * 6
GOOD_PSEUDONYM = "pseud0-" + "z9Y8x7W6v5" * 6
# The audit chain's and the second factor's keys (ADRs 0120, 0121), also required.
OTHER_KEYS = {
    "AUDIT_HMAC_KEY": "aud1t-" + "Q1w2E3r4T5" * 6,
    "OTP_ENCRYPTION_KEY": "0tp-" + "m9N8b7V6c5" * 6,
}


def run(code: str, *, settings: str | None, **extra: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "LEDER_", "AUDIT_", "OTP_")) and key != "DATABASE_URL"
    }
    if settings:
        env["DJANGO_SETTINGS_MODULE"] = settings
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def manage(*args: str, **extra: str) -> subprocess.CompletedProcess:
    code = (
        f"import sys, runpy; sys.argv = ['manage.py', *{list(args)!r}]; "
        "runpy.run_path('manage.py', run_name='__main__')"
    )
    return run(code, settings=None, **extra)


SHOW = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.DEBUG, settings.LEDER_DEMO_MODE)"
)


def test_manage_py_defaults_to_production_and_refuses_without_keys():
    result = manage("check")
    assert result.returncode != 0
    assert "OpenLeDeR will not start with production settings" in result.stderr
    assert "DJANGO_SECRET_KEY is not set." in result.stderr
    assert "LEDER_PSEUDONYM_KEY is not set." in result.stderr
    assert "leder.config.settings.demo" in result.stderr


def test_manage_py_runs_under_production_with_proper_keys():
    result = manage(
        "check", DJANGO_SECRET_KEY=GOOD_SECRET, LEDER_PSEUDONYM_KEY=GOOD_PSEUDONYM, **OTHER_KEYS
    )
    assert result.returncode == 0, result.stderr
    shown = run(
        SHOW,
        settings="leder.config.settings.production",
        DJANGO_SECRET_KEY=GOOD_SECRET,
        LEDER_PSEUDONYM_KEY=GOOD_PSEUDONYM,
        **OTHER_KEYS,
    )
    assert shown.stdout.split() == ["False", "False"]


def test_production_refuses_to_start_without_the_audit_and_second_factor_keys():
    result = manage("check", DJANGO_SECRET_KEY=GOOD_SECRET, LEDER_PSEUDONYM_KEY=GOOD_PSEUDONYM)
    assert result.returncode != 0
    assert "AUDIT_HMAC_KEY is not set." in result.stderr
    assert "OTP_ENCRYPTION_KEY is not set." in result.stderr


@pytest.mark.parametrize("module", ["leder.config.wsgi", "leder.config.asgi"])
def test_wsgi_and_asgi_default_to_production(module):
    result = run(f"import {module}", settings=None)
    assert result.returncode != 0
    assert "OpenLeDeR will not start with production settings" in result.stderr


def test_a_short_key_is_refused_and_says_how_long_it_must_be():
    result = run(
        SHOW,
        settings="leder.config.settings.production",
        DJANGO_SECRET_KEY="x" * 10,
        LEDER_PSEUDONYM_KEY=GOOD_PSEUDONYM,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is 10 characters long; it must be at least 50." in result.stderr


def test_the_demo_is_asked_for_explicitly():
    result = run(SHOW, settings="leder.config.settings.demo")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


@pytest.mark.parametrize(
    ("secret", "pseudonym", "expected"),
    [
        (GOOD_SECRET, GOOD_PSEUDONYM, []),
        (GOOD_SECRET, "", ["LEDER_PSEUDONYM_KEY is not set."]),
        (GOOD_SECRET, GOOD_SECRET, ["LEDER_PSEUDONYM_KEY must differ from DJANGO_SECRET_KEY"]),
        ("a" * 60, GOOD_PSEUDONYM, ["fewer than 5 different characters"]),
        ("insecure-" + GOOD_SECRET, GOOD_PSEUDONYM, ["a published development key"]),
        (GOOD_SECRET, "short-key", ["LEDER_PSEUDONYM_KEY is 9 characters long"]),
    ],
)
def test_key_rules(secret, pseudonym, expected):
    problems = production_key_problems(secret, pseudonym)
    assert len(problems) == len(expected)
    for problem, fragment in zip(problems, expected, strict=True):
        assert fragment in problem


def test_the_demo_and_test_keys_would_be_refused_in_production():
    from leder.config.settings import demo, test

    assert production_key_problems(demo.SECRET_KEY, demo.LEDER_PSEUDONYM_KEY)
    assert production_key_problems(test.SECRET_KEY, test.LEDER_PSEUDONYM_KEY)
    for module in (demo, test):
        assert key_problems("AUDIT_HMAC_KEY", module.AUDIT_HMAC_KEY)
        assert key_problems("OTP_ENCRYPTION_KEY", module.OTP_ENCRYPTION_KEY)
