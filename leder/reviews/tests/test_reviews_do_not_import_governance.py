"""Reviews sit below governance: governance reads, assesses and locks reviews, and the review
record learns about locks, QA rounds and QA comments only through `leder.reviews.oversight`,
which governance fulfils at start-up. So no module of the reviews app imports governance."""

import ast
from pathlib import Path

import leder.reviews

REVIEWS = Path(leder.reviews.__file__).parent


def _imported_modules(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return found


def _reviews_modules() -> list[Path]:
    # The app's own code. Its tests may set up governance rows for journeys across both; its
    # migrations are the schema's history, which already names governance's migrations (a table
    # rebuilt on SQLite must lift and restore the sign-off lock triggers on it, ADR 0017).
    return [
        p
        for p in REVIEWS.rglob("*.py")
        if not {"tests", "migrations"} & set(p.relative_to(REVIEWS).parts)
    ]


def test_no_module_of_the_reviews_app_imports_governance():
    offenders = [
        f"{path.relative_to(REVIEWS.parent.parent)} imports {module}"
        for path in _reviews_modules()
        for module in _imported_modules(path)
        if module == "leder.governance" or module.startswith("leder.governance.")
    ]
    assert offenders == []


def test_the_check_sees_an_import_of_governance_inside_a_function(tmp_path):
    # Imports inside functions are how the dependency hid before; the check must see them.
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from leder.governance.services.qa import qa_round_open\n")
    assert _imported_modules(module) == ["leder.governance.services.qa"]


def test_governance_fulfils_the_oversight_the_reviews_app_asks():
    from leder.reviews.oversight import oversight

    assert type(oversight()).__module__ == "leder.governance.review_oversight"
