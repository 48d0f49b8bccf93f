"""What each engine calls a Table Schema type: one table, so that DuckDB's DDL, the validator's
polars frames, the Pandera models and the Arrow/Parquet columns cannot drift apart.

    Table Schema   DuckDB     polars      pyarrow     (pandera.polars uses the polars column)
    string         VARCHAR    Utf8        string
    integer        BIGINT     Int64       int64
    number         DOUBLE     Float64     float64
    date           DATE       Date        date32
    boolean        BOOLEAN    Boolean     bool

A field with no `type` is a string (Table Schema's default). The descriptor layer of the
validator rejects any other type, so `of` falls back to string only for what it already reported.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EngineTypes:
    """One Table Schema type in each engine. The polars and Arrow types are named here and looked
    up when asked for: importing polars and pyarrow costs about a second, and `make validate`, which
    imports this table for its DuckDB types, needs neither of them (the ≤ 1 s target of issue 10)."""

    duckdb: str  # sql/load.sql's columns, the typed read_csv, TRY_CAST in the cells layer
    polars_name: str  # validate/models.py's parsed frames and Pandera models
    arrow_name: str  # Arrow tables registered in DuckDB; what `make parquet` writes

    @property
    def polars(self):
        """The polars data type (a class, as pandera.polars compares them)."""
        import polars  # third-party, imported on first use: see the class's docstring

        return getattr(polars, self.polars_name)

    @property
    def arrow(self):
        """The pyarrow data type."""
        import pyarrow  # third-party, imported on first use: see the class's docstring

        return getattr(pyarrow, self.arrow_name)()


TYPES: dict[str, EngineTypes] = {
    "string": EngineTypes("VARCHAR", "Utf8", "string"),
    "integer": EngineTypes("BIGINT", "Int64", "int64"),
    "number": EngineTypes("DOUBLE", "Float64", "float64"),
    "date": EngineTypes("DATE", "Date", "date32"),
    "boolean": EngineTypes("BOOLEAN", "Boolean", "bool_"),
}


def of(field: dict) -> EngineTypes:
    """The engine types of one Table Schema field (string when it names no type)."""
    return TYPES.get(field.get("type", "string"), TYPES["string"])
