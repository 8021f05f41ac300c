"""Every page carries what the NHS.UK frontend needs to start under the content security policy."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_body_class_script_carries_the_nonce_the_policy_allows(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    allowed = re.search(r"'nonce-([^']+)'", policy).group(1)
    html = response.content.decode()
    body_script = re.search(r"<body[^>]*>\s*<script([^>]*)>document\.body\.className", html)
    assert body_script, "the NHS.UK body-class script is missing"
    assert f'nonce="{allowed}"' in body_script.group(1)
    # The module that starts the components carries the same nonce.
    assert html.count(f'nonce="{allowed}"') >= 2
