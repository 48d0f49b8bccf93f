"""Layers 3 and 4, cells and rows: types, field constraints and cross-field rules, as set-based
SQL inside DuckDB over the table the structure layer read.

The rules are defined once (models.FORMS, models.constraints, row_rules.row_checks) and run two
ways: as the Pandera models users check their own frames with (validate/models.py), and here as
SQL, which only returns the failing rows to Python. Why SQL and not Pandera's ibis backend over
the same DuckDB table: measured on 1,001,250 real-shaped incidents with 1,000 enum faults
(pandera 0.35, ibis-framework 12.0.0, DuckDB 1.5.6, this 2-core machine), pandera.ibis took
1.35 s for the incidents' column checks where one SQL pass took 0.43 s; and its failure cases
carry a positional index of a pandas copy of each failing check's whole output column, not the
row's line, so lines would need a second join. tests/test_engine.py holds the SQL and the
Pandera models to the same failures.

A cell that breaks a rule of its own is reported once and then treated as empty, so that one
typo does not cascade into reports from the rows and tables layers.
"""

from __future__ import annotations

import duckdb

from civharm.metadata import types
from civharm.metadata.ddl import lit, q
from . import invisible
from .models import FORMS, constraints
from .report import Problem
from .row_rules import RAISED, row_checks
from .rules import raises
from .structure import BROKEN, LINE, Table



def _text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _sql_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return lit(str(v))


def _parse(kind: str, raw: str) -> str:
    """SQL for a text cell's typed value: NULL when empty or not in the type's form."""
    if kind not in FORMS:
        return raw
    well_formed = f"regexp_matches({raw}, {lit(FORMS[kind][0])})"
    value = f"({raw} = 'true')" if kind == "boolean" else f"TRY_CAST({raw} AS {types.TYPES[kind].duckdb})"
    return f"CASE WHEN {well_formed} THEN {value} END"


def _breaks(check: str, arg, value: str) -> str:
    """SQL true when a (non-null) typed value breaks one constraint of models.constraints."""
    return {
        "isin": lambda: f"{value} NOT IN ({', '.join(map(_sql_value, arg))})",
        "str_matches": lambda: f"NOT regexp_matches({value}, {lit(arg)})",
        "ge": lambda: f"{value} < {_sql_value(arg)}",
        "le": lambda: f"{value} > {_sql_value(arg)}",
        "min_length": lambda: f"length({value}) < {int(arg)}",
        "max_length": lambda: f"length({value}) > {int(arg)}",
    }[check]()


def failing_rows(con: duckdb.DuckDBPyConnection, source: str, tests: list[str], columns: list[str]) -> list[tuple]:
    """(codes, *columns) of the rows of `source` where any test is true; codes lists the index of
    each true test. One scan; only the failing rows come back to Python."""
    if not tests:
        return []
    codes = "[" + ", ".join(f"CASE WHEN {t} THEN {i} END" for i, t in enumerate(tests)) + "]"
    rows = con.execute(f"SELECT list_filter({codes}, x -> x IS NOT NULL), {', '.join(columns)} FROM {source} "
                       f"WHERE {' OR '.join(f'({t})' for t in tests)}").fetchall()
    return rows


TEXT = "$text"  # suffix of the column that keeps a typed field's text until its cells are checked


def columns(resource, present: list[str], cell) -> list[str]:
    """The typed table's SELECT items (structure.read makes the table with them as it reads the
    file): each field typed (NULL where empty or not of its type), the text of each typed field
    beside it, and BROKEN."""
    out = []
    for f in resource.fields:
        name, kind = f["name"], f.get("type", "string")
        if name not in present:
            continue
        out.append(f"{_parse(kind, cell(name))} AS {q(name)}")
        if kind in FORMS:
            out.append(f"{cell(name)} AS {q(name + TEXT)}")
    return [*out, f"false AS {BROKEN}"]


Broken = set[tuple[str, int]]  # (column, line) of each cell that broke a cell rule


@raises("cell-type", "cell-date-impossible", "cell-required", "cell-enum", "cell-pattern", "cell-minimum",
        "cell-maximum", "cell-unique")
