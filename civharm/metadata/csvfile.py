"""The package's CSV form (RFC 4180: comma, double quote, LF, UTF-8) and the one way the project
reads and writes it: Python's csv module in strict mode for small files and exact line numbers,
DuckDB's read_csv for whole tables.

Python's csv module is the library here; these wrappers only pin its dialect in one place, so
that fmt, the validator's exact reader, the ledgers, the grade command and the importers cannot
read the same file two ways.
"""

from __future__ import annotations

import csv
import io
from itertools import chain
from typing import Iterable

BOM = "\ufeff"

# DuckDB's read_csv, two ways on purpose, both strict and with the package's dialect.
#
# READ_CSV_LOAD (sql/load.sql, make db, civharm.connect) reads a package that validated: every
# column is typed by its schema (the `columns` given with it), an empty cell is NULL and dates
# are ISO.
#
# READ_CSV_CHECK (the validator's fast reader, validate/structure.py) reads a file nobody has
# checked: with padding on, so that a short or long row is read instead of failing the read (the
# caller's `columns` are all VARCHAR, with one more than the header to catch a long row); an
# empty cell is '' (nullstr is a byte no cell holds), so that NULL can only mean a cell DuckDB
# padded onto a short row. Either sends the file to the exact reader, for line numbers.
READ_CSV_LOAD = ("header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
                 "nullstr = '', dateformat = '%Y-%m-%d', strict_mode = true")
READ_CSV_CHECK = ("header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
                  "strict_mode = true, null_padding = true, nullstr = '\x01'")


def reader(text: str):
    """A strict csv reader over text, for callers that need `line_num` (where a record starts
    and ends) or want to stop at the first bad record."""
    return csv.reader(io.StringIO(text, newline=""), strict=True)


def records(text: str) -> list[list[str]]:
    """Every non-blank record of a CSV's text, a leading BOM dropped; csv.Error when malformed."""
    return [r for r in reader(text.removeprefix(BOM)) if r]


def dict_rows(text: str) -> list[dict[str, str]]:
    """The rows of a CSV's text as dicts keyed by its header (blank records skipped)."""
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM), newline=""), strict=True))


def lines(rows: Iterable[Iterable[object]]) -> str:
    """CSV text in the package's form: LF line ends, quotes only where a cell needs them."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return out.getvalue()


def render(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """A whole CSV file's text: the header, then the rows (see `lines`)."""
    return lines(chain([header], rows))


def render_dicts(header: list[str], rows: Iterable[dict]) -> str:
    """`render` of dict rows: each row's value for each header column, '' when absent or None."""
    return render(header, ([("" if r.get(c) is None else r.get(c)) for c in header] for r in rows))
