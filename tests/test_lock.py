"""The output lock across processes, and after the holder is killed."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tasks.output.lock import OutputBusyError, output_lock
from tasks.output.paths import LOCK_FILE

HOLD = (
    "import sys, time; from pathlib import Path; from tasks.output.lock import output_lock\n"
    "with output_lock(Path(sys.argv[1])):\n"
    "    print('held', flush=True)\n"
    "    time.sleep(60)\n"
)


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(OutputBusyError) as caught, output_lock(tmp_path):
            pass
        assert f"(pid {holder.pid})" in str(caught.value)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    deadline = time.monotonic() + 5
    while True:  # the kernel releases a killed process's locks as it reaps it
        try:
            with output_lock(tmp_path):
                break
        except OutputBusyError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert (tmp_path / LOCK_FILE).exists()
