"""The report's reference sections: what the corpus holds, and every kind of error with the
context needed to act on it (origin, what was done to the file, score, evidence)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from itertools import zip_longest
from pathlib import Path

from bench.common.report import table
from bench.matching.build import Truth
from bench.matching.eval import Evaluation, Outcome, shared_share

MAX_ERRORS = 10
# Each error type: its heading and which outcomes it lists.
ERROR_TYPES: dict[str, Callable[[Outcome], bool]] = {
    "variants attached to the wrong source": lambda o: o.verdict == "wrong_source",
    "variants rejected, their true source the best candidate (scored below the threshold)": (
        lambda o: o.verdict == "missed" and o.best == o.truth.label
    ),
    "variants rejected, their true source not the best candidate (or no candidate)": (
        lambda o: o.verdict == "missed" and o.best != o.truth.label
    ),
    "distractors attached although their source is absent": lambda o: o.verdict == "false_accept",
    "undated files that did not come out as a variant or a no-match rejection": (
        lambda o: o.verdict == "misread"
    ),
}


def corpus_section(truths: list[Truth], unused_bbc: int) -> list[str]:
    count = Counter((t.role, t.kind if t.role != "source" else _group(t.note)) for t in truths)
    rows = sorted(count.items(), key=lambda item: (item[0][0], item[0][1]))
    lines = ["## Corpus", "", *table(("role", "kind", "files"), [(*k, n) for k, n in rows])]
    note = f"BBC files left out as copies of a file already used (one role per text): {unused_bbc}"
    note += "; sources marked ambiguous have half their text or more inside another source"
    return [*lines, "", note, ""]


def _group(note: str) -> str:
    """A source's note without its particulars: "near-pair source (J=0.98)" -> the first."""
    return "source: " + note.split(" (")[0]


def name(path: str | None, by_path: dict[str, Truth]) -> str:
    if path is None:
        return "none"
    truth = by_path.get(path)
    return f"`{path}` ({truth.origin})" if truth else f"`{path}`"


def _error_line(outcome: Outcome, corpus: Path, by_path: dict[str, Truth]) -> str:
    truth = outcome.truth
    line = f"- `{truth.path}` {truth.kind} from {truth.origin} [{truth.note}]: "
    line += f"score {outcome.score}, "
    if truth.label and outcome.best == truth.label:
        line += "best candidate is the true source"
    else:
        line += f"best {name(outcome.best, by_path)}"
        if outcome.best in by_path:
            line += f" (C(file in best) {shared_share(corpus, truth.path, outcome.best):.2f})"
        if truth.label:
            want = shared_share(corpus, truth.path, truth.label)
            line += f", want {name(truth.label, by_path)} (C(file in want) {want:.2f})"
    return line + (f"; {outcome.detail}" if outcome.detail else "")


def _spread(outcomes: list[Outcome]) -> list[Outcome]:
    """Highest score first within each kind, kinds taken in turn: the first ten show every
    kind that failed, not ten of the commonest."""
    by_kind: dict[str, list[Outcome]] = {}
    for outcome in sorted(outcomes, key=lambda o: (-(o.score or 0.0), o.truth.path)):
        by_kind.setdefault(outcome.truth.kind, []).append(outcome)
    rounds = zip_longest(*by_kind.values())
    return [outcome for batch in rounds for outcome in batch if outcome is not None]


def error_section(result: Evaluation, corpus: Path, by_path: dict[str, Truth]) -> list[str]:
    lines = [
        "## Errors",
        "",
        "Kinds in turn, highest score first. C(a in b): share of a's 5-word shingles found in b.",
        "",
    ]
    for title, selects in ERROR_TYPES.items():
        found = _spread([o for o in result.outcomes if selects(o)])
        lines += [f"### {title}: {len(found)}", ""]
        lines += [_error_line(o, corpus, by_path) for o in found[:MAX_ERRORS]] + [""]
    return lines
