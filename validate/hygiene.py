"""Layer 7, hygiene: text that is valid but unsafe or unstable in the hands of users.

Runs on the raw text of string fields: Unicode NFC, control characters, cells that a
spreadsheet would execute as a formula, and URLs that are not http(s).
"""

from __future__ import annotations

import polars as pl

from .report import Problem
from .structure import LINE, Table

_CONTROL = r"[\x00-\x09\x0b-\x1f\x7f]"  # line feed is allowed: RFC 4180 permits quoted line breaks
_FORMULA = r"^[=+\-@]"
_URL = r"^https?://[^\s/?#]+[^\s]*$"


def check(table: Table, ran: set[str]) -> list[Problem]:
    ran.update({"text-not-nfc", "text-control-character", "text-formula", "url-scheme"})
    raw, rel = table.raw, table.file
    tests = []
    for f in table.resource.fields:
        name = f["name"]
        if name not in table.present or f.get("type", "string") != "string":
            continue
        c = pl.col(name)
        tests += [
            ("text-not-nfc", name, c != c.str.normalize("NFC"), c),
            ("text-control-character", name, c.str.contains(_CONTROL), c.str.extract(f"({_CONTROL})")),
            ("text-formula", name, c.str.contains(_FORMULA), c.str.slice(0, 1)),
        ]
        if f.get("format") == "uri":
            tests.append(("url-scheme", name, ~c.str.contains(_URL), c))
    if not tests:
        return []
    flags = raw.select(LINE, *(t.fill_null(False).alias(f"{i}") for i, (_, _, t, _) in enumerate(tests)))
    any_flag = pl.any_horizontal(pl.all().exclude(LINE))
    hit = flags.filter(any_flag)
    if hit.height == 0:
        return []
    rows = raw.join(hit, on=LINE)
    out = []
    for i, (rule, name, _, shown) in enumerate(tests):
        sub = rows.filter(pl.col(f"{i}")).select(LINE, shown.alias("value"))
        for line, value in sub.iter_rows():
            if rule == "text-control-character":
                value = f"U+{ord(value):04X}"
            out.append(Problem(rule, rel, line=line, column=name, value=value))
    return out
