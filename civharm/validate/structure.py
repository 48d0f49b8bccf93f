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
import operator
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb

from civharm.metadata.confine import TooLarge, check_size, limit
from civharm.metadata.csvfile import READ_CSV_CHECK
from civharm.metadata.ddl import lit, q
from civharm.metadata.package import Resource
from .report import Capped, Problem
from .rules import raises
from . import interruption

LINE = "__line"  # the column that carries each row's line number through every layer
BROKEN = "__broken"  # true for a row with a cell that broke a cell rule (set by the cells layer)
# A quote with an ordinary character on both sides: inside an unquoted cell (ab"c), or a stray
# one next to a quoted cell ("US" ,). RFC 4180 allows quotes only around a whole cell or doubled
# inside one; Python's csv module reads some of these silently, and DuckDB others.
# The test runs on bytes, led by the literal quote so that the regex engine skips to each quote
# instead of trying every position (a pattern led by the lookbehind took 10 times as long); the
# character before it is checked by a lookbehind after the quote, still in C: a Python step per
# quote was 60% of the pre-scan of real-shaped data.
_QUOTE_STRAY = re.compile(rb'"(?<=[^,\n\r"]")(?=[^,\n\r"])')
# The same test on one line, for polars (its regex engine has no lookaround).
_STRAY_LINE = r'[^,\r"]"[^,\r"]'


_CHUNK = 1 << 24  # bytes read at a time by the pre-scan
_BLANK = re.compile(rb"\n\n")  # (a regex search: 2.5 times as fast as `in` on real-shaped data)
# Bytes read at a time by the exact reader: a chunk's records are held as Python lists at once
# (about 20 times the bytes for short lines), so it is smaller.
_EXACT_CHUNK = 1 << 20


def spill_directory():
    """DuckDB's spill folder for one run, removed at its end or on SIGINT/SIGTERM."""
    return interruption.temporary_folder("civharm-validate-")


def _has_stray_quote(data: bytes) -> bool:
    return _QUOTE_STRAY.search(data) is not None


# Control characters (line feed aside): a file without any needs no per-cell search for them.
_CONTROL_BYTES = bytes([*range(0x00, 0x0A), *range(0x0B, 0x20), 0x7F])


@dataclass
class Scan:
    lines: int
    control: bool = True  # the file may hold a control character (other than line feed)
    non_ascii: bool = True  # the file may hold a non-ASCII character


