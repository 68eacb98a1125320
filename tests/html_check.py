"""A strict enough HTML check for the server's pages, on the standard library's parser: the document type,
`lang="zh"`, elements closed in order, no end tag for a void element, unique ids, lists, tables and
definition lists holding only what HTML allows, no block inside a paragraph, and no external asset (the
service runs without a network: stylesheets, scripts and images come from the server itself)."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Elements whose end tag HTML lets one omit; our templates always write them, so they are checked too.
PARENTS = {"li": {"ul", "ol"}, "dt": {"dl"}, "dd": {"dl"}, "tr": {"thead", "tbody", "tfoot", "table"},
           "td": {"tr"}, "th": {"tr"}, "thead": {"table"}, "tbody": {"table"}, "summary": {"details"},
           "option": {"select", "datalist", "optgroup"}}
BLOCK = {"address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figure", "footer",
         "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "p", "pre", "section",
         "table", "ul"}
ASSET_ATTRIBUTES = {("link", "href"), ("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src")}


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: set[str] = set()
        self.doctype: str | None = None
        self.lang: str | None = None

    def error_at(self, message: str) -> None:
        line, column = self.getpos()
        self.errors.append(f"{line}:{column}: {message}")

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        if "id" in values:
            if values["id"] in self.ids:
                self.error_at(f"duplicate id {values['id']!r}")
            self.ids.add(values["id"] or "")
        for element, attribute in ASSET_ATTRIBUTES:
            url = values.get(attribute) or ""
            if tag == element and url.startswith(("http:", "https:", "//")):
                self.error_at(f"external asset <{tag} {attribute}={url!r}>")
        if tag in PARENTS and (not self.stack or self.stack[-1] not in PARENTS[tag]):
            self.error_at(f"<{tag}> inside <{self.stack[-1] if self.stack else 'nothing'}>")
        if tag in BLOCK and "p" in self.stack:
            self.error_at(f"<{tag}> inside <p>")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            if "svg" not in self.stack[:-1]:  # inline SVG is foreign content: there <path/> closes itself
                self.error_at(f"self-closing <{tag}/> is not HTML")
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.error_at(f"end tag for the void element <{tag}>")
        elif not self.stack or self.stack[-1] != tag:
            self.error_at(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            if tag in self.stack:
                del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag):]
        else:
            self.stack.pop()


def html_errors(page: str) -> list[str]:
    """What is wrong with a page; [] when it passes."""
    checker = _Checker()
    checker.feed(page)
    checker.close()
    errors = list(checker.errors)
    if (checker.doctype or "").lower() != "doctype html":
        errors.append(f"document type {checker.doctype!r}, not <!DOCTYPE html>")
    if checker.lang != "zh":
        errors.append(f'<html lang="{checker.lang}">, not lang="zh"')
    if checker.stack:
        errors.append(f"elements left open: {checker.stack}")
    return errors
