"""The exact reader (validate/structure.py) reads a file a chunk of lines at a time, taking a chunk
of one-line records whole and any other record by record: where the chunks fall must never change
what it reports, nor the rows it reads. Each test reads the same bytes with chunks of a few bytes
(so every record, quoted line break and bad byte straddles chunk ends) and with the default size.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civharm.metadata.connection import open_duckdb
from civharm.validate import descriptor, structure
from conftest import build_package

HEADER = b"actor_id,name,short_name,actor_type,parent_id,country,notes"
ROW = b"A-000001,Name,,state,,SY,"


@pytest.fixture(scope="module")
def pkg(tmp_path_factory):
    return build_package(tmp_path_factory.mktemp("exact") / "pkg")


@pytest.fixture(scope="module")
def actors(pkg):
    _, resources, _ = descriptor.check(pkg, "datapackage.json")
    return next(r for r in resources if r.name == "actors")


@pytest.fixture(scope="module")
def con():
    return open_duckdb()


def _read(con, pkg, actors, data: bytes, chunk: int) -> tuple:
    """(problems, counted-not-kept, rows) of the exact reader on `data` as actors.csv."""
    (pkg / "data" / "actors.csv").write_bytes(data)
    old = structure._EXACT_CHUNK
    structure._EXACT_CHUNK = chunk
    try:
        table, problems = structure.read(con, pkg, actors)
    finally:
        structure._EXACT_CHUNK = old
    found = sorted((p.rule, p.line, p.value, p.expected, p.detail) for p in problems)
    rows = None
    if table is not None:
        rows = (table.present, table.rows, con.execute(f'SELECT * FROM "{actors.name}" ORDER BY __line').fetchall())
    return found, dict(getattr(problems, "omitted", {})), rows


def test_a_quoted_line_break_across_chunks(pkg, actors, con):
    data = HEADER + b"\n" + ROW + b'\nA-000002,"two\nlines",,state,,SY,"x ""q"" y"\nA-000003,b"ad,,state,,SY,\n\n' + ROW + b"\n"
    for chunk in (5, 17, 1 << 20):
        found, omitted, (present, count, rows) = _read(con, pkg, actors, data, chunk)
        assert found == [("csv-parse", 5, None, None, structure._STRAY_DETAIL), ("row-blank", 6, None, None, None)]
        assert [r[-1] for r in rows] == [2, 3, 5, 7]  # each row's line: the record on 3-4 starts on 3
        assert rows[1][1] == "two\nlines" and rows[1][6] == 'x "q" y'


def test_bad_bytes_keep_their_line_and_byte_across_chunks(pkg, actors, con):
    lines = [HEADER, ROW.replace(b"Name", b"Na\xe9me"), ROW, ROW.replace(b"SY", b"S\xff\xfe")]
    data = b"\n".join(lines) + b"\n"
    for chunk in (3, 40, 1 << 20):
        found, *_ = _read(con, pkg, actors, data, chunk)
        at_e9 = len(HEADER) + 1 + ROW.index(b"Name") + 2
        at_ff = len(b"\n".join(lines[:3])) + 1 + ROW.index(b"SY") + 1
        assert [f for f in found if f[0] == "encoding-utf8"] == [
            ("encoding-utf8", 2, "E9", None, f"{at_e9} (0xE9)"), ("encoding-utf8", 4, "FF FE", None, f"{at_ff} (0xFF 0xFE)")]


def test_ragged_lines_past_the_cap_are_counted_exactly(pkg, actors, con, monkeypatch):
    monkeypatch.setenv("CIVHARM_KEEP_PER_RULE", "7")
    data = HEADER + b"\n" + b"".join(b"junk\n" if i % 3 else b'a"b,c\n' for i in range(1000)) + ROW + b"\n"
    for chunk in (11, 1 << 20):
        found, omitted, (_, count, rows) = _read(con, pkg, actors, data, chunk)
        ragged = [f for f in found if f[0] == "row-ragged"]
        assert [f[1] for f in ragged] == list(range(2, 9)) and ragged[0][2:4] == ("2", "7") and ragged[1][2] == "1"
        assert omitted == {("data/actors.csv", "row-ragged"): 993}
        assert count == 1 and rows[0][-1] == 1002


def test_a_quote_left_open_reports_its_line_once(pkg, actors, con):
    data = HEADER + b"\n" + ROW.replace(b"Name", b'Na"me') + b'\nA-000002,"open,,state\n' + ROW + b"\n" + ROW
    for chunk in (4, 1 << 20):
        found, omitted, (_, count, rows) = _read(con, pkg, actors, data, chunk)
        assert found == [("csv-parse", 2, None, None, structure._STRAY_DETAIL), ("csv-unclosed-quote", 3, None, None, None)]
        assert count == 1 and rows[0][1] == 'Na"me'  # the rest of the file is the open cell, not rows


PIECES = st.sampled_from([b",", b'"', b'""', b"\n", b"\n", b"\r\n", b"\r", b"\xef\xbb\xbf", b"\xe9", b'a"b', b"\x00",
                          b"A-000001", b"x" * 50, b"\xc3\xa9", b",,,,,,", ROW + b"\n", b'"q\nq"', HEADER + b"\n", b"junk\n"])


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.lists(PIECES, max_size=60).map(b"".join),
                      st.lists(PIECES, max_size=60).map(lambda p: HEADER + b"\n" + b"".join(p))))
def test_where_the_chunks_fall_changes_nothing(pkg, actors, con, monkeypatch, data):
    monkeypatch.setenv("CIVHARM_KEEP_PER_RULE", "3")
    monkeypatch.setenv("CIVHARM_MAX_LINE_BYTES", "80")
    whole = _read(con, pkg, actors, data, 1 << 20)
    for chunk in (6, 29):
        assert _read(con, pkg, actors, data, chunk) == whole
