"""Table Schema -> Pandera: our own converter (pandera's frictionless importer reads dates as
text and nullable integers wrongly under frictionless 5), plus the typed parsing Pandera needs.

These models are the public form of the cell and row rules: check a polars frame of your own
with them (see validate/README.md). pandera 0.35 on polars cannot coerce text to Date, so
`parse` turns the text columns into typed ones first and reports the cells that do not parse;
the generated model then checks constraints and the cross-field rules of `row_rules` on the
typed frame. `make validate` runs the same rules as SQL inside DuckDB (validate/cells.py), built
from the same definitions (`FORMS`, `constraints`, `row_checks`); a test holds the two equal.
"""

from __future__ import annotations

from functools import lru_cache
import json
from typing import TYPE_CHECKING

from civharm.metadata import types
from .row_rules import row_checks
from .structure import LINE

if TYPE_CHECKING:  # polars is imported where it is used: make validate never needs it
    import polars as pl

FORMS = {  # the text form of each typed value, and its name in messages
    "integer": (r"^[+-]?[0-9]+$", "integer"),
    "number": (r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$", "number"),
    "date": (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "date (YYYY-MM-DD)"),
    "boolean": (r"^(true|false)$", "boolean (true or false)"),
}


def parse(raw: pl.DataFrame, fields: list[dict]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Typed frame (unparseable cells null) and a frame of the cells that failed, with their rule."""
    import polars as pl  # here, not at the top: make validate imports this module for FORMS only
    typed, failures = [], []
    for f in fields:
        name, kind = f["name"], f.get("type", "string")
        if name not in raw.columns:
            continue
        col = pl.col(name)
        if kind not in FORMS:
            typed.append(col)
            continue
        pattern, label = FORMS[kind]
        well_formed = col.str.contains(pattern)
        if kind == "date":
            value = col.str.to_date("%Y-%m-%d", strict=False)
        elif kind == "boolean":
            value = col == "true"
        else:
            value = col.cast(types.of(f).polars, strict=False)
        value = pl.when(well_formed).then(value)
        typed.append(value.alias(name))
        bad = raw.select(pl.int_range(pl.len()).alias("row"), pl.col(LINE), col.alias("value"), value.alias("parsed"),
                         well_formed.alias("ok")).filter(
            pl.col("value").is_not_null() & pl.col("parsed").is_null())
        if bad.height:
            failures.append(bad.select(
                "row", LINE, "value", pl.lit(name).alias("column"), pl.lit(label).alias("expected"),
                (pl.when(pl.col("ok")).then(pl.lit("cell-date-impossible")).otherwise(pl.lit("cell-type"))
                 if kind == "date" else pl.lit("cell-type")).alias("rule")))
    frame = raw.select(*typed, LINE)
    empty = pl.DataFrame(schema={"row": pl.Int64, LINE: pl.Int64, "value": pl.Utf8, "column": pl.Utf8, "expected": pl.Utf8, "rule": pl.Utf8})
    return frame, pl.concat(failures) if failures else empty


def constraints(f: dict) -> list[tuple[str, str, object, str]]:
    """(rule id, check, argument, expected text) for one field's constraints, in check order: the
    one definition both the Pandera model and the SQL engine are built from."""
    c = f.get("constraints") or {}
    out = []
    if "enum" in c:
        out.append(("cell-enum", "isin", c["enum"], ", ".join(map(str, c["enum"]))))
    if "pattern" in c:
        out.append(("cell-pattern", "str_matches", f"^(?:{c['pattern']})$", c["pattern"]))
    if "minimum" in c:
        out.append(("cell-minimum", "ge", c["minimum"], str(c["minimum"])))
    if "maximum" in c:
        out.append(("cell-maximum", "le", c["maximum"], str(c["maximum"])))
    if "minLength" in c:
        out.append(("cell-pattern", "min_length", c["minLength"], f"at least {c['minLength']} characters"))
    if "maxLength" in c:
        out.append(("cell-pattern", "max_length", c["maxLength"], f"at most {c['maxLength']} characters"))
    return out


def column_checks(f: dict) -> list[tuple[str, "pa.Check", str]]:
    """(rule id, pandera check, expected text) for one field's constraints, in check order."""
    import pandera.polars as pa  # only the models need pandera; make validate runs the SQL form

    make = {"isin": pa.Check.isin, "str_matches": pa.Check.str_matches, "ge": pa.Check.ge, "le": pa.Check.le,
            "min_length": lambda n: pa.Check.str_length(min_value=n),
            "max_length": lambda n: pa.Check.str_length(max_value=n)}
    return [(rule, make[kind](arg), expected) for rule, kind, arg, expected in constraints(f)]


def model(resource_name: str, schema: dict, present: tuple[str, ...]):
    """The Pandera models of one resource (only the columns its file has): one for the cells,
    one for the cross-field rules, which runs on the cells that passed the first; and a map from
    (column, check_number) to (rule id, expected) to read Pandera's failure cases back."""
    return _model(resource_name, json.dumps(schema, sort_keys=True), present)


@lru_cache(maxsize=32)
def _model(resource_name: str, schema_json: str, present: tuple[str, ...]):
    import pandera.polars as pa
    import polars as pl

    schema = json.loads(schema_json)
    pk = schema.get("primaryKey") or []
    pk = [pk] if isinstance(pk, str) else pk
    columns, lookup = {}, {}
    for f in schema["fields"]:
        name = f["name"]
        if name not in present:
            continue
        c = f.get("constraints") or {}
        checks = column_checks(f)
        for number, (rule, _, expected) in enumerate(checks):
            lookup[(name, number)] = (rule, expected)
        columns[name] = pa.Column(
            types.of(f).polars,
            checks=[check for _, check, _ in checks],
            nullable=not c.get("required", False),
            # a one-field primary key's duplicates are reported by the table rule pk-duplicate
            unique=bool(c.get("unique")) and pk != [name],
        )
    columns[LINE] = pa.Column(pl.Int64)
    rows = pa.DataFrameSchema(checks=[pa.Check(r.check, name=r.name) for r in row_checks(schema["fields"], present)],
                              name=resource_name)
    return pa.DataFrameSchema(columns, name=resource_name), rows, lookup
