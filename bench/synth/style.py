"""How one notice is typeset: the variations a real corpus shows between issuers and between copies.

Spaces around numbers (`2021 年`, `280 元`, from PDF text layers), the brackets of a 文号 (〔〕, [], （）, ﹝﹞),
a space inside a 文号's serial (`46 号`), half-width punctuation (web copies), and the figure's value as its
golden spelling (`82.5`, `440`, `6:4`).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from decimal import Decimal

BRACKETS = (("〔", "〕"), ("〔", "〕"), ("〔", "〕"), ("[", "]"), ("（", "）"), ("﹝", "﹞"))
HALF_WIDTH = str.maketrans({"，": ",", "（": "(", "）": ")", "：": ":", "；": ";"})


def value_text(d: Decimal | int) -> str:
    """The golden spelling of an amount: 440, 82.5, 13.75."""
    text = format(Decimal(d).normalize(), "f")
    return text


@dataclass
class Style:
    spaced: bool  # spaces around numbers, as a PDF's text layer gives them
    half_width: bool  # a web copy: ，（）： turned half-width
    brackets: tuple[str, str]
    docno_space: bool

    @classmethod
    def draw(cls, rng: random.Random) -> Style:
        return cls(spaced=rng.random() < 0.3, half_width=rng.random() < 0.25,
                   brackets=rng.choice(BRACKETS), docno_space=rng.random() < 0.15)

    def n(self, value: Decimal | int | str) -> str:
        """A number in running text."""
        text = value if isinstance(value, str) else value_text(value)
        return f" {text} " if self.spaced else text

    def y(self, year: int) -> str:
        return f"{year} 年" if self.spaced else f"{year}年"

    def date(self, year: int, month: int, day: int) -> str:
        if self.spaced:
            return f"{year} 年 {month} 月 {day} 日"
        return f"{year}年{month}月{day}日"

    def docno(self, key: str, rng: random.Random | None = None) -> str:
        """A canonical 文号 (医保发〔2020〕24号) as this notice writes it; a citation may vary (`rng`)."""
        left, right = rng.choice(BRACKETS) if rng is not None and rng.random() < 0.3 else self.brackets
        m = re.fullmatch(r"(.+)〔(\d{4})〕(\d+)号", key)
        assert m, key
        space = " " if self.docno_space else ""
        return f"{m.group(1)}{left}{m.group(2)}{right}{m.group(3)}{space}号"

    def finish(self, text: str) -> str:
        return text.translate(HALF_WIDTH) if self.half_width else text
