"""Bytes to text: binary sniffing and encoding detection.

Order of trust: a byte-order mark (unambiguous), then strict UTF-8 (random bytes almost never
decode as UTF-8, so success is strong evidence), then Windows-1252, then charset-normalizer.
cp1252 gets its own step because charset-normalizer, on short Western-European news text, often
prefers cp1250/cp1257, which turn "naïve" into "naļve". We accept cp1252 only when it decodes
strictly and at most a quarter of the letters come out non-ASCII: real English/French/German text
is mostly ASCII letters, while Cyrillic or Greek bytes read as cp1252 come out almost all accented
letters — those go on to charset-normalizer, which recognises them well.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"%PDF", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"\x7fELF", "executable"),
    (b"RIFF", "RIFF media"),
)
_SNIFF_BYTES = 8192
_MAX_FOREIGN_LETTER_SHARE = 0.25


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can identify."""


def binary_kind(data: bytes) -> str | None:
    """What kind of binary data `data` starts with, or None when it looks like text."""
    head = data[:_SNIFF_BYTES]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return None
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return "NUL bytes" if b"\x00" in head else None


def detect_encoding(data: bytes, *, truncated: bool = False) -> str:
    """The codec to read `data` with; `truncated` when it is only the start of a longer stream."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        # A sample may end inside a multi-byte character; that is not evidence against UTF-8.
        if truncated and error.start >= len(data) - 3 and error.reason == "unexpected end of data":
            return "utf-8"
    if _plausible_cp1252(data):
        return "cp1252"
    best = from_bytes(data).best()
    if best is None:
        raise DecodeError("undecodable text: not UTF-8 and no plausible encoding found")
    return best.encoding


def decode_text(data: bytes) -> str:
    """Decode a whole document and normalise line ends to "\\n" (offsets are counted on that text)."""
    encoding = detect_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise DecodeError(f"undecodable text as {encoding}: {error.reason} at byte {error.start}") from error
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _plausible_cp1252(data: bytes) -> bool:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    letters = [c for c in text if c.isalpha()]
    foreign = sum(1 for c in letters if not c.isascii())
    return bool(letters) and foreign <= _MAX_FOREIGN_LETTER_SHARE * len(letters)
