"""Whole-graph exports and the published JSON-LD context, over `graph.export`:

    GET /export/graph.{trig,nq,jsonld,ttl,nt,rdf}   the whole graph (named graphs kept where the format can)
    GET /export/figures.csv                         every figure, one row each (UTF-8 with a BOM)
    GET /ns/context.jsonld                          the JSON-LD context of `ontology/`

The graph and the figures are dumped by a query worker (the user pool's slow lane, at low priority), never
in the server's process, under `EXPORT_TIMEOUT` (503 `DumpTimeout` past it; 503 `QueryBusy` while every
slow-lane worker is taken), so an export cannot hold a server thread or a fast worker for long.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, url_for

from graph import export
from graph.vocab import CONTEXT_FILE

from .errors import error_response
from .graph_store import dumped

bp = Blueprint("exports", __name__)

CSV_BOM = "\ufeff"  # spreadsheet programs read UTF-8 Chinese correctly only after a BOM
_BY_EXTENSION = {f.extension.lstrip("."): f for f in export.FORMATS.values()}


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


@bp.get("/export/graph.<extension>")
def graph_export(extension: str) -> Response:
    fmt = _BY_EXTENSION.get(extension)
    if fmt is None:
        return error_response(404, "NotFound", f"no export format .{extension}; use one of "
                              + ", ".join(f"graph.{e}" for e in _BY_EXTENSION))
    body = dumped("export", fmt.name)
    media = fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")
    return Response(body, content_type=media, headers=_attachment(f"noticekg.{extension}"))


@bp.get("/export/figures.csv")
def figures_export() -> Response:
    text = dumped("figures", "csv").decode("utf-8")
    return Response((CSV_BOM + text.removeprefix(CSV_BOM)).encode("utf-8"), content_type="text/csv; charset=utf-8",
                    headers=_attachment("figures.csv"))


@bp.get("/ns/context.jsonld")
def context() -> Response:
    if not CONTEXT_FILE.is_file():
        return error_response(404, "NotFound", "the JSON-LD context is not installed")
    response = Response(CONTEXT_FILE.read_bytes(), content_type="application/ld+json")
    response.headers["Access-Control-Allow-Origin"] = "*"  # JSON-LD processors on other origins fetch it
    return response


def export_links() -> list[dict[str, str]]:
    """What the home page offers for download."""
    links = [{"name": f"graph.{e}", "href": url_for("exports.graph_export", extension=e), "media": f.media_type}
             for e, f in _BY_EXTENSION.items()]
    links.append({"name": "figures.csv", "href": url_for("exports.figures_export"), "media": "text/csv"})
    links.append({"name": "context.jsonld", "href": url_for("exports.context"), "media": "application/ld+json"})
    return links


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
