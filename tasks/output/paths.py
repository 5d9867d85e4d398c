"""Every name copydesk uses inside the output folder: the data files, `run.json`, and its
working folder `.copydesk` (lock, run state, parse cache); temporaries; the write check.
No Prefect import: the CLI reads outputs with them."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

ARTICLES = "articles.jsonl"
REJECTED = "rejected.jsonl"
LEDGER = "ledger.jsonl"
RUN = "run.json"
DATA_FILES = (ARTICLES, REJECTED, LEDGER)  # written in this order, then RUN
PARQUET = "articles.parquet"  # with --parquet, after them: ARTICLES as a typed table
WORK_DIR = ".copydesk"  # the lock, the parse cache, the index, the run state, the decisions
LOCK_FILE = Path(WORK_DIR, "lock")
STATE_FILE = Path(WORK_DIR, "state.json")
CACHE_FILE = Path(WORK_DIR, "documents.sqlite")
INDEX_FILE = Path(WORK_DIR, "index.sqlite")
STAMPS_FILE = Path(WORK_DIR, "stamps.sqlite")
DECISIONS_FILE = Path(WORK_DIR, "decisions.jsonl")
LINES_FILE = Path(WORK_DIR, "record_lines.bin")
SCORES_FILE = Path(WORK_DIR, "scores.sqlite")

# A temporary holds a file being written: `.NAME.copydesk-PID.tmp`, a name only copydesk
# makes, so that removing stale ones never touches a user's own `.something.tmp`.
_TEMPORARY = re.compile(r"\..+\.copydesk-\d+\.tmp")


def temporary_path(path: Path) -> Path:
    """
    >>> temporary_path(Path("out/run.json")).name.startswith(".run.json.copydesk-")
    True
    """
    return path.with_name(f".{path.name}.copydesk-{os.getpid()}.tmp")


def is_temporary(name: str) -> bool:
    """
    >>> is_temporary(".run.json.copydesk-42.tmp"), is_temporary(".notes.tmp")
    (True, False)
    """
    return _TEMPORARY.fullmatch(name) is not None


def unwritable(folder: Path) -> str | None:
    """Why `folder` cannot be created or written, if it cannot (a real write: permission
    bits say nothing of read-only mounts, and root ignores them)."""
    probe = folder / f".copydesk-write-test.{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        return error.strerror or type(error).__name__
    return None


class WorkFolderError(RuntimeError):
    """`OUT/.copydesk` is not a folder copydesk can trust."""


def work_folder(out: Path) -> Path:
    """`OUT/.copydesk`, created if need be, readable by its owner only: the parse cache
    holds the text of every input, including files the output never publishes (rejected
    ones), so it must not be more readable than the inputs were. A link there is refused:
    whoever can write OUT could otherwise point copydesk's writes (as root, perhaps) at any
    file."""
    folder = out / WORK_DIR
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode):
        raise WorkFolderError(f"'{folder}' is not a folder (a link?); remove it")
    if info.st_mode & 0o077:  # made by an older copydesk, or by hand
        folder.chmod(0o700)
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False) and entry.stat().st_mode & 0o077:
            Path(entry.path).chmod(0o600)
    return folder
