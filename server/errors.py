"""One JSON error shape for every error the service returns:

    {"error": {"status": 400, "type": "QuerySyntaxError", "message": "…", "position": {"line": 1, "column": 23}}}

`position` only for query syntax errors; `choices` / `suggestions` where a look-up can offer them.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from graph.errors import NoticeKGError, QuerySyntaxError


def error_response(status: int, kind: str, message: str, **extra: Any) -> Response:
    body: dict[str, Any] = {"status": status, "type": kind, "message": message}
    body.update({k: v for k, v in extra.items() if v is not None})
    response = jsonify({"error": body})
    response.status_code = status
    return response


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
