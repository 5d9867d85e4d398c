"""The word weights' reference table: what it holds, and that worker processes inherit it."""

from __future__ import annotations

import math

import pytest
import wordfreq

from flows.workers import MIN_FILES, run_in_worker, worker_count, worker_processes
from tasks.match.weights import FLOOR, LANGUAGE, WORDLIST, reference_weights


def test_the_table_is_wordfreqs_list_as_information_content() -> None:
    frequencies = wordfreq.get_frequency_dict(LANGUAGE, wordlist=WORDLIST)
    expected = {word: -math.log(max(frequency, FLOOR)) for word, frequency in frequencies.items()}
    assert reference_weights() == expected


def _table_made_before_the_call(_: None) -> bool:
    return reference_weights.cache_info().currsize == 1


def _wordfreqs_table_made_before_the_call(_: None) -> bool:
    """wordfreq's own table, which weighing a word with a digit reads."""
    return bool(wordfreq.get_frequency_dict.cache_info().currsize)


def test_worker_processes_inherit_the_table_from_their_fork_server() -> None:
    if worker_count() < 2:
        pytest.skip("one core: no worker processes, the table is made here")
    with worker_processes(MIN_FILES) as processes:
        assert processes == worker_count()
        assert run_in_worker(_table_made_before_the_call, None)
        assert run_in_worker(_wordfreqs_table_made_before_the_call, None)
