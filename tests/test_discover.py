"""Discovery: every entry below the input folder is a file to read, a precise rejection, or
an excluded entry; links never lead out of the input unless asked; no tree is too deep."""

from __future__ import annotations

import errno
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.models import FeedPart, FileStamp, InputFile
from tasks.read.discover import Discovery, WalkRules, find_input_files
from tasks.read.selection import Selection


def _tree(root: Path, *names: str) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")


def _outside(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path.parent / f"{tmp_path.name}-outside"
    _tree(folder, *names)
    return folder


def _seen(found: Discovery) -> tuple[list[str], list[tuple[str, str, str]]]:
    return [f.path for f in found.files], [(r.path, r.reason, r.detail) for r in found.rejected]


def test_discovery_is_recursive_sorted_and_relative(tmp_path: Path) -> None:
    _tree(tmp_path, "b.txt", "a/z.txt", "a/b/c.txt", "A.txt")
    found = find_input_files(tmp_path)
    assert _seen(found) == (["A.txt", "a/b/c.txt", "a/z.txt", "b.txt"], [])
    assert found.files[0].location == str(tmp_path / "A.txt")


def test_links_inside_the_input_are_read_under_one_path(tmp_path: Path) -> None:
    _tree(tmp_path, "real/a.txt", "elsewhere/b.txt")
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    (tmp_path / "also-b.txt").symlink_to(tmp_path / "elsewhere" / "b.txt")
    (tmp_path / "real" / "loop").symlink_to(tmp_path)
    assert _seen(find_input_files(tmp_path)) == (
        ["elsewhere/b.txt", "real/a.txt"],
        [
            ("alias", "duplicate_link", "links to the folder 'real', which is read under that path"),
            ("also-b.txt", "duplicate_link", "links to the file 'elsewhere/b.txt', which is read under that path"),
            ("real/loop", "symlink_loop", "links back to the folder '.' that contains it"),
        ],
    )  # fmt: skip


def test_links_out_of_the_input_are_not_followed_unless_asked(tmp_path: Path) -> None:
    """`ln -s /etc in/etcdir` used to publish /etc/shadow."""
    outside = _outside(tmp_path, "c.txt", "secret.txt")
    (tmp_path / "etcdir").symlink_to("/etc")
    (tmp_path / "linked").symlink_to(outside)
    (tmp_path / "secret.txt").symlink_to(outside / "secret.txt")
    assert _seen(find_input_files(tmp_path)) == (
        [],
        [
            (name, "outside_input", f"links to '{target}', outside the input folder (--follow-outside-links reads such links)")
            for name, target in [("etcdir", "/etc"), ("linked", outside), ("secret.txt", outside / "secret.txt")]
        ],
    )  # fmt: skip
    (tmp_path / "etcdir").unlink()
    following = WalkRules(follow_outside_links=True)
    assert _seen(find_input_files(tmp_path, following)) == (
        ["linked/c.txt", "linked/secret.txt"],
        [("secret.txt", "duplicate_link", "links to the file 'linked/secret.txt', which is read under that path")],
    )  # fmt: skip


@pytest.mark.parametrize("follow", [False, True])
def test_a_link_to_an_ancestor_is_a_loop(tmp_path: Path, follow: bool) -> None:
    """`ln -s .. input/up` would read everything around the input, and the input twice."""
    folder = tmp_path / "in"
    _tree(folder, "a.txt")
    (folder / "up").symlink_to("..")
    (folder / "sub").mkdir()
    (folder / "sub" / "top").symlink_to("../..")
    found = find_input_files(folder, WalkRules(follow_outside_links=follow))
    assert _seen(found) == (
        ["a.txt"],
        [
            ("sub/top", "symlink_loop", f"links back to the folder '{tmp_path}' that contains it"),
            ("up", "symlink_loop", f"links back to the folder '{tmp_path}' that contains it"),
        ],
    )


def test_a_folder_reached_by_two_links_is_read_once(tmp_path: Path) -> None:
    outside = _outside(tmp_path, "sub/c.txt")
    (tmp_path / "linked").symlink_to(outside)
    (tmp_path / "linked2").symlink_to(outside / "sub")
    found = find_input_files(tmp_path, WalkRules(follow_outside_links=True))
    assert [f.path for f in found.files] == ["linked/sub/c.txt"]
    assert [(r.path, r.reason) for r in found.rejected] == [("linked2", "duplicate_link")]


def test_looping_and_broken_links(tmp_path: Path) -> None:
    (tmp_path / "self").symlink_to(tmp_path / "self")
    (tmp_path / "loop1").symlink_to("loop2")
    (tmp_path / "loop2").symlink_to("loop1")
    (tmp_path / "gone").symlink_to(tmp_path / "missing")
    assert _seen(find_input_files(tmp_path)) == (
        ["gone"],  # reading it says what is wrong
        [
            ("loop1", "symlink_loop", "links in a loop: loop1 -> loop2 -> loop1"),
            ("loop2", "symlink_loop", "links in a loop: loop2 -> loop1 -> loop2"),
            ("self", "symlink_loop", "the link points to itself"),
        ],
    )


def test_unlistable_folder_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path, "ok.txt", "locked/secret.txt")
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if Path(path).name == "locked":
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert _seen(find_input_files(tmp_path)) == (
        ["ok.txt"],
        [("locked", "unreadable", "cannot list folder: Permission denied (errno 13)")],
    )


