"""A release stands alone: in a new virtual environment, with no checkout, the wheel that
`make release` builds gives `civharm validate` (the same report as make validate) and
civharm.read() with typed frames.

The new environment takes civharm's dependencies from the project's .venv through a .pth line
(installing them from the registry would be slow), but civharm itself only from the wheel: the
test runs outside the repository and checks where the imported civharm lives."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from package_edits import released_package, run_module

BUILT: dict[str, Path] = {}  # the package and dist folder the fixture released
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    pkg = released_package(base / "pkg")
    dist = base / "dist"
    proc = run_module("civharm.release", "build", "--package", str(pkg), "--out", str(dist))
    assert proc.returncode == 0, proc.stderr + proc.stdout
    wheel = dist / "civharm-0.1.0-py3-none-any.whl"
    assert wheel.is_file(), sorted(p.name for p in dist.iterdir())

    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, env=ENV)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True, env=ENV).stdout.strip())
    # The dependencies (duckdb, polars, pandas, …) from the project's environment; its editable
    # civharm is not reachable this way (a .pth line adds a folder, it runs none of its .pth files).
    (site / "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                          "--no-index", "--quiet", str(wheel)], capture_output=True, text=True, env=ENV)
    assert pip.returncode == 0, pip.stderr

    outside = base / "elsewhere"
    with zipfile.ZipFile(dist / "civharm-0.1.0.zip") as z:
        z.extractall(outside)
    BUILT.update(pkg=pkg, dist=dist)
    return venv, outside


def run(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**ENV, "PATH": f"{venv / 'bin'}:{ENV.get('PATH', '')}"})


def test_the_zip_unpacks_into_one_folder(installed):
    _, outside = installed
    assert [p.name for p in outside.iterdir()] == ["civharm-0.1.0"]
    assert (outside / "civharm-0.1.0" / "datapackage.json").is_file()


def test_the_wheel_is_byte_reproducible(installed, tmp_path):
    """Built again, under another umask, the wheel has the same sha256; every entry is dated the
    release date."""
    pkg, dist = BUILT["pkg"], BUILT["dist"]
    wheel = dist / "civharm-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 11, 24, 0, 0, 0)}
    # again, as a user whose umask lets the group write (Ubuntu's and Fedora's desktop default)
    again = subprocess.run([sys.executable, "-m", "civharm.release", "build", "--package", str(pkg), "--out",
                            str(tmp_path / "again")], capture_output=True, text=True, timeout=600,
                           preexec_fn=lambda: os.umask(0o002))
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "again" / wheel.name).read_bytes() == wheel.read_bytes()


def test_civharm_comes_from_the_wheel(installed):
    venv, outside = installed
    r = run(venv, outside, str(venv / "bin" / "python"), "-c", "import civharm; print(civharm.__file__)")
    assert r.returncode == 0, r.stderr
    assert Path(r.stdout.strip()).is_relative_to(venv), r.stdout


def test_civharm_validate_runs_every_rule_on_the_release(installed):
    venv, outside = installed
    r = run(venv, outside, "civharm", "validate", "civharm-0.1.0")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "valid" in r.stdout


def test_civharm_validate_reports_a_broken_copy_as_make_validate_does(installed):
    venv, outside = installed
    broken = outside / "broken"
    subprocess.run(["cp", "-r", str(outside / "civharm-0.1.0"), str(broken)], check=True)
    path = broken / "data" / "incidents.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",day,", ",daily,", 1), encoding="utf-8")
    wheel = run(venv, outside, "civharm", "validate", "broken")
    checkout = subprocess.run([sys.executable, "-m", "civharm.validate", "broken"], cwd=outside,
                              capture_output=True, text=True, timeout=300)
    assert wheel.returncode == checkout.returncode == 1
    assert "cell-enum" in wheel.stdout and "resource-hash-mismatch" in wheel.stdout
    untimed = lambda text: re.sub(r"run in [0-9.]+ s", "run in … s", text)  # noqa: E731
    assert untimed(wheel.stdout) == untimed(checkout.stdout)
    as_json = run(venv, outside, "civharm", "validate", "broken", "--format", "json")
    checkout_json = subprocess.run([sys.executable, "-m", "civharm.validate", "broken", "--format", "json"],
                                   cwd=outside, capture_output=True, text=True, timeout=300)
    assert json.loads(as_json.stdout)["problems"] == json.loads(checkout_json.stdout)["problems"]


def test_civharm_read_gives_typed_frames_without_a_checkout(installed):
    venv, outside = installed
    code = """
import json, civharm
pdf = civharm.read("incidents", to="pandas")
pl = civharm.read("incidents")
con = civharm.connect()
print(json.dumps({
    "pandas": {c: str(pdf[c].dtype) for c in ("civilians_killed_min", "date_start", "status")},
    "polars": {c: str(pl.schema[c]) for c in ("civilians_killed_min", "date_start", "status")},
    "duckdb": con.execute("SELECT data_type FROM duckdb_columns() WHERE table_name = 'incidents' "
                          "AND column_name = 'civilians_killed_min'").fetchone()[0],
    "rows": len(pdf),
    "described": pdf.attrs["columns"]["status"][:7],
}))
"""
    r = run(venv, outside, str(venv / "bin" / "python"), "-c", code)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert got["pandas"] == {"civilians_killed_min": "Int64", "date_start": "date32[day][pyarrow]",
                             "status": "category"}
    assert got["polars"]["civilians_killed_min"] == "Int64" and got["polars"]["date_start"] == "Date"
    assert got["polars"]["status"].startswith(("Categorical", "Enum"))
    assert got["duckdb"] == "BIGINT"
    assert got["rows"] > 0 and got["described"]


def test_the_wheels_data_names_its_release(installed):
    """The bundled data is the release (its descriptor's hashes match): civharm.read names 0.1.0."""
    venv, outside = installed
    r = run(venv, outside, str(venv / "bin" / "python"), "-c",
            "import civharm; print(civharm.read('incidents', to='pandas').attrs['civharm_version'])")
    assert (r.returncode, r.stdout) == (0, "0.1.0\n"), r.stderr


@pytest.mark.parametrize("version", ["0.1.0", "0.2.0"])
def test_the_wheel_validates_every_released_zip(installed, version, tmp_path):
    """The zips of 0.1.0 and 0.2.0, rebuilt from their commits, are valid by the wheel's
    civharm validate: each by its own version's rules, kept in the wheel."""
    from civharm.metadata import versions
    from civharm.release import verify
    from conftest import REPO_ROOT

    commit = versions.read(REPO_ROOT)[version]["commit"]
    if subprocess.run(["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=REPO_ROOT).returncode != 0:
        pytest.skip("this clone lacks a released commit (a shallow clone): git fetch --unshallow")
    verify(version, REPO_ROOT, log=lambda *_: None, out=tmp_path)
    with zipfile.ZipFile(tmp_path / f"civharm-{version}.zip") as z:
        z.extractall(tmp_path / "unpacked")
    pkg = next((tmp_path / "unpacked").rglob("datapackage.json")).parent
    venv, _ = installed
    r = run(venv, tmp_path, "civharm", "validate", str(pkg))
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"\ncivharm {version} (" in r.stdout and f"Checked by the rules of {version}" in r.stdout
