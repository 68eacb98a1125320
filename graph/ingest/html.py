"""A government web page → the notice's text: title block, 文号 line, body, attachments, signature.

The bytes are decoded here first (BOM, `<meta charset>`, else detection: extractors misread gb2312 pages),
then trafilatura finds the main content offline and hands it back as XML (paragraphs, headings, tables), which
is written out one paragraph a line and one table row a line with tab-separated cells (what the parser's
附表 reader takes). Navigation, footers, share buttons and related links are trafilatura's to drop; the
索引号 panel (索引号, 发布机构, 文号 … in a table or a list) and the page's own furniture (发布时间 … 字体 大 中
小, 打印, 关闭) are dropped here. When the body has no 版头 of its own, the panel's fields come back as the
metadata block (`文件编号:…`) that the parser already reads from copied pages, so the 文号 and issuer are
not lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.metadata import version
from xml.etree import ElementTree

from ..errors import InputError
from .decode import Decoded, decode

# The parser's readings of a 文号 and of a metadata line, imported when first needed: `graph.parse` reads
# files through this package, so importing it here at load time would be circular.

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_CANONICAL = re.compile(r"""<link\b[^>]*\brel\s*=\s*["']?canonical["']?[^>]*>""", re.I)
_OG_URL = re.compile(r"""<meta\b[^>]*\bproperty\s*=\s*["']og:url["'][^>]*>""", re.I)
_HREF = re.compile(r"""\b(?:href|content)\s*=\s*["']([^"']+)["']""", re.I)
_PANEL_KEYS = re.compile(r"^(?:索\s*引\s*号|信息名称|发布机构|发文机关|文\s*号|发文字号|文件编号|成文日期|发布日期|生成日期|"
                         r"公开日期|主题分类|分\s*类|所属主题|有效性|废止日期|公开方式|公开范围|体裁分类|内容概述|名\s*称)\s*[:：]?\s*$")
_PANEL_LINE = re.compile(r"^\s*(?:索\s*引\s*号|信息索引号)\s*[:：]")
# A page's own furniture, one line of it: only at a line start (资金来源：… in a notice is text).
_CHROME = re.compile(r"^\s*(?:发布时间|发布日期|信息来源|来源|浏览次数|阅读次数|点击数|访问量)\s*[:：].{0,40}"
                     r"(?:字体|字号|打印|分享|浏览|来源|$)"
                     r"|字体\s*[:：]?\s*[\[【(（]?\s*大\s*中\s*小|^\s*(?:【?\s*(?:打印|关闭|打印本页|关闭窗口|返回顶部|"
                     r"收藏|分享到?|微信|微博|QQ空间)\s*】?\s*)+$|^\s*分享到\s*[:：]")
# What the parser reads as a metadata block (its METADATA keys), for panel fields put back.
_FIELD_NAMES = {"文号": "文件编号", "发文字号": "文件编号", "文件编号": "文件编号", "发布机构": "发布机构",
                "发文机关": "发布机构", "成文日期": "成文日期", "信息名称": "信息名称", "名称": "信息名称",
                "公开方式": "公开方式"}


@dataclass(frozen=True)
class Page:
    text: str
    decoded: Decoded
    url: str | None  # the page's canonical link, else og:url
    title: str | None
    library: str


def page_text(data: bytes, name: str) -> Page:
    import trafilatura

    m = _META_CHARSET.search(data[:4096])
    decoded = decode(data, name, m.group(1).decode("ascii") if m else None)
    markup = decoded.text
    try:
        xml = trafilatura.extract(markup, output_format="xml", include_tables=True, include_comments=False,
                                  include_formatting=False, include_links=False, include_images=False,
                                  favor_recall=True, with_metadata=True, deduplicate=False)
    except Exception as exc:  # noqa: BLE001 - a page the extractor chokes on is an input error, not a crash
        raise InputError(f"{name}: cannot find the text of this web page ({type(exc).__name__}: {exc})") from exc
    if not xml:
        raise InputError(f"{name}: no notice text found in this web page (no main content)")
    root = ElementTree.fromstring(xml)
    lines, panel = _lines(root)
    # trafilatura finds the content but drops a paragraph it has seen before (an attached notice's
    # 公开方式, a date): its first and last paragraphs locate the container in the page, which is then
    # written out whole.
    container = (_container(markup, lines) if len(lines) > 1 else None) or _densest(markup)
    if container is not None:
        lines, panel = _lines(container)
    panel = panel or _page_panel(markup)
    title = (root.get("title") or "").strip() or None
    if not _has_docno_line(lines):  # a bare body (no 版头): the <h1> title and the panel's fields before it
        lines = _with_title(lines, title)
        lines = [f"{key}:{value}" for key, value in panel.items()] + lines
    text = "\n\n".join(lines).strip() + "\n"
    if not text.strip():
        raise InputError(f"{name}: no notice text found in this web page")
    return Page(text, decoded, _page_url(markup), title, f"trafilatura {version('trafilatura')}")


def _container(markup: str, lines: list[str]) -> ElementTree.Element | None:
    """The page element holding trafilatura's longest paragraphs (the body, never a menu or a footer), as the
    XML `_lines` reads; None when they cannot be found in the page."""
    import lxml.html

    longest = sorted((re.sub(r"\s+", "", line) for line in lines), key=len, reverse=True)[:5]
    probes = [p[:20] for p in longest if len(p) >= 8]
    if not probes:
        return None
    try:
        tree = lxml.html.document_fromstring(markup)
    except (ValueError, lxml.etree.ParserError):
        return None
    for bad in tree.xpath("//script|//style|//noscript|//template|//head|//select|//button|//iframe"):
        bad.drop_tree()
    texts = {el: re.sub(r"\s+", "", "".join(el.itertext())) for el in tree.iter() if isinstance(el.tag, str)}
    holders = []
    for probe in probes:
        found = [el for el, text in texts.items() if probe in text]
        if not found:
            return None
        holders.append(max(found, key=lambda el: len(list(el.iterancestors()))))  # the deepest
    common = holders[0]
    for el in holders[1:]:
        above = {common, *common.iterancestors()}
        common = next((a for a in [el, *el.iterancestors()] if a in above), common)
    return _as_xml(common)


def _densest(markup: str) -> ElementTree.Element | None:
    """When trafilatura finds no structure (a short page comes back as one run of everything): the element
    whose paragraphs hold the most text outside links and page furniture, as readability scores it."""
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(markup)
    except (ValueError, lxml.etree.ParserError):
        return None
    for bad in tree.xpath("//script|//style|//noscript|//template|//head|//nav|//footer|//aside|//a"):
        bad.drop_tree()
    for el in list(tree.iter()):
        if isinstance(el.tag, str) and el.getparent() is not None and \
                _CHROME_CLASS.search(f"{el.get('class', '')} {el.get('id', '')}"):
            el.drop_tree()
    scores: dict = {}
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag == "table":
            continue
        size = len(re.findall(r"[\u4e00-\u9fff]", _own_text(el)))
        parent = el.getparent()
        if size and parent is not None:
            scores[parent] = scores.get(parent, 0) + size
            if parent.getparent() is not None:
                scores[parent.getparent()] = scores.get(parent.getparent(), 0) + size / 2
    if not scores:
        return None
    return _as_xml(max(scores, key=lambda el: scores[el]))


def _page_panel(markup: str) -> dict[str, str]:
    """The 索引号 panel's fields, wherever on the page it is (often above the content, outside it)."""
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(markup)
    except (ValueError, lxml.etree.ParserError):
        return {}
    for table in tree.iter("table"):
        rows = [[re.sub(r"\s+", " ", c.text_content()).strip() for c in tr if c.tag in ("td", "th")]
                for tr in table.iter("tr")]
        if _is_panel(rows):
            return _panel_fields(rows)
    return {}


def _own_text(el) -> str:  # noqa: ANN001 - an lxml element
    parts = [el.text or ""] + [child.tail or "" for child in el]
    return re.sub(r"\s+", "", "".join(parts))


_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "tr", "section",
          "article", "main", "blockquote", "pre", "center", "form", "header", "footer", "nav", "aside", "body",
          "hr", "address", "figure", "figcaption", "caption"}
