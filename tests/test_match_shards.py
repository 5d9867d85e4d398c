"""Matching in worker processes decides exactly what one process decides."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import pickle
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path

import pytest

from flows.matching import MatchWorkers
from flows.workers import index_workers, run_in_worker
from tasks.batch import dealt
from tasks.match.assign import assign_variants, merge_assignments
from tasks.match.index_journal import IndexJournal
from tasks.match.match_index import MatchIndex
from tasks.match.reuse import in_variant_order
from tasks.match.score import SourceText
from tasks.match.shards import MatchShard, decide_shard, install
from tasks.match.thresholds import Thresholds
from tasks.models import ParsedDocument
from tasks.output import databases
from tasks.output.cache import add_parses
from tasks.output.cache_read import CachedTexts, MissingParse
from tasks.output.index_file import install_stored_index, open_match_index, update_stored_index
from tasks.output.paths import CACHE_FILE
from tasks.refs import DocumentRef
from tests.corpus import paragraphs
from tests.helpers import parsed

DAY = dt.date(2025, 5, 15)


def corpus() -> tuple[list[ParsedDocument], list[ParsedDocument]]:
    """40 sources; 30 variants: truncations and reorders of sources (some near-equal
    sources, so rankings matter), and stories with no source."""
    bodies = [paragraphs(seed) for seed in range(40)]
    bodies[1] = bodies[0][:3] + bodies[1][3:]  # two sources sharing most of their text
    sources = [parsed(f"s{n:02}.txt", "\n\n".join(b), DAY) for n, b in enumerate(bodies)]
    variants = []
    for n in range(30):
        if n % 3 == 2:
            body = paragraphs(1000 + n)
        elif n % 3 == 1:
            body = bodies[n][::-1]
        else:
            body = bodies[n][:2]
        variants.append(parsed(f"v{n:02}.txt", "\n\n".join(body)))
    return sources, variants


def test_shards_in_worker_processes_decide_as_one_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("flows.workers.worker_count", lambda: 2)  # not every core of CI's
    sources, variants = corpus()
    thresholds = Thresholds()
    alone = assign_variants(sources, variants, thresholds)
    assert alone.matches and alone.rejected  # both outcomes are compared
    refs = add_parses(tmp_path, "fingerprint", [*sources, *variants])
    update_stored_index(tmp_path, refs[: len(sources)], track=False)
    keys = [(variant.path, variant.origin.sha256) for variant in variants]
    before = set(multiprocessing.active_children())
    with index_workers(
        "run", tmp_path, "fingerprint"
    ):  # the workers read the variants from the cache
        # started at once: they open the index while the run does what comes first
        assert len(set(multiprocessing.active_children()) - before) == 2
        shards = [MatchShard("run", part, thresholds) for part in dealt(keys, 4)]
        parts = [run_in_worker(decide_shard, part) for part in shards]
    sharded = in_variant_order(merge_assignments(parts), refs[len(sources) :])
    assert [m.model_dump_json() for m in sharded.matches] == [
        m.model_dump_json() for m in alone.matches
    ]
    assert [r.model_dump_json() for r in sharded.rejected] == [
        r.model_dump_json() for r in alone.rejected
    ]


def test_the_workers_read_the_sources_texts_from_the_cache_exactly(tmp_path: Path) -> None:
    """What crosses JSON and SQLite comes back the same: quotes, escapes, controls kept by
    cleaning, other scripts, emoji, combining marks, a missing title."""
    texts = [
        'He said "no" \\ twice.\tThen\r\nleft.',
        "Ça coûte 5 € — «oui»",
        "東京 🎉 e\u0301",
        "x",
    ]
    sources = [
        parsed(f"s{n}.txt", text, DAY, title=None if n % 2 else text[::-1])
        for n, text in enumerate(texts)
    ]
    add_parses(tmp_path, "fingerprint", sources)
    with databases.opened(tmp_path / CACHE_FILE, "ro") as connection:
        text_of = CachedTexts(connection)
        found = [text_of(source.path, source.origin.sha256) for source in sources]
        assert found == [SourceText(s.path, s.title, s.body) for s in sources]
        with pytest.raises(MissingParse, match=r"no parse of 's0\.txt'"):
            text_of("s0.txt", "f" * 64)


def test_a_process_without_the_index_refuses_to_decide() -> None:
    with pytest.raises(RuntimeError, match="no match index"):
        decide_shard(MatchShard("nowhere", [], Thresholds()))


def test_the_match_workers_start_once_enough_distinct_variants_need_deciding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the last run's decisions are checked, the workers start as soon as deciding
    the variants found so far is worth them (copies count once), and not at all for a few;
    never when tasks do not run here (Dask)."""
    started: list[str] = []

    @contextmanager
    def starting(key: str, out: Path, fingerprint: str, in_turn: bool) -> Iterator[None]:
        started.append(key)
        yield

    monkeypatch.setattr("flows.matching.index_workers", starting)
    monkeypatch.setattr("flows.matching.worth_sharding", lambda _, variants, __: variants >= 3)
    refs = [DocumentRef(f"v{n}.txt", sha, None, b"", "") for n, sha in enumerate("aabbc")]
    for here, expected in ((True, [None, None, None, None, "key"]), (False, [None] * 5)):
        monkeypatch.setattr("flows.matching.tasks_run_here", lambda here=here: here)
        with ExitStack() as stack:
            workers, keys = MatchWorkers(stack, str(tmp_path), "fingerprint"), []
            for ref in refs:
                workers.to_decide(ref)
                keys.append(workers.key and "key")
        assert keys == expected
    assert len(started) == 1


