"""Hand-made registers (curation/*.csv) read for the importers: a CSV whose header must be exactly
the columns an importer expects, every record checked for its number of cells, each problem
collected as 'file:line: why' so that all are reported at once."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path


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
