"""jieba's tokenizer, loaded once per process on first use (its dictionary takes about a second): the search
index cuts text into words with it, and the parser asks it whether a line break falls inside a word."""

from __future__ import annotations

import logging
import threading
from typing import Any

_lock = threading.Lock()
_segmenter: Any = None


def segmenter() -> Any:  # noqa: ANN401 - jieba has no types
    global _segmenter
    with _lock:
        if _segmenter is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            _segmenter = jieba.Tokenizer()
            _segmenter.initialize()
    return _segmenter


def word_across(before: str, after: str) -> bool:
    """Whether a dictionary word of two or more Han characters runs across the boundary of `before` and `after`
    (医保个 | 人缴费: 个人), by jieba's dictionary alone (no HMM guesses of new words)."""
    tail, head = before[-4:], after[:4]
    at = 0
    for word in segmenter().cut(tail + head, HMM=False):
        end = at + len(word)
        if at < len(tail) < end and len(word) >= 2 and all("\u3400" <= c <= "\u9fff" for c in word):
            return True
        at = end
    return False
