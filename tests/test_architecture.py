"""The house keeps its plan: no import circle, the command line talks to the jobs only, the library never names a
command-line flag (all read from the source with ``ast``), and docs/architecture.md names the tree as it is."""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotpapers.cli.words import FLAGS

from helpers.paths import DOCS, ROOT

PACKAGE = ROOT / "src" / "hotpapers"
CLI_MAY_IMPORT = ("hotpapers.cli", "hotpapers.jobs", "hotpapers.errors", "hotpapers.config", "hotpapers.bounds",
                  "hotpapers.redact", "hotpapers.links")  # the jobs, and the leaves that parse and print
_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]+")
_LOG_CALLS = {"debug", "info", "warning", "error", "exception", "critical"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _imports(name: str) -> Iterator[str]:
    """Every module of the package that ``name`` imports, anywhere in it (functions and TYPE_CHECKING included)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], *filter(None, [base])])
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        for imported in targets:
            target = imported
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


def test_no_import_circle() -> None:
    """No module reaches itself through the modules it imports (a package's own submodules are not its imports)."""
    graph = {name: set(_imports(name)) for name in MODULES}
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            pytest.fail("import circle: " + " -> ".join([*path[path.index(name):], name]))
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, (*path, name))
        done.add(name)

    for name in MODULES:
        visit(name, ())


def test_the_command_line_imports_the_jobs_only() -> None:
    """``cli/`` imports the jobs layer and the leaves it parses and prints with, no stage directly."""
    strays = {f"{name} -> {target}" for name in MODULES if name.startswith("hotpapers.cli")
              for target in _imports(name) if not target.startswith(CLI_MAY_IMPORT)}  # fmt: skip
    assert not strays


def _said(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """The text of every string raised or logged in ``tree``: (line, text)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            spoken: ast.AST = node.exc
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _LOG_CALLS):
            spoken = node
        else:
            continue
        for part in ast.walk(spoken):
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                yield part.lineno, part.value


def test_the_library_never_names_a_flag() -> None:
    """No error raised or warning logged outside ``cli/`` names a command-line option: the CLI adds its flags."""
    found = [f"{MODULES[name].relative_to(PACKAGE)}:{line}: {text!r}" for name in MODULES
             if not name.startswith("hotpapers.cli") for line, text in _said(ast.parse(MODULES[name].read_text()))
             if _FLAG.search(text)]  # fmt: skip
    assert not found


def test_every_subject_the_library_names_has_an_option() -> None:
    """Each ``subject=`` an error of the library is raised with is one the command line has a flag for."""
    subjects = {keyword.value.value for name in MODULES for node in ast.walk(ast.parse(MODULES[name].read_text()))
                if isinstance(node, ast.Call) for keyword in node.keywords
                if keyword.arg == "subject" and isinstance(keyword.value, ast.Constant)}  # fmt: skip
    assert subjects and subjects <= set(FLAGS)


# -- docs/architecture.md: its module table and its "Moved in 0.2" table match the tree ------------------------------

_CODE = re.compile(r"`([^`]+)`")


def _section(title: str) -> list[list[str]]:
    """The cells of the table rows under the ``## title`` heading of docs/architecture.md (header rows skipped)."""
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    body = text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in body.splitlines()
            if line.startswith("|")]  # fmt: skip
    return [row for row in rows[2:] if row]


def _documented_modules() -> set[str]:
    """The module files the table names: a top-level ``x.py``, or a ``pkg/`` (its __init__.py) then its modules."""
    named: set[str] = set()
    for row in _section("Where things are"):
        first, *rest = _CODE.findall(row[0])
        if first.endswith("/"):
            named.add(f"{first}__init__.py")
            named.update(f"{first}{module}" for module in rest)
        else:
            named.update([first, *rest])
    return named


def test_the_module_table_names_every_module() -> None:
    """Every .py file under src/hotpapers is named in docs/architecture.md's module table."""
    tree = {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")}
    assert sorted(tree - _documented_modules()) == []


def test_the_module_table_names_only_modules_that_exist() -> None:
    """No module the table names is missing from the tree (an old name left behind after a move)."""
    assert sorted(name for name in _documented_modules() if not (PACKAGE / name).is_file()) == []


def _moves() -> Iterator[tuple[str, str, str, str]]:
    """(old module, old name, new module, new name) for every name of the "Moved in 0.2" table."""
    for old, new, names in _section("Moved in 0.2"):
        (old_module,), (new_module,) = _CODE.findall(old), _CODE.findall(new)
        for entry in names.split(", "):
            old_name, _, new_name = (part.strip("` ") for part in entry.partition("→"))
            yield old_module, old_name, new_module, new_name or old_name


def test_every_moved_name_is_at_its_new_path() -> None:
    """Each name of the "Moved in 0.2" table can be imported from its new module."""
    missing = [f"{new}.{name}" for _, _, new, name in _moves() if not hasattr(importlib.import_module(new), name)]
    assert missing == []


def test_every_moved_name_left_its_old_path() -> None:
    """No row of the "Moved in 0.2" table names a name its old import path still gives (the table stays true)."""

    def still_there(module: str, name: str) -> bool:
        try:
            return hasattr(importlib.import_module(module), name)
        except ImportError:
            return False

    assert [f"{old}.{name}" for old, name, _, _ in _moves() if still_there(old, name)] == []
