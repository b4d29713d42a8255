"""README is the user's contract: every command and option it names exists, every command
and option the CLI has is in it, and the Python names it shows are importable."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer

import storyline
from storyline.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"


def _reference_rows() -> dict[str, str]:
    """Command → its README table row, from the CLI reference table."""
    rows = {}
    for line in README.read_text().splitlines():
        match = re.match(r"\| `storyline (\w+)([^`]*)`", line)
        if match:
            rows[match.group(1)] = match.group(2)
    return rows


def _cli() -> Any:
    """Typer's command group (it brings its own click: duck-typed, not isinstance)."""
    group = typer.main.get_command(app)
    assert hasattr(group, "commands")
    return group


def _options(command: Any) -> set[str]:
    return {
        opt
        for p in command.params
        if p.param_type_name == "option" and not getattr(p, "hidden", False)
        for opt in p.opts
        if opt.startswith("--") and opt != "--help"
    }


def test_every_command_is_documented_and_every_documented_one_exists() -> None:
    rows = _reference_rows()
    assert rows, "README has no CLI reference table"
    assert set(rows) == set(_cli().commands)


def test_every_option_is_documented_and_exists() -> None:
    rows = _reference_rows()
    for name, command in _cli().commands.items():
        documented = set(re.findall(r"--[a-z][a-z-]*", rows[name]))
        # --db/--quiet may be given before the command too; the row must still name them.
        assert documented == _options(command), name


def test_python_names_in_the_readme_exist() -> None:
    text = README.read_text()
    names = set(re.findall(r"\bstoryline\.([a-z_]+)\(", text))
    assert names, "README shows no Python use"
    for name in names:
        assert callable(getattr(storyline, name)), name


def test_quick_start_is_two_commands() -> None:
    text = README.read_text()
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", section, re.S)
    assert block is not None
    commands = [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]
    assert commands == ["make demo", "make test"]
