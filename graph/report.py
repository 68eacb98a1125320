"""Validation findings for people and programs: a table per finding in Chinese and English, and JSON.

    format_text(result) -> str     what `noticekg validate` prints
    format_json(result) -> str     one object: conforms, counts, results (amounts as exact decimal strings)

The report graph itself (`result.report`, an `sh:ValidationReport`) is the RDF form.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from .columns import pad, width

if TYPE_CHECKING:
    from .evidence import Side
    from .validate import Finding, ValidationResult

_SEVERITY_ZH = {"Violation": "违规", "Warning": "警告", "Info": "提示"}


def format_text(result: ValidationResult) -> str:
    counts = Counter(f.severity for f in result.results)
    if result.conforms:
        return "符合 / conforms: no findings\n"
    summary = ", ".join(f"{n} {s.lower()}{'s' if n > 1 else ''}" for s, n in sorted(counts.items()))
    blocks = [f"不符合 / does not conform: {len(result.results)} finding(s) ({summary})"]
    blocks += [_finding_text(f) for f in result.results]
    return "\n\n".join(blocks) + "\n"


def _finding_text(f: Finding) -> str:
    head = f"[{_SEVERITY_ZH.get(f.severity, f.severity)} {f.severity}] {f.rule_name}  <{f.rule}>"
    lines = [head, f"  {f.message_zh}", f"  {f.message_en}"]
    sides = [("本项 this", f.source)] + ([("对照 other", f.other)] if f.other is not None else [])
    rows = [("节点 node", [s.node if s else f.focus for _, s in sides])]
    if f.value is not None and f.other is None:
        rows.append(("值 value", [f.value]))
    rows += [
        ("文号 doc no", [s.doc_no if s else None for _, s in sides]),
        ("条款 section", [s.section if s else None for _, s in sides]),
        ("原文 quote", [s.quote if s else None for _, s in sides]),
    ]
    if any(s is not None and s.note for _, s in sides):
        rows.append(("备注 note", [s.note if s else None for _, s in sides]))
    header = ("", [name for name, _ in sides])
    lines += ["  " + line for line in _table([header, *rows])]
    if f.difference is not None:
        lines.append(f"  差额 difference: {_decimal_text(f.difference)}")
    if f.explanation:
        lines.append(f"  说明 explanation: {f.explanation}")
    return "\n".join(lines)


def _table(rows: list[tuple[str, list[str | None]]]) -> list[str]:
    cells = [[label, *(v if v is not None else "—" for v in values)] for label, values in rows]
    columns = max(len(r) for r in cells)
    cells = [r + [""] * (columns - len(r)) for r in cells]
    widths = [max(width(r[i]) for r in cells) for i in range(columns)]
    out = []
    for n, row in enumerate(cells):
        out.append("| " + " | ".join(pad(c, w) for c, w in zip(row, widths, strict=True)) + " |")
        if n == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return out


def _decimal_text(value: Any) -> str:
    return format(value, "f")


def format_json(result: ValidationResult) -> str:
    counts = Counter(f.severity for f in result.results)
    doc = {
        "conforms": result.conforms,
        "counts": dict(sorted(counts.items())),
        "results": [_finding_json(f) for f in result.results],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _finding_json(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "rule_name": f.rule_name,
        "severity": f.severity,
        "focus": f.focus,
        "message": {"zh": f.message_zh, "en": f.message_en},
        "value": f.value,
        "source": _side_json(f.source),
        "other": _side_json(f.other),
        "difference": None if f.difference is None else _decimal_text(f.difference),
        "explanation": f.explanation,
    }


def _side_json(side: Side | None) -> dict[str, Any] | None:
    if side is None:
        return None
    return {"node": side.node, "notice": side.notice, "doc_no": side.doc_no, "section": side.section,
            "quote": side.quote, "note": side.note}
