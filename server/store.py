"""One store per app: opened lazily from `STORE_URL`, shared by every request, closed with the app."""

from __future__ import annotations

from flask import Flask, current_app

from graph.store import Store, open_store


def get_store() -> Store:
    app = current_app
    store = app.extensions.get("noticekg.store")
    if store is None:
        store = open_store(app.config["STORE_URL"])
        app.extensions["noticekg.store"] = store
    return store


def init_app(app: Flask) -> None:
    if "STORE" in app.config:  # tests hand in an open store
        app.extensions["noticekg.store"] = app.config["STORE"]
