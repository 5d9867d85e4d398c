"""Fingerprints of copydesk's code: what an earlier run's results may be reused under.

The run state (does OUT hold what this code would write?) depends on all of copydesk's code;
the parse cache only on the code that decodes, cleans and parses a file's bytes. Keying the
cache by all of it threw every parse away on any edit to the CLI or to matching. So the cache
is keyed by the modules those stages import, followed through their imports.
"""

from __future__ import annotations

import dis
import hashlib
import platform
from collections.abc import Iterable
from functools import cache
from importlib.metadata import version
from pathlib import Path
from types import CodeType

ROOT = Path(__file__).parents[2]
# Libraries whose version can change what a stage outputs (decoding, repairs, validation,
# scores); Python's own version brings its Unicode database.
OUTPUT_LIBRARIES = (
    *("ftfy", "charset-normalizer", "rapidfuzz", "pydantic", "numpy", "wordfreq"),
    *("markdown-it-py", "trafilatura", "htmldate", "jusText", "lxml"),  # Markdown and HTML
    "pyarrow",  # articles.parquet's bytes
)
# The stages that make a file's parse from its bytes (each folder whole). Reading only
# yields the bytes, whose SHA-256 keys each entry: a change to how files are found or read
# must not throw every parse away.
PARSE_STAGES = ("tasks.decode", "tasks.extract", "tasks.clean", "tasks.parse", "tasks.refs")


@cache
def code_fingerprint() -> str:
    """Over all of copydesk's source (`tasks` and `flows`), Python and `OUTPUT_LIBRARIES`."""
    paths = [path for package in ("tasks", "flows") for path in (ROOT / package).rglob("*.py")]
    return _fingerprint(paths)


@cache
def parse_code_fingerprint() -> str:
    """Over the source of `PARSE_STAGES` and every copydesk module they import, Python and
    `OUTPUT_LIBRARIES`."""
    return _fingerprint(imported_modules(PARSE_STAGES))


@cache
def match_code_fingerprint() -> str:
    """Over the source of the match stage and every copydesk module it imports, Python and
    `OUTPUT_LIBRARIES`."""
    return _fingerprint(imported_modules(["tasks.match"]))


def _fingerprint(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256(platform.python_version().encode())
    for library in OUTPUT_LIBRARIES:
        digest.update(f"|{library}=={version(library)}".encode())
    for path in sorted(set(paths)):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def imported_modules(roots: Iterable[str]) -> set[Path]:
    """The source files of `roots` and of the copydesk modules they import, transitively.

    >>> names = {p.relative_to(ROOT).as_posix() for p in imported_modules(["tasks.decode"])}
    >>> {"tasks/decode/decode.py", "tasks/decode/charset.py", "tasks/models.py"} <= names
    True
    >>> "tasks/match/assign.py" in names
    False
    """
    found: set[Path] = set()
    pending = list(roots)
    while pending:
        for path in _sources(pending.pop()) - found:
            found.add(path)
            pending.extend(_imports(path))
    return found


def _imports(path: Path) -> list[str]:
    """The modules `path` imports, at any depth of its code, and the names it imports from
    them (which may be modules). Read from its compiled code's import instructions, not its
    syntax tree: `ast.parse` while another thread builds a syntax tree (Prefect's, pydantic's)
    fails now and then on CPython 3.11 ("AST constructor recursion depth mismatch",
    python/cpython#106905), and this runs inside the flow."""
    modules: list[str] = []
    pending = [compile(path.read_bytes(), str(path), "exec", dont_inherit=True)]
    while pending:
        code = pending.pop()
        module, names, before = "", False, None
        for instruction in dis.get_instructions(code):
            if instruction.opname == "IMPORT_NAME":
                module = instruction.argval
                modules.append(module)
                # `from m import n` loads ("n",) just before; `import m.n as x` loads None
                # and then reaches n by IMPORT_FROM too
                names = before is not None and before.argval is not None
            elif instruction.opname == "IMPORT_FROM" and names:
                modules.append(f"{module}.{instruction.argval}")
            before = instruction
        pending.extend(const for const in code.co_consts if isinstance(const, CodeType))
    return modules


def _sources(module: str) -> set[Path]:
    """The file of a copydesk module, every file of a copydesk package (its modules are read
    by name elsewhere), nothing for any other module."""
    if module.split(".")[0] not in ("tasks", "flows"):
        return set()
    base = ROOT.joinpath(*module.split("."))
    if base.is_dir():
        return set(base.rglob("*.py"))
    return {base.with_suffix(".py")} if base.with_suffix(".py").is_file() else set()
