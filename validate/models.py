"""Table Schema -> Pandera: our own converter (pandera's frictionless importer reads dates as
text and nullable integers wrongly under frictionless 5), plus the typed parsing Pandera needs.

pandera 0.35 on polars cannot coerce text to Date, so `parse` turns the text columns into typed
ones first and reports the cells that do not parse; the generated model then checks constraints
and the cross-field rules of `row_rules` on the typed frame.
"""

from __future__ import annotations

from functools import lru_cache
import json

import pandera.polars as pa
import polars as pl

from .row_rules import row_checks
from .structure import LINE

DTYPES = {"string": pl.Utf8, "integer": pl.Int64, "number": pl.Float64, "date": pl.Date, "boolean": pl.Boolean}
_FORMS = {
    "integer": (r"^[+-]?[0-9]+$", "integer"),
    "number": (r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$", "number"),
    "date": (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "date (YYYY-MM-DD)"),
    "boolean": (r"^(true|false)$", "boolean (true or false)"),
}


def parse(raw: pl.DataFrame, fields: list[dict]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Typed frame (unparseable cells null) and a frame of the cells that failed, with their rule."""
    typed, failures = [], []
    for f in fields:
        name, kind = f["name"], f.get("type", "string")
        if name not in raw.columns:
            continue
        col = pl.col(name)
        if kind not in _FORMS:
            typed.append(col)
            continue
        pattern, label = _FORMS[kind]
        well_formed = col.str.contains(pattern)
        if kind == "date":
            value = col.str.to_date("%Y-%m-%d", strict=False)
        elif kind == "boolean":
            value = col == "true"
        else:
            value = col.cast(DTYPES[kind], strict=False)
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


def column_checks(f: dict) -> list[tuple[str, pa.Check, str]]:
    """(rule id, pandera check, expected text) for one field's constraints, in check order."""
    c = f.get("constraints") or {}
    out = []
    if "enum" in c:
        out.append(("cell-enum", pa.Check.isin(c["enum"]), ", ".join(map(str, c["enum"]))))
    if "pattern" in c:
        out.append(("cell-pattern", pa.Check.str_matches(f"^(?:{c['pattern']})$"), c["pattern"]))
    if "minimum" in c:
        out.append(("cell-minimum", pa.Check.ge(c["minimum"]), str(c["minimum"])))
    if "maximum" in c:
        out.append(("cell-maximum", pa.Check.le(c["maximum"]), str(c["maximum"])))
    if "minLength" in c:
        out.append(("cell-pattern", pa.Check.str_length(min_value=c["minLength"]), f"at least {c['minLength']} characters"))
    if "maxLength" in c:
        out.append(("cell-pattern", pa.Check.str_length(max_value=c["maxLength"]), f"at most {c['maxLength']} characters"))
    return out


def model(resource_name: str, schema: dict, present: tuple[str, ...]):
    """The Pandera models of one resource (only the columns its file has): one for the cells,
    one for the cross-field rules, which runs on the cells that passed the first; and a map from
    (column, check_number) to (rule id, expected) to read Pandera's failure cases back."""
    return _model(resource_name, json.dumps(schema, sort_keys=True), present)


@lru_cache(maxsize=32)
def _model(resource_name: str, schema_json: str, present: tuple[str, ...]):
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
            DTYPES.get(f.get("type", "string"), pl.Utf8),
            checks=[check for _, check, _ in checks],
            nullable=not c.get("required", False),
            # a one-field primary key's duplicates are reported by the table rule pk-duplicate
            unique=bool(c.get("unique")) and pk != [name],
        )
    columns[LINE] = pa.Column(pl.Int64)
    rows = pa.DataFrameSchema(checks=[pa.Check(r.check, name=r.name) for r in row_checks(resource_name, present)],
                              name=resource_name)
    return pa.DataFrameSchema(columns, name=resource_name), rows, lookup
