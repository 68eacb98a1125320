"""A synthetic corpus for benchmarks: real provincial notices re-issued for other provinces and years.

The template is a real provincial notice from `corpus/` (the one whose file name is given); each copy gets
another province's names, issuer abbreviation, year and serial, so the graph grows in notices, regions and
years the way the real corpus will. The figures stay those of the template: this is for measuring cost, not
for checking content.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from graph import regions
from graph.parse import parse_file

ROOT = Path(__file__).resolve().parent.parent


def _provinces() -> list[tuple[str, str, str, str]]:
    """(code, full name, short name, abbreviation) for each province that has a one-character abbreviation."""
    abbreviation = {}
    for abbr, code in regions.PROVINCE_ABBREVIATIONS.items():
        abbreviation.setdefault(code, abbr)
    out = []
    for code, abbr in sorted(abbreviation.items()):
        region = regions.get(code)
        out.append((code, region.name, region.short_name, abbr))
    return out


def synth_corpus(n: int, out_dir: Path, template: Path) -> list[Path]:
    notice = parse_file(template).notices[0]
    assert notice.docno is not None and notice.region_code is not None, "the template needs a 文号 and a region"
    text = template.read_text(encoding="utf-8")
    home = regions.get(notice.region_code)
    home_abbr = notice.docno.issuer_code[0]
    base_year = notice.docno.year or 2020
    out_dir.mkdir(parents=True, exist_ok=True)
    provinces = _provinces()
    written = []
    for i in range(n):
        code, name, short, abbr = provinces[i % len(provinces)]
        year = base_year - 20 + i // len(provinces)  # each round of provinces is another year
        body = text.replace(home.name, name).replace(home.short_name, short)
        body = re.sub(f"{home_abbr}(?=[\u4e00-\u9fff]{{1,4}}〔)", abbr, body)
        body = re.sub(r"20\d\d(?=\s*年)", lambda m, y=year: str(int(m.group()) - base_year + y), body)
        body = body.replace(f"〔{base_year}〕{notice.docno.serial}号", f"〔{year}〕{1000 + i}号")
        path = out_dir / f"synth_{i:05d}_{code}_{year}.txt"
        path.write_text(body, encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=100)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--template", type=Path, default=ROOT / "corpus" / "002_26cb3cc93e1dcd9c.txt")
    args = parser.parse_args()
    paths = synth_corpus(args.notices, args.out, args.template)
    print(f"wrote {len(paths)} notices to {args.out}")


if __name__ == "__main__":
    main()
