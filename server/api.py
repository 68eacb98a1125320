"""The look-up API, thin over `graph.resolve` and `graph.lookup`:

    GET /api/governs?kind=&region=&year=[&scope=][&as_of=YYYY-MM-DD]
                                                    which notice governs a figure as of a date (default today;
                                                    JSON; HTML for a browser), its queries under the /sparql
                                                    time limit; 400 bad or missing parameters, 404 nothing governs
    GET /api/figures?docno=&kind=&region=&year=     figures with their provenance (JSON; ?format=csv)
    GET /api/notices/resolve?docno=                 any spelling of a 文号 → 303 to the notice's page;
                                                    300 with the choices when ambiguous; 404 with suggestions
    GET /api/cites?docno=                           which notices cite, forward, implement … it, with sections
"""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, render_template, request

from graph import lookup, resolve
from graph.errors import NotFound
from graph.store import Store
from graph.validity import parse_day
from graph.vocab import KIND

from .describe import labels, local_url
from .errors import error_response
from .linked_data import HTML, browser_wants_html, not_acceptable, wants
from .page_cache import cached
from .store import get_lookup_runner, get_reader
from .words import reason

bp = Blueprint("api", __name__, url_prefix="/api")

CSV_BOM = "\ufeff"  # so that spreadsheet programs read the Chinese as UTF-8


def bad_parameter(name: str, message: str) -> Response:
    return error_response(400, "InvalidParameter", message, parameter=name)


def _year(value: str | None, required: bool) -> int | None | Response:
    if value is None or not value.strip():
        return bad_parameter("year", "year is required, e.g. year=2021") if required else None
    try:
        return int(value.strip())
    except ValueError:
        return bad_parameter("year", f"year must be a whole number such as 2021, not {value!r}")


@bp.get("/governs")
def governs() -> Response:
    # One answer per question while the store stands (server/page_cache.py): the resolver's two queries run once.
    return cached(("governs", tuple(sorted(request.args.items(multi=True)))), _governs)


def _governs() -> Response:
    args = {name: (request.args.get(name) or "").strip()
            for name in ("kind", "region", "year", "scope", "as_of")}
    # ?format=json|html overrides Accept (a link in the HTML page offers the JSON)
    for name in ("kind", "region"):
        if not args[name]:
            return bad_parameter(name, f"{name} is required: /api/governs?kind=individual-contribution"
                                       f"&region=南宁市&year=2021")
    year = _year(args["year"], required=True)
    if isinstance(year, Response):
        return year
    chosen = {"json": "application/json", "html": HTML}.get(request.args.get("format", ""))
    media = chosen or wants(["application/json", HTML], "application/json")
    if media is None:
        return not_acceptable(["application/json", HTML])
    try:
        day = parse_day(args["as_of"] or request.args.get("as-of"))
    except ValueError:
        return bad_parameter("as_of", f"as_of must be a date such as 2021-03-01, not {args['as_of']!r}")
    store = get_reader()
    try:
        code = lookup.region_code(args["region"])
    except NotFound as exc:
        return bad_parameter("region", str(exc))
    try:  # the kind is checked by the look-up itself, only when its key finds nothing (no extra round trip)
        resolution = resolve.governing_figure(store, args["kind"], code, year, scope=args["scope"] or None,
                                              as_of=day, runner=get_lookup_runner())
    except NotFound as exc:
        return bad_parameter("kind", str(exc))
    answer = _with_chinese(resolution.to_json())
    status = 200 if resolution.governed else 404
    if media == HTML:
        kind_iri = str(KIND[answer["question"]["kind"]])
        names = labels(get_reader(), {kind_iri, *([answer["section"]["iri"]] if answer["section"] else [])})
        return Response(render_template("governs.html", r=resolution, answer=answer, status=status, names=names,
                                        kind_label=names[kind_iri], title=_governs_title(answer, names[kind_iri])),
                        status, content_type="text/html; charset=utf-8")
    if not resolution.governed:
        return error_response(404, "NotFound", resolution.message, message_zh=answer["message_zh"],
                              question=answer["question"], candidates=answer["candidates"])
    return jsonify(answer)


