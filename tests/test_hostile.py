"""Hostile contributions (issue 14's table): each ends in a clear error, exit 1 (or 2 for diff,
which cannot run on them), in bounded time and memory, and nothing outside the package is read.

Each test runs the command as a user does, in a subprocess whose peak memory is measured
(`_run` reports the child's ru_maxrss), and checks what the user sees.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import REPO_ROOT, build_package

SECRET = "SECRET-OUTSIDE-THE-PACKAGE"
# Peak memory of one validator process on these inputs: the real package needs about 240 MB.
MEMORY_BOUND_MB = 700
TIME_BOUND_S = 120  # generous for a loaded 2-core machine; each takes seconds alone


def _run(module: str, *args: str, env: dict | None = None) -> tuple[subprocess.CompletedProcess, float, float]:
    """(process, seconds, peak MB) of `python -m module args`, measured in a wrapper process so
    that ru_maxrss is this child's alone."""
    wrapper = ("import resource, subprocess, sys, json, time; t = time.time(); "
               "p = subprocess.run(sys.argv[1:], capture_output=True); "
               "sys.stdout.buffer.write(p.stdout); sys.stderr.buffer.write(p.stderr); "
               "print(json.dumps([p.returncode, time.time() - t, "
               "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]), file=sys.stderr); "
               "sys.exit(p.returncode)")
    proc = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", module, *args],
                          capture_output=True, text=True, encoding="utf-8", errors="replace", cwd=REPO_ROOT,
                          env={**os.environ, **(env or {})}, timeout=TIME_BOUND_S * 2)
    *err, last = proc.stderr.rstrip("\n").split("\n")
    code, seconds, peak = json.loads(last)
    proc.stderr = "\n".join(err)
    assert code == proc.returncode
    return proc, seconds, peak


def _validate(pkg: Path, *args: str, env: dict | None = None) -> tuple[dict, str, float, float]:
    proc, seconds, peak = _run("civharm.validate", str(pkg), "--format", "json", *args, env=env)
    assert "internal error" not in proc.stderr, proc.stderr
    report = json.loads(proc.stdout)
    assert proc.returncode == report["exit_code"]
    assert not [p for p in report["problems"] if p["rule"] == "internal-error"], report["problems"]
    assert seconds < TIME_BOUND_S and peak < MEMORY_BOUND_MB, (seconds, peak)
    return report, proc.stdout, seconds, peak


def _rules(report: dict, file: str | None = None) -> set[str]:
    return {p["rule"] for p in report["problems"] if file is None or p["file"] == file}


@pytest.fixture
def pkg(tmp_path):
    return build_package(tmp_path / "pkg")


@pytest.fixture
def outside(tmp_path):
    """A file outside the package, shaped like actors.csv, whose content must never be printed."""
    path = tmp_path / "outside.csv"
    header = (REPO_ROOT / "data" / "actors.csv").read_text(encoding="utf-8").splitlines()[0]
    path.write_text(f"{header}\nA-000009,{SECRET},,state,,,\n", encoding="utf-8")
    return path


def _claims_fault(pkg: Path) -> None:
    """Another fault in another file, which must still be reported beside the hostile one."""
    path = pkg / "data" / "claims.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("CL-000001", "CL-000001X", 1), encoding="utf-8")


# --- rows 1 and 2: confinement -------------------------------------------------------------------

def test_row1_symlinked_data_file_is_refused_and_never_read(pkg, outside):
    (pkg / "data" / "actors.csv").unlink()
    (pkg / "data" / "actors.csv").symlink_to(outside)
    report, out, *_ = _validate(pkg)
    assert report["exit_code"] == 1
    [p] = [p for p in report["problems"] if p["rule"] == "path-outside-package"]
    assert p["column"] == "resources/4/path" and "symlink" in p["message"]
    assert SECRET not in out