def _scan(path: Path, header: bytes, max_line: int, stop: threading.Event | None = None) -> Scan | None:
    """What the chunked pre-scan learns of a file the fast reader can take, or None: read in
    chunks, so a file larger than memory is never held whole. It also notes whether the file
    has any control character or non-ASCII byte at all, so that hygiene can skip searching
    every cell for what the file does not contain. A line that runs on past `max_line` bytes
    across chunks ends the scan at once (the exact reader reports it): a file of one huge line
    is not read twice more, by this scan and by DuckDB. `stop`, once set, ends it (None).

    Each chunk is searched alone, and the few bytes either side of each boundary apart (a blank
    line or stray quote split across two chunks): joining each chunk to the end of the one before
    copied every chunk once more. Measured on 700 MB of real-shaped incidents (one core):
    re.search for the blank line took 0.27 s where `b"\n\n" in chunk` took 0.68 s; deleting the
    control bytes with bytes.translate 0.51 s, a regex character class 3.4 s, numpy 0.46 s (not
    a dependency, not worth one)."""
    lines, tail, first = 0, b"", True
    control = non_ascii = False
    run = 0  # bytes since the last newline
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            if stop is not None and stop.is_set():
                return None
            if first:
                if chunk.startswith((b"\xef\xbb\xbf", b"\n")) or not chunk.startswith(header):
                    return None
                first = False
            cut = chunk.find(b"\n")
            if run + (len(chunk) if cut < 0 else cut) > max_line:
                return None
            run = len(chunk) - 1 - chunk.rfind(b"\n") if cut >= 0 else run + len(chunk)
            edge = tail + chunk[:2]  # the bytes around the boundary with the chunk before
            if (b"\r" in chunk or b"\n\n" in edge or _BLANK.search(chunk) or _has_stray_quote(edge)
                    or _has_stray_quote(chunk)):
                return None
            lines += chunk.count(b"\n")
            control = control or len(chunk.translate(None, _CONTROL_BYTES)) != len(chunk)
            non_ascii = non_ascii or not chunk.isascii()
            tail = (tail + chunk)[-2:] if len(chunk) < 2 else chunk[-2:]
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

    `chunks` yields each chunk as (text, first line, number of lines). Each chunk (whole lines)
    is decoded at once; only a chunk with a bad byte is decoded line by line, to say which line
    and byte. Line numbers come from counting each chunk's newlines once: nothing is ever counted
    from the start of the file again (that was quadratic on a file with many bad bytes or quotes).
    A line longer than `max_line` bytes is reported and skipped a chunk at a time, never held
    whole; the csv reader gets an empty line in its place, so that its line count (`line_num`)
    stays right (`skipped` says which blank lines not to report). Stray quotes found in a chunk
    wait in `strays` until the reader knows whether another problem already marks their line."""

    def __init__(self, f, rel: str, problems: list[Problem], max_line: int):
        self.f, self.rel, self.problems, self.max_line = f, rel, problems, max_line
        self.skipped: set[int] = set()  # lines too long (few: each is a megabyte of file)
        self.strays: collections.deque[int] = collections.deque()  # lines with a stray quote, in order

    def chunks(self):
        f, base, offset, carry, first = self.f, 0, 0, b"", True
        while True:
            chunk = f.read(_EXACT_CHUNK)
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
                    yield "\n", base + 1, 1
                    base, offset = base + 1, offset + size
                    continue
                carry = buf
                continue
            part, carry = buf[:end], buf[end:]
            count = part.count(b"\n") + (not part.endswith(b"\n"))
            yield self._part(part, base, offset), base + 1, count
            base += count
            offset += len(part)

    def _skip(self, size: int) -> tuple[int, bytes]:
        """Read on to the end of the current line: (its size with the newline, the bytes after it)."""
        while chunk := self.f.read(_EXACT_CHUNK):
            cut = chunk.find(b"\n")
            if cut >= 0:
                return size + cut + 1, chunk[cut + 1:]
            size += len(chunk)
        return size, b""

    def _too_long(self, line: int, size: int) -> None:
        self.problems.append(Problem("line-too-long", self.rel, line=line, value=f"{size:,}", expected=f"{self.max_line:,}"))
        self.skipped.add(line)

    def _part(self, part: bytes, base: int, offset: int) -> str:
        """The lines of `part` (whole lines, the first being line base + 1) as text."""
        flagged: set[int] = set()  # lines with a bad byte or too long: no stray-quote report there
        long_lines = []
        if len(part) > self.max_line and max(map(len, part.split(b"\n"))) > self.max_line:  # (in C)
            long_lines = [i for i, raw in enumerate(part.split(b"\n")) if len(raw) > self.max_line]
        try:
            if long_lines:
                raise UnicodeDecodeError("utf-8", b"", 0, 0, "line too long")  # the line-by-line path
            text = part.decode("utf-8")
        except UnicodeDecodeError:
            if long_lines:
                text = self._by_line(part, base, offset, set(long_lines), flagged)
            else:
                text = self._bad_bytes(part, base, offset, flagged)
        if b'"' in part and _QUOTE_STRAY.search(part):
            # every line with a stray quote at once, by polars' regex over the chunk's lines:
            # one Python step per quote (the search before) cost seconds on 300k of them
            import polars as pl  # here, not at the top: a canonical file never needs it (startup)
            lines = pl.Series(text.split("\n"), dtype=pl.Utf8).str.contains(_STRAY_LINE)
            self.strays.extend(line for line in (base + i + 1 for i in lines.arg_true().to_list())
                               if line not in flagged)
        return text

    def _bad_bytes(self, part: bytes, base: int, offset: int, flagged: set[int]) -> str:
        """The text of a chunk with a bad byte (and no line too long), decoded at once; the first
        run of bad bytes on each line is reported. A newline byte is never part of a UTF-8
        sequence, so this finds what decoding each line alone would, without a step per line."""
        text = part.decode("utf-8", errors="surrogateescape")
        ends = [m.start() for m in _NEWLINE_TEXT.finditer(text)]  # the chunk's one index of line ends
        byte_ends = None
        problems, rel = self.problems, self.rel
        seen = -1
        for m in _BAD_BYTE.finditer(text):
            i = bisect.bisect_left(ends, m.start())  # the chunk's line index
            if i == seen:
                continue
            seen = i
            flagged.add(base + i + 1)
            if problems.full(rel, "encoding-utf8"):  # counted, no Problem made
                problems.omitted[(rel, "encoding-utf8")] += 1
                continue
            if byte_ends is None:
                byte_ends = [m.start() for m in _NEWLINE.finditer(part)]
            start, byte_start = (ends[i - 1] + 1, byte_ends[i - 1] + 1) if i else (0, 0)
            where = offset + byte_start + len(text[start:m.start()].encode("utf-8", errors="surrogateescape"))
            codes = [f"{ord(c) - 0xDC00:02X}" for c in m.group()]
            problems.append(Problem("encoding-utf8", rel, line=base + i + 1, value=" ".join(codes),
                                    detail=f"{where} (0x{' 0x'.join(codes)})"))
        return _BAD_BYTE.sub("\ufffd", text)

    def _by_line(self, part: bytes, base: int, offset: int, long_lines: set[int], flagged: set[int]) -> str:
        """The text of a chunk with a bad byte or a line too long, line by line."""
        out = []
        at = offset
        pieces = part.split(b"\n")
        for i, raw in enumerate(pieces):
            line = base + i + 1
            if i in long_lines:
                self._too_long(line, len(raw) + (i < len(pieces) - 1))  # the newline, if the line has one
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
_NEWLINE_TEXT = re.compile("\n")
_STRAY_DETAIL = "a quote inside a cell that is not quoted as a whole, or next to one"
# Records converted to a DuckDB table at a time by the exact reader: its memory is one batch.
_BATCH = 50_000


# What a table is made of: (resource, fields present, SQL of a field's text cell, what the pre-scan
# found or None) -> SELECT items.
Columns = Callable[[Resource, list[str], Callable[[str], str], "Scan | None"], list[str]]


def text_columns(resource: Resource, present: list[str], cell: Callable[[str], str],
                 scan: Scan | None = None) -> list[str]:
    """Every present field as text (NULL = empty)."""
    return [f"{cell(n)} AS {q(n)}" for n in present]


def _fast(con: duckdb.DuckDBPyConnection, path: Path, resource: Resource, columns: Columns,
          max_line: int) -> Table | None:
    """The table of a well-formed one-line-per-record file, or None to use the exact reader. The
    file is parsed once, straight into the table the later layers use.

    The pre-scan runs in a thread while DuckDB reads the file: DuckDB lets go of the GIL while it
    runs, and its CSV reader keeps about one core busy (the bench's floor: 3.1 s of CPU in 2.8 s),
    so the scan's second of Python per 700 MB costs no wait on a second core. Whichever says
    first that the file is not for this reader stops the other (DuckDB by interrupt). The table is
    made before the scan says whether the file holds a control character, so its free text is
    kept as if it held none; when it does, the table is made again with that known (rare: such a
    file has a problem to report)."""
    names = resource.field_names
    header = ",".join(names).encode() + b"\n"
    with path.open("rb") as f:  # what would end the scan at once, before any reading
        start = f.read(len(header))
    if start.startswith((b"\xef\xbb\xbf", b"\n")) or start != header:
        return None
    stop, done = threading.Event(), threading.Event()  # the scan is to stop; DuckDB's reading is over

    def scan() -> Scan | None:
        found = _scan(path, header, max_line, stop)
        # DuckDB drops an interrupt that comes before its query starts executing: so it is sent
        # again until the reading is over (one after that is dropped by the next query)
        while found is None and not done.is_set():
            con.interrupt()
            done.wait(0.05)
        return found

    with ThreadPoolExecutor(1) as pool:
        scanning = pool.submit(scan)
        rows = None
        try:
            rows = _create(con, path, resource, columns, max_line, Scan(0, control=False, non_ascii=True))
        finally:
            done.set()
            if rows is None:
                stop.set()
            found = scanning.result()
    if rows is not None and found is not None and found.control:
        rows = _create(con, path, resource, columns, max_line, found)
    if rows is None or found is None or rows != found.lines - 1:
        # a record spans lines (line numbers need the exact reader), or ragged
        con.execute(f"DROP TABLE IF EXISTS {q(resource.name)}")
        return None
    table = q(resource.name)
    con.execute(f"ALTER TABLE {table} DROP COLUMN __padded")
    con.execute(f"ALTER TABLE {table} ADD COLUMN {LINE} BIGINT")
    con.execute(f"UPDATE {table} SET {LINE} = rowid + 2")
    return Table(resource, resource.name, list(names), rows, found)


def _create(con: duckdb.DuckDBPyConnection, path: Path, resource: Resource, columns: Columns, max_line: int,
            scan: Scan) -> int | None:
    """The resource's table, read by DuckDB's strict reader with the items `columns` makes: its
    number of rows, or None when the reader rejects the file or a row is ragged (the table may
    then be left half made)."""
    names = resource.field_names
    # DuckDB pads short rows and drops one trailing delimiter, silently. So read one column
    # more than the header with padding on and empty cells as '': a padded cell comes back
    # NULL (a short row) and a filled extra column means a long row; either goes to the exact
    # reader, which reports it. Insertion order is kept, so rowid is the row's position.
    types = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in [*names, _EXTRA]) + "}"
    table = q(resource.name)
    padded = " OR ".join([*(f"{q(n)} IS NULL" for n in names), f"{_EXTRA} IS NOT NULL"])
    items = columns(resource, list(names), lambda n: f"nullif({q(n)}, '')", scan)
    try:
        con.execute(
            f"CREATE OR REPLACE TABLE {table} AS SELECT {', '.join(items)}, "
            # error() stops the read at the first ragged row: a file of millions of them would
            # otherwise be loaded whole before the exact reader takes it anyway
            f"CASE WHEN {padded} THEN error('ragged') ELSE false END AS __padded FROM read_csv({lit(str(path))}, "
            f"{READ_CSV_CHECK}, max_line_size = {max_line + 1}, columns = {types})")
        rows, padded_rows = con.execute(f"SELECT count(*), count(*) FILTER (__padded) FROM {table}").fetchone()
    except (duckdb.Error, UnicodeDecodeError):  # (an interrupt by the scan too; the caller drops the table, once
        # the scan is over). DuckDB's error text quotes the line it failed on, cut at a byte count that can fall
        # inside a UTF-8 sequence, and the binding then raises UnicodeDecodeError instead: the file goes to the
        # exact reader all the same
        return None
    return None if padded_rows else rows


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
    # that both readers give the same verdict on the same cell. The cap is the process's: it is
    # put back, so that a caller's own csv reading keeps its limit.
    previous = csv.field_size_limit(max_line)
    try:
        with open(root / rel, "rb") as f:
            exact = _Exact(con, resource, columns, _Lines(f, rel, problems, max_line))
            exact.run()
    finally:
        csv.field_size_limit(previous)
    if exact.header is None:
        problems.append(Problem("csv-parse", rel, line=1, detail="the file is empty; it needs at least the header row"))
        return None, problems
    return Table(resource, resource.name, exact.present, exact.rows), problems


class _Exact:
    """The exact reader over one file, a chunk of whole lines at a time (`_Lines.chunks`).

    A chunk whose every record is one line (no quoted line break, no record the csv module
    rejects: nearly every chunk, hostile ones included) is parsed by the csv module in one call,
    or, with no quote or carriage return in it, has the cells of its lines counted by polars; its
    records are sorted into good, blank and ragged by polars: no Python step per record, which
    was most of the time on millions of junk lines. Any other chunk is read
    record by record with `line_num`, pulling later chunks while a record spans them, until a
    record ends at the end of a chunk; the next chunk is tried whole again.

    Why not DuckDB's reject table (read_csv with store_rejects) to find the bad rows: measured
    on DuckDB 1.5.6, its `line` counts records, not lines (it is off after a blank line, which it
    skips without a reject, or after a quoted line break), and a stray quote inside an unquoted
    cell is no error to it; the rules here need the editor's line of each."""

    def __init__(self, con, resource: Resource, columns: Columns, lines: _Lines):
        self.con, self.resource, self.columns, self.lines = con, resource, columns, lines
        self.rel, self.problems = lines.rel, lines.problems
        self.header: list[str] | None = None
        self.present: list[str] = []
        self.width = 0
        self.pick: Callable | None = None  # a record's cells of the present fields (None: all, in order)
        self.batch: list = []
        self.at: list[int] = []
        self.rows = 0
        self.created = False  # whether the table exists yet
        self.pulled = 0  # the last line of the chunks read so far

    def run(self) -> None:
        chunks = self.lines.chunks()
        start = 0
        for text, first, count in chunks:
            self.pulled = first + count - 1
            if self._whole(text, first, count):
                continue
            start = self._records(text, first, chunks)
            if start:  # a quote left open at the end of the file
                break
        strays = self.lines.strays
        while strays:  # after an unclosed quote
            line = strays.popleft()
            if line != start:
                self._stray(line)
        self._flush()

    def _stray(self, line: int) -> None:
        self.problems.append(Problem("csv-parse", self.rel, line=line, detail=_STRAY_DETAIL))

    def _whole(self, text: str, first: int, count: int) -> bool:
        """Take a chunk whose records are one line each, in one pass; False when it is not such a chunk."""
        import polars as pl  # here, not at the top: a canonical file never needs it (startup)
        if '"' in text or "\r" in text:
            reader = csv.reader(io.StringIO(text, newline="\n"), strict=True)
            try:
                records = list(reader)  # in C
            except csv.Error:
                return False
            if reader.line_num != count or len(records) != count:
                return False
            lengths = pl.Series(list(map(len, records)), dtype=pl.Int64)
        else:
            # No quote and no carriage return: the csv module would split each line at its commas
            # and nothing else, so polars counts the cells of every line at once, and only the
            # lines kept as rows are split into lists (the csv module makes one for every line:
            # seconds on millions of junk lines)
            records = text.split("\n")
            if text.endswith("\n"):
                records.pop()
            split = pl.Series(records, dtype=pl.Utf8)
            lengths = (split.str.count_matches(",", literal=True) + 1) * (split.str.len_bytes() > 0).cast(pl.Int64)
        marked: set[int] = set()  # header lines: lines whose record has a problem reported at that line
        i = 0
        while self.header is None and i < count:
            record = records[i]
            if self._one(first + i, record if isinstance(record, list) else (record.split(",") if record else [])):
                marked.add(first + i)
            i += 1
        width, rel, problems = self.width, self.rel, self.problems
        rest = lengths.slice(i)
        good = (rest == width).arg_true()
        if len(good) < len(rest):
            blank = (rest == 0).arg_true().to_list()
            for j in blank:  # (lines too long are read as blank, and reported as too long)
                if first + i + j not in self.lines.skipped:
                    problems.append(Problem("row-blank", rel, line=first + i + j))
            ragged = ((rest != width) & (rest != 0)).arg_true()
            room = max(0, problems.keep - problems.kept[(rel, "row-ragged")])
            for j, n in zip(ragged.head(room).to_list(), rest.gather(ragged.head(room)).to_list()):
                problems.append(Problem("row-ragged", rel, line=first + i + j, value=str(n), expected=str(width)))
            if len(ragged) > room:  # counted, no Problem made: fast on millions
                problems.omitted[(rel, "row-ragged")] += len(ragged) - room
        if self.header is not None and len(good):
            good = (good + i).to_list()
            rows = records if len(good) == count else [records[j] for j in good]
            if rows and not isinstance(rows[0], list):
                rows = [r.split(",") for r in rows]
            self.batch.extend(rows if self.pick is None else map(self.pick, rows))
            self.at.extend(first + j for j in good)
            if len(self.batch) >= _BATCH:
                self._flush()
        strays, last = self.lines.strays, first + count - 1
        if strays and strays[0] <= last:
            lengths = lengths.to_list()
            while strays and strays[0] <= last:
                line = strays.popleft()
                if line not in marked and (line - first < i or lengths[line - first] == width):
                    self._stray(line)
        return True

    def _records(self, text: str, first: int, chunks) -> int:
        """Read record by record from this chunk on, until a record ends at the end of a chunk;
        returns the line of a record whose quote is still open at the end of the file, else 0."""
        def more():
            for text, f, count in chunks:
                self.pulled = f + count - 1
                yield io.StringIO(text, newline="\n")
        # chained in C: a Python generator resumed once per line costs more than the csv parsing
        source = itertools.chain(io.StringIO(text, newline="\n"), itertools.chain.from_iterable(more()))
        reader = csv.reader(source, strict=True)
        strays, rel, problems = self.lines.strays, self.rel, self.problems
        base = end = first - 1
        while True:
            start = end + 1
            problem = True  # the record starting at `start` has a problem reported at that line
            unclosed = False
            try:
                record = next(reader)
            except StopIteration:
                return 0
            except csv.Error as e:
                end = base + reader.line_num
                if "unexpected end of data" in str(e):
                    problems.append(Problem("csv-unclosed-quote", rel, line=start))
                    unclosed = True
                else:
                    problems.append(Problem("csv-parse", rel, line=start, detail=str(e)))
            else:
                end = base + reader.line_num
                problem = self._one(start, record)
            while strays and strays[0] <= end:  # stray quotes in the lines this record took
                line = strays.popleft()
                if not (problem and line == start):
                    self._stray(line)
            if unclosed:
                return start
            if end == self.pulled:  # a record ended where the chunks read so far end
                return 0

    def _one(self, start: int, record: list[str]) -> bool:
        """Take one record starting at line `start`; whether it has a problem reported at that line."""
        problems, rel = self.problems, self.rel
        if not record:
            if start not in self.lines.skipped:
                problems.append(Problem("row-blank", rel, line=start))
            return True
        if self.header is None:
            self.header = record
            self.present, seen = _header(record, self.resource, rel, problems)
            self.width = len(record)
            where = [seen[n] for n in self.present]
            if where != list(range(self.width)):
                self.pick = (operator.itemgetter(*where) if len(where) > 1
                             else (lambda r, i=where[0]: (r[i],)) if where else (lambda r: ()))
            return False
        if len(record) != self.width:
            problems.append(Problem("row-ragged", rel, line=start, value=str(len(record)), expected=str(self.width)))
            return True
        self.batch.append(record if self.pick is None else self.pick(record))
        self.at.append(start)
        if len(self.batch) >= _BATCH:
            self._flush()
        return False

    def _flush(self) -> None:
        """Add the batch to the table (made by the first call, even with no rows)."""
        if self.header is None or (self.created and not self.batch):
            return
        self.rows += _insert(self.con, self.resource, self.present, self.columns, self.batch, self.at,
                             not self.created)
        self.created = True
        self.batch, self.at = [], []


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
    import polars as pl  # here, not at the top: a canonical file never needs it (startup)
    cells = list(zip(*batch)) if batch else [()] * len(present)
    raw = pl.DataFrame([pl.Series(name, cells[i], dtype=pl.Utf8) for i, name in enumerate(present)]
                       + [pl.Series(LINE, at, dtype=pl.Int64)])
    raw = raw.with_columns(pl.when(pl.col(n).str.len_bytes() > 0).then(pl.col(n)).alias(n) for n in present)
    # Handed over as a Parquet file, not registered as an Arrow table: DuckDB's register imports
    # pandas and pyarrow.dataset on first use (0.6 to 1.5 s here, more than a batch costs).
    with interruption.temporary_folder("civharm-exact-") as folder:
        path = Path(folder) / "batch.parquet"
        raw.write_parquet(path, compression="uncompressed")
        select = f"SELECT {', '.join([*columns(resource, present, q, None), LINE])} FROM read_parquet({lit(str(path))})"
        if create:
            con.execute(f"CREATE OR REPLACE TABLE {q(resource.name)} AS {select}")
        else:
            con.execute(f"INSERT INTO {q(resource.name)} {select}")
    return raw.height
