from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.decode import decode_bytes, decode_document
from tasks.errors import RejectedError
from tasks.models import RawDocument, RejectReason

TEXT = "Café “naïve” — £5"


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (TEXT.encode("utf-8"), TEXT, "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), TEXT, "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), TEXT, "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), TEXT, "utf-16-be"),
        (TEXT.encode("cp1252"), TEXT, "cp1252"),
        # 0x81 is undefined in cp1252: only latin-1 reads it.
        (b"caf\xe9 \x81", "café \x81", "latin-1"),
        # UTF-8 with one stray latin-1 pound sign (as in BBC sport/199.txt).
        ("Café ".encode() + b"\xa3" + "5 naïve".encode(), "Café £5 naïve", "utf-8+stray-cp1252"),
        # ASCII plus one high byte is plain cp1252, not "UTF-8 with a stray byte".
        (b"costs \xa35", "costs £5", "cp1252"),
        (b"plain ascii", "plain ascii", "utf-8"),
    ],
)
def test_decode_bytes(data: bytes, text: str, encoding: str) -> None:
    assert decode_bytes(data) == (text, encoding)


def test_many_stray_bytes_mean_a_legacy_file() -> None:
    data = "é".encode() + b" \xe9" * 20
    assert decode_bytes(data)[1] == "cp1252"


@given(st.text())
def test_valid_utf8_round_trips(text: str) -> None:
    data = text.encode("utf-8", errors="surrogatepass")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return  # lone surrogates are not valid UTF-8
    assert decode_bytes(data) == (text, "utf-8")


def _raw(data: bytes) -> RawDocument:
    return RawDocument(path="a.txt", sha256="0" * 64, data=data)


@pytest.mark.parametrize(
    ("data", "reason", "detail"),
    [
        (b"", RejectReason.EMPTY, "the file is empty (0 bytes)"),
        (b" \n\t\r\n", RejectReason.EMPTY, "5 bytes of whitespace, no text"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            RejectReason.BINARY,
            "contains NUL bytes: not a text file",
        ),
        (
            codecs.BOM_UTF16_LE + b"a\x00\x00\xd8",
            RejectReason.UNDECODABLE,
            "has a utf-16-le byte-order mark but 'utf-16-le' codec can't decode bytes in "
            "position 2-3: unexpected end of data",
        ),
    ],
)
def test_decode_document_rejects(data: bytes, reason: RejectReason, detail: str) -> None:
    with pytest.raises(RejectedError) as caught:
        decode_document(_raw(data))
    assert (caught.value.reason, caught.value.detail) == (reason, detail)


def test_decode_document_keeps_identity() -> None:
    decoded = decode_document(_raw(b"hello"))
    assert (decoded.path, decoded.sha256, decoded.encoding, decoded.text) == (
        "a.txt",
        "0" * 64,
        "utf-8",
        "hello",
    )
