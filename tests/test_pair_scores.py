"""Pair scores kept between runs: a decision made with them is the one scoring gives."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.match.align import Alignment
from tasks.match.assign import Assignment, decide_all
from tasks.match.candidates import Candidate
from tasks.match.evidence import ShortEvidence
from tasks.match.pair_scores import decode_scored, encode_scored
from tasks.match.score import Scored
from tasks.match.thresholds import Thresholds
from tasks.output.cache import add_parses
from tasks.output.index_file import stored_match_index, update_stored_index
from tasks.output.paths import SCORES_FILE
from tasks.output.scores_file import open_known_scores, save_scores
from tests.test_match_shards import corpus

FINGERPRINT = "decisions"


def _decided(out: Path, fingerprint: str = FINGERPRINT) -> Assignment:
    """The corpus' variants decided against OUT's stored index and pair scores."""
    sources, variants = corpus()
    refs = add_parses(out, "parses", [*sources, *variants])
    update_stored_index(out, refs[: len(sources)], track=False)
    with stored_match_index(out, fingerprint) as index:
        texts = [index.text(ref.path, ref.sha256) for ref in refs[len(sources) :]]
        return decide_all(index, texts, Thresholds())


def _made(assignment: Assignment) -> list[tuple[str, tuple[bytes, str]]]:
    return [(path, pair) for path, reach in assignment.reaches.items() for pair in reach.scores]


def _as_json(assignment: Assignment) -> list[str]:
    return [item.model_dump_json() for item in [*assignment.matches, *assignment.rejected]]


def test_kept_scores_decide_as_scoring_does_and_no_pair_is_scored_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _decided(tmp_path)
    assert first.matches and first.rejected  # both outcomes are compared
    save_scores(tmp_path, FINGERPRINT, [], _made(first))

    def scoring(*arguments: object) -> None:
        raise AssertionError("a kept pair was scored again")

    monkeypatch.setattr("tasks.match.match_index.score_candidate", scoring)
    again = _decided(tmp_path)
    assert _as_json(again) == _as_json(first)
    assert _made(again) == _made(first)


def test_scores_of_other_code_or_options_are_not_used(tmp_path: Path) -> None:
    first = _decided(tmp_path)
    save_scores(tmp_path, FINGERPRINT, [], _made(first))
    assert open_known_scores(tmp_path, "other") is None
    save_scores(tmp_path, "other", [], [])  # under another fingerprint: emptied
    assert open_known_scores(tmp_path, FINGERPRINT) is None
    assert _rows(tmp_path) == []


def test_the_kept_decisions_scores_stay_and_the_others_are_replaced(tmp_path: Path) -> None:
    save_scores(tmp_path, FINGERPRINT, [], [("a", (b"1", "x")), ("b", (b"2", "y"))])
    save_scores(tmp_path, FINGERPRINT, ["a"], [("c", (b"3", "z"))])
    assert _rows(tmp_path) == [(b"1", "a", "x"), (b"3", "c", "z")]
    known = open_known_scores(tmp_path, FINGERPRINT)
    assert known is not None
    assert (known(b"1"), known(b"2")) == ("x", None)
    known.close()


def test_a_damaged_file_is_made_again(tmp_path: Path) -> None:
    path = tmp_path / SCORES_FILE
    path.parent.mkdir()
    path.write_bytes(b"not a database" * 100)
    assert open_known_scores(tmp_path, FINGERPRINT) is None
    save_scores(tmp_path, FINGERPRINT, [], [("a", (b"1", "x"))])
    assert _rows(tmp_path) == [(b"1", "a", "x")]


def _rows(out: Path) -> list[tuple[bytes, str, str]]:
    with sqlite3.connect(out / SCORES_FILE) as connection:
        return connection.execute("SELECT key, variant, scored FROM scores ORDER BY key").fetchall()


scores = st.floats(min_value=0, max_value=100, allow_nan=False)


@given(
    score=scores,
    aligned=scores,
    pairs=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 3000)), max_size=20),
    by_words=st.booleans(),
    short=st.none() | st.builds(ShortEvidence, st.integers(0, 50), scores, st.booleans()),
    candidate=st.builds(Candidate, st.integers(0, 10**6), st.floats(0, 10)),
)
def test_a_score_reads_back_equal(
    score: float,
    aligned: float,
    pairs: list[tuple[int, int]],
    by_words: bool,
    short: ShortEvidence | None,
    candidate: Candidate,
) -> None:
    alignment = Alignment(aligned, tuple(pairs), score)
    made = Scored(score, candidate.similarity, candidate.source, alignment, by_words, short)
    assert decode_scored(encode_scored(made), candidate) == made


def test_the_kept_scores_close_with_the_index(tmp_path: Path) -> None:
    first = _decided(tmp_path)
    save_scores(tmp_path, FINGERPRINT, [], _made(first))
    key = _made(first)[0][1][0]
    with stored_match_index(tmp_path, FINGERPRINT) as index:
        known = index.known
        assert known is not None and known(key) is not None
    assert known(key) is None  # closed: a read finds nothing
