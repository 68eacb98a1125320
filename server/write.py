"""The write API: add, replace and withdraw notices in the running service, with a bearer token.

    POST   /api/notices                 a file upload (multipart `file`) or a raw body with its media type
                                        → 201 {iri, notices, findings, problems} (200 when already stored)
    PUT    /api/notices/<path>  or  /id/notice/<path>     replace that notice (201 when it was not there)
    DELETE /api/notices/<path>  or  /id/notice/<path>     withdraw it, with its figures and findings

Optional fields (form fields or query parameters): `name` (the file name), `source_url`, `retrieved`.
Writes need `Authorization: Bearer TOKEN`, the token from `WRITE_TOKEN` (`NOTICEKG_WRITE_TOKEN`) or the
file `WRITE_TOKEN_FILE` (`NOTICEKG_WRITE_TOKEN_FILE`, read at each request, so it can be rotated); with
neither set the routes answer 405 and say so; a missing token 401, a wrong one 403. Each write is atomic and
durable (`graph.writes`): on a store built in generations it commits a new generation, which every thread
and query worker follows at its next request; while a build holds the store a write waits `WRITE_WAIT`
seconds (`NOTICEKG_WRITE_WAIT`) and then answers 503 `StoreBusy` with Retry-After. An in-memory store is
written in place and the query workers are replaced. The search index is brought in step after each write.
"""

from __future__ import annotations

import hmac
import json
import os
import threading
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from graph.ingest import SUFFIXES, SourceInfo
from graph.parse import parse_bytes
from graph.publish import Published, is_stored
from graph.report import format_json
from graph.store import OxigraphStore, Store, open_store
from graph.writes import Written, post, remove, root_of

from .errors import error_response
from .linked_data import safe_iri
from .search_pages import reindex
from .store import get_store

bp = Blueprint("write", __name__)
MAX_BYTES = 20 * 1024 * 1024  # an upload larger than this is refused (413) before it is read
_swapping = threading.Lock()


# -- the token ---------------------------------------------------------------------------------------------


def configured_token() -> str | None:
    token = current_app.config.get("WRITE_TOKEN")
    path = current_app.config.get("WRITE_TOKEN_FILE")
    if not token and path:
        try:
            token = Path(path).read_text(encoding="utf-8").strip()
        except OSError:
            current_app.logger.error("the write token file %s cannot be read", path)
            token = None
    return token or None


def refused(read_methods: str) -> Response | None:
    """The answer when this request may not write, else None."""
    token = configured_token()
    if token is None:
        response = error_response(405, "WriteDisabled", "writing is switched off on this server: no write token "
                                  "is configured (set NOTICEKG_WRITE_TOKEN or NOTICEKG_WRITE_TOKEN_FILE)")
        response.headers["Allow"] = read_methods
        return response
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        response = error_response(401, "Unauthorized", "writing needs the header Authorization: Bearer TOKEN")
        response.headers["WWW-Authenticate"] = 'Bearer realm="noticekg"'
        return response
    if not hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8")):
        return error_response(403, "Forbidden", "the bearer token is not the write token")
    return None


def writable_store() -> Store:
    """The store to write through: a store built in generations as it is (`graph.writes` makes a new
    generation beside it); an on-disk store without generations opened read-only is reopened for writing,
    and every reader of the app uses that handle from then on (a read-only handle would keep seeing the
    store as it was when it was opened)."""
    store = get_store()
    if root_of(store) is not None:
        return store
    if isinstance(store, OxigraphStore) and store.url.startswith("oxigraph:") and store.url.endswith("?ro"):
        with _swapping:
            store = get_store()
            if store.url.endswith("?ro"):
                store = open_store(store.url.removesuffix("?ro"))
                current_app.extensions["noticekg.store"] = store
    return store


# -- reading the upload ------------------------------------------------------------------------------------


def _field(name: str) -> str | None:
    form = request.form if request.mimetype == "multipart/form-data" else {}
    value = form.get(name) or request.args.get(name)
    return value.strip() if value and value.strip() else None


def upload() -> tuple[bytes, str, str | None]:
    """(bytes, file name, media type) of the notice in the request: a multipart file, or the raw body."""
    if request.content_length is not None and request.content_length > MAX_BYTES:
        raise _TooLarge()
    if request.mimetype == "multipart/form-data" and request.files:
        part = request.files.get("file") or next(iter(request.files.values()))
        data = part.read(MAX_BYTES + 1)
        name = _field("name") or Path(part.filename or "").name or "upload"
        media = part.mimetype if part.mimetype and part.mimetype != "application/octet-stream" else None
    else:
        # The body is the file, whatever it is labelled (curl --data-binary says form-urlencoded): read it
        # whole before anything parses it as a form.
        data = request.get_data(cache=True, parse_form_data=False)
        media = request.mimetype if request.mimetype != "application/x-www-form-urlencoded" else None
        name = _field("name") or _suffixed("upload", media)
    if len(data) > MAX_BYTES:
        raise _TooLarge()
    return data, name, media


