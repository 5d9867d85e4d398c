"""Markdown and HTML inputs through one shard: the same story as `.txt`, `.md` and `.html`
gives the same title, date and body; what the markup hides is found, what it adds goes."""

from __future__ import annotations

import posixpath
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.extract.formats import InputFormat, _suffix
from tasks.models import Fix, InputFile, ParsedDocument
from tasks.parse.header import DateRules
from tasks.pipeline import ShardResult, ShardWork, process_shard
from tests.conftest import TODAY
from tests.corpus import TITLE, page, paragraphs, write

RULES = DateRules(today=TODAY)
BODY = paragraphs(3)


def _shard(folder: Path, chosen: InputFormat | None = None) -> ShardResult:
    files = [InputFile(path=path.name, location=str(path)) for path in sorted(folder.iterdir())]
    return process_shard(ShardWork(files, {}, 1_000_000, RULES, chosen))


def _parsed(result: ShardResult) -> dict[str, ParsedDocument]:
    return {document.path: document for document in result.parsed}


def test_one_story_as_text_markdown_and_html_gives_one_parse(tmp_path: Path) -> None:
    paragraphs_md = [f"**{BODY[0]}**", BODY[1], f"[{BODY[2]}](https://example.com/x)", *BODY[3:]]
    write(
        tmp_path,
        {
            "story.txt": f"Date: 2025-05-15\n\n{TITLE}\n\n" + "\n\n".join(BODY) + "\n",
            "story.md": f"---\ndate: 2025-05-15\n---\n\n# {TITLE}\n\n"
            + "\n\n".join(paragraphs_md)
            + "\n\n![a chart](chart.png)\n",
            "story.html": page(BODY),
        },
    )
    parsed = _parsed(_shard(tmp_path))
    text, markdown, html = parsed["story.txt"], parsed["story.md"], parsed["story.html"]
    for document in (markdown, html):
        assert (document.title, document.body) == (text.title, text.body)
        assert document.header is not None and text.header is not None
        assert document.header.date == text.header.date
    assert markdown.origin.fixes[0] == Fix(action="copydesk", parameter="md_to_text")
    assert html.origin.fixes[0] == Fix(action="copydesk", parameter="html_to_text")
    assert not any(fix.parameter.endswith("_to_text") for fix in text.origin.fixes)


def test_markdown_markup_goes_and_its_words_stay(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a.md": "---\ntitle: Rains return\n---\n# Rains return\n\nShowers *continued* in "
            "[Bahia](/bahia),\nsaid `Smith`.\n\n- Arrivals rose.\n- Stocks fell.\n\n"
            "> Prices held.\n\n## Outlook\n\n<div class='ad'>Buy now</div>\n\n---\n\nEnd.\n",
        },
    )
    [document] = _shard(tmp_path).parsed
    assert document.title == "Rains return"  # the heading repeating it is gone
    assert document.body.split("\n\n") == [
        "Showers continued in Bahia,\nsaid Smith.",
        "Arrivals rose.",
        "Stocks fell.",
        "Prices held.",
        "Outlook",
        "End.",
    ]


def test_an_html_date_is_judged_as_a_header_is(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "future.html": page(BODY, date="2031-01-01"),
            "undated.html": page(paragraphs(4), date=None, title="Another story"),
            "old.html": page(paragraphs(5), date="1987-02-26", title="Cocoa review"),
            "script-only.html": "<html><head><title>Gone</title></head><body><script>var a;"
            "</script></body></html>",
        },
    )
    result = _shard(tmp_path)
    rejected = {rejection.path: rejection for rejection in result.rejected}
    assert rejected["future.html"].reason == "invalid_date"
    assert "after 2026-01-02, a day past today" in rejected["future.html"].detail
    assert rejected["script-only.html"].reason == "empty"
    assert rejected["script-only.html"].detail == "no article text found in the HTML page"
    parsed = _parsed(result)
    assert parsed["undated.html"].header is None  # a variant: no date guessed from the page
    assert parsed["undated.html"].title == "Another story"
    old = parsed["old.html"].header
    assert old is not None and str(old.date) == "1987-02-26"  # htmldate's 1995 floor is off
    assert result.tallies["extract"].rejected == {"empty": 1}