_CHROME_CLASS = re.compile(r"share|fenxiang|bshare|print|dayin|tool|crumb|position|location|nav|menu|related|"
                           r"xgwz|xglj|footer|bottom|copyright|comment|pager", re.I)


def _as_xml(container) -> ElementTree.Element:  # noqa: ANN001 - an lxml element
    """The container as the XML `_lines` reads: <p> per line of the page, <table><row><cell> per data table."""
    out = ElementTree.Element("main")
    buffer: list[str] = []

    def flush() -> None:
        text = re.sub(r"[ \t\r\n]+", " ", "".join(buffer)).strip()
        buffer.clear()
        if text:
            ElementTree.SubElement(out, "p").text = text

    def walk(el) -> None:  # noqa: ANN001
        tag = el.tag if isinstance(el.tag, str) else ""
        chrome = el is not container and _CHROME_CLASS.search(f"{el.get('class', '')} {el.get('id', '')}")
        if tag in ("nav", "footer", "aside") or chrome:
            buffer.append(el.tail or "")
            return
        if tag == "br":
            flush()
        elif tag == "table" and _is_data_table(el):
            flush()
            table = ElementTree.SubElement(out, "table")
            for tr in el.iter("tr"):
                row = ElementTree.SubElement(table, "row")
                for cell in tr:
                    if cell.tag in ("td", "th"):
                        ElementTree.SubElement(row, "cell").text = re.sub(r"\s+", " ", cell.text_content()).strip()
        else:
            block = tag in _BLOCK or tag in ("table", "td", "th")
            if block:
                flush()
            buffer.append(el.text or "")
            for child in el:
                walk(child)
            if block:
                flush()
        if el is not container:
            buffer.append(el.tail or "")

    walk(container)
    flush()
    return out