def _suffixed(stem: str, media: str | None) -> str:
    suffix = next((s for s, m in SUFFIXES.items() if m == media), ".txt")
    return stem + suffix


class _TooLarge(Exception):
    pass


# -- the routes --------------------------------------------------------------------------------------------


@bp.post("/api/notices")
def create() -> Response:
    return _write(None, "OPTIONS")


@bp.put("/api/notices/<path:path>")
@bp.put("/id/notice/<path:path>")
def replace(path: str) -> Response:
    return _write(current_app.config["BASE"] + "notice/" + path, "GET, HEAD, OPTIONS")


@bp.delete("/api/notices/<path:path>")
@bp.delete("/id/notice/<path:path>")
def delete(path: str) -> Response:
    if (answer := refused("GET, HEAD, OPTIONS")) is not None:
        return answer
    iri = current_app.config["BASE"] + "notice/" + path
    if not safe_iri(iri):
        return error_response(404, "NotFound", f"no notice of the corpus is named {iri}")
    written = remove(writable_store(), iri, current_app.config["BASE"], wait=_wait())
    _after(written)
    return jsonify({"withdrawn": list(written.notices), "generation": written.generation})


def _write(replaces: str | None, read_methods: str) -> Response:
    if (answer := refused(read_methods)) is not None:
        return answer
    if replaces is not None and not safe_iri(replaces):
        return error_response(404, "NotFound", f"no notice of the corpus is named {replaces}")
    try:
        data, name, media = upload()
    except _TooLarge:
        return error_response(413, "PayloadTooLarge", f"a notice file may be at most {MAX_BYTES} bytes")
    if not data:
        return error_response(400, "InputError", "no notice in the request: send a file (multipart field "
                              "`file`) or the file itself as the body, with its Content-Type")
    source = SourceInfo(_field("source_url"), _field("retrieved"))
    result = parse_bytes(data, name, media, source)
    base = current_app.config["BASE"]
    store = writable_store()
    existed = replaces is not None and is_stored(store, replaces)
    written = post(store, result, base, replaces=replaces, wait=_wait())
    published = written.published
    assert published is not None
    if published.changed:
        _after(written)
    status = 200 if not published.changed or existed else 201
    response = jsonify({**_body(published), "generation": written.generation})
    response.status_code = status
    response.headers["Location"] = _local(published.notices[0], base)
    return response


def _body(published: Published) -> dict[str, Any]:
    return {
        "iri": published.notices[0],
        "notices": list(published.notices),
        "changed": published.changed,
        "findings": json.loads(format_json(published.validation)),
        "problems": [{"severity": p.severity, "file": p.file, "line": p.line, "text": p.text,
                      "message": p.message} for p in published.problems],
    }


def _local(iri: str, base: str) -> str:
    return "/id/" + iri[len(base):] if iri.startswith(base) else iri


# -- readers follow the writes -------------------------------------------------------------------------------


def _wait() -> float:
    return float(current_app.config["WRITE_WAIT"])


def _after(written: Written) -> None:
    """What the app must do once a write is committed: follow it (a new generation is followed by every
    request and worker by itself; a handle opened for writing on the old one is not, so it is replaced by
    a read-only one), or, for a store written in place, replace the query workers; then its own search
    index (the one beside an on-disk store `graph.writes` has updated already)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    store = get_store()
    root = root_of(store)
    if root is None:
        refresh_queries(app)
    elif not store.url.endswith("?ro"):
        with _swapping:
            app.extensions["noticekg.store"] = open_store(f"oxigraph:{root}?ro")
        refresh_queries(app)
    reindex(app, list(written.indexed))



def refresh_queries(app: Flask) -> None:
    """Replace the query workers (they hold the store as it was when they started): the next query starts a
    fresh pool that sees the write. The old pool is closed once its queries have had their time limit."""
    from .page_cache import invalidate
    from .store import RUNNERS

    invalidate(app)  # the pages kept were rendered from the store as it was
    for key in RUNNERS:
        old = app.extensions.pop(key, None)
        if old is not None:
            timer = threading.Timer(float(app.config["QUERY_TIMEOUT"]) + 1.0, old.close)
            timer.daemon = True
            timer.start()


def init_app(app: Flask) -> None:
    app.config.setdefault("WRITE_TOKEN", os.environ.get("NOTICEKG_WRITE_TOKEN") or None)
    app.config.setdefault("WRITE_TOKEN_FILE", os.environ.get("NOTICEKG_WRITE_TOKEN_FILE") or None)
    app.config.setdefault("WRITE_WAIT", float(os.environ.get("NOTICEKG_WRITE_WAIT") or 5.0))
    app.register_blueprint(bp)
