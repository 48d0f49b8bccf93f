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
_NON_ASCII = r"[^\x00-\x7f]"


def check(table: Table, ran: set[str]) -> list[Problem]:
    ran.update({"text-not-nfc", "text-control-character", "text-formula", "url-scheme"})
    raw, rel = table.raw, table.file
    strings = [f for f in table.resource.fields
               if f["name"] in table.present and f.get("type", "string") == "string"]
    tests = []  # (rule, column, failing-row expression, value shown)
    for f in strings:
        name = f["name"]
        c = pl.col(name)
        tests += [
            ("text-control-character", name, c.str.contains(_CONTROL), c.str.extract(f"({_CONTROL})")),
            ("text-formula", name, c.str.contains(_FORMULA), c.str.slice(0, 1)),
        ]
        if f.get("format") == "uri":
            tests.append(("url-scheme", name, ~c.str.contains(_URL), c))
    out = []
    if tests:
        flags = raw.select(*(t.fill_null(False).alias(str(i)) for i, (_, _, t, _) in enumerate(tests)))
        hit = [str(i) for i, s in enumerate(flags.sum().row(0)) if s]
        for i in map(int, hit):
            rule, name, bad, shown = tests[i]
            for line, value in raw.filter(bad.fill_null(False)).select(LINE, shown).iter_rows():
                if rule == "text-control-character":
                    value = f"U+{ord(value):04X}"
                out.append(Problem(rule, rel, line=line, column=name, value=value))
    # NFC: only non-ASCII text can be unnormalised, so only that is normalised (it is costly).
    if strings:
        non_ascii = raw.select(LINE, *(pl.col(f["name"]) for f in strings)).filter(
            pl.any_horizontal(pl.col(f["name"]).str.contains(_NON_ASCII) for f in strings))
        for f in strings:
            c = pl.col(f["name"])
            for line, value in non_ascii.filter(c != c.str.normalize("NFC")).select(LINE, c).iter_rows():
                out.append(Problem("text-not-nfc", rel, line=line, column=f["name"], value=value))
    return out
