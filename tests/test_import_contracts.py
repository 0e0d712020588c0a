"""The layers are a test, not a diagram: import-linter checks the contracts in
pyproject.toml ([tool.importlinter]), and grimp's import graph has no circles.

Each check has a control that proves it can fail: the same contracts with the layers
turned upside down must break, and a package with a circle must be found to have one.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("bot", "handlers", "db", "slacksim")


def _lint(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _toml(section: dict[str, object]) -> str:
    """Just enough TOML for [tool.importlinter] (strings and lists of strings)."""

    def value(v: object) -> str:
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return '"' + str(v) + '"'

    lines = ["[tool.importlinter]"]
    lines += [f"{k} = {value(v)}" for k, v in section.items() if k != "contracts"]
    for contract in section["contracts"]:  # type: ignore[attr-defined]
        lines.append("[[tool.importlinter.contracts]]")
        lines += [f"{k} = {value(v)}" for k, v in contract.items()]
    return "\n".join(lines) + "\n"


def test_the_import_contracts_hold() -> None:
    result = _lint(ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contracts_can_fail(tmp_path: Path) -> None:
    section = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
    for contract in section["contracts"]:
        if contract["type"] == "layers":
            contract["layers"] = list(reversed(contract["layers"]))  # domain on top
    config = tmp_path / "upside_down.toml"
    config.write_text(_toml(section), "utf-8")
    result = _lint(config)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout


def _circles(*packages: str) -> list[list[str]]:
    """Strongly connected sets of modules (Tarjan) in the import graph."""
    graph = grimp.build_graph(*packages, cache_dir=None)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_circles() -> None:
    assert _circles(*PACKAGES) == []


def test_the_circle_check_can_fail(tmp_path: Path) -> None:
    package = tmp_path / "circled"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from circled import b\n")
    (package / "b.py").write_text("def f():\n    from circled import a\n")  # a late import
    sys.path.insert(0, str(tmp_path))
    try:
        assert _circles("circled") == [["circled.a", "circled.b"]]
    finally:
        sys.path.remove(str(tmp_path))
