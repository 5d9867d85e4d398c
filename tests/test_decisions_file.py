"""The decisions kept for the next run (tasks/output/decisions.py): what any sequence of runs
saved is what the next loads; a run writes only the decisions it made again, and only to the
file it loaded them from."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.match.reuse import Decided
from tasks.output.decisions import load_decisions, save_decisions
from tasks.output.paths import DECISIONS_FILE, work_folder

FINGERPRINT = "f" * 64
SOURCES = {"a.txt": "1" * 64}


def decided(variant: str, floor: float = 0.5) -> Decided:
    return Decided(
        variant=variant, sha256="2" * 64, looked_up=["storm", "harbour"], cutoff=0.25,
        fallback=False, candidates=["a.txt"], similarities=[floor], floor=floor,
        weights={"storm": 0.5, "harbour": 1.0},
    )  # fmt: skip


def tampered(out: Path, variant: str) -> None:
    """A decision's row changed behind the runs' backs: still read, another floor."""
    with sqlite3.connect(out / DECISIONS_FILE) as connection:
        connection.execute(
            "UPDATE decided SET decision = ? WHERE variant = ?",
            (decided(variant, floor=0.125).model_dump_json(), variant),
        )


def test_saved_and_loaded_they_are_the_same(tmp_path: Path) -> None:
    save_decisions(tmp_path, FINGERPRINT, SOURCES, [decided("v1.txt"), decided("v2.txt")])
    loaded = load_decisions(tmp_path, FINGERPRINT)
    assert loaded is not None and loaded.sources == SOURCES
    assert loaded.decided == {"v1.txt": decided("v1.txt"), "v2.txt": decided("v2.txt")}
    assert load_decisions(tmp_path, "other fingerprint") is None


# One run: the variants it decided (each with a floor: another floor, another decision) and
# the sources they were made against; whether it loaded the last run's decisions first.
RUN = st.tuples(
    st.dictionaries(st.sampled_from(["v1", "v2", "v3", "v4"]), st.sampled_from([0.25, 0.5])),
    st.dictionaries(st.sampled_from(["a", "b", "c"]), st.sampled_from(["1" * 64, "2" * 64])),
    st.booleans(),
    st.sampled_from([FINGERPRINT, "e" * 64]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(RUN, min_size=1, max_size=5))
def test_what_any_sequence_of_runs_saved_is_loaded(
    tmp_path_factory: pytest.TempPathFactory,
    runs: list[tuple[dict[str, float], dict[str, str], bool, str]],
) -> None:
    """Each run keeps the loaded objects of the decisions it did not make again and makes
    the others anew; as the match stage does, it hands back the loaded decisions with only
    those it kept."""
    out = tmp_path_factory.mktemp("out")
    for floors, sources, loads, fingerprint in runs:
        loaded = load_decisions(out, fingerprint) if loads else None
        held = loaded.decided if loaded is not None else {}
        kept = {v: held[v] for v, floor in floors.items() if v in held and held[v].floor == floor}
        items = [kept.get(variant) or decided(variant, floor) for variant, floor in floors.items()]
        loaded = loaded and replace(loaded, decided=kept)
        save_decisions(out, fingerprint, sources, items, loaded)
    floors, sources, _, fingerprint = runs[-1]
    last = load_decisions(out, fingerprint)
    assert last is not None and last.sources == sources
    assert last.decided == {variant: decided(variant, floor) for variant, floor in floors.items()}


def test_a_run_writes_only_the_decisions_it_made_again(tmp_path: Path) -> None:
    """A kept decision's row is left as it is: changed behind the run's back (after it was
    loaded) here, it stays changed; a decision no longer made goes."""
    save_decisions(tmp_path, FINGERPRINT, SOURCES, [decided(f"v{n}.txt") for n in (1, 2, 3)])
    loaded = load_decisions(tmp_path, FINGERPRINT)
    assert loaded is not None
    tampered(tmp_path, "v1.txt")
    again = decided("v2.txt", floor=0.75)
    items = [loaded.decided["v1.txt"], again, decided("v4.txt")]
    save_decisions(tmp_path, FINGERPRINT, {"b.txt": "2" * 64}, items, loaded)
    after = load_decisions(tmp_path, FINGERPRINT)
    assert after is not None and after.sources == {"b.txt": "2" * 64}
    assert after.decided == {
        "v1.txt": decided("v1.txt", floor=0.125),  # kept: not written
        "v2.txt": again,
        "v4.txt": decided("v4.txt"),
    }
    assert after.generation == loaded.generation + 1


def test_decisions_loaded_from_another_generation_are_all_written(tmp_path: Path) -> None:
    """Another run saved since these were loaded: no row is left to stand for them."""
    save_decisions(tmp_path, FINGERPRINT, SOURCES, [decided("v1.txt")])
    stale = load_decisions(tmp_path, FINGERPRINT)
    assert stale is not None
    save_decisions(tmp_path, FINGERPRINT, SOURCES, [decided("v1.txt"), decided("v2.txt")])
    tampered(tmp_path, "v1.txt")
    save_decisions(tmp_path, FINGERPRINT, SOURCES, [stale.decided["v1.txt"]], stale)
    after = load_decisions(tmp_path, FINGERPRINT)
    assert after is not None and after.decided == {"v1.txt": decided("v1.txt")}


def test_a_damaged_file_is_none_and_is_made_again(tmp_path: Path) -> None:
    earlier = work_folder(tmp_path) / "decisions.jsonl"  # the earlier format's: removed
    earlier.write_text("{}\n")
    (tmp_path / DECISIONS_FILE).write_bytes(b"{damaged")
    assert load_decisions(tmp_path, FINGERPRINT) is None
    save_decisions(tmp_path, FINGERPRINT, SOURCES, [decided("v1.txt")])
    after = load_decisions(tmp_path, FINGERPRINT)
    assert after is not None and list(after.decided) == ["v1.txt"]
    assert not earlier.exists()