def _with_chinese(answer: dict[str, Any]) -> dict[str, Any]:
    """The resolver's message and every candidate's reason with its Chinese beside (`message_zh`, `reason_zh`),
    in server/words.py's REASONS."""
    answer["message_zh"] = reason(answer.get("message")).zh
    for name in ("candidates", "supersedes", "superseded_by"):
        for candidate in answer.get(name) or ():
            candidate["reason_zh"] = reason(candidate.get("reason")).zh
    return answer


def check_kind_and_region(store: Store, kind: str | None, region: str | None
                          ) -> tuple[str | None, str | None] | Response:
    """The kind's slug and the region's code (None where not given); an unknown kind or region is a bad
    parameter (400), not a missing answer (404)."""
    checked: list[str | None] = []
    for name, value, check in (("kind", kind, lambda v: lookup.kind_slug(store, v)),
                               ("region", region, lookup.region_code)):
        try:
            checked.append(check(value) if value else None)
        except NotFound as exc:
            return bad_parameter(name, str(exc))
    return checked[0], checked[1]


def _governs_title(answer: dict[str, Any], kind_label: str) -> str:
    q = answer["question"]
    scope = f" · {q['scope']}" if q.get("scope") else ""
    return f"{kind_label} · {q['region_name']} · {q['year']} 年度{scope}"


@bp.get("/figures")
def figures() -> Response:
    year = _year(request.args.get("year"), required=False)
    if isinstance(year, Response):
        return year
    store = get_reader()
    checked = check_kind_and_region(store, request.args.get("kind"), request.args.get("region"))
    if isinstance(checked, Response):
        return checked
    kind, region = checked
    found = lookup.figures(store, docno=request.args.get("docno") or None, kind=kind, region=region, year=year)
    if request.args.get("format") == "csv":
        return Response(CSV_BOM + figures_csv(found), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="figures.csv"'})
    return jsonify({"count": len(found), "figures": found})


def figures_csv(found: list[dict[str, Any]]) -> str:
    """One row per figure: nested values flattened (section → section_path, section_label; lists joined by ;)."""
    rows = [_flat(f) for f in found]
    columns = list(dict.fromkeys(k for row in rows for k in row)) or ["iri"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _flat(entry: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in entry.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}_"))
        elif isinstance(value, list | tuple):
            flat[prefix + key] = ";".join(str(v) for v in value)
        else:
            flat[prefix + key] = "" if value is None else value
    return flat


@bp.get("/notices/resolve")
def resolve_notice() -> Response:
    text = (request.args.get("docno") or "").strip()
    if not text:
        return bad_parameter("docno", "docno is required, e.g. /api/notices/resolve?docno=桂医保发[2020]46号")
    found = lookup.resolve_docno(get_reader(), text)
    if found.iri:
        response = jsonify({"docno": found.docno, "iri": found.iri, "url": local_url(found.iri)})
        response.status_code = 303
        response.headers["Location"] = local_url(found.iri)
        return response
    choices = [c.to_json() | {"url": local_url(c.iri)} for c in found.choices]
    suggestions = [c.to_json() | {"url": local_url(c.iri)} for c in found.suggestions]
    if choices:
        if browser_wants_html():
            return Response(render_template("choices.html", title=text, text=text, choices=choices), 300,
                            content_type="text/html; charset=utf-8")
        response = jsonify({"text": text, "choices": choices})
        response.status_code = 300
        return response
    message = f"no notice with the 文号 {text!r} in the graph"
    if browser_wants_html():
        return Response(render_template("error.html", status=404, message=message, suggestions=[
            {"href": s["url"], "label": f"{s['docno']} {s['title'] or ''}"} for s in suggestions]),
            404, content_type="text/html; charset=utf-8")
    return error_response(404, "NotFound", message, suggestions=suggestions)


@bp.get("/cites")
def cites() -> Response:
    text = (request.args.get("docno") or "").strip()
    if not text:
        return bad_parameter("docno", "docno is required, e.g. /api/cites?docno=医保发〔2020〕24号")
    store = get_reader()
    citing = lookup.citing(store, text)  # NotFound / InputError answer 404 / 400 in the one error shape
    found = lookup.resolve_docno(store, text)
    return jsonify({"docno": found.docno, "notice": found.iri, "citing": citing})


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
