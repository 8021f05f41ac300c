"""The apps' layer order (ADR 0033): an app may import apps on its own layer's level or below,
never one above. Application code only: tests set up rows across apps, and migrations are the
schema's history.

The imports that broke the order when the check was written are listed in `KNOWN` with a reason,
so the check stops new ones today; each entry must go when its import goes (the check fails on a
stale entry, so the list can only shrink)."""

import ast
from pathlib import Path

import leder

LEDER = Path(leder.__file__).parent

# From the bottom. Apps on one level may import each other only where listed in KNOWN.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"core", "reference"}),
    frozenset({"messaging"}),
    frozenset({"organisations"}),
    frozenset({"accounts"}),
    frozenset({"notifications"}),
    frozenset({"casework"}),
    frozenset({"reviews"}),
    frozenset({"analytics"}),
    frozenset({"exports"}),
    frozenset({"governance", "api"}),
    frozenset({"reports", "imports", "demo", "operations", "families"}),
    frozenset({"config"}),
)
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}

# (importing file, imported app): why it is tolerated for now.
KNOWN: dict[tuple[str, str], str] = {
    ("organisations/admin.py", "accounts"): "the organisations admin is for administrators, a role",
    ("organisations/permissions.py", "accounts"): "who may edit an ICB's contact details is a role",
    ("organisations/views.py", "accounts"): "the ICB contact details page checks a role",
    (
        "casework/lifecycle.py",
        "reviews",
    ): "a guard checks the actor saved none of the review's versions",
    ("casework/presenters/case.py", "governance"): "the case page shows QA rounds and sign-off",
    ("analytics/extract.py", "governance"): "figures read sign-offs and actions",
    ("analytics/reconcile.py", "governance"): "reconciliation counts sign-offs",
    ("exports/dataset.py", "governance"): "the dataset reads sign-offs",
    ("exports/release.py", "governance"): "free text is released from signed-off reviews",
    ("exports/services.py", "api"): "an export can be made for an API client",
    (
        "exports/redaction_corpus.py",
        "demo",
    ): "the evaluation corpus reuses the demo's synthetic NHS numbers",
}


def imported_modules(path: Path) -> list[str]:
    """Every module `path` imports, at the top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return found


def application_files() -> list[Path]:
    return [
        path
        for path in LEDER.rglob("*.py")
        if len(path.relative_to(LEDER).parts) > 1
        and not {"tests", "migrations"} & set(path.relative_to(LEDER).parts)
    ]


def crossings() -> dict[tuple[str, str], str]:
    """(file, app) for every import of an app above the file's own, or beside it."""
    found = {}
    for path in application_files():
        relative = path.relative_to(LEDER)
        app = relative.parts[0]
        for module in imported_modules(path):
            parts = module.split(".")
            if parts[0] != "leder" or len(parts) < 2 or parts[1] == app:
                continue
            target = parts[1]
            if target not in LEVEL:
                continue
            if LEVEL[target] >= LEVEL[app] and not {app, target} <= LAYERS[0]:
                found[(relative.as_posix(), target)] = module
    return found


def test_every_app_has_a_layer():
    apps = {
        path.name
        for path in LEDER.iterdir()
        if path.is_dir() and (path / "__init__.py").exists() and path.name != "__pycache__"
    }
    assert apps - set(LEVEL) == set(), "place each new app in LAYERS (ADR 0033)"


def test_no_app_imports_one_above_it():
    new = {key: module for key, module in crossings().items() if key not in KNOWN}
    assert new == {}, "an app imports one above it or beside it; see ADR 0033"


def test_known_crossings_are_still_there():
    # A crossing that has gone must leave the list, so it cannot come back unnoticed.
    assert set(KNOWN) - set(crossings()) == set()


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from leder.governance.services.qa import qa_round_open\n")
    assert imported_modules(module) == ["leder.governance.services.qa"]
