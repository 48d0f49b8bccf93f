"""Layer 2, structure: encoding, header, and the shape of every record, with editor line numbers.

Python's csv module (C) does the parsing because it reports where each record ends
(`line_num`), which DuckDB's and polars' readers do not; the rows then go to polars, where every
later layer runs vectorised.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from civharm.package import Resource
from .report import Problem

LINE = "__line"  # the column that carries each row's line number through every layer
BROKEN = "__broken"  # true for a row with a cell that broke a cell rule (set by the cells layer)
_BAD_BYTE = re.compile("[\udc80-\udcff]+")


@dataclass
class Table:
    resource: Resource
    raw: pl.DataFrame  # one Utf8 column per schema field present in the header (null = empty), plus LINE
    present: list[str]  # schema fields found in the header

    @property
    def name(self) -> str:
        return self.resource.name

    @property
    def file(self) -> str:
        return self.resource.path


def _decode(data: bytes, rel: str, problems: list[Problem]) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem("encoding-bom", rel, line=1))
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="surrogateescape")
    seen = set()
    for m in _BAD_BYTE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        if line not in seen:
            seen.add(line)
            offset = len(text[: m.start()].encode("utf-8", errors="surrogateescape"))
            problems.append(Problem("encoding-utf8", rel, line=line,
                                    value=" ".join(f"{ord(c) - 0xDC00:02X}" for c in m.group()),
                                    detail=f"{offset} (0x{' 0x'.join(f'{ord(c) - 0xDC00:02X}' for c in m.group())})"))
    return _BAD_BYTE.sub("\ufffd", text)


def read(root: Path, resource: Resource, ran: set[str]) -> tuple[Table | None, list[Problem]]:
    ran.update({"encoding-bom", "encoding-utf8", "header-missing-column", "header-extra-column",
                "header-column-order", "row-ragged", "row-blank", "csv-unclosed-quote", "csv-parse"})
    rel = resource.path
    problems: list[Problem] = []
    text = _decode((root / rel).read_bytes(), rel, problems)

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    end = 0  # last physical line consumed
    while True:
        start = end + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            end = reader.line_num
            if "unexpected end of data" in str(e):
                problems.append(Problem("csv-unclosed-quote", rel, line=start))
                break
            problems.append(Problem("csv-parse", rel, line=start, detail=str(e)))
            continue
        end = reader.line_num
        if not record:
            problems.append(Problem("row-blank", rel, line=start))
            continue
        if header is None:
            header = record
            continue
        if len(record) != len(header):
            problems.append(Problem("row-ragged", rel, line=start, value=str(len(record)), expected=str(len(header))))
            continue
        rows.append(record)
        lines.append(start)

    if header is None:
        problems.append(Problem("csv-parse", rel, line=1, detail="the file is empty; it needs at least the header row"))
        return None, problems

    expected = resource.field_names
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name not in expected or name in seen:
            problems.append(Problem("header-extra-column", rel, line=1, column=name))
        else:
            seen[name] = i
    for name in expected:
        if name not in seen:
            problems.append(Problem("header-missing-column", rel, line=1, column=name))
    present = [n for n in expected if n in seen]
    in_file_order = sorted(present, key=seen.__getitem__)
    for pos, name in enumerate(in_file_order):
        if present[pos] != name:
            problems.append(Problem("header-column-order", rel, line=1, column=name,
                                    value=str(seen[name] + 1), expected=str(expected.index(name) + 1)))

    columns = list(zip(*rows)) if rows else [()] * len(header)
    raw = pl.DataFrame(
        [pl.Series(name, columns[seen[name]], dtype=pl.Utf8) for name in present]
        + [pl.Series(LINE, lines, dtype=pl.Int64)]
    )
    raw = raw.with_columns(pl.when(pl.col(n).str.len_bytes() > 0).then(pl.col(n)).alias(n) for n in present)
    return Table(resource, raw, present), problems