@pytest.mark.parametrize("journal", [True, False], ids=["by its journal", "read again"])
def test_an_index_read_before_the_update_decides_as_one_read_after_it(
    tmp_path: Path, journal: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Match workers started before the run updates the stored index (flows/matching.py)
    follow the update: by its journal, or, without one (or with another version's), by
    reading the index again; either way they decide as workers started after it."""
    sources, variants = corpus()
    refs = add_parses(tmp_path, "fingerprint", [*sources, *variants])
    update_stored_index(tmp_path, refs[5:40], track=False)  # the last run's sources
    early = open_match_index(tmp_path, "fingerprint")
    now = refs[:35]  # five added, five removed
    change = update_stored_index(tmp_path, now, track=True, journal=True)
    assert change.journal is not None and change.version is not None
    assert early.version == change.journal.before != change.version
    packed = pickle.dumps(change.journal if journal else IndexJournal("other"))
    keys = [(variant.path, variant.origin.sha256) for variant in variants]
    thresholds = Thresholds()
    installed: dict[str, MatchIndex] = {}  # this test's, closed below
    monkeypatch.setattr("tasks.match.shards._installed", installed)
    monkeypatch.setattr("tasks.match.shards._openers", {})
    install("early", early, partial(open_match_index, tmp_path, "fingerprint"))
    followed = decide_shard(MatchShard("early", keys, thresholds, version=change.version,
                                       journal=packed))  # fmt: skip
    assert (installed["early"] is early) == journal
    assert installed["early"].version == change.version
    install("late", open_match_index(tmp_path, "fingerprint"))  # closes the early one
    late = decide_shard(MatchShard("late", keys, thresholds))
    installed["late"].close()
    alone = assign_variants(sources[:35], variants, thresholds)
    for decided in (followed, late):
        assert [m.model_dump_json() for m in decided.matches] == [
            m.model_dump_json() for m in alone.matches
        ]
        assert [r.model_dump_json() for r in decided.rejected] == [
            r.model_dump_json() for r in alone.rejected
        ]


def test_a_worker_that_finds_no_index_yet_opens_it_at_its_first_shard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started before the run's update, a worker may find no index (or a damaged one,
    which the update makes again): it does not fail, and reads the update's."""
    monkeypatch.setattr("tasks.match.shards._installed", {})
    monkeypatch.setattr("tasks.match.shards._openers", {})
    sources, variants = corpus()
    refs = add_parses(tmp_path, "fingerprint", [*sources, *variants])
    install_stored_index("run", str(tmp_path), "fingerprint")  # no index.sqlite yet
    change = update_stored_index(tmp_path, refs[: len(sources)], track=False, journal=True)
    assert change.journal is None and change.version is not None  # nothing to follow from
    keys = [(variant.path, variant.origin.sha256) for variant in variants]
    shard = MatchShard("run", keys, Thresholds(), version=change.version)
    decided = decide_shard(shard)
    alone = assign_variants(sources, variants, Thresholds())
    assert [m.model_dump_json() for m in decided.matches] == [
        m.model_dump_json() for m in alone.matches
    ]
