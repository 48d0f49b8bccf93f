"""Escaping for everything the docs generate from data: HTML text, attributes, embedded JSON.

Data values (summaries, statements, names, URLs) come from CSVs that anyone can edit, so no
value ever reaches a page unescaped: text and attributes go through `text`/`attr`, JSON for the
charts and the map goes through `json_attr`, and links only get an href when the URL is http(s).
Generated HTML is written as raw HTML blocks inside the Markdown pages, where Markdown does not
touch it, so an escaped value stays text (a summary holding `<script>` shows as `<script>`). A
value in Markdown itself (a heading, the coverage text) goes through `markdown_text`.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any, Iterable, Sequence


def text(value: Any) -> str:
    """A value as HTML text: escaped; None (a blank cell) becomes an empty string."""
    if value is None:
        return ""
    return html.escape(str(value), quote=True)


def attr(value: Any) -> str:
    """A value for a double-quoted HTML attribute."""
    return text(value)


def json_attr(obj: Any) -> str:
    """JSON for a data-* attribute: `</` escaped as `<\\/`, then HTML-escaped as an attribute."""
    return attr(json.dumps(obj, ensure_ascii=False, default=str).replace("</", "<\\/"))


# Characters that start Markdown syntax inside a line (emphasis, code, links, images, table cells,
# attr_list's {: ...}). Python-Markdown and GitHub both read a backslash before any of them as the
# character itself. An underscore between two letters or digits (single_source) starts nothing in
# either, so it is left as it is. Markdown has no escaping function of its own to call, hence this list.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*{}\[\]|!#]|(?<![^\W_])_|_(?![^\W_]))")


def markdown_text(value: Any) -> str:
    """A value as literal text in a line of Markdown (a heading, a table cell, a list item), where
    a raw HTML block cannot be used: HTML-escaped, then Markdown's syntax characters backslash-
    escaped, and line breaks made spaces (a new line could start a heading or a list). A locality
    `[x](javascript:...)` then shows as those characters, not as a link."""
    if value is None:
        return ""
    one_line = " ".join(str(value).splitlines())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text(one_line))


def code(value: Any) -> str:
    return f"<code>{text(value)}</code>"


_SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)


def link(url: Any, label: Any) -> str:
    """An external link when the URL is a plain http(s) address; otherwise the label as text."""
    if isinstance(url, str) and _SAFE_URL.match(url):
        return f'<a href="{attr(url)}">{text(label)}</a>'
    return text(label)


_ANCHOR = re.compile(r"[^A-Za-z0-9_.-]+")


def anchor(*parts: Any) -> str:
    """A stable HTML id from names and IDs (CH-000002 stays CH-000002)."""
    return _ANCHOR.sub("-", "-".join(str(p) for p in parts)).strip("-")


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "") -> str:
    """An HTML table; headers are escaped here, cells must already be HTML (built with text()).
    The table itself has no class, so that Material styles it as its own tables (`table:not([class])`);
    `cls` goes on a wrapping div."""
    head = "".join(f"<th>{text(h)}</th>" for h in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    out = f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"
    return f'<div class="{attr(cls)}">{out}</div>' if cls else out


def block(html_text: str) -> str:
    """A raw HTML block for a Markdown page: blank lines around it and none inside it (Markdown
    would start a paragraph after a blank line inside a block)."""
    lines = [line for line in html_text.splitlines() if line.strip()]
    return "\n\n" + "\n".join(lines) + "\n\n"