@pytest.fixture
def deep(tmp_path: Path) -> Iterator[Callable[[int], None]]:
    """Makes `depth` nested folders `d` with a file at the bottom, through folder
    descriptors (the whole path may exceed what the system takes in one call); removes
    them afterwards, level by level (Python's and pytest's tree removal recurse)."""

    def make(depth: int) -> None:
        descriptor = os.open(tmp_path, os.O_RDONLY)
        for _ in range(depth):
            os.mkdir("d", dir_fd=descriptor)
            inner = os.open("d", os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
        os.close(os.open("bottom.txt", os.O_WRONLY | os.O_CREAT, dir_fd=descriptor))
        os.close(descriptor)

    yield make
    top = tmp_path / "d"
    while (top / "d").is_dir():  # lift the second level up, remove the first
        (top / "d").rename(tmp_path / "lifted")
        top.rmdir()
        (tmp_path / "lifted").rename(top)
    if top.is_dir():
        (top / "bottom.txt").unlink()
        top.rmdir()


def test_a_very_deep_tree_is_walked(tmp_path: Path, deep: Callable[[int], None]) -> None:
    """1,500 levels used to raise RecursionError, retried three times, failing the run."""
    deep(1500)
    assert _seen(find_input_files(tmp_path)) == (["d/" * 1500 + "bottom.txt"], [])


def test_a_tree_deeper_than_the_path_limit_rejects_only_what_is_out_of_reach(
    tmp_path: Path, deep: Callable[[int], None]
) -> None:
    _tree(tmp_path, "a.txt")
    deep(2100)  # 4,200 characters: over Linux's 4,096
    files, rejected = _seen(find_input_files(tmp_path))
    assert files == ["a.txt"]
    [(path, reason, detail)] = rejected
    assert (reason, detail) == ("unreadable", "cannot list folder: File name too long (errno 36)")
    assert path.startswith("d/d/") and len(path) < 4096


def test_default_excludes_skip_version_control_and_hidden_tool_folders(tmp_path: Path) -> None:
    _tree(
        tmp_path, "a.txt", ".git/objects/ab/cdef", ".venv/lib/x.py", "sub/.DS_Store",
        "sub/b.txt", "sub/b.txt~", "__pycache__/m.pyc", "CVS/Entries", ".partial.txt.Xa9",
    )  # fmt: skip
    found = find_input_files(tmp_path)
    assert (_seen(found), found.excluded) == ((["a.txt", "sub/b.txt"], []), 7)
    everything = WalkRules(Selection(exclude=()))
    assert len(find_input_files(tmp_path, everything).files) == 9


def test_include_and_exclude_globs(tmp_path: Path) -> None:
    _tree(tmp_path, "a.txt", "b.md", "drafts/c.txt", "2025/05/d.txt", "2025/05/notes.txt")
    selection = Selection(include=("*.txt",), exclude=("drafts/**", "2025/*/notes.txt"))
    found = find_input_files(tmp_path, WalkRules(selection))
    assert (_seen(found), found.excluded) == ((["2025/05/d.txt", "a.txt"], []), 3)


def test_file_names_are_escaped_one_to_one(tmp_path: Path) -> None:
    """A name with a byte that is not UTF-8 and a name spelling that byte's escape used to
    become the same path: editing one then went unnoticed."""
    (tmp_path / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"x")
    (tmp_path / "caf\\xe9.txt").write_bytes(b"y")
    assert [f.path for f in find_input_files(tmp_path).files] == ["caf\\\\xe9.txt", "caf\\xe9.txt"]


def test_the_output_folder_inside_the_input_is_not_read(tmp_path: Path) -> None:
    _tree(tmp_path, "a.txt", "out/articles.jsonl")
    found = find_input_files(tmp_path, WalkRules(skip=tmp_path / "out"))
    assert [f.path for f in found.files] == ["a.txt"]


def test_a_link_is_no_way_into_what_the_run_leaves_out(tmp_path: Path) -> None:
    """Links to an excluded folder or file, or into the output folder, are excluded too
    (they used to be read)."""
    _tree(tmp_path, "a.txt", ".git/HEAD", "notes.txt~", "drafts/sub/d.txt", "out/run.json")
    for name, target in [
        ("g", ".git"), ("n.txt", "notes.txt~"), ("dl", "drafts"), ("dd", "drafts/sub"),
        ("olink", "out"), ("run.txt", "out/run.json"),
    ]:  # fmt: skip
        (tmp_path / name).symlink_to(target)
    rules = WalkRules(Selection(exclude=(".*", "*~", "drafts/")), skip=tmp_path / "out")
    found = find_input_files(tmp_path, rules)
    assert (_seen(found), found.excluded) == ((["a.txt"], []), 9)


NUMBERS = st.integers(min_value=0, max_value=2**64)
STAMPS = st.builds(FileStamp, NUMBERS, NUMBERS, NUMBERS, NUMBERS, NUMBERS)
PARTS = st.builds(FeedPart, NUMBERS, NUMBERS, NUMBERS)


@given(st.builds(InputFile, st.text(), st.text(), st.none() | STAMPS, st.none() | PARTS))
def test_a_found_file_pickles_as_it_was(found: InputFile) -> None:
    """As their fields (a walk crosses from a child process, flows/checked_meanwhile.py)."""
    again = pickle.loads(pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == found and type(again.stamp) is type(found.stamp)


SIGNED = st.integers(min_value=-(2**64), max_value=2**64)  # times before 1970 are negative
WALKED_STAMPS = st.builds(FileStamp, NUMBERS, SIGNED, SIGNED, NUMBERS, NUMBERS)
WALKED = st.builds(InputFile, st.text(), st.text(), st.none() | WALKED_STAMPS, st.none() | PARTS)


@given(st.lists(WALKED, unique_by=lambda file: file.path), st.booleans())
def test_a_walk_crosses_from_the_child_as_it_was(files: list[InputFile], vouched: bool) -> None:
    """Its files as columns, the last run's stamps without their rows (flows/
    checked_meanwhile.py: saving this run's needs only their time and feeds)."""
    from flows.checked_meanwhile import walk_bytes, walk_from
    from flows.up_to_date import Walk
    from tasks.output.stamps import Stamps

    recorded = Stamps(taken_ns=7, files={"a.txt": ("0" * 64, 1, 2, 3, 4, 5)})
    unchanged = {file.path: "0" * 64 for file in files} if vouched else {}
    discovery = Discovery(files=files, excluded=2)
    walk = Walk(Path("/in"), WalkRules(), None, 5, 0.5, discovery, recorded, unchanged)
    again = walk_from(walk_bytes(walk))
    assert again.discovery == discovery and again.unchanged == unchanged
    assert [type(file.stamp) for file in again.discovery.files] == [
        type(file.stamp) for file in files
    ]
    assert again.recorded == Stamps(taken_ns=7, files={})
    assert (again.root, again.taken_ns, again.seconds) == (walk.root, 5, 0.5)
