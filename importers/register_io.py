"""Hand-made registers (curation/*.csv) read for the importers: a CSV whose header must be exactly
the columns an importer expects, every record checked for its number of cells, each problem
collected as 'file:line: why' so that all are reported at once."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"


def schema_field(table: str, field: str) -> dict:
    """A field of the project's Table Schemas: a register's controlled words are the schema's own."""
    schema = json.loads((SCHEMAS / f"{table}.schema.json").read_text(encoding="utf-8"))
    return next(f for f in schema["fields"] if f["name"] == field)


def schema_enum(table: str, field: str) -> tuple[str, ...]:
    return tuple(schema_field(table, field)["constraints"]["enum"])


def schema_pattern(table: str, field: str) -> re.Pattern:
    return re.compile(schema_field(table, field)["constraints"]["pattern"])


class RegisterError(Exception):
    """A register cannot be used; `problems` lists each as 'file:line: column: why'."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s) in the register")
        self.problems = problems


def read_rows(path: Path, columns: tuple[str, ...], problems: list[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        problems.append(f"{path}: cannot be read ({e.strerror or e})")
        return []
    except UnicodeDecodeError:
        problems.append(f"{path}: is not UTF-8")
        return []
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        records = list(reader)
    except csv.Error as e:
        problems.append(f"{path}:{reader.line_num}: not readable as CSV ({e})")
        return []
    if not records or tuple(records[0]) != columns:
        problems.append(f"{path}:1: the header must be exactly: {','.join(columns)}")
        return []
    rows = []
    line = 1
    for rec in records[1:]:
        line += 1 + sum(cell.count("\n") for cell in rec)  # a quoted line break spans lines
        if len(rec) != len(columns):
            problems.append(f"{path}:{line}: {len(rec)} cells, not {len(columns)}")
            continue
        rows.append((line, dict(zip(columns, rec))))
    return rows


def is_date(v: str, form: str = "%Y-%m-%d") -> bool:
    try:
        dt.datetime.strptime(v, form)
        return True
    except ValueError:
        return False


@dataclass
class Row:
    """One register row: where it is and its cells as text."""
    file: str
    line: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells[column]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def figure_problems(cells: dict[str, str], stems, bad) -> None:
    """Each `<stem>_min`/`<stem>_max` a whole number or blank, and the max not below the min."""
    for stem in stems:
        lo, hi = cells[f"{stem}_min"], cells[f"{stem}_max"]
        for col, v in ((f"{stem}_min", lo), (f"{stem}_max", hi)):
            if v and not v.isdigit():
                bad(col, f"{v!r} is not a whole number")
        if lo.isdigit() and hi.isdigit() and int(hi) < int(lo):
            bad(f"{stem}_max", f"{hi} is below {stem}_min {lo}")
