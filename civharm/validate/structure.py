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

import bisect
import collections
import csv
import io
import itertools
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb
import polars as pl

from civharm.metadata.confine import TooLarge, check_size, limit
from civharm.metadata.csvfile import READ_CSV_CHECK
from civharm.metadata.ddl import lit, q
from civharm.metadata.package import Resource
from .report import Capped, Problem
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


class _Lines:
    """The file's lines, decoded for Python's csv reader, read in chunks: bounded memory, linear time.

    Each chunk (whole lines) is decoded at once; only a chunk with a bad byte is decoded line by
    line, to say which line and byte. Line numbers come from one index of the chunk's newlines
    (a sorted list searched with bisect): nothing is ever counted from the start of the file again
    (that was quadratic on a file with many bad bytes or quotes). A line longer than `max_line`
    bytes is reported and skipped a chunk at a time, never held whole; the csv reader gets an
    empty line in its place, so that its line count (`line_num`) stays right (`skipped` says which
    blank lines not to report). Stray quotes found in a chunk wait in `strays` until the reader
    knows whether another problem already marks their line."""

    def __init__(self, f, rel: str, problems: list[Problem], max_line: int):
        self.f, self.rel, self.problems, self.max_line = f, rel, problems, max_line
        self.skipped: set[int] = set()  # lines too long (few: each is a megabyte of file)
        self.strays: collections.deque[int] = collections.deque()  # lines with a stray quote, in order

    def __iter__(self):
        # chained in C: a Python generator resumed once per line costs more than the csv parsing
        return itertools.chain.from_iterable(self._parts())

    def _parts(self):
        """Iterables of lines, one per chunk."""
        f, base, offset, carry, first = self.f, 0, 0, b"", True
        while True:
            chunk = f.read(_CHUNK)
            buf = carry + chunk if carry else chunk
            if first and buf:
                first = False
                if buf.startswith(b"\xef\xbb\xbf"):
                    self.problems.append(Problem("encoding-bom", self.rel, line=1))
                    buf = buf[3:]
            if not buf:
                return
            end = buf.rfind(b"\n") + 1 if chunk else len(buf)
            if end == 0:  # no line ends here yet
                if len(buf) > self.max_line:  # a line too long: skip to its end
                    size, carry = self._skip(len(buf))
                    self._too_long(base + 1, size)
                    yield ("\n",)
                    base, offset = base + 1, offset + size
                    continue
                carry = buf
                continue
            part, carry = buf[:end], buf[end:]
            yield self._part(part, base, offset)
            base += part.count(b"\n") + (not part.endswith(b"\n"))
            offset += len(part)

    def _skip(self, size: int) -> tuple[int, bytes]:
        """Read on to the end of the current line: (its size with the newline, the bytes after it)."""
        while chunk := self.f.read(_CHUNK):
            cut = chunk.find(b"\n")
            if cut >= 0:
                return size + cut + 1, chunk[cut + 1:]
            size += len(chunk)
        return size, b""

    def _too_long(self, line: int, size: int) -> None:
        self.problems.append(Problem("line-too-long", self.rel, line=line, value=f"{size:,}", expected=f"{self.max_line:,}"))
        self.skipped.add(line)

    def _part(self, part: bytes, base: int, offset: int):
        """The lines of `part` (whole lines, the first being line base + 1) as text."""
        newlines = None  # byte positions of the newlines: the chunk's one index, made when needed
        flagged: set[int] = set()  # lines with a bad byte or too long: no stray-quote report there

        def index() -> list[int]:
            nonlocal newlines
            if newlines is None:
                newlines = [m.start() for m in _NEWLINE.finditer(part)]
            return newlines

        long_lines = []
        if len(part) > self.max_line and max(map(len, part.split(b"\n"))) > self.max_line:  # (in C)
            long_lines = [i for i, raw in enumerate(part.split(b"\n")) if len(raw) > self.max_line]
        try:
            if long_lines:
                raise UnicodeDecodeError("utf-8", b"", 0, 0, "line too long")  # the line-by-line path
            text = part.decode("utf-8")
        except UnicodeDecodeError:
            text = self._by_line(part, base, offset, set(long_lines), flagged)
        if b'"' in part:
            for m in _QUOTE_THEN_TEXT.finditer(part):
                at = m.start()
                if at > 0 and part[at - 1] not in b',\n\r"':
                    line = base + bisect.bisect_left(index(), at) + 1
                    if line not in flagged and (not self.strays or self.strays[-1] != line):
                        self.strays.append(line)
        return io.StringIO(text, newline="\n")  # iterated line by line, in C

    def _by_line(self, part: bytes, base: int, offset: int, long_lines: set[int], flagged: set[int]) -> str:
        """The text of a chunk with a bad byte or a line too long, line by line."""
        out = []
        at = offset
        for i, raw in enumerate(part.split(b"\n")):
            line = base + i + 1
            if i in long_lines:
                self._too_long(line, len(raw) + 1)
                flagged.add(line)
                out.append("")
            else:
                try:
                    out.append(raw.decode("utf-8"))
                except UnicodeDecodeError:
                    text = raw.decode("utf-8", errors="surrogateescape")
                    m = _BAD_BYTE.search(text)
                    where = at + len(text[: m.start()].encode("utf-8", errors="surrogateescape"))
                    codes = [f"{ord(c) - 0xDC00:02X}" for c in m.group()]
                    self.problems.append(Problem("encoding-utf8", self.rel, line=line, value=" ".join(codes),
                                                 detail=f"{where} (0x{' 0x'.join(codes)})"))
                    flagged.add(line)
                    out.append(_BAD_BYTE.sub("\ufffd", text))
            at += len(raw) + 1
        return "\n".join(out)


