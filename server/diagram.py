"""The chain diagram: an SVG drawn on the server from the graph, for the notice, figure and governs pages.

Columns by level of government, left to right: national → provincial → city → county. Each notice is a box
(文号, a short title, its region) linked to its page; the current notice is marked; a notice known only by
citation is drawn dashed and grey. Edges go from a notice to the one it forwards, implements, applies or
carries as an attachment, labelled in the ontology's words next to the lower notice, so that a national
notice implemented by 31 provinces stays readable: the 31 boxes stack in one column, one label each.

    chain(store, iri) -> Chain          the notices above `iri` (forwards / implements / attachment, to the top),
                                        the notices below it (recursively), and what it applies (one step)
    layout(chain) -> dict               boxes and edges with coordinates, for templates/diagram.html
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from graph import regions
from graph.sparql import iri_ref
from graph.store import Store

from .describe import local_url, select
from .words import PHRASES, relation

LEVEL_COLUMN = {"National": 0, "Provincial": 1, "Municipal": 2, "County": 3}
FOLLOWS = ("forwards", "implements", "hasAttachment")  # the links a chain climbs
EDGE_ORDER = ("forwards", "implements", "hasAttachment", "applies")
BOX_W, BOX_H, ROW_H, COL_GAP, MARGIN = 230, 52, 64, 120, 12


@dataclass
class Node:
    iri: str
    docno: str = ""
    title: str = ""
    region: str = ""
    level: str | None = None
    in_corpus: bool = False
    date: str = ""
    column: float | None = None


@dataclass
class Chain:
    focus: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (lower, higher) → relations


def chain(store: Store, iri: str) -> Chain:
    links = "|".join(f"nkg:{r}" for r in FOLLOWS)
    values = " ".join(f"nkg:{r}" for r in EDGE_ORDER)
    follows = " ".join(f"nkg:{r}" for r in FOLLOWS)
    # The notices up and down the chain in LIMITed subqueries (far above any chain's length), so that their
    # edges are looked up from them: joined with the path instead, Oxigraph read every edge of the store
    # (70 ms a side at 1,000 notices, growing with the store; 2 ms so).
    rows = select(store, f"""SELECT DISTINCT ?a ?p ?b WHERE {{
        {{ {{ SELECT DISTINCT ?a WHERE {{ {iri_ref(iri)} ({links})* ?a }} LIMIT 100000 }}
           VALUES ?p {{ {follows} }} ?a ?p ?b }}
        UNION {{ {{ SELECT DISTINCT ?b WHERE {{ ?b ({links})* {iri_ref(iri)} }} LIMIT 100000 }}
           VALUES ?p {{ {follows} }} ?a ?p ?b }}
        UNION {{ {iri_ref(iri)} ?p ?b BIND({iri_ref(iri)} AS ?a) VALUES ?p {{ {values} }} }} }}""")
    found = Chain(iri)
    for r in rows:
        a, b, name = str(r["a"]), str(r["b"]), str(r["p"]).rsplit("/", 1)[-1]
        if a != b:
            found.edges.setdefault((a, b), set()).add(name)
    iris = {iri, *(x for pair in found.edges for x in pair)}
    for x in iris:
        found.nodes[x] = Node(x)
    block = " ".join(f"{iri_ref(x)}" for x in sorted(iris))
    for r in select(store, f"""SELECT ?n ?docno ?title ?corpus ?level ?region ?date WHERE {{ VALUES ?n {{ {block} }}
            OPTIONAL {{ ?n nkg:docNo ?docno }} OPTIONAL {{ ?n dcterms:title ?title }}
            OPTIONAL {{ ?n nkg:inCorpus ?corpus }} OPTIONAL {{ ?n nkg:level ?level }}
            OPTIONAL {{ ?n nkg:jurisdiction/rdfs:label ?region }}
            OPTIONAL {{ ?n nkg:datePrinted|nkg:dateSigned ?date }} }}"""):
        node = found.nodes[str(r["n"])]
        node.docno = node.docno or str(r.get("docno", ""))
        node.title = node.title or str(r.get("title", ""))
        node.region = node.region or str(r.get("region", ""))
        node.date = max(node.date, str(r.get("date", "")))
        node.in_corpus = node.in_corpus or str(r.get("corpus", "")) == "true"
        if "level" in r:
            node.level = str(r["level"]).rsplit("/", 1)[-1]
    return found


def _columns(found: Chain) -> None:
    """A notice's column is its level; a notice known only by citation has none, so it takes its province from
    a 文号 such as 桂政办发 (provincial), else sits one column above the highest notice that follows it."""
    for node in found.nodes.values():
        if node.level in LEVEL_COLUMN:
            node.column = LEVEL_COLUMN[node.level]
        elif node.docno[:1] in regions.PROVINCE_ABBREVIATIONS:
            node.column = 1
    for _ in range(len(found.nodes)):  # settle the rest from the notices that follow them
        changed = False
        for node in found.nodes.values():
            if node.column is not None:
                continue
            below = [found.nodes[lo].column for (lo, hi) in found.edges if hi == node.iri
                     and found.nodes[lo].column is not None]
            above = [found.nodes[hi].column for (lo, hi) in found.edges if lo == node.iri
                     and found.nodes[hi].column is not None]
            if below:
                node.column, changed = max(0, min(below) - 1), True
            elif above:
                node.column, changed = min(3, max(above) + 1), True
        if not changed:
            break
    for node in found.nodes.values():
        if node.column is None:
            node.column = 0
    # A notice that another of its own level follows (桂医保发 implementing 桂政办发, both provincial) gets a
    # column of its own just above that level: every edge then points left, none runs inside a column.
    for _ in range(3):
        for lo, hi in found.edges:
            if found.nodes[hi].column >= found.nodes[lo].column:
                found.nodes[hi].column = found.nodes[lo].column - 0.5


def _short(text: str, room: float = BOX_W - 22, size: float = 12.0) -> str:
    """`text` cut to fit `room` pixels at font `size`: a Han character takes a full em, a digit or letter ~0.6."""
    used, out = 0.0, []
    for ch in text.strip():
        used += size if ord(ch) > 0x2E7F else size * 0.6
        if used > room:
            return "".join(out[:-1]) + "…"
        out.append(ch)
    return "".join(out)


def layout(found: Chain) -> dict[str, Any]:
    """Coordinates for the template: boxes in columns, each column centred on the tallest one."""
    _columns(found)
    used = sorted({n.column for n in found.nodes.values()})
    x_of = {c: MARGIN + i * (BOX_W + COL_GAP) for i, c in enumerate(used)}
    order: dict[str, float] = {}
    columns: dict[float, list[Node]] = {c: [] for c in used}
    for node in found.nodes.values():
        columns[node.column].append(node)
    for c in used:  # a box sits near the notices above it: fewer crossing edges
        def key(node: Node) -> tuple:
            ups = [order[hi] for (lo, hi) in found.edges if lo == node.iri and hi in order]
            return (sum(ups) / len(ups) if ups else 0.0, node.docno or node.iri)
        columns[c].sort(key=key)
        for i, node in enumerate(columns[c]):
            order[node.iri] = i
    tallest = max(len(v) for v in columns.values())
    height = tallest * ROW_H + 2 * MARGIN
    boxes: dict[str, dict[str, Any]] = {}
    for c, nodes in columns.items():
        step = (height - 2 * MARGIN) / len(nodes)
        for i, node in enumerate(nodes):
            y = MARGIN + step * (i + 0.5) - BOX_H / 2
            title = " · ".join(x for x in (node.region, node.date) if x) if node.in_corpus else \
                f"（{PHRASES['by_citation'].zh}）{node.title}"
            boxes[node.iri] = {
                "iri": node.iri, "href": local_url(node.iri), "x": x_of[c], "y": round(y, 1),
                "docno": node.docno or "（无文号）", "title": node.title,
                "full_title": node.title, "region": node.region, "in_corpus": node.in_corpus,
                "current": node.iri == found.focus, "subtitle": _short(title or ""),
            }
    edges = []
    outgoing = {lo: sum(1 for a, _ in found.edges if a == lo) for lo, _ in found.edges}
    incoming = {hi: sum(1 for _, b in found.edges if b == hi) for _, hi in found.edges}
    arcs_from: dict[str, int] = {}
    lanes: dict[float, list[float]] = {}  # the heights at which long edges cross each column
    for (lo, hi), names in sorted(found.edges.items(), key=lambda e: (boxes[e[0][1]]["y"], e[0])):
        a, b = boxes[lo], boxes[hi]
        words = [relation(n) for n in EDGE_ORDER if n in names]
        text = " · ".join(w.zh for w in words)
        hint = " · ".join(w.en for w in words)
        between = [c for c in used if x_of[c] < a["x"] and x_of[c] > b["x"]]
        if a["x"] > b["x"] and between:  # over columns between the two: through their gaps, never a box
            x1, y1 = a["x"], a["y"] + BOX_H / 2
            x2, y2 = b["x"] + BOX_W, b["y"] + BOX_H / 2
            points, y = [(x1, y1)], y1
            for c in sorted(between, reverse=True):
                y = _lane(columns[c], lanes.setdefault(c, []), y1 + (y2 - y1) * (a["x"] - x_of[c]) / (a["x"] - x2),
                          boxes)
                if y > height - 4:
                    height = y + 8  # no gap in that column: a lane below it
                points += [(x_of[c] + BOX_W, y), (x_of[c], y)]
            points.append((x2, y2))
            path = _through(points)
            first = sorted(between, reverse=True)[0]
            label = {"x": x_of[first] + BOX_W / 2, "y": round(points[1][1] - 5, 1), "anchor": "middle"}
        elif a["x"] > b["x"]:  # the usual case: from the lower notice's left side to the higher one's right side
            x1, y1 = a["x"], a["y"] + BOX_H / 2
            x2, y2 = b["x"] + BOX_W, b["y"] + BOX_H / 2
            mid = (x1 + x2) / 2
            path = f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"
            # The label goes where the edge is alone: in the gap beside the higher notice when no other edge
            # arrives there, else beside the lower notice when no other edge leaves it (31 provinces under one
            # national notice), else half-way.
            # On the side of the line away from the curve: below it where the edge comes down or goes up.
            if incoming[hi] == 1:
                label = {"x": x2 + 6, "y": y2 + 14 if y1 < y2 else y2 - 5, "anchor": "start"}
            elif outgoing[lo] == 1:
                label = {"x": x1 - 6, "y": y1 + 14 if y2 < y1 else y1 - 5, "anchor": "end"}
            else:
                x, y = _bezier(0.5, (x1, y1), (mid, y1), (mid, y2), (x2, y2))
                label = {"x": round(x, 1), "y": round(y - 5, 1), "anchor": "middle"}
        else:  # same column (a provincial notice implementing another provincial one) or upwards: an arc
            side = a["x"] + BOX_W if a["x"] == b["x"] else a["x"]
            x1, y1 = side, a["y"] + BOX_H / 2
            x2, y2 = (b["x"] + BOX_W if a["x"] == b["x"] else b["x"] + BOX_W), b["y"] + BOX_H / 2
            k = arcs_from[lo] = arcs_from.get(lo, -1) + 1  # arcs from one box nest, each a little wider
            bulge = side + 50 + 22 * k
            path = f"M{x1},{y1} C{bulge},{y1} {bulge},{y2} {x2},{y2}"
            label = {"x": side + 6 + 0.75 * (bulge - side), "y": round((y1 + y2) / 2 + 4, 1),
                     "anchor": "start"}  # at the arc's apex
        edges.append({"path": path, "label": {**label, "text": text}, "hint": hint,
                      "applies_only": names == {"applies"}, "from": lo, "to": hi})
    arcs = any(boxes[e["from"]]["x"] <= boxes[e["to"]]["x"] for e in edges)  # drawn right of a column
    width = MARGIN * 2 + len(used) * BOX_W + (len(used) - 1) * COL_GAP + (140 if arcs else 0)
    return {"width": width, "height": height, "boxes": list(boxes.values()), "edges": edges,
            "box_w": BOX_W, "box_h": BOX_H, "current_words": PHRASES["current"],
            "citation_words": PHRASES["by_citation"], "levels": [_column_name(c) for c in used],
            "level_x": [x_of[c] for c in used]}


def _lane(nodes: list[Node], taken: list[float], y: float, boxes: dict[str, dict[str, Any]]) -> float:
    """The height nearest to `y` at which an edge can cross a column without touching a box: in a gap between
    its boxes, above the top one or below the bottom one, a line of text from any edge already crossing."""
    spans = [(boxes[n.iri]["y"] - 10, boxes[n.iri]["y"] + BOX_H + 20) for n in nodes]  # room for its label above

    def free(v: float) -> bool:
        return v >= 4 and all(not lo < v < hi for lo, hi in spans) and all(abs(v - t) >= 16 for t in taken)

    options = [y]
    for lo, hi in spans:  # just above or below a box, and a line of text further each time
        options += [lo - 16 * k for k in range(8)] + [hi + 16 * k for k in range(8)]
    best = min((v for v in options if free(v)), key=lambda v: abs(v - y), default=None)
    if best is None:
        best = max(hi for _, hi in spans) + 16 * (len(taken) + 1)
    taken.append(best)
    return round(best, 1)


def _through(points: list[tuple[float, float]]) -> str:
    """An SVG path through `points`: straight across a column, a smooth S between columns."""
    out = [f"M{points[0][0]},{points[0][1]}"]
    for i, ((xa, ya), (xb, yb)) in enumerate(zip(points, points[1:], strict=False)):
        if i % 2 == 1:  # inside a column: from its right side to its left at one height
            out.append(f"L{xb},{yb}")
        else:
            mid = (xa + xb) / 2
            out.append(f"C{mid},{ya} {mid},{yb} {xb},{yb}")
    return " ".join(out)


def _bezier(t: float, p0: tuple, p1: tuple, p2: tuple, p3: tuple) -> tuple[float, float]:
    u = 1 - t
    return (u ** 3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t ** 3 * p3[0],
            u ** 3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t ** 3 * p3[1])


def _column_name(column: float) -> str:
    from .words import level

    names = {v: k.lower() for k, v in LEVEL_COLUMN.items()}
    return str(level(names[min(3, max(0, math.ceil(column)))]))


def diagram(store: Store, iri: str) -> dict[str, Any] | None:
    """The layout for the page of `iri`; None when the notice relates to no other notice."""
    found = chain(store, iri)
    if not found.edges:
        return None
    return layout(found)