def _is_data_table(table) -> bool:  # noqa: ANN001
    """A table of figures (附表) or a panel, not a page laid out in a table: short cells, no paragraphs."""
    cells = table.xpath(".//td|.//th")
    return bool(cells) and all(len(c.text_content()) < 300 and not c.xpath(".//p|.//div|.//table|.//br")
                               for c in cells)


def _lines(root: ElementTree.Element) -> tuple[list[str], dict[str, str]]:
    """Paragraph and heading texts, table rows as tab-separated cells; the 索引号 panel taken out."""
    from ..parse.text import fold_width

    lines: list[str] = []
    panel: dict[str, str] = {}
    main = root if root.tag == "main" else root.find("main")
    for element in (main if main is not None else root):
        if element.tag == "table":
            rows = [[_text(c) for c in row.iter("cell")] for row in element.iter("row")]
            if _is_panel(rows):
                panel.update(_panel_fields(rows))
                continue
            lines += ["\t".join(cells) for cells in rows if any(cells)]
        elif element.tag == "list":
            lines += [t for item in element.iter("item") if (t := _text(item))]
        else:
            text = _text(element)
            if not text or _CHROME.search(fold_width(text)):
                continue
            if _PANEL_LINE.match(text):
                panel.update(_inline_fields(text))
                continue
            lines.append(text)
    return lines, panel


def _text(element: ElementTree.Element) -> str:
    # A <lb/> (a <br> in the page) is a line break of the notice, as in a plain-text copy.
    parts = [element.text or ""]
    for child in element:
        parts.append("\n" if child.tag == "lb" else _text(child))
        parts.append(child.tail or "")
    return "".join(parts).strip("\n ")


def _is_panel(rows: list[list[str]]) -> bool:
    keys = [c for row in rows for c in row if _PANEL_KEYS.match(c)]
    return any(re.match(r"索\s*引\s*号", k) for k in keys) or len(keys) >= 3


def _panel_fields(rows: list[list[str]]) -> dict[str, str]:
    fields = {}
    for row in rows:
        for key, value in zip(row, row[1:], strict=False):
            if _PANEL_KEYS.match(key) and value and not _PANEL_KEYS.match(value):
                name = re.sub(r"[\s:：]", "", key)
                if name in _FIELD_NAMES:
                    fields[_FIELD_NAMES[name]] = re.sub(r"\s+", "", value)
    return fields


def _inline_fields(text: str) -> dict[str, str]:
    fields = {}
    for key, value in re.findall(r"([^\s:：]{2,6})\s*[:：]\s*(\S+)", text):
        if key in _FIELD_NAMES:
            fields[_FIELD_NAMES[key]] = value
    return fields


def _has_docno_line(lines: list[str]) -> bool:
    """Whether the body carries its own 文号 near its top (then the panel adds nothing)."""
    from ..parse.docno import find_docnos
    from ..parse.lines import METADATA
    from ..parse.text import fold_width

    return any(find_docnos(fold_width(line)) and (len(line) < 40 or METADATA.match(fold_width(line)))
               for line in lines[:15])


def _with_title(lines: list[str], title: str | None) -> list[str]:
    """The page title (the <h1> trafilatura keeps as metadata) in front when the body does not hold it."""
    if not title:
        return lines
    flat = re.sub(r"\s+", "", "".join(lines[:20]))
    core = re.sub(r"\s+", "", title.split("_")[0])
    return lines if not core or core in flat else [title.split("_")[0].strip(), *lines]


def _page_url(markup: str) -> str | None:
    head = markup[:20000]
    for pattern in (_CANONICAL, _OG_URL):
        for tag in pattern.findall(head):
            m = _HREF.search(tag)
            if m and m.group(1).startswith(("http://", "https://")):
                return m.group(1).strip()
    return None
