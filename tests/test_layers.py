"""The layer rule of docs/ARCHITECTURE.md for core, the bottom of the stack: no
module of diarium/core imports another Diarium app (the demo command, which
loads every app, lives in diarium/demo; the accessibility statement gets the
organisations' names passed in by config/urls.py)."""

import ast
from pathlib import Path

import diarium

ROOT = Path(diarium.__file__).parent


def _diarium_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {name for name in names if name.startswith("diarium.")}


def test_core_imports_no_app_above_it():
    upward = {
        f"{path.relative_to(ROOT.parent)}: {name}"
        for path in (ROOT / "core").rglob("*.py")
        for name in _diarium_imports(path)
        if not name.startswith("diarium.core")
    }
    assert not upward, sorted(upward)


def test_the_demo_command_is_the_demo_apps():
    from django.core.management import get_commands

    assert get_commands()["demo"] == "diarium.demo"
