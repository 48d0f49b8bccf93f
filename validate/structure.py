"""Layer 2, structure: encoding, header, and the shape of every record, with editor line numbers.

Two readers, one result. The fast one is DuckDB's strict CSV reader: it takes a file whose
every record is one line (the canonical form `make fmt` writes), where a row's line number is
its position plus two. Anything else (a BOM, CRLF, a blank line, a record spanning lines, a
header or row the strict reader rejects) goes to the exact reader, Python's csv module, which
reports where each record starts and ends (`line_num`); DuckDB's reader does not say which line
a row came from. Both hand a frame of text columns to polars, where every later layer runs.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from civharm.package import Resource
from .report import Problem

LINE = "__line"  # the column that carries each row's line number through every layer
BROKEN = "__broken"  # true for a row with a cell that broke a cell rule (set by the cells layer)
# A quote with an ordinary character on both sides: inside an unquoted cell (ab"c), or a stray
# one next to a quoted cell ("US" ,). RFC 4180 allows quotes only around a whole cell or doubled
# inside one; Python's csv module reads some of these silently, and DuckDB others.
_STRAY_QUOTE = re.compile(r'(?<=[^,\n\r"])"(?=[^,\n\r"])')
# The same test on bytes, led by the literal quote so that the regex engine skips to each quote
# instead of trying every position; the character before it is checked in Python.
_QUOTE_THEN_TEXT = re.compile(rb'"(?=[^,\n\r"])')


def _connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that prints nothing (its progress bar would land in the report)."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    return con


def _has_stray_quote(data: bytes) -> bool:
    return any(m.start() > 0 and data[m.start() - 1] not in b',\n\r"' for m in _QUOTE_THEN_TEXT.finditer(data))
_EXTRA = "__extra"  # a column past the header, to catch rows with one cell too many
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


def _fast(path: Path, data: bytes, resource: Resource) -> Table | None:
    """The frame of a well-formed one-line-per-record file, or None to use the exact reader."""
    names = resource.field_names
    if (data.startswith((b"\xef\xbb\xbf", b"\n")) or b"\r" in data or b"\n\n" in data
            or _has_stray_quote(data)
            or not data.startswith(",".join(names).encode() + b"\n")):
        return None
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    # DuckDB pads short rows and drops one trailing delimiter, silently. So read one column
    # more than the header with padding on and empty cells as '': a padded cell comes back
    # NULL (a short row) and a filled extra column means a long row; either goes to the exact
    # reader, which reports it.
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in [*names, _EXTRA]) + "}"
    try:
        con = _connect()
        frame = con.execute(
            f"SELECT * FROM read_csv(?, header = true, auto_detect = false, delim = ',', quote = '\"', "
            f"escape = '\"', strict_mode = true, null_padding = true, nullstr = '\x01', "
            f"columns = {columns})", [str(path)]).pl()
        con.close()
    except duckdb.Error:
        return None
    if frame.height != lines - 1:  # a record spans lines: line numbers need the exact reader
        return None
    if frame.select(pl.any_horizontal(pl.col(n).is_null() for n in names) | pl.col(_EXTRA).is_not_null()).to_series().any():
        return None
    frame = frame.drop(_EXTRA).with_columns(
        *(pl.when(pl.col(n).str.len_bytes() > 0).then(pl.col(n)).alias(n) for n in names),
        pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias(LINE))
    return Table(resource, frame, list(names))


def read(root: Path, resource: Resource, ran: set[str]) -> tuple[Table | None, list[Problem]]:
    ran.update({"encoding-bom", "encoding-utf8", "header-missing-column", "header-extra-column",
                "header-column-order", "row-ragged", "row-blank", "csv-unclosed-quote", "csv-parse"})
    rel = resource.path
    data = (root / rel).read_bytes()
    table = _fast(root / rel, data, resource)
    if table is not None:
        return table, []
    problems: list[Problem] = []
    text = _decode(data, rel, problems)

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

    reported = {p.line for p in problems}
    for m in _STRAY_QUOTE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        if line not in reported:
            reported.add(line)
            problems.append(Problem("csv-parse", rel, line=line,
                                    detail="a quote inside a cell that is not quoted as a whole, or next to one"))

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
