"""Which modules a copydesk module imports, as the code fingerprints follow them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tasks.output.fingerprint import ROOT, _imports

SOURCES = sorted(path for package in ("tasks", "flows") for path in (ROOT / package).rglob("*.py"))


def _imports_in_tree(path: Path) -> set[str]:
    """The same from the syntax tree (safe here: no other thread builds one meanwhile)."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_the_compiled_code_names_the_imports_the_syntax_tree_holds(path: Path) -> None:
    assert set(_imports(path)) == _imports_in_tree(path)


def test_imports_inside_functions_and_under_conditions_count(tmp_path: Path) -> None:
    source = tmp_path / "module.py"
    source.write_text(
        "from __future__ import annotations\n"
        "import tasks.models\n"
        "import tasks.clean.clean as cleaning\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from tasks.refs import DocumentRef\n"
        "def later() -> None:\n"
        "    from tasks.match import (assign,\n"
        "        score)\n"
        "    class Inner:\n"
        "        def method(self) -> None:\n"
        "            import flows.options\n"
    )
    assert set(_imports(source)) == {
        "__future__", "__future__.annotations", "tasks.models", "tasks.clean.clean", "typing",
        "typing.TYPE_CHECKING",
        "tasks.refs", "tasks.refs.DocumentRef", "tasks.match", "tasks.match.assign",
        "tasks.match.score", "flows.options",
    }  # fmt: skip
