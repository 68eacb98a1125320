"""Rendered pages and descriptions, kept for as long as the store they were read from stays as it is.

A generation of an on-disk store (`graph.generations`) never changes once it is current, so a page rendered
from it stays right until the server follows a newer one (`server.store.get_store`) or a write changes the
store in place. Entries are keyed by (generation, write epoch) and by what the answer depends on (host, path,
`Accept`); a new generation or a write empties the cache. `invalidate(app)` is the hook a write calls
(`server/write.py` calls it after each change). Bounded: `PAGE_CACHE_SIZE` entries (env
`NOTICEKG_PAGE_CACHE_SIZE`, default 256; 0 turns the cache off) and `PAGE_CACHE_BYTES` (default 64 MiB), the
least recently used going first. Only whole 200 answers are kept; each carries an ETag (a digest of its body),
so a client that sends `If-None-Match` gets a 304.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from flask import Flask, Response, current_app, request

from .store import get_store

_KEY = "noticekg.page-cache"


@dataclass(frozen=True)
class Entry:
    body: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str


class PageCache:
    def __init__(self, size: int, max_bytes: int) -> None:
        self.size, self.max_bytes = size, max_bytes
        self.epoch = 0  # bumped by every write
        self._token: Hashable = None
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, token: Hashable, key: Hashable) -> Entry | None:
        with self._lock:
            if token != self._token:
                return None
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, token: Hashable, key: Hashable, entry: Entry) -> None:
        if self.size <= 0 or len(entry.body) > self.max_bytes:
            return
        with self._lock:
            if token != self._token:  # a new generation (or a write): what was kept is stale
                self._entries.clear()
                self._bytes, self._token = 0, token
            old = self._entries.pop(key, None)
            self._bytes -= len(old.body) if old else 0
            self._entries[key] = entry
            self._bytes += len(entry.body)
            while len(self._entries) > self.size or self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped.body)

    def clear(self) -> None:
        with self._lock:
            self.epoch += 1
            self._entries.clear()
            self._bytes, self._token = 0, None

    def __len__(self) -> int:
        return len(self._entries)


def cache_of(app: Flask) -> PageCache:
    return app.extensions[_KEY]


def invalidate(app: Flask) -> None:
    """Forget every kept answer: the store changed in place (a write)."""
    cache = app.extensions.get(_KEY)
    if cache is not None:
        cache.clear()


def cached(key: tuple[Hashable, ...], render: Callable[[], Response]) -> Response:
    """The answer for `key` (with the host and `Accept`), rendered by `render()` once per store state."""
    cache = cache_of(current_app)
    token = (getattr(get_store(), "generation", None), cache.epoch)
    full_key = (request.host_url, request.headers.get("Accept", ""), *key)
    entry = cache.get(token, full_key)
    if entry is None:
        response = render()
        if response.status_code != 200 or response.is_streamed:
            return response
        body = response.get_data()
        entry = Entry(body, tuple((k, v) for k, v in response.headers.items() if k.lower() != "content-length"),
                      hashlib.blake2b(body, digest_size=12).hexdigest())
        cache.put(token, full_key, entry)
    answer = Response(entry.body, 200, headers=list(entry.headers))
    answer.set_etag(entry.etag)
    return answer.make_conditional(request)


def init_app(app: Flask) -> None:
    size = int(app.config.get("PAGE_CACHE_SIZE", os.environ.get("NOTICEKG_PAGE_CACHE_SIZE", 256)))
    app.extensions[_KEY] = PageCache(size, int(app.config.get("PAGE_CACHE_BYTES", 64 * 1024 * 1024)))
