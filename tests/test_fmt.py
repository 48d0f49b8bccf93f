"""`make fmt`: one canonical form, reached in one run, with every value kept."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
from civharm.metadata.package import RESOURCE_NAMES as RESOURCES  # noqa: E402


def fmt(pkg: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "civharm.fmt", str(pkg), *args], capture_output=True, text=True,
                          cwd=REPO, timeout=120)


def rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def package_copy(tmp_path: Path) -> Path:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    shutil.copyfile(REPO / "datapackage.json", pkg / "datapackage.json")
    shutil.copytree(REPO / "schemas", pkg / "schemas")
    shutil.copytree(REPO / "data", pkg / "data")
    return pkg


def scramble(path: Path) -> None:
    """The same values, written as a spreadsheet might: BOM, CRLF, every cell quoted, rows
    reversed, columns reversed, text decomposed (NFD)."""
    data = rows(path)
    header = list(reversed(path.read_text(encoding="utf-8-sig").split("\n", 1)[0].split(",")))
    out = io.StringIO()
    w = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(header)
    for r in reversed(data):
        w.writerow([unicodedata.normalize("NFD", r[h]) for h in header])
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))


def test_real_package_is_canonical():
    r = fmt(REPO, "--check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 to rewrite" in r.stdout


def test_fmt_restores_the_canonical_bytes_and_keeps_every_value(tmp_path):
    pkg = package_copy(tmp_path)
    for name in RESOURCES:
        scramble(pkg / "data" / f"{name}.csv")
    assert fmt(pkg, "--check").returncode == 1
    first = fmt(pkg)
    assert first.returncode == 0, first.stderr
    for name in RESOURCES:
        # every value survives, and the bytes are exactly the repository's canonical file
        assert rows(pkg / "data" / f"{name}.csv") == rows(REPO / "data" / f"{name}.csv")
        assert (pkg / "data" / f"{name}.csv").read_bytes() == (REPO / "data" / f"{name}.csv").read_bytes()
    snapshot = {n: (pkg / "data" / f"{n}.csv").read_bytes() for n in RESOURCES}
    second = fmt(pkg)
    assert second.returncode == 0 and "0 rewritten" in second.stdout
    assert {n: (pkg / "data" / f"{n}.csv").read_bytes() for n in RESOURCES} == snapshot


def test_fmt_sorts_ids_by_number(tmp_path):
    pkg = package_copy(tmp_path)
    path = pkg / "data" / "actors.csv"
    data = rows(path)
    extra = dict(data[-1], actor_id="A-1000000", name="An actor numbered past a million")
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(data[0].keys()), lineterminator="\n")
    w.writeheader()
    w.writerows([extra] + data)
    path.write_text(out.getvalue(), encoding="utf-8")
    assert fmt(pkg).returncode == 0
    assert [r["actor_id"] for r in rows(path)][-1] == "A-1000000"


def test_fmt_leaves_a_ragged_file_untouched(tmp_path):
    pkg = package_copy(tmp_path)
    path = pkg / "data" / "actors.csv"
    broken = path.read_bytes() + b"A-999999,too,few\n"
    path.write_bytes(broken)
    r = fmt(pkg)
    assert r.returncode == 1
    assert "data/actors.csv: left as it is" in r.stderr
    assert path.read_bytes() == broken


def drop_column(path: Path, column: str) -> None:
    data = rows(path)
    header = [h for h in data[0] if h != column]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for r in data:
        w.writerow([r[h] for h in header])
    path.write_text(out.getvalue(), encoding="utf-8")


def test_fmt_adds_a_column_the_schema_defines_blank(tmp_path):
    """A field added to a schema reaches the CSV by one run: the column in its place, every cell blank."""
    pkg = package_copy(tmp_path)
    assert fmt(pkg).returncode == 0
    path = pkg / "data" / "claims.csv"
    drop_column(path, "notes")
    before = {r["claim_id"]: r for r in rows(path)}
    r = fmt(pkg)
    assert r.returncode == 0, r.stderr
    assert "rewrote data/claims.csv" in r.stdout
    after = rows(path)
    header = path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    import json
    schema = json.loads((pkg / "schemas" / "claims.schema.json").read_text())
    assert header == [f["name"] for f in schema["fields"]]
    assert {r["notes"] for r in after} == {""}
    assert all(before[r["claim_id"]] == {k: v for k, v in r.items() if k != "notes"} for r in after)


def test_fmt_never_adds_a_required_column(tmp_path):
    """A required column cannot be blank: the file is left as it is, and the run says why."""
    pkg = package_copy(tmp_path)
    assert fmt(pkg).returncode == 0
    path = pkg / "data" / "claims.csv"
    drop_column(path, "statement")
    broken = path.read_bytes()
    r = fmt(pkg)
    assert r.returncode == 1
    assert "data/claims.csv: left as it is: its header lacks the required column(s) statement" in r.stderr
    assert path.read_bytes() == broken
