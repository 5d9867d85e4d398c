"""Which entries of the input folder are articles: `--include` and `--exclude` globs.

A landing folder is often a checkout, a synced folder or a download area: version control
(`.git/`, with thousands of object files), tool folders (`.venv/`, `__pycache__/`),
editor backups (`notes.txt~`) and the hidden temporaries of transfers still under way
(rsync writes `.name.XXXXXX` before renaming) are not articles, and reading them would
reject or, worse, publish them. So by default every hidden entry and the usual tool
folders are skipped, and a run says how many entries it skipped (`excluded`).

Patterns match paths relative to the input folder, with `/` between folders, as in
`.gitignore`: `*` matches within one name, `?` one character, `[abc]` one of a set, `**`
any number of folders. A pattern without `/` matches a name at any depth (`*.tmp`,
`.git`); one with `/` matches from the input folder down (`drafts/**`, `2025/*/notes.txt`);
a leading `./` or `/` and a trailing `/` change nothing (`drafts/` is `drafts`).
An excluded folder is not entered. `--include` keeps only the files it matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

# Hidden files and folders (version control, tool folders, transfers under way), editor
# backups, and the visible folders of version-control systems and tools.
DEFAULT_EXCLUDES = (".*", "*~", "CVS", "_darcs", "__pycache__", "node_modules")


def glob_to_regex(pattern: str) -> str:
    r"""A regular expression for `pattern`, to match whole relative paths.

    >>> glob_to_regex("*.txt")
    '[^/]*\\.txt'
    >>> bool(re.fullmatch(glob_to_regex("a/**/b?.md"), "a/x/y/b1.md"))
    True
    >>> bool(re.fullmatch(glob_to_regex(".git/**"), ".git"))
    True
    >>> glob_to_regex("[!a-c]")
    '[^a-c]'
    """
    parts: list[str] = []
    position = 0
    while position < len(pattern):
        if pattern.startswith("**/", position):
            parts.append("(?:.*/)?")
            position += 3
        elif pattern.startswith("/**", position) and position + 3 == len(pattern):
            parts.append("(?:/.*)?")
            position += 3
        elif pattern.startswith("**", position):
            parts.append(".*")
            position += 2
        else:
            part, position = _translate_one(pattern, position)
            parts.append(part)
    return "".join(parts)


def _translate_one(pattern: str, position: int) -> tuple[str, int]:
    character = pattern[position]
    if character == "*":
        return "[^/]*", position + 1
    if character == "?":
        return "[^/]", position + 1
    end = pattern.find("]", position + 2)
    if character == "[" and end != -1:
        members = pattern[position + 1 : end]
        negated = members.startswith("!")
        body = members[1:] if negated else members
        return "[" + ("^" if negated else "") + body.replace("\\", "\\\\") + "]", end + 1
    return re.escape(character), position + 1


def _compile(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(patterns without `/`, matched against a name; the others, against the whole path).
    A leading `./` or `/` and a trailing `/` say nothing more (`drafts/` is `drafts`)."""
    bare = [_bare(pattern) for pattern in patterns]
    names = [glob_to_regex(p) for p in bare if "/" not in p]
    paths = [glob_to_regex(p) for p in bare if "/" in p]
    never = "(?!)"
    return re.compile("|".join(names) or never), re.compile("|".join(paths) or never)


def _bare(pattern: str) -> str:
    """
    >>> _bare("./drafts/"), _bare("/2025/*/"), _bare("a/**")
    ('drafts', '2025/*', 'a/**')
    """
    return pattern.removeprefix("./").strip("/")


def check_pattern(pattern: str) -> str:
    """`pattern` itself, if it is a usable glob; else ValueError.

    >>> check_pattern("[z-a].txt")
    Traceback (most recent call last):
    ...
    ValueError: not a valid pattern: '[z-a].txt' (bad character range z-a at position 1)
    """
    if not _bare(pattern):
        raise ValueError(f"not a valid pattern: {pattern!r}")
    try:
        re.compile(glob_to_regex(_bare(pattern)))
    except re.error as error:
        raise ValueError(f"not a valid pattern: {pattern!r} ({error})") from None
    return pattern


@dataclass(frozen=True)
class Selection:
    """`include` (empty: every file) and `exclude` globs, see the module docstring."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES

    @cached_property
    def _excluded(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        return _compile(self.exclude)

    @cached_property
    def _included(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        return _compile(self.include)

    def skips(self, path: str, is_file: bool) -> bool:
        """Whether the entry at relative `path` is left out of the run.

        >>> Selection().skips("a/.git", is_file=False), Selection().skips("a/b.txt", True)
        (True, False)
        >>> Selection(include=("*.txt",), exclude=()).skips("b.md", is_file=True)
        True
        """
        if _matches(self._excluded, path):
            return True
        return is_file and bool(self.include) and not _matches(self._included, path)


def _matches(compiled: tuple[re.Pattern[str], re.Pattern[str]], path: str) -> bool:
    names, paths = compiled
    return bool(names.fullmatch(path.rpartition("/")[2]) or paths.fullmatch(path))