def test_row1_symlinked_folder_is_invalid(pkg, tmp_path):
    shutil.move(pkg / "data", tmp_path / "elsewhere")
    (pkg / "data").symlink_to(tmp_path / "elsewhere")
    report, *_ = _validate(pkg)
    assert report["exit_code"] == 1
    assert sum(p["rule"] == "path-outside-package" for p in report["problems"]) == 8


def test_row1_symlinked_schema_and_metadata_files(pkg, tmp_path):
    schema = pkg / "schemas" / "actors.schema.json"
    shutil.copy(schema, tmp_path / "s.json")
    schema.unlink()
    schema.symlink_to(tmp_path / "s.json")
    (tmp_path / "CITATION.cff").write_text(f"title: {SECRET}\n")
    (pkg / "CITATION.cff").symlink_to(tmp_path / "CITATION.cff")
    report, out, *_ = _validate(pkg)
    found = {(p["file"], p["column"]) for p in report["problems"] if p["rule"] == "path-outside-package"}
    assert found == {("datapackage.json", "resources/4/schema"), ("CITATION.cff", "the file")}
    assert SECRET not in out


def test_row1_release_never_packs_a_symlink(pkg, tmp_path):
    from civharm.release import ReleaseError, zip_entries
    (tmp_path / "CHANGELOG.md").write_text(SECRET)
    (pkg / "CHANGELOG.md").symlink_to(tmp_path / "CHANGELOG.md")
    meta = json.loads((pkg / "datapackage.json").read_text())
    with pytest.raises(ReleaseError, match="symlink"):
        zip_entries(pkg, meta)


def test_row1_importer_refuses_a_symlinked_table(pkg, outside):
    from importers.package_io import PackageError, load_package
    (pkg / "data" / "actors.csv").unlink()
    (pkg / "data" / "actors.csv").symlink_to(outside)
    with pytest.raises(PackageError, match="symlink"):
        load_package(pkg, ("actors",))


@pytest.mark.parametrize("path", ["/ABS", "data/../../outside.csv", "file:///ABS"])
def test_row2_diff_refuses_paths_outside_the_package(pkg, outside, path, tmp_path):
    path = path.replace("/ABS", str(outside))
    base = build_package(tmp_path / "base")
    meta = json.loads((pkg / "datapackage.json").read_text())
    meta["resources"][4]["path"] = path
    (pkg / "datapackage.json").write_text(json.dumps(meta, indent=2))
    proc, seconds, _ = _run("civharm.diff", str(base), str(pkg))
    assert proc.returncode == 2, proc.stdout
    assert "resources/4/path" in proc.stderr and SECRET not in proc.stdout + proc.stderr
    report, out, *_ = _validate(pkg)  # the validator names the same property
    assert ("datapackage.json", "resources/4/path") in {
        (p["file"], p["column"]) for p in report["problems"] if p["rule"] == "path-outside-package"}


def test_row2_the_one_function_refuses_each_kind(tmp_path):
    from civharm.metadata.confine import UnsafePath, package_file
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "f.csv").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "ok")
    assert package_file(tmp_path, "ok/f.csv", "p") == tmp_path.resolve() / "ok" / "f.csv"
    for bad in ["/etc/passwd", "../x", "ok/../../x", "http://x/y", "C:/x", "ok\\f.csv", "", None, 5, "link/f.csv"]:
        with pytest.raises(UnsafePath) as e:
            package_file(tmp_path, bad, "resources/0/path")
        assert str(e.value).startswith("resources/0/path")


# --- rows 3 to 7: no hang, no crash ---------------------------------------------------------------

def test_row3_many_stray_quotes_are_linear(pkg):
    path = pkg / "data" / "claims.csv"
    path.write_bytes(path.read_bytes() + b'a"b\n' * 300_000)  # 1.2 MB
    report, _, seconds, peak = _validate(pkg)
    assert report["exit_code"] == 1
    ragged = [p for p in report["problems"] if p["rule"] == "row-ragged" and p["file"] == "data/claims.csv"]
    omitted = {(o["file"], o["rule"]): o["count"] for o in report.get("omitted", [])}
    assert len(ragged) + omitted.get(("data/claims.csv", "row-ragged"), 0) == 300_000  # exact
    assert ragged[0]["line"] == 5 and ragged[-1]["line"] == 4 + len(ragged)


