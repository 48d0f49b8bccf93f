"""The fast reader's pre-scan (structure._scan) searches each chunk alone and the bytes around
each boundary apart: its verdict must not depend on where the chunks fall."""

from __future__ import annotations

import duckdb
import pytest

from conftest import build_package
from civharm.metadata.package import load_json, load_resources
from civharm.validate import structure

HEADER = b"a,b,c\n"
BODY = [
    b'1,"x, y",z\n2,plain,\xc3\xa9\n3,,"q ""in"" q"\n',  # clean: quotes, an empty cell, non-ASCII
    b"1,x,y\n\n2,x,y\n",  # a blank line
    b'1,ab"c,y\n2,x,y\n',  # a stray quote inside an unquoted cell
    b'1,"x" ,y\n2,x,y\n',  # a stray quote next to a quoted cell
    b"1,x,y\r\n2,x,y\n",  # a carriage return
    b"1,x\x07,y\n2,x,y\n",  # a control character
    b"1,x,y\n2,x,y",  # no newline at the end
]


@pytest.mark.parametrize("body", BODY)
def test_verdict_does_not_depend_on_chunk_size(tmp_path, monkeypatch, body):
    path = tmp_path / "t.csv"
    path.write_bytes(HEADER + body)
    whole = structure._scan(path, HEADER, 1 << 20)
    for size in range(len(HEADER), len(HEADER + body) + 2):  # (the first chunk holds the header)
        monkeypatch.setattr(structure, "_CHUNK", size)
        assert structure._scan(path, HEADER, 1 << 20) == whole, size


def test_verdicts(tmp_path):
    """What each body above gets: the clean ones a Scan, the others the exact reader (None)."""
    got = []
    for body in BODY:
        path = tmp_path / "t.csv"
        path.write_bytes(HEADER + body)
        got.append(structure._scan(path, HEADER, 1 << 20))
    assert got == [structure.Scan(4, False, True), None, None, None, None,
                   structure.Scan(3, True, False), structure.Scan(3, False, False)]


def test_a_late_verdict_of_the_scan_sends_the_file_to_the_exact_reader(tmp_path, monkeypatch):
    """The scan runs beside DuckDB's reading: a stray quote that DuckDB reads silently, in the last
    of many chunks, still sends the file to the exact reader, which reports it; the table is the
    exact reader's."""
    pkg = build_package(tmp_path / "pkg")
    res = next(r for r in load_resources(pkg, load_json(pkg / "datapackage.json")) if r.name == "actors")
    path = pkg / res.path
    lines = path.read_bytes().splitlines(keepends=True)
    first, second, third, rest = lines[-1].split(b",", 3)  # the third: short_name, unquoted
    assert not third.startswith(b'"') and len(third) > 1
    path.write_bytes(b"".join(lines[:-1]) + b",".join([first, second, third[:1] + b'"' + third[1:], rest]))
    monkeypatch.setattr(structure, "_CHUNK", len(lines[0]) + 8)  # many chunks; the quote in the last
    con = duckdb.connect()
    table, problems = structure.read(con, pkg, res)
    assert table.scan is None and table.rows == len(lines) - 1
    assert [(p.rule, p.line) for p in problems] == [("csv-parse", len(lines))]
    assert con.execute(f"SELECT max({structure.LINE}) FROM actors").fetchone() == (len(lines),)
