"""Every corpus notice yields its hand-checked record (tests/data/notices/*.json, written by reading the text).

The comparison is field by field; a failure lists every differing field with both values.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.records import Notice, ParseResult

GOLDEN = sorted((Path(__file__).parent / "data" / "notices").glob("*.json"))


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _find(results: list[ParseResult], file: str, docno: str) -> Notice:
    for result in results:
        if result.source.name == file:
            for notice in result.notices:
                if notice.docno is not None and notice.docno.key == docno:
                    return notice
            found = [n.docno.key if n.docno else None for n in result.notices]
            pytest.fail(f"{file}: no notice {docno}; the parser found {found}")
    pytest.fail(f"no parse result for {file}")


def _date(d: object) -> str | None:
    return None if d is None else str(d)


def _actual(notice: Notice) -> dict:
    """The notice in the golden file's shape."""
    return {
        "docno": notice.docno.key if notice.docno else None,
        "docno_text": notice.docno_text,
        "title": notice.title,
        "issuers": [{"name": a.name, "region_code": a.region_code} for a in notice.issuers],
        "region_code": notice.region_code,
        "addressees": list(notice.addressees),
        "signed": _date(notice.signed),
        "printed": _date(notice.printed),
        "printed_by": notice.printed_by,
        "publicity": notice.publicity,
        "copied_to": list(notice.copied_to),
        "attachments": list(notice.attachments),
        "attached_to": notice.attached_to,
        "sections": [{"path": list(s.path), "label": s.label, "heading": s.heading} for s in notice.sections],
        "citations": [
            {"docno": c.docno.key if c.docno else None, "docno_text": c.docno_text, "relation": c.relation,
             "section": list(c.section_path), "title": c.title}
            for c in notice.citations
        ],
    }


def _diff(expected: dict, actual: dict) -> list[str]:
    problems = []
    for field, want in expected.items():
        if field == "file":
            continue
        got = actual[field]
        if field == "sections":
            problems += _diff_sections(want, got)
        elif field == "citations":
            problems += _diff_list(field, want, got)
        elif want != got:
            problems.append(f"{field}:\n    expected {want!r}\n    parsed   {got!r}")
    return problems


def _diff_sections(want: list[dict], got: list[dict]) -> list[str]:
    """Paths and labels exactly; the heading as a prefix (the golden file gives the heading's start)."""
    problems = []
    if [(w["path"], w["label"]) for w in want] != [(g["path"], g["label"]) for g in got]:
        problems.append(
            "sections (path, label):\n    expected "
            + " ".join(f"{w['path']}{w['label']}" for w in want)
            + "\n    parsed   "
            + " ".join(f"{g['path']}{g['label']}" for g in got)
        )
        return problems
    for w, g in zip(want, got, strict=True):
        if not g["heading"].startswith(w["heading"]):
            problems.append(f"section {w['path']} heading:\n    expected to start {w['heading']!r}\n    parsed   {g['heading']!r}")
    return problems


def _diff_list(field: str, want: list[dict], got: list[dict]) -> list[str]:
    problems = []
    if len(want) != len(got):
        problems.append(f"{field}: expected {len(want)}, parsed {len(got)}")
    for i, (w, g) in enumerate(zip(want, got, strict=False)):
        for key in w:
            if w[key] != g[key]:
                problems.append(f"{field}[{i}].{key}:\n    expected {w[key]!r}\n    parsed   {g[key]!r}")
    for extra in got[len(want):]:
        problems.append(f"{field}: unexpected {extra!r}")
    for missing in want[len(got):]:
        problems.append(f"{field}: missing {missing!r}")
    return problems


def test_one_golden_file_per_corpus_notice(corpus_results: list[ParseResult]) -> None:
    parsed = sorted(n.docno.key for r in corpus_results for n in r.notices if n.docno)
    golden = sorted(_load(p)["docno"] for p in GOLDEN)
    assert len(golden) == 8
    assert parsed == golden


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_notice_matches_golden(path: Path, corpus_results: list[ParseResult]) -> None:
    expected = _load(path)
    notice = _find(corpus_results, expected["file"], expected["docno"])
    problems = _diff(expected, _actual(notice))
    assert not problems, f"{path.name}: {len(problems)} difference(s)\n" + "\n".join(problems)


def test_corpus_parses_without_errors(corpus_results: list[ParseResult]) -> None:
    errors = [str(p) for r in corpus_results for p in r.problems if p.severity == "error"]
    assert errors == []
    assert [len(r.notices) for r in corpus_results] == [2, 2, 1, 1, 2]


# The acceptance relations of the corpus (DOMAIN.md §1 and the project's issue 3).
ACCEPTANCE = [
    ("洪医保发〔2020〕52号", "forwards", "赣医保发〔2020〕15号"),
    ("兰医保〔2020〕142号", "forwards", "甘医保发〔2020〕66号"),
    ("南医保发〔2020〕60号", "implements", "桂医保发〔2020〕46号"),
    ("南医保发〔2020〕60号", "attachment", "桂医保发〔2020〕46号"),
    ("桂医保发〔2020〕46号", "implements", "医保发〔2020〕24号"),
    ("赣医保发〔2020〕15号", "implements", "医保发〔2020〕24号"),
    ("甘医保发〔2020〕66号", "implements", "医保发〔2020〕24号"),
    ("桂医保发〔2023〕32号", "implements", "医保发〔2023〕24号"),
    ("桂人社发〔2017〕33号", "implements", "人社部发〔2017〕36号"),
    ("桂人社发〔2017〕33号", "implements", "国卫基层发〔2017〕20号"),
]


@pytest.mark.parametrize(("citing", "relation", "cited"), ACCEPTANCE)
def test_acceptance_relations(corpus_results: list[ParseResult], citing: str, relation: str, cited: str) -> None:
    notices = {n.docno.key: n for r in corpus_results for n in r.notices if n.docno}
    made = {(c.relation, c.docno.key) for c in notices[citing].citations if c.docno}
    assert (relation, cited) in made, f"{citing} makes {sorted(made)}"


def test_carried_notices_point_at_their_container(corpus_results: list[ParseResult]) -> None:
    attached = {n.docno.key: n.attached_to for r in corpus_results for n in r.notices if n.docno and n.attached_to}
    assert attached == {
        "桂医保发〔2020〕46号": "南医保发〔2020〕60号",
        "赣医保发〔2020〕15号": "洪医保发〔2020〕52号",
        "甘医保发〔2020〕66号": "兰医保〔2020〕142号",
    }
