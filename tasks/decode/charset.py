"""Which legacy (single- or double-byte) encoding a non-UTF-8 file is in.

charset-normalizer ranks candidate encodings by "chaos" (how garbled the decoded text looks)
and "coherence" (how much it reads like a known language). Left to itself it misreads short
Western text: cp1250 decodes "Café" identically to cp1252 and wins the tie, so "naïve"
becomes "naďve"; a lone "£" even comes out as shift_jis. So it only chooses among
`LEGACY_ENCODINGS`, and cp1252 (by far the most common legacy encoding in news feeds) wins
whenever it reads as well as the best candidate, unless its decoding puts letters such as
ý, þ or ð inside words, the signature of Turkish, Icelandic-looking mojibake and other code
pages that Western European text never shows. When cp1252 cannot decode the bytes and no
candidate reads as any language (coherence 0), the choice would be a coin toss among code
pages, so latin-1, which keeps every byte, is used.

Known limit: a single short sentence in Croatian (cp1250) or Lithuanian (cp1257) whose
distinctive letters happen to be few can read as well in cp1252 and is then decoded as
cp1252; article-length text is decoded correctly (see tests/test_decode.py).
"""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

# The legacy encodings we support: Western, Central European, Cyrillic, Greek, Turkish,
# Hebrew, Arabic, Baltic, and the CJK double-byte ones. Not supported: EBCDIC, UTF-7,
# Thai (cp874), Vietnamese (cp1258), and encodings charset-normalizer cannot tell apart
# from these (e.g. iso8859_2 texts come out as cp1250, which decodes them almost alike).
LEGACY_ENCODINGS = (
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1250",
    "cp1251",
    "koi8_r",
    "mac_cyrillic",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "big5",
    "gb18030",
    "cp949",
    "euc_kr",
    "shift_jis",
    "euc_jp",
)
WESTERN = "cp1252"
CHAOS_MARGIN = 0.02
# How much less coherent the cp1252 reading may be and still win: short French sentences
# read 0.05 "more Croatian" in cp1250 than French in cp1252.
COHERENCE_MARGIN = 0.10
_SUSPECT_IN_WORD = re.compile(r"(?<=[^\W\d_])[ðþýÐÞÝ³¹²¼½¾¶ªº¿](?=[^\W\d_])")


def detect_legacy_encoding(data: bytes) -> tuple[str, str]:
    """Return `(encoding, reason)` for bytes that are not UTF-8.

    >>> detect_legacy_encoding(b"Caf\\xe9 na\\xefve, it costs \\xa35")[0]
    'cp1252'
    >>> turkish = "Bakan görüşmelerin yarın devam edeceğini söyledi.".encode("cp1254")
    >>> detect_legacy_encoding(turkish)[0]
    'cp1254'
    """
    matches = list(from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)))
    if not matches:
        return (
            "latin_1",
            "not UTF-8 and no supported legacy encoding fits; latin-1 keeps every byte",
        )
    least_chaos = min(match.chaos for match in matches)
    plausible = [match for match in matches if match.chaos <= least_chaos + CHAOS_MARGIN]
    best = max(plausible, key=lambda match: match.coherence)
    western = next((m for m in plausible if WESTERN in m.could_be_from_charset), None)
    if (
        western is not None
        and western.coherence >= best.coherence - COHERENCE_MARGIN
        and not _SUSPECT_IN_WORD.search(data.decode(WESTERN, errors="replace"))
    ):
        best, encoding = western, WESTERN
    elif best.coherence == 0.0:
        # No candidate reads as any language: nothing justifies a code page picked by
        # chance (cp1256 for "café" plus one byte cp1252 leaves undefined).
        reason = "not UTF-8 or cp1252, and no language evidence; latin-1 keeps every byte"
        return "latin_1", reason
    else:
        encoding = best.encoding
    language = best.language if best.language != "Unknown" else "language unknown"
    reason = (
        f"not UTF-8; detected {encoding} ({language}, chaos {best.chaos:.2f}, "
        f"coherence {best.coherence:.2f})"
    )
    return encoding, reason
