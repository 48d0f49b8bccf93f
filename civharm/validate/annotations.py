"""The report as GitHub Actions workflow commands (`--format github`): each problem becomes an
annotation on its file, line and column, so a reviewer sees it on the pull request's diff.

    ::error file=data/incidents.csv,line=6,col=31,title=cell-enum (status)::status is 'x'…

Errors are `::error`, notices `::notice`. Text is escaped as GitHub's runner reads it (actions/
toolkit, command.ts): in the message `%`, CR and LF become %25, %0D and %0A; in a property (file,
title) `:` and `,` also become %3A and %2C, as they separate properties. The column of a cell is
found on its line in the CSV (1-based, in characters) when the cell starts on that line; a problem
without a line is annotated on the file.
"""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from pathlib import Path
from typing import TextIO

from .report import Problem, Report


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write_github(report: Report, out: TextIO, cwd: str | Path = ".") -> None:
    """Every problem as one workflow command, paths relative to `cwd` (the checkout), then a
    summary line."""
    root = Path(report.package).parent
    problems = report.sorted()
    columns = _columns(root, problems)
    for p in problems:
        d = p.as_dict()
        path = os.path.relpath(root / p.file, cwd)
        props = [("file", path)]
        if p.line is not None:
            props.append(("line", str(p.line)))
            col = columns.get((p.file, p.line, p.column))
            if col is not None:
                props.append(("col", str(col)))
        props.append(("title", f"{d['rule']} ({p.column})" if p.column is not None else d["rule"]))
        command = "error" if d["severity"] == "error" else "notice"
        message = f"{d['message']}\nfix: {d['hint']}" if command == "error" else d["message"]
        out.write(f"::{command} " + ",".join(f"{k}={escape_property(v)}" for k, v in props)
                  + f"::{escape_data(message)}\n")
    counted = sum(report.omitted.values())
    more = f" ({counted:,} more counted, not kept: CIVHARM_KEEP_PER_RULE)" if counted else ""
    verdict = f"invalid, {report.errors} error(s)" if report.errors else "valid"
    out.write(f"civharm-validate: {escape_data(report.title or report.package)}: {verdict}, "
              f"{report.notices} notice(s){more}\n")


def _columns(root: Path, problems: list[Problem]) -> dict[tuple[str, int, str], int]:
    """(file, line, column name) -> the 1-based character column where that cell starts, for the
    cells of CSV files that start on their record's first line. One pass over each file."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for p in problems:
        if p.line is not None and p.column is not None and p.file.endswith(".csv"):
            wanted[p.file].add(p.line)
    found = {}
    for file, lines in wanted.items():
        try:
            with open(root / file, encoding="utf-8", errors="replace", newline="") as f:
                header = None
                for number, text in enumerate(f, start=1):
                    if number == 1:
                        header = next(csv.reader([text]), [])
                    if number in lines:
                        starts = _cell_starts(text.rstrip("\r\n"))
                        for index, name in enumerate(header):
                            if index < len(starts):
                                found[(file, number, name)] = starts[index] + 1
                    if number >= max(lines):
                        break
        except OSError:  # unreadable here: the annotation goes on the line, without a column
            continue
    return found


def _cell_starts(line: str) -> list[int]:
    """The offset where each cell of one physical CSV line starts, up to the first cell that
    continues on the next line (a quoted cell with a line break)."""
    starts, quoted = [0], False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            starts.append(i + 1)
    return starts

