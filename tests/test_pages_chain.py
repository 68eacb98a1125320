"""The chain diagram, region and figure charts and the implementation table on a made-up graph: a national
notice known only by citation, implemented by 31 provinces (one forwarded by a city). The diagram must stay
readable: 33 boxes that do not overlap, one label per edge at a place of its own, every box a link."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest

from graph.store import Store, open_store
from tests.html_check import html_errors
from tests.pages_data import (
    CITY,
    NATIONAL,
    PROVINCES,
    SKIP_CITY,
    province_notice,
    skipping_chain,
    thirty_one_provinces,
)
from tests.server_fixtures import app, client  # noqa: F401 - fixtures

BOX = re.compile(r'<a href="(?P<href>[^"]+)" class="node(?P<cls>[^"]*)">\s*<title>[^<]*</title>\s*'
                 r'<rect x="(?P<x>[\d.]+)" y="(?P<y>[\d.]+)" width="(?P<w>[\d.]+)" height="(?P<h>[\d.]+)"')
LABEL = re.compile(r'<g class="edge[^"]*">\s*<title>[^<]*</title>\s*<path d="[^"]+" marker-end="url\(#arrow\)"/>\s*'
                   r'<text x="(?P<x>[\d.-]+)" y="(?P<y>[\d.-]+)" text-anchor="\w+">(?P<text>[^<]+)</text>')


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    opened = open_store("memory:")
    opened.load_dataset(thirty_one_provinces())
    opened.load_dataset(skipping_chain())
    yield opened
    opened.close()


def page(client, iri: str) -> str:  # noqa: ANN001, F811
    response = client.get("/id/" + iri.removeprefix("https://noticekg.org/id/"), headers={"Accept": "text/html"})
    assert response.status_code == 200, response.data[:300]
    text = response.get_data(as_text=True)
    assert html_errors(text) == []
    return text


def test_national_notice_with_31_provinces_stays_readable(client) -> None:  # noqa: F811
    html = page(client, str(NATIONAL))
    boxes = [m.groupdict() for m in BOX.finditer(html)]
    assert len(boxes) == 1 + len(PROVINCES) + 1  # the nation, 31 provinces, the city
    rects = [(float(b["x"]), float(b["y"]), float(b["w"]), float(b["h"])) for b in boxes]
    for i, (x, y, w, h) in enumerate(rects):  # no two boxes overlap
        for x2, y2, w2, h2 in rects[i + 1:]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y
    columns = sorted({r[0] for r in rects})
    assert len(columns) == 3  # national, provincial, municipal
    national = next(b for b in boxes if b["href"].endswith("/notice/test-guo/2030/1"))
    assert "current" in national["cls"] and "cited" in national["cls"]  # marked, and drawn as citation-only
    assert float(national["x"]) == columns[0]
    assert sum(1 for b in boxes if float(b["x"]) == columns[1]) == 31
    assert all(b["href"].startswith("/id/notice/") for b in boxes)
    labels = [m.groupdict() for m in LABEL.finditer(html)]
    assert len(labels) == 32  # 31 implements and the city's forwards · attachment
    assert {x["text"] for x in labels} == {"贯彻落实", "转发 · 附件"}
    spots = {(round(float(x["x"])), round(float(x["y"]))) for x in labels}
    assert len(spots) == len(labels)  # no two labels at one place
    ys = sorted(float(x["y"]) for x in labels if x["text"] == "贯彻落实")
    assert min(b - a for a, b in zip(ys, ys[1:], strict=False)) >= 14  # a line of text apart at least


def test_city_notice_chain_climbs_to_the_national_notice(client) -> None:  # noqa: F811
    html = page(client, str(CITY))
    hrefs = [m["href"] for m in BOX.finditer(html)]
    assert len(hrefs) == 3  # the city, the province it forwards, the national notice: not the 30 siblings
    assert any(h.endswith("/test-guo/2030/1") for h in hrefs)


EDGE = re.compile(r'<g class="edge[^"]*">\s*<title>[^<]*</title>\s*<path d="(?P<d>[^"]+)"')


def _points(d: str) -> list[tuple[float, float]]:
    """Points along an SVG path of M, L and C commands, 20 per segment."""
    tokens = re.findall(r"[MLC]|-?[\d.]+", d)
    out: list[tuple[float, float]] = []
    here = (0.0, 0.0)
    i = 0
    while i < len(tokens):
        command, i = tokens[i], i + 1
        n = {"M": 1, "L": 1, "C": 3}[command]
        xy = [(float(tokens[i + 2 * k]), float(tokens[i + 2 * k + 1])) for k in range(n)]
        i += 2 * n
        if command == "C":
            p0, (p1, p2, p3) = here, xy
            for t in (k / 20 for k in range(21)):
                u = 1 - t
                out.append((u ** 3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t ** 3 * p3[0],
                            u ** 3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t ** 3 * p3[1]))
        elif command == "L":
            out += [(here[0] + (xy[0][0] - here[0]) * k / 20, here[1] + (xy[0][1] - here[1]) * k / 20)
                    for k in range(21)]
        here = xy[-1]
    return out


def test_an_edge_over_a_column_passes_beside_its_boxes(client) -> None:  # noqa: F811
    html = page(client, str(SKIP_CITY))
    rects = [(float(b["x"]), float(b["y"]), float(b["w"]), float(b["h"])) for b in map(re.Match.groupdict,
             BOX.finditer(html))]
    assert len(rects) == 4 and len({r[0] for r in rects}) == 4  # four columns: the old provincial one has its own
    paths = [m["d"] for m in EDGE.finditer(html)]
    assert len(paths) == 3
    for d in paths:  # no edge runs through a box (its own ends touch their boxes' sides, not their insides)
        for x, y in _points(d):
            inside = [r for r in rects if r[0] + 1 < x < r[0] + r[2] - 1 and r[1] + 1 < y < r[1] + r[3] - 1]
            assert inside == [], (d, (x, y), inside)


def test_region_page_charts_its_figures_beside_the_nation(client) -> None:  # noqa: F811
    html = page(client, "https://noticekg.org/id/region/" + PROVINCES[3])
    assert "<script" not in html
    chart = html[html.index('<div class="chart-box">'):]
    assert "测试省04" in chart and "中华人民共和国" in chart  # the region's series and the nation's
    assert f'href="/id/{str(province_notice(3)).removeprefix("https://noticekg.org/id/")}/f/1"' in chart
    assert 'href="/id/notice/test-guo/2030/1/f/1"' in chart  # the national floor's point links to it
    assert "人均财政补助标准" in html and "603 元/人·年" in html  # the table by year and scope


def test_figure_page_marks_its_point(client) -> None:  # noqa: F811
    iri = str(province_notice(2)) + "/f/1"
    html = page(client, iri)
    chart = html[html.index('<div class="chart-box">'):]
    assert chart.count("stroke: #be123c") == 1  # this figure, and no other point, is marked
    at = chart.index(f'href="/id/{iri.removeprefix("https://noticekg.org/id/")}"')
    assert "#be123c" in chart[at:at + 600]


def test_implementation_table_json_csv_html(client) -> None:  # noqa: F811
    response = client.get("/implementation", query_string={"docno": "测试发〔2030〕1号", "format": "json"})
    assert response.status_code == 200, response.data[:300]
    data = response.get_json()
    rows = {r["docno"]: r for r in data["rows"]}
    assert len(rows) == 32
    city = rows["测市医保发〔2030〕7号"]
    assert city["via"]["docno"] == "测01医保发〔2030〕1号" and city["depth"] == 2
    assert city["days"] == 28  # 2030-02-01 → 2030-03-01
    deviations = {d: [f["deviation"] for f in r["figures"]] for d, r in rows.items()}
    assert deviations["测01医保发〔2030〕1号"] == ["below_floor"]  # 590 against 不低于 600
    assert deviations["测06医保发〔2030〕6号"] == ["same"]
    assert deviations["测02医保发〔2030〕2号"] == ["differs"]
    first = rows["测01医保发〔2030〕1号"]["figures"][0]
    assert first["parent_value"] == "不低于 600 元/人·年" and first["difference"] == "-10"
    text = client.get("/implementation", query_string={"docno": "测试发〔2030〕1号", "format": "csv"}).get_data(
        as_text=True)
    table = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(table) == 32 and {r["deviation"] for r in table} == {"below_floor", "same", "differs", ""}
    html = client.get("/implementation", query_string={"docno": "测试发〔2030〕1号"},
                      headers={"Accept": "text/html"}).get_data(as_text=True)
    assert html_errors(html) == []
    assert html.count('<tr class="dev below_floor">') == 1 and "低于上级下限" in html


def test_implementation_table_errors(client) -> None:  # noqa: F811
    assert client.get("/implementation").get_json()["error"]["parameter"] == "docno"
    missing = client.get("/implementation", query_string={"docno": "测试发〔2031〕99号"})
    assert missing.status_code == 404 and missing.get_json()["error"]["type"] == "NotFound"
