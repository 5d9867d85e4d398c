"""Nothing is lost: every input file ends up exactly once, as a source, a variant or a rejection."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from tasks.models import InputFile, Rejection
from tasks.records.records import Planned


class AccountingError(RuntimeError):
    """The outputs do not account for every input exactly once: a bug, never written out."""


def check_accounting(
    files: Sequence[InputFile],
    discovered_rejections: Sequence[Rejection],
    records: Sequence[Planned],
    rejected: Sequence[Rejection],
) -> None:
    """Raise `AccountingError` naming the inputs missing from the outputs or repeated there.

    The inputs are the files found plus the entries discovery refused (loops, unreadable
    folders); `rejected` must include the latter."""
    seen = [record.source.path for record in records]  # no list made per record
    seen += [item.document.path for record in records for item in record.attached]
    seen += [rejection.path for rejection in rejected]
    expected = [file.path for file in files]
    expected += [rejection.path for rejection in discovered_rejections]
    # Sets first, counts only to name what is wrong: counting a million paths twice and
    # subtracting the counts took 5 s of a run. Two lists without repeats hold the same
    # paths exactly once each when their sets are equal.
    seen_once, expected_once = set(seen), set(expected)
    sizes = {len(seen), len(expected), len(seen_once), len(expected_once)}
    if len(sizes) == 1 and seen_once == expected_once:
        return
    seen_count, expected_count = Counter(seen), Counter(expected)
    missing = sorted((expected_count - seen_count).keys())
    extra = sorted((seen_count - expected_count).keys())
    if missing or extra:
        raise AccountingError(
            f"outputs do not account for the inputs: missing {missing[:5]} "
            f"({len(missing)} in all), unexpected or repeated {extra[:5]} ({len(extra)} in all)"
        )
