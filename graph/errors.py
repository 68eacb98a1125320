"""Every error the core raises, in one hierarchy.

    NoticeKGError                  base; `exit_code` is the CLI's exit status for it
    ├── InputError                 a file or argument we cannot read (exit 2)
    │   ├── NoticeParseError       a notice that cannot be parsed: names file, line and text
    │   │   └── ParseTimeout       a file that took longer to parse than its time budget
    │   └── Conflict               a write that does not fit what the store holds (HTTP 409)
    ├── StoreError                 the store cannot be opened or answered (exit 3)
    │   └── StoreBusy              another build or write holds the store (HTTP 503 with Retry-After)
    ├── QueryError                 a SPARQL query that is malformed or not allowed (exit 4)
    │   ├── QuerySyntaxError       carries `position` (line, column) when the engine gives one
    │   ├── QueryForbidden         SPARQL Update on the read-only endpoint
    │   └── QueryTimeout           cut off after the time limit
    └── NotFound                   nothing in the graph answers (exit 5)

Validation findings are data (a report), never exceptions; `noticekg validate` exits 1 on them.
"""

from __future__ import annotations


class NoticeKGError(Exception):
    exit_code = 1
    http_status = 500


class InputError(NoticeKGError):
    exit_code = 2
    http_status = 400


class NoticeParseError(InputError):
    def __init__(self, file: str, line: int, text: str, message: str) -> None:
        self.file, self.line, self.text, self.message = file, line, text, message
        super().__init__(f"{file}:{line}: {message}: {text!r}")


class ParseTimeout(NoticeParseError):
    """Reading a file took longer than its parse budget (`graph.parse.budget`)."""


class Conflict(InputError):
    http_status = 409


class StoreError(NoticeKGError):
    exit_code = 3
    http_status = 503


class StoreBusy(StoreError):
    retry_after = 5  # seconds: a write takes about that; a build says in its journal how far it is


class QueryError(NoticeKGError):
    exit_code = 4
    http_status = 400


class QuerySyntaxError(QueryError):
    def __init__(self, message: str, position: tuple[int, int] | None = None) -> None:
        self.message, self.position = message, position
        where = f" at line {position[0]}, column {position[1]}" if position else ""
        super().__init__(f"SPARQL syntax error{where}: {message}")


class QueryForbidden(QueryError):
    http_status = 403


class QueryTimeout(QueryError):
    http_status = 503

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"query cut off after {seconds:g} s (the time limit); narrow it or add a LIMIT")


class NotFound(NoticeKGError):
    exit_code = 5
    http_status = 404
