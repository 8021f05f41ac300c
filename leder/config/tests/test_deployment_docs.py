"""docs/deployment.md documents every environment variable the settings and gunicorn read, so a
new setting cannot be added without telling the hosting team."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
READS = re.compile(
    r"""(?:env(?:_int|_bool|_list)?|os\.environ\.get)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def variables_read() -> set[str]:
    sources = [
        *(ROOT / "leder" / "config" / "settings").glob("*.py"),
        ROOT / "deploy" / "gunicorn.conf.py",
    ]
    found = set()
    for source in sources:
        found.update(READS.findall(source.read_text()))
    return found


def test_every_variable_read_is_documented():
    documented = set(
        re.findall(r"`([A-Z][A-Z0-9_]+)`", (ROOT / "docs" / "deployment.md").read_text())
    )
    read = variables_read()
    assert len(read) > 40, "the pattern no longer finds the settings' reads"
    missing = sorted(read - documented)
    assert missing == [], f"Add these to a table in docs/deployment.md (Settings): {missing}"


def test_the_units_start_what_the_guide_says():
    guide = (ROOT / "docs" / "deployment.md").read_text()
    for unit in ("web", "worker", "scheduler"):
        text = (ROOT / "deploy" / "systemd" / f"leder-{unit}.service").read_text()
        command = re.search(r"^ExecStart=/srv/leder/(.+)$", text, re.MULTILINE).group(1)
        assert f"`{command}`" in guide, command
        assert "DJANGO_SETTINGS_MODULE=leder.config.settings.production" in text
