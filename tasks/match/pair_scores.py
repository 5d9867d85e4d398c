"""Scores of (variant, candidate) pairs, kept between runs: a variant decided again rescores
only the candidates it has not been scored against.

A variant is decided again when a new source can enter its candidates (tasks/match/reuse.py):
in a run that adds 1 % of an archive, a new copy of a story reaches every variant of that
story. Its other candidates are the ones it had, and scoring a pair (tasks/match/score.py:
sentence alignment, rapidfuzz) was most of deciding it. That score is a function of the two
bodies alone (the candidate index's similarity, which orders equal scores, is not part of
it), so it is kept under a key naming both: the variant's body by its record id, the source by
path and SHA-256 (what the index knows of it without reading its text), for the code and
options of the decisions' fingerprint (tasks/output/scores_file.py keeps them on disk).
A score read back is the one scoring again would give, so a decision made with them is the
one a fresh run makes.
"""

from __future__ import annotations

import hashlib
import json

from tasks.match.align import Alignment
from tasks.match.candidates import Candidate
from tasks.match.evidence import ShortEvidence
from tasks.match.score import Scored

PairScore = tuple[bytes, str]  # a pair's key and its score, encoded


def pair_key(variant: str, source_path: str, source_sha256: str) -> bytes:
    """The key of the pair of a variant, named by its body's record id (`tasks.refs.record_id`,
    what names a record too), and a source.

    >>> one = pair_key("v", "a.txt", "0" * 64)
    >>> one == pair_key("v", "a.txt", "1" * 64) or one == pair_key("w", "a.txt", "0" * 64)
    False
    """
    # NUL separates the parts: no path holds one, nor a digest's hex
    named = "\0".join([variant, source_path, source_sha256]).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(named, digest_size=16).digest()


def encode_scored(scored: Scored) -> str:
    """`scored` without what is the candidate's (its number and similarity), as JSON; floats
    are written as `repr` gives them, so they read back equal.

    >>> made = Scored(61.5, 0.3, 7, Alignment(61.5, ((0, 1),), 88.25), False)
    >>> decode_scored(encode_scored(made), Candidate(7, 0.3)) == made
    True
    >>> encode_scored(made)
    '[61.5,false,[61.5,[[0,1]],88.25],null]'
    """
    alignment, short = scored.alignment, scored.short
    return json.dumps(
        [
            scored.score,
            scored.by_words,
            [alignment.score, alignment.pairs, alignment.similarity],
            None if short is None else [short.words, short.similarity, short.by_words],
        ],
        separators=(",", ":"),
    )


def decode_scored(encoded: str, candidate: Candidate) -> Scored:
    """The score `encode_scored` wrote, for `candidate`."""
    score, by_words, (aligned, pairs, similarity), short = json.loads(encoded)
    alignment = Alignment(aligned, tuple((one, other) for one, other in pairs), similarity)
    shortfall = None if short is None else ShortEvidence(*short)
    return Scored(score, candidate.similarity, candidate.source, alignment, by_words, shortfall)
