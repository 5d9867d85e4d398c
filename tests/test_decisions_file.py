"""The decisions kept for the next run (tasks/output/decisions.py): kept decisions are
saved as the bytes they were loaded from, and only while that file is unchanged."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from tasks.match.reuse import Decided
from tasks.output.decisions import load_decisions, save_decisions
from tasks.output.paths import DECISIONS_FILE

FINGERPRINT = "f" * 64
SOURCES = {"a.txt": "1" * 64}


def text_of(variant: str) -> str:
    """The SHA-256 of `variant`'s text (a text of its own)."""
    return hashlib.sha256(variant.encode()).hexdigest()


def decided(variant: str, floor: float = 0.5) -> Decided:
    return Decided(
        variant=variant, sha256=text_of(variant), looked_up=["storm", "harbour"], cutoff=0.25,
        fallback=False, candidates=["a.txt"], similarities=[floor], floor=floor,
        weights={"storm": 0.5, "harbour": 1.0},
    )  # fmt: skip


def keyed(*decisions: Decided) -> dict[str, Decided]:
    """`decisions` as they are loaded: by text."""
    return {decision.sha256: decision for decision in decisions}


def saved(out: Path) -> list[bytes]:
    return (out / DECISIONS_FILE).read_bytes().splitlines(keepends=True)


def respaced(out: Path, line: int) -> None:
    """The same JSON with a space more, in `line`: still read, but not what encoding gives."""
    lines = saved(out)
    lines[line] = lines[line].replace(b'{"variant"', b'{ "variant"', 1)
    (out / DECISIONS_FILE).write_bytes(b"".join(lines))


def test_saved_and_loaded_they_are_the_same(tmp_path: Path) -> None:
    save_decisions(tmp_path, FINGERPRINT, SOURCES, [decided("v1.txt"), decided("v2.txt")])
    loaded = load_decisions(tmp_path, FINGERPRINT)
    assert loaded is not None and loaded.sources == SOURCES
    assert loaded.decided == keyed(decided("v1.txt"), decided("v2.txt"))
    lines, content = saved(tmp_path), (tmp_path / DECISIONS_FILE).read_bytes()
    offset, length = loaded.spans[text_of("v2.txt")]
    assert content[offset : offset + length] == lines[2]
    assert load_decisions(tmp_path, "other fingerprint") is None


def test_kept_decisions_are_copied_and_new_ones_encoded(tmp_path: Path) -> None:
    save_decisions(tmp_path, FINGERPRINT, SOURCES, [decided("v1.txt"), decided("v2.txt")])
    respaced(tmp_path, 1)
    respaced(tmp_path, 2)
    loaded = load_decisions(tmp_path, FINGERPRINT)
    assert loaded is not None
    kept, again = loaded.decided[text_of("v1.txt")], decided("v2.txt", floor=0.75)
    before = saved(tmp_path)
    save_decisions(tmp_path, FINGERPRINT, SOURCES, [kept, again, decided("v3.txt")], loaded)
    after = saved(tmp_path)
    assert after[1] == before[1]  # copied, space and all
    assert after[2] == again.model_dump_json().encode() + b"\n"
    assert after[3] == decided("v3.txt").model_dump_json().encode() + b"\n"
    assert load_decisions(tmp_path, FINGERPRINT).decided == keyed(  # type: ignore[union-attr]
        kept, again, decided("v3.txt")
    )


def test_nothing_is_copied_from_a_file_changed_since_it_was_loaded(tmp_path: Path) -> None:
    save_decisions(tmp_path, FINGERPRINT, SOURCES, [decided("v1.txt")])
    respaced(tmp_path, 1)
    loaded = load_decisions(tmp_path, FINGERPRINT)
    assert loaded is not None
    path = tmp_path / DECISIONS_FILE
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1))
    save_decisions(tmp_path, FINGERPRINT, SOURCES, [loaded.decided[text_of("v1.txt")]], loaded)
    assert saved(tmp_path)[1] == decided("v1.txt").model_dump_json().encode() + b"\n"


def test_no_file_to_copy_from(tmp_path: Path) -> None:
    save_decisions(tmp_path, FINGERPRINT, SOURCES, [decided("v1.txt")])
    loaded = load_decisions(tmp_path, FINGERPRINT)
    (tmp_path / DECISIONS_FILE).unlink()
    save_decisions(tmp_path, FINGERPRINT, SOURCES, [decided("v1.txt")], loaded)
    again = load_decisions(tmp_path, FINGERPRINT)
    assert again is not None and loaded is not None and again.decided == loaded.decided


def test_kept_decisions_in_a_row_are_copied_as_one_range(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = [f"v{number}.txt" for number in range(5)]
    save_decisions(tmp_path, FINGERPRINT, SOURCES, [decided(name) for name in names])
    for line in range(1, 6):
        respaced(tmp_path, line)
    loaded = load_decisions(tmp_path, FINGERPRINT)
    assert loaded is not None
    before, reads = saved(tmp_path), []

    def counted(descriptor: int, length: int, offset: int) -> bytes:
        reads.append((offset, length))
        return _pread(descriptor, length, offset)

    monkeypatch.setattr(os, "pread", counted)
    kept = [loaded.decided[text_of(name)] for name in names]
    save_decisions(tmp_path, FINGERPRINT, SOURCES, [*kept[:2], decided("new.txt"), *kept[2:]],
                   loaded)  # fmt: skip
    assert saved(tmp_path) == [*before[:3], _encoded(decided("new.txt")), *before[3:]]
    assert len(reads) == 2  # the two runs of kept lines, one read each


def test_a_copy_that_fails_midway_writes_every_decision_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_decisions(tmp_path, FINGERPRINT, SOURCES, [decided("v1.txt"), decided("v2.txt")])
    respaced(tmp_path, 1)
    loaded = load_decisions(tmp_path, FINGERPRINT)
    assert loaded is not None
    monkeypatch.setattr(os, "pread", lambda descriptor, length, offset: b"")  # cut short
    save_decisions(tmp_path, FINGERPRINT, SOURCES, list(loaded.decided.values()), loaded)
    assert saved(tmp_path)[1:] == [_encoded(decided("v1.txt")), _encoded(decided("v2.txt"))]


_pread = os.pread


def _encoded(item: Decided) -> bytes:
    return item.model_dump_json().encode() + b"\n"