@pytest.mark.parametrize(
    ("chosen", "extracted"),
    [
        (None, {"page.html"}),
        (InputFormat.HTML, {"page.html", "saved.txt"}),
        (InputFormat.TXT, set()),
    ],
)
def test_format_names_one_reader_for_every_file(
    tmp_path: Path, chosen: InputFormat | None, extracted: set[str]
) -> None:
    write(tmp_path, {"page.html": page(BODY), "saved.txt": page(BODY)})  # a page as .txt
    parsed = _parsed(_shard(tmp_path, chosen))
    assert {path for path, document in parsed.items() if "<p>" not in document.body} == extracted
    assert {path for path, document in parsed.items() if document.title == TITLE} == extracted


def test_a_static_sites_front_matter_and_section_headings(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "post.md": "---\ntitle: Rains  return\ndate: 2025-05-01\ntags:\n  - news\n"
            "  - farming\n# a comment\n---\n# Rains return\n\nShowers continued.\n",
            "intro.md": "Showers continued.\n\n# Background\n\nThe drought began in May.\n",
        },
    )
    parsed = _parsed(_shard(tmp_path))
    post, intro = parsed["post.md"], parsed["intro.md"]
    assert post.header is not None and str(post.header.date) == "2025-05-01"
    assert (post.title, post.body) == ("Rains return", "Showers continued.")
    assert (intro.title, intro.body.split("\n\n")) == (
        None,
        ["Showers continued.", "Background", "The drought began in May."],
    )


def test_an_html_date_never_comes_from_the_pages_address(tmp_path: Path) -> None:
    canonical = "<link rel='canonical' href='https://example.com/2019/05/01/cocoa.html'>"
    write(
        tmp_path,
        {
            "dated.html": page(BODY).replace("<title>", canonical + "<title>"),
            "undated.html": page(BODY, date=None).replace("<title>", canonical + "<title>"),
        },
    )
    parsed = _parsed(_shard(tmp_path))
    dated = parsed["dated.html"].header
    assert dated is not None and str(dated.date) == "2025-05-15"
    assert parsed["undated.html"].header is None


def test_an_html_date_from_its_markup_and_never_from_its_prose(tmp_path: Path) -> None:
    undated = page(BODY, date=None)
    write(
        tmp_path,
        {
            "time.html": undated.replace("<h1>", "<time datetime='2025-05-14'>14 May</time><h1>"),
            "json-ld.html": undated.replace(
                "</head>",
                '<script type="application/ld+json">{"@type": "NewsArticle", '
                '"datePublished": "2025-05-13T08:00:00Z"}</script></head>',
            ),
            "prose.html": undated.replace("<p>", "<p>Published on 12 May 2025. ", 1),
            "header.html": undated.replace("<h1>", "<p>date 2025-05-11</p><h1>"),
        },
    )
    parsed = _parsed(_shard(tmp_path))
    dates = {
        path: document.header and str(document.header.date) for path, document in parsed.items()
    }
    assert dates == {
        "time.html": "2025-05-14",
        "json-ld.html": "2025-05-13",
        "prose.html": None,  # never guessed from the story's own words
        "header.html": "2025-05-11",  # a date header opening the main text, as in a text file
    }


@given(st.text(alphabet="./aZ#", max_size=12))
def test_an_extension_is_found_as_posixpath_splits_it(path: str) -> None:
    """Leading dots of a name (`.bashrc`, `..a`) start no extension; a folder's dot is not
    the file's."""
    assert _suffix(path) == posixpath.splitext(path)[1].lower()
