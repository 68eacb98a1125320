"""A listener on loopback that records every connection made to it: what a forged request would reach (an
internal service, a port being scanned). It answers each request with an empty SPARQL result, so that a
SERVICE call that is allowed succeeds, and the tests can tell "refused" from "tried and failed".

    listener      a `Listener` on a free port: `.url`, `.connections` (how many were accepted)
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

__all__ = ["Listener", "listener"]

_EMPTY_RESULT = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'
_REPLY = (b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nConnection: close\r\n"
          b"Content-Length: " + str(len(_EMPTY_RESULT)).encode() + b"\r\n\r\n" + _EMPTY_RESULT)


class Listener:
    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections = 0
        self.requests: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="listener", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(2)
                try:
                    self.requests.append(conn.recv(65536))
                    conn.sendall(_REPLY)
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    opened = Listener()
    yield opened
    opened.close()