def test_row3_stray_quotes_keep_their_lines(pkg):
    """On rows that are otherwise whole, each stray quote is reported on its own line."""
    path = pkg / "data" / "actors.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    rows = [lines[1].replace("coalition", 'coal"ition', 1).replace("A-000001", f"A-{9000 + i:06d}", 1)
            for i in range(5000)]
    path.write_text("".join(lines + rows), encoding="utf-8")
    report, *_ = _validate(pkg)
    stray = sorted(p["line"] for p in report["problems"] if p["rule"] == "csv-parse" and p["file"] == "data/actors.csv")
    assert stray == list(range(len(lines) + 1, len(lines) + 5001))


def test_row4_latin1_bytes_on_many_lines_are_linear(pkg):
    path = pkg / "data" / "incidents.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    body = [lines[1].replace(b"CH-000001", b"CH-%06d" % (100000 + i), 1).replace(b"Raqqa", b"Raqq\xe9", 1)
            for i in range(20_000)]
    path.write_bytes(b"".join(lines + body))
    report, _, seconds, peak = _validate(pkg)
    bad = [p for p in report["problems"] if p["rule"] == "encoding-utf8"]
    assert [p["line"] for p in bad] == list(range(len(lines) + 1, len(lines) + 1 + len(bad)))
    omitted = sum(o["count"] for o in report.get("omitted", []) if o["rule"] == "encoding-utf8")
    assert len(bad) + omitted == 20_000
    first = lines[1].replace(b"CH-000001", b"CH-100000", 1)
    offset = sum(map(len, lines)) + first.index(b"Raqqa") + 4
    assert bad[0]["value"] == "E9" and bad[0]["message"].startswith(f"Bytes that are not valid UTF-8 at byte {offset} ")


def test_row5_millions_of_junk_lines_are_capped_and_counted(pkg):
    path = pkg / "data" / "claims.csv"
    path.write_bytes(path.read_bytes() + b"junk\n" * 300_000)
    proc, seconds, peak = _run("civharm.validate", str(pkg), env={"CIVHARM_KEEP_PER_RULE": "1000"})
    assert proc.returncode == 1, proc.stderr
    assert "… and 299,980 more row-ragged errors in data/claims.csv" in proc.stdout
    assert "299,000 more problem(s) were counted but not kept" in proc.stdout
    assert seconds < TIME_BOUND_S and peak < MEMORY_BOUND_MB, (seconds, peak)


@pytest.mark.parametrize("content", [b"foo\n1\n", b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4,
                                     "actor_id,name\nA,b\n".encode("utf-16"), b'"actor_id,name\n', b"\n\n"])
def test_row6_header_without_key_columns(pkg, content):
    (pkg / "data" / "actors.csv").write_bytes(content)
    _claims_fault(pkg)
    report, *_ = _validate(pkg)
    assert report["exit_code"] == 1
    actors = [p for p in report["problems"] if p["file"] == "data/actors.csv"]
    assert actors and all(p["line"] is not None for p in actors if p["rule"] != "internal-error")
    assert "pk-duplicate" in _rules(report, "data/claims.csv") or "cell-pattern" in _rules(report, "data/claims.csv")


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_row7_deeply_nested_descriptor(pkg, depth):
    (pkg / "datapackage.json").write_text('{"a":' * depth + "{}" + "}" * depth)
    report, *_ = _validate(pkg)
    assert report["exit_code"] == 1
    [p] = report["problems"]
    assert p["rule"] == "descriptor-not-json" and "nested too deeply" in p["message"]


def test_row7_deeply_nested_schema(pkg):
    (pkg / "schemas" / "actors.schema.json").write_text("[" * 100_000 + "]" * 100_000)
    report, *_ = _validate(pkg)
    assert ("schemas/actors.schema.json", "descriptor-not-json") in {(p["file"], p["rule"]) for p in report["problems"]}


