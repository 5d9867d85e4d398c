"""Decode: raw bytes -> text, recording which encoding was used.

Order matters. Strict UTF-8 goes first because valid UTF-8 is almost never an accident,
while every byte string is "valid" cp1252 or latin-1; a detector asked first would happily
call an English UTF-8 file cp1252. UTF-16 is only believed with a byte-order mark (without
one, ASCII-heavy UTF-16 is indistinguishable from binary). Everything else goes to a
detection constrained to the legacy encodings we support (charset.py).
"""

from __future__ import annotations

import codecs

from tasks.decode.charset import detect_legacy_encoding
from tasks.errors import RejectedError
from tasks.models import DecodedDocument, RawDocument, RejectReason

# A file that is UTF-8 except for a few stray bytes (one pasted latin-1 "£") is still UTF-8:
# decoding it whole as cp1252 would turn every other accented letter into mojibake.
MAX_STRAY_BYTES = 8

# UTF-32 first: its little-endian BOM starts with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 little-endian"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 big-endian"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 little-endian"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 big-endian"),
)


def _decode_stray_byte(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: decode one undecodable byte as cp1252 (latin-1 where undefined)."""
    assert isinstance(error, UnicodeDecodeError)
    byte = error.object[error.start : error.start + 1]
    try:
        return byte.decode("cp1252"), error.start + 1
    except UnicodeDecodeError:
        return byte.decode("latin-1"), error.start + 1


codecs.register_error("copydesk-stray-byte", _decode_stray_byte)


def count_stray_bytes(data: bytes) -> int:
    """Bytes that strict UTF-8 cannot place; counting stops just past `MAX_STRAY_BYTES`.

    >>> count_stray_bytes(b"ok \\xa3 and \\xa3")
    2
    """
    strays = position = 0
    while strays <= MAX_STRAY_BYTES:
        try:
            data[position:].decode("utf-8")
            return strays
        except UnicodeDecodeError as error:
            strays += error.end - error.start
            position += error.end
    return strays


def _has_multibyte_utf8(data: bytes) -> bool:
    """Whether any valid multi-byte UTF-8 sequence occurs (each decodes to fewer characters)."""
    return len(data.decode("utf-8", errors="replace")) < len(data)


def decode_bytes(data: bytes) -> tuple[str, str, str]:
    """Return `(text, encoding, reason)` for a file's bytes.

    >>> decode_bytes("café".encode())
    ('café', 'utf-8', 'valid UTF-8')
    >>> decode_bytes(codecs.BOM_UTF8 + b"hi")
    ('hi', 'utf-8-sig', 'UTF-8 byte-order mark')
    >>> decode_bytes(codecs.BOM_UTF16_BE + "hé".encode("utf-16-be"))
    ('hé', 'utf-16-be', 'UTF-16 big-endian byte-order mark')
    >>> decode_bytes("café ".encode() + b"\\xa3" + " naïve".encode())
    ('café £ naïve', 'utf-8+stray-cp1252', 'valid UTF-8 except 1 stray byte, read as cp1252')
    """
    for bom, encoding, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding, f"{name} byte-order mark"
            except UnicodeDecodeError as error:
                raise RejectedError(
                    RejectReason.UNDECODABLE, f"has a {name} byte-order mark but {error}"
                ) from None
    reject_binary(data)
    try:
        return data.decode("utf-8"), "utf-8", "valid UTF-8"
    except UnicodeDecodeError:
        pass
    strays = count_stray_bytes(data)
    if strays <= MAX_STRAY_BYTES and _has_multibyte_utf8(data):
        text = data.decode("utf-8", errors="copydesk-stray-byte")
        plural = "byte" if strays == 1 else "bytes"
        reason = f"valid UTF-8 except {strays} stray {plural}, read as cp1252"
        return text, "utf-8+stray-cp1252", reason
    encoding, reason = detect_legacy_encoding(data)
    return data.decode(encoding), encoding, reason


def reject_binary(data: bytes) -> None:
    """Text never holds NUL bytes (UTF-16 and UTF-32 are recognized by their BOM first).
    UTF-16 without one is not guessed, but it is named: its ASCII letters leave a NUL in
    every other byte, which no binary format does throughout."""
    if b"\x00" not in data:
        return
    order = utf16_without_bom(data)
    if order is not None:
        detail = (
            f"NUL bytes in every other position: UTF-16 ({order}) without a byte-order "
            "mark, which copydesk does not guess; convert it to UTF-8 or add the mark"
        )
        raise RejectedError(RejectReason.UNDECODABLE, detail)
    raise RejectedError(RejectReason.BINARY, "contains NUL bytes: not a text file")


UTF16_SAMPLE_BYTES = 4096


def utf16_without_bom(data: bytes) -> str | None:
    r"""The byte order of `data` if it reads as UTF-16 with a NUL in every other position
    of its first 4 KB (mostly ASCII text), else None.

    >>> utf16_without_bom("Plain news text.".encode("utf-16-le")), utf16_without_bom(b"\x00\x01")
    ('little-endian', None)
    """
    sample = data[: UTF16_SAMPLE_BYTES - UTF16_SAMPLE_BYTES % 2]
    pairs = len(sample) // 2
    if pairs < 4 or len(data) % 2:
        return None
    for order, codec, high in (("little-endian", "utf-16-le", 1), ("big-endian", "utf-16-be", 0)):
        nul_high, nul_low = sample[high::2].count(0), sample[1 - high :: 2].count(0)
        if nul_high >= 0.6 * pairs and nul_low <= 0.05 * pairs:
            try:
                data.decode(codec)
            except UnicodeDecodeError:
                return None
            return order
    return None


def decode_document(raw: RawDocument) -> DecodedDocument:
    if not raw.data:
        raise RejectedError(RejectReason.EMPTY, "the file is empty (0 bytes)")
    text, encoding, reason = decode_bytes(raw.data)
    if not text.strip():
        raise RejectedError(RejectReason.EMPTY, f"{len(raw.data)} bytes of whitespace, no text")
    return DecodedDocument(
        path=raw.path, sha256=raw.sha256, encoding=encoding, encoding_reason=reason, text=text
    )
