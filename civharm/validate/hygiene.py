"""Layer 7, hygiene: text that is valid but unsafe or unstable in the hands of users.

Runs on the raw text of string fields, as one SQL scan of the table the structure layer read:
Unicode NFC, control characters, cells that a spreadsheet would execute as a formula, and URLs
that are not http(s). Only the failing rows come back to Python.
"""

from __future__ import annotations

import re

import duckdb

from civharm.metadata.ddl import lit, q
from . import cells, invisible
from .cells import failing_rows
from .report import Problem
from .rules import raises
from .structure import LINE, Scan, Table

_CONTROL = r"[\x00-\x09\x0b-\x1f\x7f]"  # line feed is allowed: RFC 4180 permits quoted line breaks
_C1 = r"[\x{80}-\x{9f}]"  # C1 controls (RE2), only in a file with a non-ASCII byte
_FORMULA = ("=", "+", "-", "@")
# Whitespace as Unicode defines it (RE2's \s is ASCII only): \s, VT, NEL and the separators.
_SPACE = r"\s\x{0B}\x{85}\p{Z}"
_URL = rf"^https?://[^{_SPACE}/?#]+[^{_SPACE}]*$"
_FIRST_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\x80-\x9f]")


# Free text that no later rule reads, beyond whether it is empty (summary-missing): no SQL rule or
# view the validator runs (validate/sql/, the package's views, the grade views) and no row rule but
# an IS NULL. Such a column is never stored whole: `columns` keeps a cell's text only where a
# hygiene rule fails (which reports it), NULL where it is empty, and '' otherwise, so that the
# longest text of the package (notes, summaries, statements: most of its bytes) is checked as it is
# read and never written to DuckDB's table, or spilled. tests/test_hygiene_lean.py holds the list
# to that description.
FREE_TEXT = {
    "incidents": ("summary", "notes"),
    "claims": ("source_coding", "statement", "notes"),
    "sources": ("title", "notes"),
    "tallies": ("statement", "notes"),
}


_FREE = {name for names in FREE_TEXT.values() for name in names}


def _tests(field: dict, c: str, control: bool, non_ascii: bool) -> tuple[list, list]:
    """The hygiene tests of one string field whose text is the SQL `c`, as (rule, SQL) pairs: those
    run for each field in turn, then the NFC one (run after every field's others)."""
    tests = []
    searched = [p for p, on in ((_CONTROL, control), (_C1, non_ascii)) if on]
    if searched:
        tests.append(("text-control-character", " OR ".join(f"regexp_matches({c}, {lit(p)})" for p in searched)))
    if non_ascii:  # in free text a notice (Persian and Arabic text use some), elsewhere an error
        rule = "text-invisible-notice" if field.get("name") in _FREE else "text-invisible-character"
        tests.append((rule, f"regexp_matches({c}, {lit(invisible.SQL)})"))
    tests.append(("text-formula", " OR ".join(f"prefix({c}, {lit(s)})" for s in _FORMULA)))
    if field.get("format") == "uri":
        tests.append(("url-scheme", f"NOT regexp_matches({c}, {lit(_URL)})"))
    # NFC: only non-ASCII text (more bytes than characters) can be unnormalised, so only that
    # is normalised (it is costly).
    nfc = [("text-not-nfc", f"strlen({c}) <> length({c}) AND {c} <> nfc_normalize({c})")] if non_ascii else []
    return tests, nfc


def _flags(scan: Scan | None) -> tuple[bool, bool]:
    """Whether the file may hold a control character, a non-ASCII byte: the pre-scan of the file
    says; a search of every cell for what the file lacks is skipped."""
    return (scan is None or scan.control, scan is None or scan.non_ascii)


def columns(resource, present: list[str], cell, scan: Scan | None) -> list[str]:
    """cells.columns, with each FREE_TEXT field's text kept only where a hygiene test fails
    (else '' for a filled cell, NULL for an empty one): the SELECT items structure.read makes the
    table with, on either reader, so both give the hygiene and cells layers the same table."""
    free = set(FREE_TEXT.get(resource.name, ()))
    control, non_ascii = _flags(scan)
    fields = {f["name"]: f for f in resource.fields}

    def kept(name: str) -> str:
        c = cell(name)
        if name not in free or fields[name].get("type", "string") != "string":
            return c
        tests, nfc = _tests(fields[name], c, control, non_ascii)
        fails = " OR ".join(f"({sql})" for _, sql in [*tests, *nfc])
        return f"CASE WHEN {c} IS NULL OR {fails} THEN {c} ELSE '' END"

    return cells.columns(resource, present, kept)


@raises("text-not-nfc", "text-control-character", "text-formula", "url-scheme", "text-invisible-character",
        "text-invisible-notice")
def check(con: duckdb.DuckDBPyConnection, table: Table) -> list[Problem]:
    rel = table.file
    strings = [f for f in table.resource.fields
               if f["name"] in table.present and f.get("type", "string") == "string"]
    control, non_ascii = _flags(table.scan)
    tests, meaning = [], []  # SQL; (rule, column) of each
    last = []
    for f in strings:
        own, nfc = _tests(f, q(f["name"]), control, non_ascii)
        for rule, sql in own:
            tests.append(sql)
            meaning.append((rule, f["name"]))
        last += [(rule, f["name"], sql) for rule, sql in nfc]
    for rule, name, sql in last:
        tests.append(sql)
        meaning.append((rule, name))
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
            elif rule in ("text-invisible-character", "text-invisible-notice"):
                value = invisible.code_point(value)
            out.append(Problem(rule, rel, line=line, column=column, value=value))
    return out
