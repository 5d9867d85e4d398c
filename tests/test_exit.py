"""The `copydesk` executable's exit (flows/cli.py `command`, tasks/memory.py
`settle_for_exit`): what is left is settled, so the interpreter's teardown is quick, and
nothing an exit owes is skipped."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from importlib.metadata import entry_points

import pytest

from flows import cli
from tasks import memory


@pytest.fixture
def unfrozen_after(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`command` ends a process; here the test process goes on, so it gets its objects back,
    and the runs after it free what they release (tasks/memory.py `ending_after_run`)."""
    monkeypatch.setattr(memory, "_ending", threading.Event())
    yield
    gc.unfreeze()


def test_the_copydesk_executable_runs_command() -> None:
    (script,) = entry_points(group="console_scripts", name="copydesk")
    assert script.value == "flows.cli:command"


@pytest.mark.usefixtures("unfrozen_after")
def test_command_returns_mains_code_and_settles_what_is_left(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["copydesk", "schema"])
    assert gc.get_freeze_count() == 0
    assert cli.command() == cli.EXIT_OK
    assert gc.get_freeze_count() > 0
    assert memory._ending.is_set()  # what its run releases is left to the process's end
    assert json.loads(capsys.readouterr().out)["title"] == "ArticleRecord"
    monkeypatch.setattr(sys, "argv", ["copydesk", "explain", "missing"])
    assert cli.command() == cli.EXIT_USAGE


def test_output_is_complete_and_exit_handlers_run() -> None:
    """A pipe (stdout block-buffered) and a handler registered during the run."""
    code = (
        "import atexit, sys\n"
        "from flows.cli import command\n"
        "atexit.register(print, 'handler ran')\n"
        "sys.argv = ['copydesk', 'schema']\n"
        "sys.exit(command())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
    schema, handler = done.stdout.rsplit("}\n", 1)
    assert json.loads(schema + "}")["title"] == "ArticleRecord"
    assert handler == "handler ran\n"
