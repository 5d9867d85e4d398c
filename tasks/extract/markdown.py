r"""Markdown -> the plain text copydesk reads from a `.txt` file.

A Markdown article keeps its markup if read as text: `# Title` repeats the title in the
body, `**`, `[...](...)` and list bullets end up in the record and in matching. The file is
parsed as CommonMark (markdown-it-py, the reference implementation's port) and written back
as plain paragraphs, so that the same story as `.md` and as `.txt` gives the same record:

- each heading, paragraph, list item, quote paragraph and code block is a paragraph; a
  paragraph's soft line breaks stay line breaks, as in a text file;
- emphasis, links and inline code keep their text; images (their alt text describes a
  picture, not the story), HTML tags, HTML blocks and rules go;
- the front matter stays the front matter (its flat `key: value` lines; YAML's lists and
  nested values are skipped); a heading that opens the document becomes its `title` when
  it has none, and is dropped when it repeats that title. A heading after the text begins
  is a section heading: a paragraph.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from tasks.parse.frontmatter import render_front_matter, split_front_matter

_BLOCKS = {"paragraph_open", "heading_open"}
_VERBATIM = {"fence", "code_block"}


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


def markdown_to_text(text: str) -> str:
    r"""The article as plain paragraphs, its first heading as its title.

    >>> print(markdown_to_text("# Ad sales *boost* profit\n\nQuarterly [profits](/p)\njumped."))
    ---
    title: "Ad sales boost profit"
    ---
    <BLANKLINE>
    Quarterly profits
    jumped.
    >>> print(markdown_to_text("---\ntitle: Hi\n---\n# Hi\n\n- one\n- two"))
    ---
    title: "Hi"
    ---
    <BLANKLINE>
    one
    <BLANKLINE>
    two
    """
    fields, body = split_front_matter(text, yaml=True)
    blocks = _blocks(_parser().parse(body))
    title = fields.get("title")
    if blocks and blocks[0][0] and (title is None or _same(blocks[0][1], title)):
        title = blocks.pop(0)[1]
    kept = {name: value for name, value in fields.items() if name != "title"}
    header = render_front_matter({"title": title, **kept} if title else kept)
    return header + "\n\n".join(paragraph for _, paragraph in blocks)


def _same(heading: str, title: str) -> bool:
    return heading.split() == title.split()


def _blocks(tokens: list[Token]) -> list[tuple[bool, str]]:
    """Each block's text, and whether it is a heading."""
    blocks: list[tuple[bool, str]] = []
    for position, token in enumerate(tokens):
        if token.type in _BLOCKS:
            text = _inline_text(tokens[position + 1])
            if text:
                blocks.append((token.type == "heading_open", text))
        elif token.type in _VERBATIM and token.content.strip():
            blocks.append((False, token.content.strip("\n")))
    return blocks


def _inline_text(token: Token) -> str:
    """An inline token's words: its text, inline code and line breaks, nothing of its
    markup."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts).strip()
