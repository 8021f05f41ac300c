"""No cycle between files of application code (ADR 0033, ADR 0196): read every import with `ast`,
at the top of a module and inside functions alike (a function-level import only hides a cycle
from Python, not from the reader), relative ones too, and find the groups of modules that reach
each other. `if TYPE_CHECKING:` imports count: they are a dependency the reader must follow."""

import ast
from pathlib import Path

from leder.core.tests.test_layers import LEDER, application_files


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """The modules among `known` that the module `name` (file `path`) imports. `from a import b`
    names the module `a.b` where it is one; an import of a name in a module names the module."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            candidates = [module] + [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        for candidate in candidates:
            while candidate not in known and "." in candidate:
                candidate = candidate.rpartition(".")[0]
            if candidate in known and candidate != name:
                found.add(candidate)
    return found


def import_graph(files: list[Path], root: Path) -> dict[str, set[str]]:
    names = {module_name(path, root): path for path in files}
    known = set(names)
    return {name: imports_of(path, name, known) for name, path in names.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
    return found


def test_no_cycle_between_files():
    graph = import_graph(application_files(), LEDER)
    assert cycles(graph) == [], "files import each other (ADR 0033): make the imports point one way"


def test_the_check_sees_a_cycle_through_a_function_level_import(tmp_path):
    root = tmp_path / "leder"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "services.py").write_text(
        "def go():\n    from leder.app.tasks import run\n    run()\n"
    )
    (root / "app" / "tasks.py").write_text("from . import services\n\ndef run():\n    pass\n")
    (root / "app" / "models.py").write_text("from leder.app.services import go\n")
    graph = import_graph(sorted(root.rglob("*.py")), root)
    assert cycles(graph) == [["leder.app.services", "leder.app.tasks"]]


def test_the_check_sees_no_cycle_where_imports_point_one_way(tmp_path):
    root = tmp_path / "leder"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "outbox.py").write_text("def hand_over(pk):\n    pass\n")
    (root / "app" / "services.py").write_text("from leder.app import outbox\n")
    (root / "app" / "tasks.py").write_text("from leder.app.services import outbox\n")
    graph = import_graph(sorted(root.rglob("*.py")), root)
    assert graph["leder.app.tasks"] == {"leder.app.services"}
    assert cycles(graph) == []
