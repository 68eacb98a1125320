"""Write graph/to_rdf/plain_syllables.json: for each toned pinyin syllable, the one character an issuer slug
writes bare (桂 for gui4); every other character read with that syllable carries its code point (贵 → gui4_8d35),
so that two issuer codes never share a slug (潮医保发 and 朝医保发 are both chao2-yi1-bao3-fa1 otherwise).

The bare character of a syllable is the most frequent one in jieba's dictionary (summed word frequencies) that
reads so, except where a 文号 that this project already published an IRI for reads otherwise: those
characters (`KEEP`: every character of the corpus's and the tests' 文号 and of the provinces' abbreviations)
are bare first, so no published IRI changes. The file is data: generated once and committed, it is what
mints IRIs, and a later jieba or pypinyin cannot move an IRI. Run it again only to add characters to KEEP.

    .venv/bin/python tools/plain_syllables.py
"""

from __future__ import annotations

import collections
import json
import re
import sys
from pathlib import Path

import jieba
from pypinyin import Style, pinyin

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "graph" / "to_rdf" / "plain_syllables.json"
HAN = re.compile(r"[\u4e00-\u9fff]")


def kept() -> list[tuple[str, str]]:
    """(character, syllable) of every 文号 issuer code written in the repository's texts: the corpus's first,
    then the tests' and the documentation's, then the synthetic corpus's province codes."""
    sys.path.insert(0, str(ROOT))
    from bench.synth.facts import DOCNO_PREFIX
    from graph.parse import find_docnos
    from graph.to_rdf.iris import readings

    codes: list[str] = []
    paths = sorted(p for p in ROOT.glob("**/*") if p.is_file() and p.suffix in
                   {".txt", ".md", ".py", ".json", ".trig", ".ttl", ".rq", ".html"}
                   and not {".venv", "var", ".git"} & set(p.parts) and p != OUT)
    for path in sorted(paths, key=lambda p: (p.parts[len(ROOT.parts)] != "corpus", p.parts[len(ROOT.parts)] != "tests")):
        codes += [m.docno.issuer_code for m in find_docnos(path.read_text(encoding="utf-8", errors="ignore"))]
    codes += DOCNO_PREFIX.values()
    return [(c, s) for code in dict.fromkeys(codes) for c, s in readings(code) if HAN.fullmatch(c)]


def main() -> None:
    freq: collections.Counter[str] = collections.Counter()
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as handle:
        for line in handle:
            word, count = line.split()[:2]
            for c in word:
                if HAN.fullmatch(c):
                    freq[c] += int(count)
    plain: dict[str, str] = {}
    for c, s in kept():
        if plain.setdefault(s, c) != c:  # the first published reading of a syllable keeps its bare character
            print(f"published homophones: {plain[s]} and {c} ({s}); {c} gets its code point", file=sys.stderr)
    best: dict[str, tuple[int, str]] = {}
    for c, n in freq.items():
        s = pinyin(c, style=Style.TONE3, neutral_tone_with_five=True)[0][0]  # its usual reading
        if (n, c) > best.get(s, (-1, "")):
            best[s] = (n, c)
    for s, (_, c) in best.items():
        plain.setdefault(s, c)
    OUT.write_text(json.dumps(dict(sorted(plain.items())), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(plain)} syllables written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
