"""Every encoding users send, the reason recorded for it, and the files that are refused."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.decode.decode import decode_bytes, decode_document
from tasks.errors import RejectedError
from tasks.models import RawDocument, RejectReason

TEXT = "Café “naïve” — £5"
LONG = "The minister said on Monday that the talks would continue next week in the capital. "
DETECTED_CP1252 = "not UTF-8; detected cp1252"


@pytest.mark.parametrize(
    ("data", "text", "encoding", "reason"),
    [
        (TEXT.encode("utf-8"), TEXT, "utf-8", "valid UTF-8"),
        (b"plain ascii", "plain ascii", "utf-8", "valid UTF-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), TEXT, "utf-8-sig", "UTF-8 byte-order mark"),
        (
            codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
            TEXT,
            "utf-16-le",
            "UTF-16 little-endian byte-order mark",
        ),
        (
            codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
            TEXT,
            "utf-16-be",
            "UTF-16 big-endian byte-order mark",
        ),
        (
            codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"),
            TEXT,
            "utf-32-le",
            "UTF-32 little-endian byte-order mark",
        ),
        (
            codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be"),
            TEXT,
            "utf-32-be",
            "UTF-32 big-endian byte-order mark",
        ),
        # UTF-8 with one stray latin-1 pound sign, as in BBC sport/199.txt.
        (
            "Café ".encode() + b"\xa3" + "5 naïve".encode(),
            "Café £5 naïve",
            "utf-8+stray-cp1252",
            "valid UTF-8 except 1 stray byte, read as cp1252",
        ),
        (
            "é ".encode() + b"\xa3\xa3",
            "é ££",
            "utf-8+stray-cp1252",
            "valid UTF-8 except 2 stray bytes, read as cp1252",
        ),
    ],
)
def test_decode_bytes(data: bytes, text: str, encoding: str, reason: str) -> None:
    assert decode_bytes(data) == (text, encoding, reason)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (TEXT, "cp1252"),  # curly quotes 0x93/0x94, em dash, pound
        ("It costs £5.", "cp1252"),  # one high byte: not "UTF-8 with a stray byte"
        ("Die Straße war gesperrt, sagte der Bürgermeister.", "cp1252"),
        (LONG + "“Quote” £100 — done.", "cp1252"),
        ("L'économie française a progressé de 0,5 % au troisième trimestre.", "cp1252"),
        ("Premier powiedział w poniedziałek, że rozmowy będą kontynuowane w Warszawie.", "cp1250"),
        (
            "Predsjednik vlade rekao je u ponedjeljak da će se pregovori nastaviti sljedećeg tjedna "
            "u Zagrebu. Ministar financija najavio je da će proračun biti predstavljen početkom "
            "ožujka. Građani su zabrinuti zbog rasta cijena hrane, a sindikati najavljuju prosvjede.",
            "cp1250",
        ),
        (
            "Ministras pirmadienį sakė, kad derybos bus tęsiamos kitą savaitę Vilniuje. Opozicija "
            "pareikalavo skubaus Seimo posėdžio dėl elektros ir dujų kainų augimo. Gyventojai "
            "nerimauja dėl maisto kainų, o profesinės sąjungos žada protestus.",
            "cp1257",
        ),
        ("Министр заявил, что переговоры продолжатся завтра утром в столице.", "cp1251"),
        ("Ο υπουργός δήλωσε ότι οι συνομιλίες θα συνεχιστούν αύριο.", "cp1253"),
        ("Bakan, görüşmelerin yarın İstanbul'da devam edeceğini söyledi.", "cp1254"),
        ("השר אמר כי השיחות יימשכו מחר בבוקר בירושלים.", "cp1255"),
        ("وقال الوزير إن المحادثات ستستمر غدا في العاصمة.", "cp1256"),
    ],
)
def test_legacy_encodings_are_detected(text: str, encoding: str) -> None:
    decoded, chosen, reason = decode_bytes(text.encode(encoding))
    assert (decoded, chosen) == (text, encoding)
    assert reason.startswith(f"not UTF-8; detected {encoding} (")


def test_undefined_cp1252_bytes_fall_back_to_a_full_single_byte_reading() -> None:
    assert decode_bytes(b"caf\xe9 \x81 and more plain words here") == (
        "café \x81 and more plain words here",
        "latin_1",
        "not UTF-8 or cp1252, and no language evidence; latin-1 keeps every byte",
    )


def test_many_stray_bytes_mean_a_legacy_file() -> None:
    data = "é".encode() + b" caf\xe9" * 20
    assert decode_bytes(data)[1] == "cp1252"


def test_crlf_and_cr_survive_decoding() -> None:
    assert decode_bytes(b"a\r\nb\rc")[0] == "a\r\nb\rc"


@given(st.text())
def test_valid_utf8_round_trips(text: str) -> None:
    data = text.encode("utf-8", errors="surrogatepass")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return  # lone surrogates are not valid UTF-8
    if "\x00" in text or data.startswith(codecs.BOM_UTF8):
        return  # NUL means binary; a leading U+FEFF is read as a byte-order mark
    assert decode_bytes(data) == (text, "utf-8", "valid UTF-8")


def _raw(data: bytes) -> RawDocument:
    return RawDocument(path="a.txt", sha256="0" * 64, data=data)


@pytest.mark.parametrize(
    ("data", "reason", "detail"),
    [
        (b"", RejectReason.EMPTY, "the file is empty (0 bytes)"),
        (b" \n\t\r\n", RejectReason.EMPTY, "5 bytes of whitespace, no text"),
        (codecs.BOM_UTF8 + b"  \n", RejectReason.EMPTY, "6 bytes of whitespace, no text"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            RejectReason.BINARY,
            "contains NUL bytes: not a text file",
        ),
        (
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00",
            RejectReason.BINARY,
            "contains NUL bytes: not a text file",
        ),
        (
            "A story saved as UTF-16 by a Windows tool.\r\n".encode("utf-16-le"),
            RejectReason.UNDECODABLE,
            "NUL bytes in every other position: UTF-16 (little-endian) without a byte-order "
            "mark, which copydesk does not guess; convert it to UTF-8 or add the mark",
        ),
        (
            "Big-endian, for once.".encode("utf-16-be"),
            RejectReason.UNDECODABLE,
            "NUL bytes in every other position: UTF-16 (big-endian) without a byte-order "
            "mark, which copydesk does not guess; convert it to UTF-8 or add the mark",
        ),
        (
            codecs.BOM_UTF16_LE + b"a\x00\x00\xd8",
            RejectReason.UNDECODABLE,
            "has a UTF-16 little-endian byte-order mark but 'utf-16-le' codec can't decode "
            "bytes in position 2-3: unexpected end of data",
        ),
    ],
)
def test_decode_document_rejects(data: bytes, reason: RejectReason, detail: str) -> None:
    with pytest.raises(RejectedError) as caught:
        decode_document(_raw(data))
    assert (caught.value.reason, caught.value.detail) == (reason, detail)


def test_decode_document_keeps_identity_and_reason() -> None:
    decoded = decode_document(_raw(b"hello"))
    assert decoded.model_dump() == {
        "path": "a.txt",
        "sha256": "0" * 64,
        "encoding": "utf-8",
        "encoding_reason": "valid UTF-8",
        "text": "hello",
        "markup": None,
    }
