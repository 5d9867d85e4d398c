"""The README's reference tables against the code, so that they cannot drift apart."""

from __future__ import annotations

import argparse
import re

from flows.arguments import build_parser
from flows.cli import EXIT_BROKEN_PIPE, EXIT_FAILED, EXIT_OK, EXIT_USAGE
from flows.prefect_env import QUIET_SETTINGS
from tasks.models import RejectReason
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def _table_keys(text: str) -> set[str]:
    """The first cells of a markdown table's rows, without backquotes."""
    return {cell.strip("`") for cell in re.findall(r"^\| ([^|]+?) \|", text, flags=re.MULTILINE)}


def test_every_rejection_reason_is_documented_once() -> None:
    documented = _table_keys(_section("Output"))
    assert {reason.value for reason in RejectReason} <= documented


def test_the_synopsis_names_every_option() -> None:
    synopsis = _section("Command line").split("```")[1]
    parser = build_parser()
    subcommands = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    for name, command in subcommands.choices.items():
        assert f"copydesk {name}" in synopsis
        for action in command._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert option in synopsis, (name, option)
    assert "copydesk --version" in synopsis


def test_every_exit_code_is_documented() -> None:
    codes = _table_keys(_section("Command line"))
    for code in (EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BROKEN_PIPE):
        assert str(code) in codes
    assert "128 + N" in codes


def test_every_prefect_setting_is_documented() -> None:
    console = README[README.index("### A clean console, and why") :]
    for name in QUIET_SETTINGS:  # the table abbreviates the services' common prefix
        short = "..._" + name.removeprefix("PREFECT_SERVER_SERVICES_")
        assert name in console or short in console, name
