"""The check made before Prefect starts (flows/up_to_date.py) says OUT is current exactly
when the flow would find it so, and reads no file to say it; when it is not, the flow takes
its walk over."""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

import pytest

from flows.ingest import ingest_flow
from flows.options import IngestOptions
from flows.up_to_date import current_output, offer, walk_input, withdrawn_after
from tasks.output import state
from tasks.output.paths import ARTICLES
from tests.conftest import TODAY
from tests.corpus import paragraphs, source_text, variant_text, write

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]
OPTIONS = IngestOptions(today=TODAY)
FILES = {
    "a.txt": source_text(paragraphs(1), "2025-03-01"),
    "b.txt": variant_text(paragraphs(1)[:2]),
}


def check(folder: Path, out: Path, options: IngestOptions = OPTIONS) -> bool:
    return current_output(walk_input(folder, out, options), out, options) is not None


@pytest.fixture(autouse=True)
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files the test just wrote count as settled (else they are racy for two seconds, and
    a racy file is read: the check leaves such a run to the flow)."""
    monkeypatch.setattr("tasks.output.stamps.RACY_NS", 0)


def test_current_exactly_when_nothing_changed(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, FILES)
    assert not check(folder, out)  # no output yet
    first = ingest_flow(str(folder), str(out), OPTIONS)
    assert check(folder, out)
    summary = current_output(walk_input(folder, out, OPTIONS), out, OPTIONS)
    assert summary is not None and summary.unchanged and summary.not_read == 2
    assert summary.model_dump(exclude={"timings", "unchanged", "not_read"}) == first.model_dump(
        exclude={"timings", "unchanged", "not_read"}
    )
    assert not check(folder, out, OPTIONS.model_copy(update={"threshold": 60}))
    assert not check(folder, out, OPTIONS.model_copy(update={"verify": True}))
    (out / ARTICLES).write_text("tampered\n")
    assert not check(folder, out)


def test_a_new_or_changed_file_is_left_to_the_flow(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, FILES)
    ingest_flow(str(folder), str(out), OPTIONS)
    write(folder, {"c.txt": variant_text(paragraphs(1)[1:])})
    assert not check(folder, out)
    ingest_flow(str(folder), str(out), OPTIONS)
    assert check(folder, out)
    write(folder, {"a.txt": source_text(paragraphs(2), "2025-03-01")})
    assert not check(folder, out)


def test_the_flow_takes_the_walk_over(tmp_path: Path) -> None:
    """The flow works on INPUT as the handed walk found it (a file landing after the walk
    waits for the next run), and the run after it gives what a fresh run gives."""
    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, FILES)
    offer(walk_input(folder, out, OPTIONS), folder, out, OPTIONS)
    write(folder, {"c.txt": variant_text(paragraphs(1)[1:])})
    with withdrawn_after():
        taken = ingest_flow(str(folder), str(out), OPTIONS)
        again = ingest_flow(str(folder), str(out), OPTIONS)  # the walk is taken once
    assert (taken.inputs, again.inputs) == (2, 3)
    assert taken.timings[0].stage == "discover"
    fresh = tmp_path / "fresh"
    ingest_flow(str(folder), str(fresh), OPTIONS)
    assert (out / ARTICLES).read_bytes() == (fresh / ARTICLES).read_bytes()


def test_a_walk_is_taken_only_by_its_run(tmp_path: Path) -> None:
    """Withdrawn, or offered to a run with other rules, a walk is not taken: the run walks
    and finds the file that landed after it."""
    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, FILES)
    stale = walk_input(folder, out, OPTIONS)
    write(folder, {"c.txt": variant_text(paragraphs(1)[1:])})
    offer(stale, folder, out, OPTIONS)
    with withdrawn_after():
        pass
    assert ingest_flow(str(folder), str(out), OPTIONS).inputs == 3
    other = OPTIONS.model_copy(update={"exclude": ("d*",)})
    with withdrawn_after():
        offer(stale, folder, out, OPTIONS)
        assert ingest_flow(str(folder), str(out), other).inputs == 3


def test_the_flow_frees_the_walk_once_the_files_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk taken over (its stamps and the last run's: a million of each at 1M files) is
    not kept past the files stage: by the time the run state is computed, it is gone."""
    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, FILES)
    walk = walk_input(folder, out, OPTIONS)
    alive = weakref.ref(walk)
    offer(walk, folder, out, OPTIONS)
    del walk
    freed: list[bool] = []

    def run_state(*arguments: Any) -> str:
        freed.append(alive() is None)
        return state.run_state(*arguments)

    monkeypatch.setattr("flows.ingest.run_state", run_state)
    with withdrawn_after():
        ingest_flow(str(folder), str(out), OPTIONS)
    assert freed == [True]
