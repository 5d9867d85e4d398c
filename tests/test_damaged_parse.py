"""A parse damaged in the cache is found when a run reads it, dropped, and parsed again: the
run's output is what a fresh run gives."""

from __future__ import annotations

import contextlib
import logging
import pickle
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import flows.ingest as ingest_module
import tasks.output.cache as cache_module
from flows.ingest import ingest_flow
from flows.options import IngestOptions
from tasks.output import databases
from tasks.output.cache import CacheRemade
from tasks.output.cache_read import CachedDocuments, CachedTexts, DamagedParse, load_cached_refs
from tasks.output.paths import CACHE_FILE, LINES_FILE
from tasks.refs import DocumentRef
from tests.conftest import TODAY
from tests.corpus import paragraphs, source_text, variant_text, write
from tests.helpers import snapshot

OPTIONS = IngestOptions(today=TODAY)
STORY = paragraphs(1)
FILES = {
    "a-story.txt": source_text(STORY, "2025-03-01"),
    "b-other.txt": source_text(paragraphs(3), "2025-03-02"),
    "c-truncated.txt": variant_text(STORY[:2]),
}


def _damage(out: Path, path: str, document: str = "{") -> None:
    with contextlib.closing(sqlite3.connect(out / CACHE_FILE)) as database:
        database.execute("UPDATE documents SET document = ? WHERE path = ?", (document, path))
        database.commit()


def _document(out: Path, path: str) -> bytes:
    with databases.opened(out / CACHE_FILE, "ro") as connection:
        (document,) = connection.execute(
            "SELECT document FROM documents WHERE path = ?", (path,)
        ).fetchone()
    return bytes(document)


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server")
@pytest.mark.parametrize("damaged", ["a-story.txt", "c-truncated.txt"])
def test_a_damaged_parse_read_by_the_run_is_parsed_again(
    tmp_path: Path, damaged: str, caplog: pytest.LogCaptureFixture
) -> None:
    write(tmp_path / "in", FILES)
    ingest_flow(str(tmp_path / "in"), str(tmp_path / "out"), OPTIONS)
    _damage(tmp_path / "out", damaged)
    (tmp_path / "out" / LINES_FILE).unlink()  # every record is built again: all parses read
    write(tmp_path / "in", {"d-orphan.txt": variant_text(paragraphs(9))})  # a run to make
    with caplog.at_level(logging.WARNING):
        again = ingest_flow(str(tmp_path / "in"), str(tmp_path / "out"), OPTIONS)
    assert f"the parse cache's parse of '{damaged}' is damaged" in caplog.text
    # the damaged one parsed again; the new one was parsed (and cached) by the run that
    # found the damage, and is taken from the cache by the run started again
    assert again.reused == len(FILES)
    assert _document(tmp_path / "out", damaged).startswith(b'{"')
    ingest_flow(str(tmp_path / "in"), str(tmp_path / "fresh"), OPTIONS)
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "fresh")


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server")
def test_a_parse_still_damaged_once_dropped_fails_the_run_instead_of_looping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "in", FILES)
    ingest_flow(str(tmp_path / "in"), str(tmp_path / "out"), OPTIONS)
    _damage(tmp_path / "out", "a-story.txt")
    (tmp_path / "out" / LINES_FILE).unlink()
    write(tmp_path / "in", {"d-orphan.txt": variant_text(paragraphs(9))})
    dropped: list[str] = []

    def drop_nothing(out: Path, path: str) -> None:  # the parse stays damaged
        dropped.append(path)
        assert len(dropped) < 3, "the run starts again and again"

    monkeypatch.setattr(ingest_module, "drop_parse", drop_nothing)
    with pytest.raises(DamagedParse, match=r"a-story\.txt"):
        ingest_flow(str(tmp_path / "in"), str(tmp_path / "out"), OPTIONS)
    assert dropped == ["a-story.txt"]  # dropped once, found damaged again: no third try


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server")
def test_a_damaged_parse_is_told_by_path_where_it_is_read(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(tmp_path / "in", FILES)
    ingest_flow(str(tmp_path / "in"), str(out), OPTIONS)
    wanted = {path: ref.sha256 for path, ref in _refs(out).items()}
    _damage(out, "a-story.txt", '["not", "a", "parse"]')
    _damage(out, "c-truncated.txt", '{"title": null}')
    refs = _refs(out)
    assert sorted(refs) == sorted(FILES)  # damage is not looked for until it is read
    with databases.opened(out / CACHE_FILE, "ro") as connection:
        for path in ("a-story.txt", "c-truncated.txt"):
            with pytest.raises(DamagedParse) as texts_error:
                CachedTexts(connection)(path, wanted[path])
            with pytest.raises(DamagedParse) as documents_error:
                CachedDocuments(connection)(refs[path])
            assert texts_error.value.path == documents_error.value.path == path
        assert CachedTexts(connection)("b-other.txt", wanted["b-other.txt"]).body


def test_a_damaged_parse_crosses_processes_with_its_path() -> None:
    crossed = pickle.loads(pickle.dumps(DamagedParse("x/a.txt")))
    assert (crossed.path, str(crossed)) == (
        "x/a.txt",
        "the parse cache's parse of 'x/a.txt' is damaged",
    )


def _refs(out: Path) -> dict[str, DocumentRef]:
    with databases.opened(out / CACHE_FILE, "ro") as connection:
        (fingerprint,) = connection.execute("SELECT fingerprint FROM meta").fetchone()
    return load_cached_refs(out, fingerprint, TODAY)


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server")
def test_a_cache_found_damaged_while_written_is_made_again_and_the_run_starts_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refs the run holds name parses the remade cache lacks: the run starts again
    (with the parses saved since) and ends as a fresh run; damaged again, it fails."""
    first = dict(list(FILES.items())[:2])
    write(tmp_path / "in", first)
    ingest_flow(str(tmp_path / "in"), str(tmp_path / "out"), OPTIONS)
    write(tmp_path / "in", FILES)
    real, damaged = cache_module._add, [True]  # whether each next write finds it damaged

    def add(*arguments: Any) -> Any:
        if damaged and damaged.pop(0):
            raise sqlite3.DatabaseError("database disk image is malformed")
        return real(*arguments)

    monkeypatch.setattr(cache_module, "_add", add)
    ingest_flow(str(tmp_path / "in"), str(tmp_path / "out"), OPTIONS)
    assert damaged == []
    ingest_flow(str(tmp_path / "in"), str(tmp_path / "fresh"), OPTIONS)
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "fresh")
    write(tmp_path / "in", {"d-new.txt": variant_text(STORY[1:])})
    damaged.extend([True, False, True])  # made again, and damaged again once started again
    with pytest.raises(CacheRemade):
        ingest_flow(str(tmp_path / "in"), str(tmp_path / "out"), OPTIONS)
