"""The one-way dependencies of docs/ARCHITECTURE.md, checked by import-linter
with the contracts in pyproject.toml ([tool.importlinter]): core, accounts,
registry, then decisions, then remiss and plans, then documents, opendata and
search, then the demo; no app imports config (the composition root)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _lint(config: Path | None = None) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"]
    if config is not None:
        command += ["--config", str(config)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=300)


def test_the_import_contracts_hold():
    result = _lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_import_up_the_layers_breaks_the_contract(tmp_path):
    """The check itself: a contract that puts search below the registry is
    broken, since search reads the registry."""
    config = tmp_path / "importlinter.toml"
    config.write_text("""[tool.importlinter]
root_packages = ["diarium"]

[[tool.importlinter.contracts]]
name = "search below the registry (wrong on purpose)"
type = "layers"
layers = ["diarium.registry", "diarium.search"]
""", encoding="utf-8")
    result = _lint(config)
    assert result.returncode != 0
    assert "diarium.search is not allowed to import diarium.registry" in result.stdout


def test_the_demo_command_is_the_demo_apps():
    from django.core.management import get_commands

    assert get_commands()["demo"] == "diarium.demo"