# --- row 8: a zip bomb ------------------------------------------------------------------------------

def _bomb(path: Path, pkg: Path, entry: str, megabytes: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(pkg.rglob("*")):
            if f.is_file() and f.relative_to(pkg).as_posix() != entry:
                z.write(f, f"pkg/{f.relative_to(pkg).as_posix()}")
        with z.open(f"pkg/{entry}", "w", force_zip64=True) as out:
            for _ in range(megabytes):
                out.write(bytes(1 << 20))


@pytest.mark.parametrize("entry", ["data/actors.csv", "zeros.bin"])
def test_row8_zip_bomb_is_not_unpacked(pkg, tmp_path, entry):
    bomb = tmp_path / "bomb.zip"
    _bomb(bomb, pkg, entry, 64)
    assert bomb.stat().st_size < 1 << 20
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    proc, seconds, peak = _run("civharm.diff", str(bomb), str(pkg), env={"TMPDIR": str(scratch)})
    if entry == "zeros.bin":  # not a file of the package: never unpacked, the diff runs
        assert proc.returncode == 0, proc.stderr
    else:
        assert proc.returncode == 2 and "CIVHARM_MAX_ZIP_RATIO" in proc.stderr, proc.stderr
    assert not any(scratch.iterdir())  # the temporary folder is gone, and nothing large was written
    assert seconds < 30 and peak < MEMORY_BOUND_MB


def test_row8_zip_entry_count_and_traversal(pkg, tmp_path):
    from civharm.metadata.confine import TooLarge, UnsafePath, extract_zip
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as z:
        for i in range(50):
            z.writestr(f"f{i}", b"")
    with pytest.raises(TooLarge, match="CIVHARM_MAX_ZIP_ENTRIES"):
        os.environ["CIVHARM_MAX_ZIP_ENTRIES"] = "10"
        try:
            extract_zip(many, tmp_path / "out", lambda n: True)
        finally:
            del os.environ["CIVHARM_MAX_ZIP_ENTRIES"]
    slip = tmp_path / "slip.zip"
    with zipfile.ZipFile(slip, "w") as z:
        z.writestr("../evil", b"x")
    with pytest.raises(UnsafePath):
        extract_zip(slip, tmp_path / "out", lambda n: True)
    assert not (tmp_path / "evil").exists()


# --- rows 9 to 11: limits ---------------------------------------------------------------------------

def test_row9_descriptor_size_limit(pkg):
    meta = json.loads((pkg / "datapackage.json").read_text())
    meta["keywords"] += ["k" * 50] * 40_000  # 2 MB
    (pkg / "datapackage.json").write_text(json.dumps(meta))
    report, _, seconds, _ = _validate(pkg)
    [p] = report["problems"]
    assert p["rule"] == "file-too-large" and p["file"] == "datapackage.json"
    assert "CIVHARM_MAX_JSON_BYTES" in p["hint"]
    report, *_ = _validate(pkg, env={"CIVHARM_MAX_JSON_BYTES": str(4 << 20)})  # overridable
    assert "file-too-large" not in _rules(report)


def test_row9_data_file_size_limit(pkg):
    report, *_ = _validate(pkg, env={"CIVHARM_MAX_FILE_BYTES": "1000"})
    big = {p["file"] for p in report["problems"] if p["rule"] == "file-too-large"}
    sizes = {f"data/{p.name}" for p in (pkg / "data").iterdir() if p.stat().st_size > 1000}
    assert big == sizes and big


def test_row9_bad_setting_cannot_run(pkg):
    proc, *_ = _run("civharm.validate", str(pkg), env={"CIVHARM_MAX_LINE_BYTES": "lots"})
    assert proc.returncode == 2 and "CIVHARM_MAX_LINE_BYTES='lots' is not a whole number" in proc.stderr


def test_row10_one_huge_line_in_bounded_memory(pkg):
    path = pkg / "data" / "actors.csv"
    with path.open("ab") as f:
        for _ in range(20):
            f.write(b"x" * (1 << 20))  # 40 MB, no newline
    report, _, seconds, peak = _validate(pkg)
    [p] = [p for p in report["problems"] if p["file"] == "data/actors.csv"]
    assert p["rule"] == "line-too-long" and p["value"] == f"{20 << 20:,}"
    assert peak < 400, peak  # the line is never held: about the real package's footprint


def _big_cell(pkg: Path, size: int) -> int:
    path = pkg / "data" / "actors.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace("Called", "Called " + "y" * size, 1)
    path.write_text("".join(lines), encoding="utf-8")
    return 2


@pytest.mark.parametrize("size", [300_000, 3_000_000])
def test_row11_both_readers_agree_on_a_large_cell(pkg, size):
    line = _big_cell(pkg, size)
    env = {"CIVHARM_MAX_LINE_BYTES": str(1 << 20)}
    fast, *_ = _validate(pkg, env=env)
    path = pkg / "data" / "actors.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))  # CRLF: the exact reader
    exact, *_ = _validate(pkg, env=env)

    def verdict(report):
        return sorted((p["line"], p["rule"]) for p in report["problems"] if p["file"] == "data/actors.csv"
                      and p["rule"] != "text-control-character")
    assert verdict(fast) == verdict(exact)
    assert ((line, "line-too-long") in verdict(fast)) == (size > 1 << 20)


# --- the report never prints raw control characters ------------------------------------------------

def test_hostile_header_cannot_drive_the_terminal(pkg):
    (pkg / "data" / "actors.csv").write_bytes(b"\x1b[2J\x1b]0;owned\x07,name\n1,2\n")
    proc, *_ = _run("civharm.validate", str(pkg))
    assert proc.returncode == 1
    assert "\x1b" not in proc.stdout and "\\x1b[2J" in proc.stdout


def test_rule_sql_cannot_read_files_outside(pkg, tmp_path, monkeypatch):
    """A pull request can change the rule SQL too: after the data is read, DuckDB touches no file."""
    from civharm.validate import tables
    from civharm.validate.engine import validate
    sql = tmp_path / "sql"
    shutil.copytree(tables.SQL_DIR, sql)
    secret = tmp_path / "secret.csv"
    secret.write_text(f"a\n{SECRET}\n")
    (sql / "zz-evil.sql").write_text(f"SELECT 'incidents', 1, 'x', a, 'y' FROM read_csv('{secret}')")
    monkeypatch.setattr(tables, "SQL_DIR", sql)
    report = validate(pkg)
    assert SECRET not in report.to_json()
    [p] = [p for p in report.problems if p.rule == "internal-error"]
    assert "disabled by configuration" in p.detail


def test_a_profile_named_outside_the_package_is_reported_and_never_read(tmp_path):
    """frictionless reads a `profile` it does not know by name as a path from the current folder,
    or fetches it as a URL. A pull request could point it at a file beside the package: it is
    reported at its property, and frictionless is not given it (so nothing outside is read)."""
    pkg = build_package(tmp_path / "pkg")
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    desc["resources"][0]["profile"] = "../elsewhere.json"
    desc["profiles"] = ["https://example.org/profile.json"]
    (pkg / "datapackage.json").write_text(json.dumps(desc, indent=2), encoding="utf-8")
    (tmp_path / "elsewhere.json").write_text('{"required": ["read-from-outside"]}', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "civharm.validate", str(pkg), "--format", "json", "--no-cache"],
                          capture_output=True, text=True, cwd=pkg, timeout=300)
    report = json.loads(proc.stdout)
    found = sorted((p["rule"], p["column"]) for p in report["problems"] if p["file"] == "datapackage.json")
    assert found == [("descriptor-profile", "profiles"), ("descriptor-profile", "resources/0/profile")], found
    assert proc.returncode == 1
    assert "read-from-outside" not in proc.stdout and "cannot retrieve" not in proc.stdout
    assert all("validation reads nothing outside it" in p["message"] for p in report["problems"]
               if p["file"] == "datapackage.json")
