"""Layer 2, structure: encoding, header, and the shape of every record, with editor line numbers.

Two readers, one result: a DuckDB table of text columns (NULL = empty cell) and the line each
row starts on, where every later layer runs as SQL. The fast one is DuckDB's strict CSV reader,
straight into the table: it takes a file whose every record is one line (the canonical form
`make fmt` writes), where a row's line number is its position plus two; the file is first
scanned in chunks (never held whole in memory) for what would send it elsewhere. Anything else
(a BOM, CRLF, a blank line, a record spanning lines, a header or row the strict reader rejects)
goes to the exact reader, Python's csv module, which reports where each record starts and ends
(`line_num`); DuckDB's reader does not say which line a row came from.
"""

from __future__ import annotations

import csv
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb
import polars as pl

from civharm.metadata import csvfile
from civharm.metadata.csvfile import READ_CSV_CHECK
from civharm.metadata.ddl import lit, q
from civharm.metadata.package import Resource
from .report import Problem
from .rules import raises

LINE = "__line"  # the column that carries each row's line number through every layer
BROKEN = "__broken"  # true for a row with a cell that broke a cell rule (set by the cells layer)
# A quote with an ordinary character on both sides: inside an unquoted cell (ab"c), or a stray
# one next to a quoted cell ("US" ,). RFC 4180 allows quotes only around a whole cell or doubled
# inside one; Python's csv module reads some of these silently, and DuckDB others.
_STRAY_QUOTE = re.compile(r'(?<=[^,\n\r"])"(?=[^,\n\r"])')
# The same test on bytes, led by the literal quote so that the regex engine skips to each quote
# instead of trying every position; the character before it is checked in Python.
_QUOTE_THEN_TEXT = re.compile(rb'"(?=[^,\n\r"])')


_CHUNK = 1 << 24  # bytes read at a time by the pre-scan


def spill_directory() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="civharm-validate-")


def _has_stray_quote(data: bytes) -> bool:
    return any(m.start() > 0 and data[m.start() - 1] not in b',\n\r"' for m in _QUOTE_THEN_TEXT.finditer(data))


# Control characters (line feed aside): a file without any needs no per-cell search for them.
_CONTROL_BYTES = bytes([*range(0x00, 0x0A), *range(0x0B, 0x20), 0x7F])


@dataclass
class Scan:
    lines: int
    control: bool = True  # the file may hold a control character (other than line feed)
    non_ascii: bool = True  # the file may hold a non-ASCII character


def _scan(path: Path, header: bytes) -> Scan | None:
    """What the chunked pre-scan learns of a file the fast reader can take, or None: read in
    chunks, so a file larger than memory is never held whole. It also notes whether the file
    has any control character or non-ASCII byte at all, so that hygiene can skip searching
    every cell for what the file does not contain."""
    lines, tail, first = 0, b"", True
    control = non_ascii = False
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            if first:
                if chunk.startswith((b"\xef\xbb\xbf", b"\n")) or not chunk.startswith(header):
                    return None
                first = False
            buf = tail + chunk  # the last bytes of the chunk before: a pair split across chunks
            if b"\r" in chunk or b"\n\n" in buf or _has_stray_quote(buf):
                return None
            lines += chunk.count(b"\n")
            control = control or len(chunk.translate(None, _CONTROL_BYTES)) != len(chunk)
            non_ascii = non_ascii or not chunk.isascii()
            tail = buf[-2:]
    if first:
        return None
    return Scan(lines + (0 if tail.endswith(b"\n") else 1), control, non_ascii)
_EXTRA = "__extra"  # a column past the header, to catch rows with one cell too many
_BAD_BYTE = re.compile("[\udc80-\udcff]+")


@dataclass
class Table:
    resource: Resource
    raw: str  # the DuckDB table, named by the resource: the columns `read`'s `columns` made of the
    # schema fields present in the header (text: NULL = empty), plus LINE
    present: list[str]  # schema fields found in the header
    rows: int
    scan: Scan | None = None  # what the pre-scan found (None: the exact reader read it)

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


