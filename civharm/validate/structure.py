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
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb
import polars as pl

from civharm.metadata.confine import TooLarge, check_size, limit
from civharm.metadata.ddl import lit, q
from civharm.metadata.package import Resource
from .report import Capped, Problem

LINE = "__line"  # the column that carries each row's line number through every layer
BROKEN = "__broken"  # true for a row with a cell that broke a cell rule (set by the cells layer)
# A quote with an ordinary character on both sides: inside an unquoted cell (ab"c), or a stray
# one next to a quoted cell ("US" ,). RFC 4180 allows quotes only around a whole cell or doubled
# inside one; Python's csv module reads some of these silently, and DuckDB others.
_STRAY_QUOTE = re.compile(r'(?<=[^,\n\r"])"(?=[^,\n\r"])')
# The same test on bytes, led by the literal quote so that the regex engine skips to each quote
# instead of trying every position; the character before it is checked in Python.
_QUOTE_THEN_TEXT = re.compile(rb'"(?=[^,\n\r"])')


# DuckDB's memory for a run: tables past it spill to a temporary directory, so a package larger
# than memory still validates. CIVHARM_MEMORY_LIMIT overrides it (any DuckDB size: 2GB, 800MB).
MEMORY_LIMIT = "512MB"
_CHUNK = 1 << 24  # bytes read at a time by the pre-scan


def _connect(spill: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that prints nothing (its progress bar would land in the report), with
    a memory limit and, given a directory, spilling there."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    if spill is not None:
        limit = os.environ.get("CIVHARM_MEMORY_LIMIT", MEMORY_LIMIT)
        try:
            con.execute(f"SET memory_limit = {lit(limit)}")
        except duckdb.Error:
            con.close()
            raise BadSetting(f"CIVHARM_MEMORY_LIMIT={limit!r} is not a memory size DuckDB takes (e.g. 2GB, 800MB)")
        con.execute(f"SET temp_directory = {lit(spill)}")
    return con


class BadSetting(Exception):
    """A setting from the environment that validation cannot run with (exit 2)."""


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


class _Lines:
    """The file's lines, decoded one at a time for Python's csv reader, in bounded memory.

    Every line's number is known as it is read, so a problem on it (a bad byte, a stray quote, a
    line past the limit) is reported with its line at once: nothing is ever counted from the
    start of the file again (that was quadratic). A line longer than `max_line` bytes is reported
    and skipped in chunks, never held; the csv reader gets an empty line in its place, so that
    its line count stays right (`skipped` says which blank lines not to report)."""

    def __init__(self, f, rel: str, problems: list[Problem], max_line: int):
        self.f, self.rel, self.problems, self.max_line = f, rel, problems, max_line
        self.line = 0  # lines read so far: the number of the last one
        self.offset = 0  # bytes read so far, after any BOM (the encoding rule's byte offset)
        self.record_start = 1  # the first line of the record the csv reader is reading
        self.first_stray: int | None = None  # a stray quote on a record's first line, decided later
        self.flagged: int | None = None  # the last line with an encoding or length problem
        self.skipped: set[int] = set()  # lines too long, replaced by an empty line (few: each costs a megabyte)

    def __iter__(self):
        return self

    def __next__(self) -> str:
        raw = self.f.readline(self.max_line + 1)
        if not raw:
            raise StopIteration
        self.line += 1
        if self.line == 1 and raw.startswith(b"\xef\xbb\xbf"):
            self.problems.append(Problem("encoding-bom", self.rel, line=1))
            raw = raw[3:]
        at = self.offset
        self.offset += len(raw)
        if len(raw) > self.max_line and not raw.endswith(b"\n"):
            size = len(raw)
            while more := self.f.readline(_CHUNK):  # the rest of the line, a chunk at a time
                size += len(more)
                if more.endswith(b"\n"):
                    break
            self.offset += size - len(raw)
            self.problems.append(Problem("line-too-long", self.rel, line=self.line, value=f"{size:,}",
                                         expected=f"{self.max_line:,}"))
            self.skipped.add(self.line)
            self.flagged = self.line
            return "\n"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", errors="surrogateescape")
            m = _BAD_BYTE.search(text)
            offset = at + len(text[: m.start()].encode("utf-8", errors="surrogateescape"))
            codes = [f"{ord(c) - 0xDC00:02X}" for c in m.group()]
            self.problems.append(Problem("encoding-utf8", self.rel, line=self.line, value=" ".join(codes),
                                         detail=f"{offset} (0x{' 0x'.join(codes)})"))
            self.flagged = self.line
            text = _BAD_BYTE.sub("\ufffd", text)
        if '"' in text and self.flagged != self.line and _STRAY_QUOTE.search(text):
            if self.line == self.record_start:  # unless the record starting here has a problem
                self.first_stray = self.line
            else:
                self.problems.append(Problem("csv-parse", self.rel, line=self.line, detail=_STRAY_DETAIL))
        return text


_STRAY_DETAIL = "a quote inside a cell that is not quoted as a whole, or next to one"
# Records converted to a DuckDB table at a time by the exact reader: its memory is one batch.
_BATCH = 50_000


# What a table is made of: (resource, fields present, SQL of a field's text cell) -> SELECT items.
Columns = Callable[[Resource, list[str], Callable[[str], str]], list[str]]


def text_columns(resource: Resource, present: list[str], cell: Callable[[str], str]) -> list[str]:
    """Every present field as text (NULL = empty)."""
    return [f"{cell(n)} AS {q(n)}" for n in present]


def _fast(con: duckdb.DuckDBPyConnection, path: Path, resource: Resource, columns: Columns,
          max_line: int) -> Table | None:
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
            f"{padded} AS __padded FROM read_csv(?, header = true, auto_detect = false, delim = ',', quote = '\"', "
            f"escape = '\"', strict_mode = true, null_padding = true, nullstr = '\x01', max_line_size = {max_line + 1}, "
            f"columns = {types})".replace("read_csv(?", f"read_csv({lit(str(path))}"))
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


