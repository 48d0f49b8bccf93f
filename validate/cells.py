"""Layers 3 and 4, cells and rows: types, field constraints and cross-field rules, through the
Pandera models generated from each Table Schema.

A cell that breaks a rule of its own is reported once and then treated as empty, so that one
typo does not cascade into reports from the rows and tables layers.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from .models import model, parse
from .report import Problem
from .row_rules import row_checks
from .rules import RULES
from .structure import BROKEN, LINE, Table

_CELL_RULES = {r.id for r in RULES.values() if r.layer == "cells"}
_ROW_RULES = {r.id for r in RULES.values() if r.layer == "rows"}


def _text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _failures(schema: pa.DataFrameSchema, frame: pl.DataFrame) -> list[dict]:
    try:
        schema.validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as e:
        return [c for c in e.failure_cases.iter_rows(named=True) if c["index"] is not None]


def check(table: Table, ran: set[str]) -> tuple[pl.DataFrame, list[Problem]]:
    """The typed frame of a table, with every cell that broke a cell rule set to null and its row
    marked in the BROKEN column, so that table rules can leave such rows out."""
    ran.update(_CELL_RULES | _ROW_RULES)
    rel, raw = table.file, table.raw
    typed, failures = parse(raw, table.resource.fields)
    problems = [Problem(r["rule"], rel, line=r[LINE], column=r["column"], value=r["value"], expected=r["expected"])
                for r in failures.iter_rows(named=True)]
    cells, rows, lookup = model(table.name, table.resource.schema, tuple(table.present))
    lines = typed[LINE]

    bad: set[tuple[str, int]] = {(r["column"], r["row"]) for r in failures.iter_rows(named=True)}
    for case in _failures(cells, typed):
        idx, column, check = case["index"], case["column"], case["check"]
        value = raw[column][idx] if column in table.present else None
        if check == "not_nullable":
            if value is not None:  # a cell that does not parse: reported above
                continue
            rule, expected = "cell-required", None
        elif check == "field_uniqueness":
            rule, expected = "cell-unique", None
        else:
            rule, expected = lookup[(column, case["check_number"])]
        problems.append(Problem(rule, rel, line=lines[idx], column=column, value=value, expected=expected))
        bad.add((column, idx))
    if bad:
        row = pl.int_range(pl.len())
        by_column: dict[str, list[int]] = {}
        for column, idx in bad:
            by_column.setdefault(column, []).append(idx)
        typed = typed.with_columns(
            pl.when(row.is_in(idxs)).then(None).otherwise(pl.col(c)).alias(c) for c, idxs in by_column.items())

    typed = typed.with_columns(pl.int_range(pl.len()).is_in([idx for _, idx in bad]).alias(BROKEN))

    by_name = {r.name: r for r in row_checks(table.name, tuple(table.present))}
    for case in _failures(rows, typed):
        r, idx = by_name[case["check"]], case["index"]
        if any((c, idx) in bad for c in r.uses):
            continue  # a cell the rule reads is broken and already reported
        problems.append(Problem(r.id, rel, line=lines[idx], column=r.column,
                                value=_text(typed[r.value][idx]) if r.value else None,
                                expected=_text(typed[r.expected][idx]) if r.expected else None))
    return typed, problems
