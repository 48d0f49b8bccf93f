"""Layer 7, hygiene: text that is valid but unsafe or unstable in the hands of users.

Runs on the raw text of string fields, as one SQL scan of the table the structure layer read:
Unicode NFC, control characters, cells that a spreadsheet would execute as a formula, and URLs
that are not http(s). Only the failing rows come back to Python.
"""

from __future__ import annotations

import re

import duckdb

from civharm.metadata.ddl import lit, q
from .cells import failing_rows
from .report import Problem
from .rules import raises
from .structure import LINE, Table

_CONTROL = r"[\x00-\x09\x0b-\x1f\x7f]"  # line feed is allowed: RFC 4180 permits quoted line breaks
_FORMULA = ("=", "+", "-", "@")
# Whitespace as Unicode defines it (RE2's \s is ASCII only): \s, VT, NEL and the separators.
_SPACE = r"\s\x{0B}\x{85}\p{Z}"
_URL = rf"^https?://[^{_SPACE}/?#]+[^{_SPACE}]*$"
_FIRST_CONTROL = re.compile(_CONTROL)


@raises("text-not-nfc", "text-control-character", "text-formula", "url-scheme")
def check(con: duckdb.DuckDBPyConnection, table: Table) -> list[Problem]:
    rel = table.file
    strings = [f for f in table.resource.fields
               if f["name"] in table.present and f.get("type", "string") == "string"]
    # The pre-scan of the file says whether it has any control character or non-ASCII byte;
    # a search of every cell for what the file lacks is skipped.
    control = table.scan is None or table.scan.control
    non_ascii = table.scan is None or table.scan.non_ascii
    tests, meaning = [], []  # SQL; (rule, column) of each
    for f in strings:
        c = q(f["name"])
        if control:
            tests.append(f"regexp_matches({c}, {lit(_CONTROL)})")
            meaning.append(("text-control-character", f["name"]))
        tests.append(" OR ".join(f"prefix({c}, {lit(s)})" for s in _FORMULA))
        meaning.append(("text-formula", f["name"]))
        if f.get("format") == "uri":
            tests.append(f"NOT regexp_matches({c}, {lit(_URL)})")
            meaning.append(("url-scheme", f["name"]))
    # NFC: only non-ASCII text (more bytes than characters) can be unnormalised, so only that
    # is normalised (it is costly).
    for f in strings if non_ascii else []:
        c = q(f["name"])
        tests.append(f"strlen({c}) <> length({c}) AND {c} <> nfc_normalize({c})")
        meaning.append(("text-not-nfc", f["name"]))
    names = [f["name"] for f in strings]
    out = []
    for codes, line, *values in failing_rows(con, q(table.raw), tests, [LINE, *map(q, names)]):
        row = dict(zip(names, values))
        for code in codes:
            rule, column = meaning[code]
            value = row[column]
            if rule == "text-control-character":
                value = f"U+{ord(_FIRST_CONTROL.search(value).group()):04X}"
            elif rule == "text-formula":
                value = value[0]
            out.append(Problem(rule, rel, line=line, column=column, value=value))
    return out
