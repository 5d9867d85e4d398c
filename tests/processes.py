"""Processes as the tests see them through /proc: a CLI's private Prefect server, and
whether a process is still alive."""

from __future__ import annotations

from pathlib import Path


def _parent(stat: Path) -> int:
    return int(stat.read_text().rpartition(")")[2].split()[1])


def private_server(pid: int) -> int:
    """The pid of the private server child (`python -m flows.server_start`) of process `pid`."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = _parent(stat)
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if parent == pid and b"flows.server_start" in command:
            return int(stat.parent.name)
    raise AssertionError(f"process {pid} has no private Prefect server")


def using_home(home: Path) -> list[int]:
    """Live processes whose environment names `home` as PREFECT_HOME: a run's servers and
    workers, wherever they were reparented to."""
    marker = f"PREFECT_HOME={home}".encode()
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            variables = environ.read_bytes().split(b"\0")
        except OSError:
            continue
        if marker in variables and alive(int(environ.parent.name)):
            found.append(int(environ.parent.name))
    return found


def pool_workers(home: Path) -> list[int]:
    """Of `using_home(home)`, the processes of a multiprocessing pool (its forkserver and
    the workers forked from it)."""
    found = []
    for pid in using_home(home):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"multiprocessing.forkserver" in command:
            found.append(pid)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"
