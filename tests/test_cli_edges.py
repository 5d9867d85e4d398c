"""The command line where the environment is hostile: an unwritable Prefect home, a busy
output folder, a terminal, a reader that stops reading; and its small messages."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from flows.cli import main
from tasks.output.lock import output_lock
from tests.conftest import SEEDS


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("variable", ["PREFECT_HOME", "HOME"])
def test_an_unwritable_prefect_home_is_named_up_front(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    """Unchecked, the server never answered and the run failed after minutes."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.delenv("PREFECT_HOME", raising=False)
    monkeypatch.setenv(variable, str(blocker / "home"))
    home = blocker / "home" if variable == "PREFECT_HOME" else blocker / "home" / ".prefect"
    assert _run(capsys, "ingest", str(SEEDS), "--out", str(tmp_path / "out")) == (
        2,
        "",
        f"copydesk: error: Prefect's home folder '{home}' cannot be written (Not a directory);"
        " set PREFECT_HOME to a writable folder\n",
    )


def test_a_busy_output_folder_fails_before_prefect_is_imported(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = (
        "import sys; from flows.cli import main; code = main(sys.argv[1:]); "
        "print(sorted(m for m in sys.modules if m.startswith('prefect'))); sys.exit(code)"
    )
    with output_lock(out):
        result = subprocess.run(
            [sys.executable, "-c", code, "ingest", str(SEEDS), "--out", str(out)],
            capture_output=True,
            text=True,
            check=False,
        )
    assert (result.returncode, result.stdout) == (1, "[]\n")
    assert result.stderr == (
        f"copydesk: error: another copydesk run (pid {os.getpid()}) is writing to '{out}'; "
        "try again when it has finished\n"
    )


def test_no_telemetry_banner_on_a_terminal(tmp_path: Path) -> None:
    """A first-time user on a terminal: Prefect prints its "collects anonymous usage data"
    banner at import unless the client's telemetry is off too."""
    from prefect._internal.analytics.ci_detection import CI_ENV_VARS

    hidden = {*CI_ENV_VARS, "DO_NOT_TRACK"}
    environment = {
        **{k: v for k, v in os.environ.items() if k not in hidden and "PREFECT" not in k},
        "PREFECT_HOME": str(tmp_path / "prefect"),
    }
    code = "from flows.cli import configure_prefect; configure_prefect(); import prefect.flows"
    controller, terminal = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=terminal, stderr=terminal, env=environment
    )
    os.close(terminal)
    shown = b""
    while chunk := _read(controller):
        shown += chunk
    os.close(controller)
    assert (process.wait(), shown) == (0, b"")


def _read(descriptor: int) -> bytes:
    try:
        return os.read(descriptor, 4096)
    except OSError:  # EIO: the terminal's other side is closed
        return b""


def test_a_closed_stdout_ends_quietly_as_unix_tools_do() -> None:
    """`copydesk schema | head`: the reader is gone before the output is written."""
    copydesk = Path(sys.executable).with_name("copydesk")
    process = subprocess.Popen(
        [str(copydesk), "schema"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    assert (process.wait(timeout=60), process.stderr.read()) == (128 + signal.SIGPIPE, b"")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert (stopped.value.code, capsys.readouterr().out) == (0, f"copydesk {version('copydesk')}\n")


def test_small_messages(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    file = tmp_path / "file"
    file.write_text("x")
    assert _run(capsys, "ingest", str(SEEDS), "--out", str(file)) == (
        2,
        "",
        f"copydesk: error: output '{file}' is a file, not a folder\n",
    )
    out = str(tmp_path / "out")
    for option in ("--threshold", "--word-order-threshold"):
        assert _run(capsys, "ingest", str(SEEDS), "--out", out, option, "nan") == (
            2,
            "",
            f"copydesk: error: {option}: Input should be a finite number\n",
        )


@pytest.mark.flow
def test_a_run_that_fails_in_its_flow_says_one_line(tmp_path: Path) -> None:
    """A real flow run failing on its private server: Prefect logs the exception to the
    server as the run ends, and sent it too late (after the server stopped), printing
    "--- Error logging to API ---" under the one line."""
    failing = (
        "import sys, tasks.records.accounting as books\n"
        "def fail(*args): raise RuntimeError('outputs do not account for the inputs')\n"
        "books.check_accounting = fail\n"
        "from flows.cli import main\n"
        f"sys.exit(main(['ingest', {str(SEEDS)!r}, '--out', {str(tmp_path / 'out')!r}, '--quiet']))"
    )
    environment = {
        **{name: value for name, value in os.environ.items() if name != "PREFECT_API_URL"},
        "PREFECT_HOME": str(tmp_path / "prefect"),  # its private server's, not the user's
    }
    command = [sys.executable, "-c", failing]
    result = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300)
    assert (result.returncode, result.stdout, result.stderr) == (
        1, "", "copydesk: error: the run failed: RuntimeError: outputs do not account for the inputs\n"
    )  # fmt: skip
