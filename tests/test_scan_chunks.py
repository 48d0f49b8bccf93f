"""The fast reader's pre-scan (structure._scan) searches each chunk alone and the bytes around
each boundary apart: its verdict must not depend on where the chunks fall."""

from __future__ import annotations

import pytest

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
