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

import polars as pl
import pyarrow as pa


@dataclass(frozen=True)
class EngineTypes:
    duckdb: str  # sql/load.sql's columns, the typed read_csv, TRY_CAST in the cells layer
    polars: type[pl.DataType]  # validate/models.py's parsed frames and Pandera models
    arrow: pa.DataType  # Arrow tables registered in DuckDB; what `make parquet` writes


TYPES: dict[str, EngineTypes] = {
    "string": EngineTypes("VARCHAR", pl.Utf8, pa.string()),
    "integer": EngineTypes("BIGINT", pl.Int64, pa.int64()),
    "number": EngineTypes("DOUBLE", pl.Float64, pa.float64()),
    "date": EngineTypes("DATE", pl.Date, pa.date32()),
    "boolean": EngineTypes("BOOLEAN", pl.Boolean, pa.bool_()),
}


def of(field: dict) -> EngineTypes:
    """The engine types of one Table Schema field (string when it names no type)."""
    return TYPES.get(field.get("type", "string"), TYPES["string"])
