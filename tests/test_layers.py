"""The import layers of ARCHITECTURE.md: core sits under every app and imports none of them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "kinerja"
APPS_ABOVE_CORE = ("kinerja.organisation", "kinerja.competencies", "kinerja.api", "kinerja.demo")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    "path", sorted((ROOT / "core").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_core_imports_no_app_above_it(path):
    offending = {m for m in imported_modules(path) if m.startswith(APPS_ABOVE_CORE)}
    assert offending == set(), f"{path} imports {offending}"


@pytest.mark.parametrize("path", sorted(ROOT.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_api_package_imports_the_api(path):
    if path.is_relative_to(ROOT / "api") or path.name == "urls.py":
        return
    assert not any(m.startswith("kinerja.api") for m in imported_modules(path)), path


@pytest.mark.parametrize(
    "path", sorted((ROOT / "scoring").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_scoring_is_pure(path):
    """ARCHITECTURE.md rule 1: the engine imports neither Django nor any app of the project."""
    allowed = ("kinerja.scoring",)
    offending = {
        m
        for m in imported_modules(path)
        if m.startswith("django") or (m.startswith("kinerja") and not m.startswith(allowed))
    }
    assert offending == set(), f"{path} imports {offending}"