_NEWLINE = re.compile(rb"\n")
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
            # error() stops the read at the first ragged row: a file of millions of them would
            # otherwise be loaded whole before the exact reader takes it anyway
            f"CASE WHEN {padded} THEN error('ragged') ELSE false END AS __padded FROM read_csv({lit(str(path))}, "
            f"{READ_CSV_CHECK}, max_line_size = {max_line + 1}, columns = {types})")
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
        "row-ragged", "row-blank", "csv-unclosed-quote", "csv-parse", "line-too-long", "file-too-large")
def read(con: duckdb.DuckDBPyConnection, root: Path, resource: Resource,
         columns: Columns = text_columns) -> tuple[Table | None, list[Problem]]:
    """The resource's file as a DuckDB table named by the resource, of the SELECT items `columns`
    makes from each present field's text, plus LINE; and the structure problems found."""
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
        strays = lines.strays
        reader = csv.reader(lines, strict=True)
        header: list[str] | None = None
        batch: list[list[str]] = []
        at: list[int] = []
        present: list[str] = []
        seen: dict[str, int] = {}
        rows = 0
        end = 0  # last physical line consumed
        while True:
            start = end + 1
            problem = True  # the record starting at `start` has a problem reported at that line
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
            else:
                end = reader.line_num
                if not record:
                    if start not in lines.skipped:
                        problems.append(Problem("row-blank", rel, line=start))
                elif header is None:
                    header = record
                    present, seen = _header(header, resource, rel, problems)
                    width, ragged_full = len(header), False
                    problem = False
                elif len(record) != width:
                    if ragged_full or problems.full(rel, "row-ragged"):  # counted, no Problem made: fast on millions
                        ragged_full = True
                        problems.omitted[(rel, "row-ragged")] += 1
                    else:
                        problems.append(Problem("row-ragged", rel, line=start, value=str(len(record)),
                                                expected=str(width)))
                else:
                    problem = False
                    batch.append([record[seen[n]] for n in present])
                    at.append(start)
                    if len(batch) >= _BATCH:
                        rows += _insert(con, resource, present, columns, batch, at, rows == 0)
                        batch, at = [], []
            finally:
                while strays and strays[0] <= end:  # stray quotes in the lines this record took
                    line = strays.popleft()
                    if not (problem and line == start):
                        problems.append(Problem("csv-parse", rel, line=line, detail=_STRAY_DETAIL))
        while strays:  # after an unclosed quote
            line = strays.popleft()
            if line != start:
                problems.append(Problem("csv-parse", rel, line=line, detail=_STRAY_DETAIL))

    if header is None:
        problems.append(Problem("csv-parse", rel, line=1, detail="the file is empty; it needs at least the header row"))
        return None, problems
    rows += _insert(con, resource, present, columns, batch, at, rows == 0)
    return Table(resource, resource.name, present, rows), problems


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
