"""Which files under ``tests/fixtures`` no test reads (the unused-fixture check; ``tests/test_fixtures.py``).

The check reads the test code, it does not run it: every ``.py`` file under ``tests/`` (tests, conftest files,
helpers, and the derivation scripts inside ``tests/fixtures`` that tests run) is parsed, and its string literals
are collected, docstrings left out. A fixture counts as read when

* its file name appears in one of those literals (``"algolia_items_story_8828543_nested_comments.json"``,
  ``f"derived_arxiv_{name}"`` does not count: name the file, or match it with a pattern), or
* a glob pattern among them matches its path below ``tests/fixtures`` from the right, as ``PurePath.match`` does,
  and the pattern says something besides the extension: a folder (``"legacy/*.json"``) or part of a name
  (``"api_*.xml"``). A bare ``"*.json"`` reads nothing here, so a test that reads a whole folder names it.

``PROVENANCE.md`` files are exempt. The rules are deliberately simple; their leniency is that a pattern is not
tied to the folder it is globbed in (``"x/*.json*"`` matches ``social/x/`` wherever it is globbed), and a file name
counts wherever it is written (two fixtures of the same name are read together).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

__all__ = ["EXEMPT", "literals", "unused_fixtures"]

EXEMPT = frozenset({"PROVENANCE.md"})
_WILDCARDS = "*?["


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the constants that are docstrings or other bare string statements."""
    return {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}


def literals(sources: Iterable[Path]) -> Iterator[str]:
    """Every string literal of the given Python files that is not a docstring (f-strings give their fixed parts)."""
    for source in sources:
        tree = ast.parse(source.read_text(encoding="utf-8"), str(source))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
                yield node.value


def _is_pattern(text: str) -> bool:
    """A glob pattern of fixture files: a wildcard, no blank, relative, with a literal folder or part of a name."""
    if not any(c in text for c in _WILDCARDS) or any(c.isspace() for c in text) or text.startswith("/"):
        return False
    *folders, name = text.split("/")
    stem = name.split(".", 1)[0]
    return any(c not in _WILDCARDS + "]" for c in stem) or any(f.strip(_WILDCARDS + "]") for f in folders)


def unused_fixtures(fixtures: Path, tests: Path) -> list[Path]:
    """The files under ``fixtures`` that no Python file under ``tests`` names or matches, sorted."""
    found = set(literals(sorted(tests.rglob("*.py"))))
    patterns = [text for text in found if _is_pattern(text)]
    unused = []
    for path in sorted(p for p in fixtures.rglob("*") if p.is_file() and p.name not in EXEMPT):
        relative = PurePosixPath(path.relative_to(fixtures).as_posix())
        if any(path.name in text for text in found) or any(relative.match(p) for p in patterns):
            continue
        unused.append(path)
    return unused