def check(con: duckdb.DuckDBPyConnection, table: Table) -> tuple[Broken, list[Problem]]:
    """On the typed table structure.read made with `columns`: report every cell that breaks a
    cell rule, set it to NULL and mark its row in the BROKEN column, so that table rules can
    leave such rows out. Ends by dropping the text columns; returns the broken cells for `rows`."""
    rel, res = table.file, table.resource
    fields = [f for f in res.fields if f["name"] in table.present]
    typed = q(res.name)

    pk = res.primary_key
    tests, meaning = [], []  # SQL over r (raw) and t (typed); (column, rule, expected) of each
    for f in fields:
        name, kind = f["name"], f.get("type", "string")
        t = f"t.{q(name)}"
        r = f"t.{q(name + TEXT)}" if kind in FORMS else t  # the cell's text
        c = f.get("constraints") or {}
        if kind in FORMS:
            failed = f"{r} IS NOT NULL AND {t} IS NULL"
            if kind == "date":  # written as a date, but no such day
                tests.append(f"{failed} AND regexp_matches({r}, {lit(FORMS[kind][0])})")
                meaning.append((name, "cell-date-impossible", FORMS[kind][1]))
                failed += f" AND NOT regexp_matches({r}, {lit(FORMS[kind][0])})"
            tests.append(failed)
            meaning.append((name, "cell-type", FORMS[kind][1]))
        if c.get("required"):
            tests.append(f"{r} IS NULL")
            meaning.append((name, "cell-required", None))
        for rule, check_, arg, expected in constraints(f):
            tests.append(f"coalesce({_breaks(check_, arg, t)}, false)")
            meaning.append((name, rule, expected))
        if c.get("unique") and pk != [name]:  # a one-field primary key's duplicates are pk-duplicate
            # text compared as seen: with the characters that do not show removed (invisible.py)
            key = (lambda x: invisible.visible(x)) if kind == "string" else (lambda x: x)
            tests.append(f"{key(t)} IN (SELECT {key(q(name))} FROM {typed} WHERE {q(name)} IS NOT NULL "
                         f"GROUP BY ALL HAVING count(*) > 1)")
            meaning.append((name, "cell-unique", None))

    problems: list[Problem] = []
    bad: dict[str, list[int]] = {}  # column -> lines of its broken cells
    present = [f["name"] for f in fields]
    texts = [q(f["name"] + TEXT) if f.get("type", "string") in FORMS else q(f["name"]) for f in fields]
    for codes, line, *values in failing_rows(con, f"{typed} AS t", tests, [LINE, *texts]):
        raw = dict(zip(present, values))
        for code in codes:
            column, rule, expected = meaning[code]
            problems.append(Problem(rule, rel, line=line, column=column, value=raw[column], expected=expected))
            bad.setdefault(column, []).append(line)
    for column, lines in bad.items():
        con.execute(f"UPDATE {typed} SET {q(column)} = NULL, {BROKEN} = true "
                    f"WHERE {LINE} IN (SELECT unnest(?::BIGINT[]))", [sorted(set(lines))])
    for f in fields:
        if f.get("type", "string") in FORMS:
            con.execute(f"ALTER TABLE {typed} DROP COLUMN {q(f['name'] + TEXT)}")
    return {(c, line) for c, lines in bad.items() for line in lines}, problems


@raises(*RAISED)
def rows(con: duckdb.DuckDBPyConnection, table: Table, broken: Broken) -> list[Problem]:
    """The row rules (row_rules.row_checks) on the typed table `check` left, except where a cell
    a rule reads is in `broken` (already reported)."""
    rel, typed = table.file, q(table.name)
    rules = row_checks(table.resource.fields, tuple(table.present))
    problems: list[Problem] = []
    shown = sorted({c for r in rules for c in (r.value, r.expected) if c})
    for codes, line, *values in failing_rows(con, typed, [f"NOT coalesce({r.sql}, true)" for r in rules],
                                         [LINE, *map(q, shown)]):
        row = dict(zip(shown, values))
        for code in codes:
            r = rules[code]
            if any((c, line) in broken for c in r.uses):
                continue  # a cell the rule reads is broken and already reported
            problems.append(Problem(r.id, rel, line=line, column=r.column,
                                    value=_text(row[r.value]) if r.value else None,
                                    expected=_text(row[r.expected]) if r.expected else None))
    return problems
