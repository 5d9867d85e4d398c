"""The corpora the runtime benchmarks run on: a named one, built when missing, or a folder."""

from __future__ import annotations

from pathlib import Path

from bench.matching import scale
from bench.matching.scale_build import write_share
from bench.reuters import run as reuters

FULL_SHARE = 1.0
NAMED = {"scale": scale.folder(FULL_SHARE), "reuters": reuters.CORPUS}


def resolve_corpus(value: str) -> Path:
    """A named corpus (`scale`, `reuters`: built from ../shared/corpora when missing) or
    any folder."""
    folder = NAMED.get(value, Path(value)).resolve()
    if folder.is_dir() or value not in NAMED:
        return folder
    if value == "reuters":
        reuters.prepare_corpus(None, keep=True)
    else:
        documents, sources = scale.plan()
        write_share(documents, sources, FULL_SHARE, folder)
    return folder
