"""Bytes → text for plain-text notices and web pages: which encoding, how sure, and what could not be read.

UTF-8 (with or without a BOM) and UTF-16 (BOM, or the NUL pattern of a BOM-less file) are recognised by
their bytes; anything else is detected with charset-normalizer. A detected GB2312/GBK is read as GB18030,
its superset: real files labelled gb2312 use GBK characters. A file no encoding reads cleanly is decoded as
far as possible, with U+FFFD for the bytes that fail (the parser reports those as unreadable characters),
and a `Problem` names the line and shows the bytes around the first fault.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from ..records import Problem

_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936", "euc_cn", "ms936"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # the codec that read it: utf-8, utf-8-sig, utf-16, gb18030 …
    confidence: float  # 1.0 when the bytes say it (BOM, strict UTF-8); else the detector's
    method: str  # "bom", "utf-8", "declared", "detected" or "lossy"
    problems: tuple[Problem, ...] = ()


def canonical(encoding: str) -> str:
    """The codec we read a label with: gb2312 / gbk / cp936 → gb18030; else Python's name for it."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return encoding.lower()
    return "gb18030" if name.replace("-", "_") in _GB_FAMILY else name


def decode(data: bytes, name: str, declared: str | None = None) -> Decoded:
    """Decode a file's bytes; `declared` is an encoding the file itself names (an HTML meta charset)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _strict_or_lossy(data, name, codec, "bom")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", 1.0, "utf-8")
    except UnicodeDecodeError:
        pass
    utf16 = _bomless_utf16(data)
    if utf16:
        return _strict_or_lossy(data, name, utf16, "detected", 0.9)
    if declared:
        codec = canonical(declared)
        try:
            return Decoded(data.decode(codec), codec, 1.0, "declared")
        except (UnicodeDecodeError, LookupError):
            pass  # a wrong label: detect instead
    return _detected(data, name)


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: Chinese text in it has NUL high bytes for every ASCII character (line breaks,
    digits, punctuation); a text in any 8-bit encoding has none."""
    sample = data[:4096]
    if len(sample) < 4 or sample.count(0) < len(sample) // 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return "utf-16-le" if odd > even else "utf-16-be"


def _detected(data: bytes, name: str) -> Decoded:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    gb = _try(data, "gb18030")
    if best is not None:
        codec = canonical(best.encoding)
        confidence = round(max(0.0, 1.0 - best.chaos), 3)
        # Detectors hesitate between the CJK codecs on short texts; a notice that reads cleanly as GB18030
        # and is mostly Chinese is GB18030 (the codec of every mainland government system).
        if codec != "gb18030" and gb is not None and _mostly_chinese(gb):
            return Decoded(gb, "gb18030", confidence, "detected")
        text = _try(data, codec)
        if text is not None:
            return Decoded(text, codec, confidence, "detected")
    if gb is not None:
        return Decoded(gb, "gb18030", 0.5, "detected")
    # Nothing reads it cleanly: the codec that gets furthest, with replacement characters for the faults.
    codec = max(("utf-8", "gb18030"), key=lambda c: _first_fault(data, c))
    return _strict_or_lossy(data, name, codec, "lossy", 0.0)


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _mostly_chinese(text: str) -> bool:
    letters = [c for c in text if not c.isspace()]
    han = sum("\u4e00" <= c <= "\u9fff" for c in letters)
    return bool(letters) and han / len(letters) >= 0.3


def _first_fault(data: bytes, codec: str) -> int:
    try:
        data.decode(codec)
    except UnicodeDecodeError as exc:
        return exc.start
    return len(data)


def _strict_or_lossy(data: bytes, name: str, codec: str, method: str, confidence: float = 1.0) -> Decoded:
    try:
        return Decoded(data.decode(codec), codec, confidence, method)
    except UnicodeDecodeError as exc:
        problem = fault(data, name, codec, exc)
        return Decoded(data.decode(codec, errors="replace"), codec, 0.0, "lossy", (problem,))


def fault(data: bytes, name: str, codec: str, exc: UnicodeDecodeError) -> Problem:
    """Where decoding failed: the line, the text before the fault on that line, and the bytes around it."""
    line = data.count(b"\n", 0, exc.start) + 1
    start = data.rfind(b"\n", 0, exc.start) + 1
    before = data[start:exc.start].decode(codec, errors="replace")[-30:]
    around = data[max(0, exc.start - 8) : exc.end + 8].hex(" ")
    bad = data[exc.start : exc.end].hex(" ")
    count = data.decode(codec, errors="replace").count("\ufffd")
    return Problem("error", name, line, before.strip(),
                   f"bytes {bad} at byte {exc.start} cannot be decoded as {codec} (bytes around: {around}); "
                   f"decoded as far as possible, {count} character(s) replaced")
