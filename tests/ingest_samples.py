"""Notices as people have them, made inside the tests from a corpus text: a government web page (navigation,
索引号 panel, share buttons, footer), a PDF typeset with a CJK font (page numbers, a running head), a Word
file (with a page header) and a GB18030 copy. Nothing here reads the code under test."""

from __future__ import annotations

import html
import io
from pathlib import Path

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
PAGE_URL = "http://ybj.example.gov.cn/zwgk/tzgg/202008/t20200814_1.shtml"


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def html_page(text: str, charset: str = "gb2312", title: str = "关于做好城乡居民基本医疗保障工作的通知") -> bytes:
    """A page as a provincial site serves it: the notice's lines as paragraphs, tab rows as a table."""
    body: list[str] = []
    rows: list[str] = []
    for line in lines_of(text) + [""]:
        if "\t" in line:
            rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line.split("\t")) + "</tr>")
            continue
        if rows:
            body.append("<table border='1'>" + "".join(rows) + "</table>")
            rows = []
        if line:
            body.append(f"<p>{html.escape(line)}</p>")
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{title}_政策文件_医疗保障局网站</title>
<link rel="canonical" href="{PAGE_URL}">
<meta property="og:url" content="{PAGE_URL}?from=share">
<script>var _hmt = _hmt || []; function share() {{ return "分享"; }}</script>
<style>.nav li {{ float: left; }}</style></head>
<body>
<div class="top"><a href="/">网站首页</a> | <a href="/wza">无障碍浏览</a> | <a href="/en">English</a></div>
<div class="header"><ul class="nav">
<li><a href="/">首页</a></li><li><a href="/jggk">机构概况</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/zcwj">政策文件</a></li><li><a href="/bsfw">办事服务</a></li><li><a href="/hdjl">互动交流</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 通知公告</div>
<table class="xxgk-panel">
<tr><td>索引号：</td><td>11450000MB1C12345X/2020-00123</td><td>分类：</td><td>医疗保障；通知</td></tr>
<tr><td>发布机构：</td><td>某省医疗保障局</td><td>成文日期：</td><td>2020-08-14</td></tr>
<tr><td>文号：</td><td>某医保发〔2020〕1号</td><td>发布日期：</td><td>2020-08-20</td></tr></table>
<div class="article">
<h1>{html.escape(title)}</h1>
<div class="info">发布时间：2020-08-20 10:30 来源：本网 浏览次数：1024 字体：[大 中 小] 打印</div>
<div class="TRS_Editor">
{chr(10).join(body)}
</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
<div class="print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
<div class="related"><h3>相关链接</h3><ul><li><a href="/a">国家医疗保障局</a></li><li><a href="/b">政策解读</a></li></ul></div>
<div class="footer"><p>主办单位：某省医疗保障局 承办：某省大数据发展局</p>
<p>网站标识码：4500000099 桂ICP备12345678号 桂公网安备 45010302000001号</p></div>
</body></html>"""
    return page.encode("gb18030")


def table_layout_page(text: str) -> bytes:
    """An older site's page: laid out in tables, the body one cell with <br> between lines, GBK declared."""
    body = "<br>\n".join(html.escape(line) for line in lines_of(text))
    page = f"""<html><head><meta charset="gbk"><title>通知</title></head><body>
<table width="100%"><tr><td class="menu"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/bs">办事服务</a></td></tr>
<tr><td><table><tr><td>索引号：</td><td>000014349/2023-0001</td></tr><tr><td>发布机构：</td><td>某局</td></tr></table></td></tr>
<tr><td class="zoom"><font size="3">{body}</font></td></tr>
<tr><td class="bottom">版权所有：某省医疗保障局 技术支持：某公司 地址：某市某路1号</td></tr></table></body></html>"""
    return page.encode("gb18030")


def wrap(line: str, width: float, size: float) -> list[str]:
    """The line broken where the next character would pass the column's right edge, as a typesetter does."""
    import pymupdf

    font = pymupdf.Font(fontfile=str(CJK_FONT))
    chunks, current = [], ""
    for char in line:
        if current and font.text_length(current + char, fontsize=size) > width:
            chunks.append(current)
            current = ""
        current += char
    return [*chunks, current]


def pdf_file(text: str, running_head: str = "城乡居民基本医疗保障工作文件", width: float = 451.0) -> bytes:
    """A 公文 PDF: A4, the CJK font, paragraphs indented by two characters and wrapped at the column's edge,
    table rows as cells set apart, `— n —` page numbers at the foot and a running head on every page."""
    import pymupdf

    font = pymupdf.Font(fontfile=str(CJK_FONT))
    doc = pymupdf.open()
    size, leading, left, top, bottom = 12.0, 20.0, 72.0, 90.0, 760.0
    page, y, number = None, bottom + 1, 0

    def new_page():  # noqa: ANN202
        nonlocal page, y, number
        page = doc.new_page(width=595, height=842)
        page.insert_font(fontname="wqy", fontfile=str(CJK_FONT))
        number += 1
        page.insert_text((left, 40), running_head, fontname="wqy", fontsize=9)
        page.insert_text((280, 815), f"— {number} —", fontname="wqy", fontsize=10)
        y = top

    for line in lines_of(text):
        if "\t" in line:  # a table row: its cells side by side, in a smaller size
            if y > bottom:
                new_page()
            x = left
            for cell in line.split("\t"):
                page.insert_text((x, y), cell, fontname="wqy", fontsize=7)
                x += font.text_length(cell, fontsize=7) + 14
            y += leading
            continue
        indent = 2 * size
        first = wrap(line, width - indent, size)[0]
        for n, chunk in enumerate([first, *wrap(line[len(first):], width, size)] if line[len(first):] else [first]):
            if y > bottom:
                new_page()
            page.insert_text((left + (indent if n == 0 else 0), y), chunk, fontname="wqy", fontsize=size)
            y += leading
        y += leading / 2  # a paragraph gap
    doc.subset_fonts()  # only the glyphs used, as a typesetter embeds them
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data


def scanned_pdf() -> bytes:
    """A PDF of page images only: what a scanner makes."""
    import pymupdf

    picture = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 60, 80), False)
    picture.clear_with(200)
    doc = pymupdf.open()
    for _ in range(2):
        doc.new_page(width=595, height=842).insert_image(pymupdf.Rect(50, 50, 545, 792), pixmap=picture)
    data = doc.tobytes()
    doc.close()
    return data


def docx_file(text: str) -> bytes:
    """A Word file: one paragraph a line, tab rows as a table, and a page header that is not the body."""
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "内部资料 注意保存"
    rows: list[list[str]] = []
    for line in lines_of(text) + [""]:
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if rows:
            table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for r, cells in enumerate(rows):
                for c, cell in enumerate(cells):
                    table.cell(r, c).text = cell
            rows = []
        if line:
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
