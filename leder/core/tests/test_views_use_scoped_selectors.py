"""ARCHITECTURE.md: views never query a model holding personal data directly; every read of
case data starts from a scoped selector (`cases_visible_to`, `notifications_visible_to`, …).
This test reads every view module and fails on `<PersonalModel>.objects` in one."""

import re
from pathlib import Path

from django.apps import apps

PACKAGE = Path(__file__).resolve().parents[2]

# Models that hold a person's identifiable data or the content of their review.
PERSONAL_APPS = {"notifications", "casework", "reviews"}
PERSONAL_MODELS_ELSEWHERE = {"AuditEvent"}


def personal_model_names() -> set[str]:
    names = {m.__name__ for m in apps.get_models() if m._meta.app_label in PERSONAL_APPS}
    return names | PERSONAL_MODELS_ELSEWHERE


def view_modules() -> list[Path]:
    found = set(PACKAGE.glob("*/views.py")) | set(PACKAGE.glob("*/views/*.py"))
    found |= set(PACKAGE.glob("*/*_views.py"))
    # The API's endpoints are views too (ARCHITECTURE.md: "a test scans the views and the API").
    found |= set(PACKAGE.glob("api/routers/*.py")) | {PACKAGE / "api" / "docs.py"}
    return sorted(found)


def test_there_are_view_modules_to_check():
    modules = [p.relative_to(PACKAGE).as_posix() for p in view_modules()]
    assert "notifications/inbox_views.py" in modules
    assert "casework/views/case.py" in modules
    assert "reviews/views/workspace.py" in modules
    assert "api/routers/notifications.py" in modules


def test_views_do_not_query_personal_data_models_directly():
    pattern = re.compile(r"\b(" + "|".join(sorted(personal_model_names())) + r")\.objects\b")
    offences = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in view_modules()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]
    assert not offences, "Use a scoped selector instead:\n" + "\n".join(offences)
