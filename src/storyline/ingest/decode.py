"""Bytes → text: refuse binaries with a helpful name, detect legacy encodings.

UTF-8 is tried first (nearly all news text); anything else goes to charset-normalizer,
which also tells Latin-1, Windows-1252 and UTF-16 apart.
"""

from __future__ import annotations

import codecs

import charset_normalizer

from storyline.errors import EmptyInput, UnsupportedInput

_MAGIC = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (docx, xlsx, epub, ...)",
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "an executable",
    b"SQLite format 3": "an SQLite database",
    b"\xd0\xcf\x11\xe0": "an old Office document",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name); raises EmptyInput or UnsupportedInput with the reason."""
    if not data.strip():
        raise EmptyInput("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise UnsupportedInput(f"binary file: looks like {what}, not text")
    head = data[:8192]
    if b"\x00" in head:
        raise UnsupportedInput("binary file: contains NUL bytes, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UnsupportedInput("undecodable text: not UTF-8 and no other encoding fits")
    return str(best), best.encoding
