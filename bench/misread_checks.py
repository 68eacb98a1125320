"""The checks that catch a misread (issue 9, part 4), run on a set of notices: every finding with both quotes
and the sentences they stand in, for a person to judge (a real inconsistency in the text, or a parser error).

    .venv/bin/python bench/misread_checks.py corpus DIR… [--out bench/results/misread-checks.md]

A file holding a header, a line "---" and then the notice (the development set's form) is read from after
that line only.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.parse import parse_paths  # noqa: E402
from graph.to_rdf import to_dataset  # noqa: E402
from graph.validate import validate  # noqa: E402

RULES = ("one-value-per-key", "level-shares-add-up", "level-percentages-add-up", "increase-within-notice")


def sentence(text: str, start: int, end: int) -> str:
    """The sentence (or clause list) a quote stands in: from the last stop before it to the first after it."""
    a = max(text.rfind(c, 0, start) for c in "。！？；;\n") + 1
    ends = [i for i in (text.find(c, end) for c in "。！？；;\n") if i >= 0]
    return re.sub(r"\s+", " ", text[a:(min(ends) + 1 if ends else len(text))]).strip()


def notices_of(directory: Path, work: Path) -> list[Path]:
    out = []
    for path in sorted(directory.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        _, sep, body = text.partition("\n---\n")
        target = work / path.name
        target.write_text(body if sep else text, encoding="utf-8")
        out.append(target)
    return out


def report(label: str, files: list[Path]) -> list[str]:
    results = parse_paths(files)
    texts = {r.source.name: r.source.text for r in results}
    where = {(f.quote): (r.source.name, f.span.start, f.span.end) for r in results for n in r.notices
             for f in n.figures}
    found = [f for f in validate(to_dataset(results)).results if f.rule_name in RULES]
    lines = [f"## {label}: {len(results)} files, {len(found)} findings of the four checks", ""]
    for rule in RULES:
        lines.append(f"- {rule}: {sum(f.rule_name == rule for f in found)}")
    lines.append("")
    for f in found:
        lines.append(f"### {f.rule_name} ({f.severity}): {f.message_zh}")
        for name, side in (("focus", f.source), ("other", f.other)):
            if side is None or side.quote is None:
                continue
            file, start, end = where.get(side.quote, (None, 0, 0))
            context = sentence(texts[file], start, end) if file else side.quote
            lines.append(f"- {name}: {side.doc_no or side.notice} {side.section or ''} «{side.quote}» — {context}")
        lines.append("")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "misread-checks.md")
    args = parser.parse_args()
    lines = ["# The checks that catch a misread, on real notices", "",
             f"`.venv/bin/python bench/misread_checks.py {' '.join(map(str, args.dirs))}`", ""]
    with tempfile.TemporaryDirectory(prefix="noticekg-misread-") as tmp:
        for directory in args.dirs:
            work = Path(tmp) / directory.name
            work.mkdir()
            lines += report(directory.name, notices_of(directory, work))
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
