"""One JSON error shape for every error the service returns:

    {"error": {"status": 400, "type": "QuerySyntaxError", "message": "…", "position": {"line": 1, "column": 23}}}

`position` only for query syntax errors; `choices` / `suggestions` where a look-up can offer them; `message_zh`
the message in Chinese (server/words.py). A browser (HTML preferred to JSON in Accept, or `?format=html`) gets
the same error as a page in Chinese with the English beside it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, has_request_context, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from graph.errors import NoticeKGError, QuerySyntaxError


def error_response(status: int, kind: str, message: str, **extra: Any) -> Response:
    from .words import error

    body: dict[str, Any] = {"status": status, "type": kind, "message": message}
    body.update({k: v for k, v in extra.items() if v is not None})
    body.setdefault("message_zh", error(status, message).zh)
    if _page_wanted():
        try:
            return Response(render_template("error.html", status=status, message=message), status,
                            content_type="text/html; charset=utf-8")
        except Exception:  # noqa: BLE001 - a page that cannot be drawn still answers, in the JSON shape
            pass
    response = jsonify({"error": body})
    response.status_code = status
    return response


def _page_wanted() -> bool:
    if not has_request_context() or request.path.startswith("/sparql"):  # SPARQL clients always get JSON
        return False
    if request.args.get("format") == "html":
        return True
    accept = request.accept_mimetypes
    return accept.provided and accept.best_match(["application/json", "text/html"]) == "text/html"


def init_app(app: Flask) -> None:
    @app.errorhandler(NoticeKGError)
    def _core_error(exc: NoticeKGError) -> Response:
        position = None
        if isinstance(exc, QuerySyntaxError) and exc.position:
            position = {"line": exc.position[0], "column": exc.position[1]}
        response = error_response(exc.http_status, type(exc).__name__, str(exc), position=position)
        if getattr(exc, "retry_after", None):  # busy, not broken: say when to come back
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        if (exc.code == 405 and request.method in ("GET", "HEAD")
                and request.path.startswith(("/id/", "/def/"))):  # only a write route took the path: we never minted it
            return error_response(404, "NotFound", f"no resource is named {request.path}")
        response = error_response(exc.code or 500, type(exc).__name__, exc.description or exc.name)
        for name, value in exc.get_headers():  # keep what the status needs, e.g. Allow on a 405
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        # A bug still answers in the one shape; the traceback goes to the log, not to the client.
        app.logger.exception("unhandled error")
        return error_response(500, "InternalServerError", "internal error; the server log has the details")