# What a table is made of: (resource, fields present, SQL of a field's text cell) -> SELECT items.
Columns = Callable[[Resource, list[str], Callable[[str], str]], list[str]]


def text_columns(resource: Resource, present: list[str], cell: Callable[[str], str]) -> list[str]:
    """Every present field as text (NULL = empty)."""
    return [f"{cell(n)} AS {q(n)}" for n in present]


def _fast(con: duckdb.DuckDBPyConnection, path: Path, resource: Resource, columns: Columns) -> Table | None:
    """The table of a well-formed one-line-per-record file, or None to use the exact reader. The
    file is parsed once, straight into the table the later layers use."""
    names = resource.field_names
    scan = _scan(path, ",".join(names).encode() + b"\n")
    if scan is None:
        return None
    # DuckDB pads short rows and drops one trailing delimiter, silently. So read one column
    # more than the header with padding on and empty cells as '': a padded cell comes back
    # NULL (a short row) and a filled extra column means a long row; either goes to the exact
    # reader, which reports it. Insertion order is kept, so rowid is the row's position.
    types = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in [*names, _EXTRA]) + "}"
    table = q(resource.name)
    padded = " OR ".join([*(f"{q(n)} IS NULL" for n in names), f"{_EXTRA} IS NOT NULL"])
    items = columns(resource, list(names), lambda n: f"nullif({q(n)}, '')")
    try:
        con.execute(
            f"CREATE OR REPLACE TABLE {table} AS SELECT {', '.join(items)}, "
            f"{padded} AS __padded FROM read_csv({lit(str(path))}, {READ_CSV_CHECK}, columns = {types})")
    except duckdb.Error:
        con.execute(f"DROP TABLE IF EXISTS {table}")
        return None
    rows, padded_rows = con.execute(f"SELECT count(*), count(*) FILTER (__padded) FROM {table}").fetchone()
    if rows != scan.lines - 1 or padded_rows:  # a record spans lines (line numbers need the exact reader), or ragged
        con.execute(f"DROP TABLE {table}")
        return None
    con.execute(f"ALTER TABLE {table} DROP COLUMN __padded")
    con.execute(f"ALTER TABLE {table} ADD COLUMN {LINE} BIGINT")
    con.execute(f"UPDATE {table} SET {LINE} = rowid + 2")
    return Table(resource, resource.name, list(names), rows, scan)


@raises("encoding-bom", "encoding-utf8", "header-missing-column", "header-extra-column", "header-column-order",
        "row-ragged", "row-blank", "csv-unclosed-quote", "csv-parse")
def read(con: duckdb.DuckDBPyConnection, root: Path, resource: Resource,
         columns: Columns = text_columns) -> tuple[Table | None, list[Problem]]:
    """The resource's file as a DuckDB table named by the resource, of the SELECT items `columns`
    makes from each present field's text, plus LINE; and the structure problems found."""
    rel = resource.path
    table = _fast(con, root / rel, resource, columns)
    if table is not None:
        return table, []
    data = (root / rel).read_bytes()
    problems: list[Problem] = []
    text = _decode(data, rel, problems)

    reader = csvfile.reader(text)
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

    cells = list(zip(*rows)) if rows else [()] * len(header)
    raw = pl.DataFrame(
        [pl.Series(name, cells[seen[name]], dtype=pl.Utf8) for name in present]
        + [pl.Series(LINE, lines, dtype=pl.Int64)]
    )
    raw = raw.with_columns(pl.when(pl.col(n).str.len_bytes() > 0).then(pl.col(n)).alias(n) for n in present)
    con.register("__exact", raw.to_arrow())
    con.execute(f"CREATE OR REPLACE TABLE {q(resource.name)} AS SELECT {', '.join(columns(resource, present, q))}, "
                f"{LINE} FROM __exact")
    con.unregister("__exact")
    return Table(resource, resource.name, present, raw.height), problems