def read(con: duckdb.DuckDBPyConnection, root: Path, resource: Resource, ran: set[str],
         columns: Columns = text_columns) -> tuple[Table | None, list[Problem]]:
    """The resource's file as a DuckDB table named by the resource, of the SELECT items `columns`
    makes from each present field's text, plus LINE; and the structure problems found."""
    ran.update({"encoding-bom", "encoding-utf8", "header-missing-column", "header-extra-column",
                "header-column-order", "row-ragged", "row-blank", "csv-unclosed-quote", "csv-parse",
                "line-too-long", "file-too-large"})
    rel = resource.path
    try:
        check_size(root / rel, rel)
    except TooLarge as e:
        return None, [Problem("file-too-large", rel, value=f"{e.size:,}", expected=f"{e.limit:,}", detail=e.setting)]
    max_line = limit("CIVHARM_MAX_LINE_BYTES")
    table = _fast(con, root / rel, resource, columns, max_line)
    if table is not None:
        return table, []
    problems = Capped()
    # Python's csv module caps a field at 128 KB by default; the line limit is the one limit, so
    # that both readers give the same verdict on the same cell.
    csv.field_size_limit(max_line)
    with open(root / rel, "rb") as f:
        lines = _Lines(f, rel, problems, max_line)
        reader = csv.reader(lines, strict=True)
        header: list[str] | None = None
        batch: list[list[str]] = []
        at: list[int] = []
        present: list[str] = []
        seen: dict[str, int] = {}
        rows = 0
        end = 0  # last physical line consumed
        while True:
            start = lines.record_start = end + 1
            lines.first_stray = None
            bad = False
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                end = lines.line
                bad = True
                if "unexpected end of data" in str(e):
                    problems.append(Problem("csv-unclosed-quote", rel, line=start))
                    break
                problems.append(Problem("csv-parse", rel, line=start, detail=str(e)))
                continue
            finally:
                if lines.first_stray is not None and not (bad or lines.flagged == start):
                    pending_stray = lines.first_stray
                else:
                    pending_stray = None
            end = lines.line
            if not record:
                if start not in lines.skipped:
                    problems.append(Problem("row-blank", rel, line=start))
                continue
            if header is None:
                header = record
                present, seen = _header(header, resource, rel, problems)
                _flush_stray(problems, rel, pending_stray)
                continue
            if len(record) != len(header):
                problems.append(Problem("row-ragged", rel, line=start, value=str(len(record)), expected=str(len(header))))
                continue
            _flush_stray(problems, rel, pending_stray)
            batch.append([record[seen[n]] for n in present])
            at.append(start)
            if len(batch) >= _BATCH:
                rows += _insert(con, resource, present, columns, batch, at, rows == 0)
                batch, at = [], []

    if header is None:
        problems.append(Problem("csv-parse", rel, line=1, detail="the file is empty; it needs at least the header row"))
        return None, problems
    rows += _insert(con, resource, present, columns, batch, at, rows == 0)
    return Table(resource, resource.name, present, rows), problems


def _flush_stray(problems: list[Problem], rel: str, line: int | None) -> None:
    """Report a stray quote on a record's first line once the record is known to have no other
    problem there (one problem per line is enough to send the reader to it)."""
    if line is not None:
        problems.append(Problem("csv-parse", rel, line=line, detail=_STRAY_DETAIL))


def _header(header: list[str], resource: Resource, rel: str, problems: list[Problem]) -> tuple[list[str], dict[str, int]]:
    """The schema fields present in the header and where each is, with the header's problems."""
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
    return present, seen


def _insert(con: duckdb.DuckDBPyConnection, resource: Resource, present: list[str], columns: Columns,
            batch: list[list[str]], at: list[int], create: bool) -> int:
    """Add a batch of records (cells of the present fields, in order) to the resource's table,
    creating it with the first batch; returns the number added."""
    cells = list(zip(*batch)) if batch else [()] * len(present)
    raw = pl.DataFrame([pl.Series(name, cells[i], dtype=pl.Utf8) for i, name in enumerate(present)]
                       + [pl.Series(LINE, at, dtype=pl.Int64)])
    raw = raw.with_columns(pl.when(pl.col(n).str.len_bytes() > 0).then(pl.col(n)).alias(n) for n in present)
    con.register("__exact", raw.to_arrow())
    try:
        select = f"SELECT {', '.join([*columns(resource, present, q), LINE])} FROM __exact"
        if create:
            con.execute(f"CREATE OR REPLACE TABLE {q(resource.name)} AS {select}")
        else:
            con.execute(f"INSERT INTO {q(resource.name)} {select}")
    finally:
        con.unregister("__exact")
    return raw.height
