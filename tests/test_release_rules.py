"""Every release validates by its own version's rules, and nothing else can choose them; the
validator's header names a package by its version label (civharm.metadata.label).

The 0.1.0 and 0.2.0 zips are rebuilt byte for byte from their commits (make release VERSION=…)
and unpacked."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from civharm.metadata import label, versions
from civharm.release import _extract, kept_record, verify

LEDGER = versions.read(REPO_ROOT)
OLD = ("0.1.0", "0.2.0")  # released before incident_relations


def _has_commit(sha: str) -> bool:
    return subprocess.run(["git", "cat-file", "-e", f"{sha}^{{commit}}"], cwd=REPO_ROOT, capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> dict[str, Path]:
    """version -> the folder of its unpacked zip, rebuilt from its commit."""
    if not all(_has_commit(LEDGER[v]["commit"]) for v in OLD):
        pytest.skip("this clone lacks a released commit (a shallow clone): git fetch --unshallow")
    base = tmp_path_factory.mktemp("releases")
    out = {}
    for v in OLD:
        verify(v, REPO_ROOT, log=lambda *_: None, out=base / "dist")
        with zipfile.ZipFile(base / "dist" / f"civharm-{v}.zip") as z:
            z.extractall(base / v)
        out[v] = next(p.parent for p in (base / v).rglob("datapackage.json"))
    return out


def validate(pkg: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "civharm.validate", str(pkg), *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)


def problems(pkg: Path) -> tuple[int, list[dict]]:
    proc = validate(pkg, "--format", "json")
    return proc.returncode, json.loads(proc.stdout)["problems"]


@pytest.mark.parametrize("version", OLD)
def test_a_release_validates_by_its_own_rules(releases, version):
    proc = validate(releases[version])
    assert proc.returncode == 0, proc.stdout
    assert f"\ncivharm {version} ({releases[version] / 'datapackage.json'})\n" in proc.stdout
    assert (f"  column version: Checked by the rules of {version}, the released version this package is byte for "
            f"byte; since {version} civharm's rules changed (resources added: incident_relations, places, victims). [release-rules]"
            ) in proc.stdout.splitlines()


def test_a_changed_release_gets_todays_rules_and_no_released_name(releases, tmp_path):
    pkg = shutil.copytree(releases["0.2.0"], tmp_path / "changed")
    path = pkg / "data" / "actors.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("US-led coalition", "US-led Coalition", 1), encoding="utf-8")
    status, found = problems(pkg)
    assert status == 1
    rules = {p["rule"] for p in found}
    assert "descriptor-resource-set" in rules and "release-rules" not in rules
    assert "\ncivharm unreleased changes since 0.2.0 (" in validate(pkg).stdout


def test_weakened_schemas_under_an_old_version_get_todays_rules(releases, tmp_path):
    """0.2.0's files with one schema constraint dropped, the descriptor's hashes intact: its rules
    were 0.2.0's only for 0.2.0's own schemas."""
    pkg = shutil.copytree(releases["0.2.0"], tmp_path / "weakened")
    schema = pkg / "schemas" / "incidents.schema.json"
    s = json.loads(schema.read_text(encoding="utf-8"))
    field = next(f for f in s["fields"] if (f.get("constraints") or {}).get("pattern"))
    del field["constraints"]["pattern"]
    schema.write_text(json.dumps(s, indent=2) + "\n", encoding="utf-8")
    status, found = problems(pkg)
    assert status == 1
    rules = {p["rule"] for p in found}
    assert "descriptor-resource-set" in rules and "release-rules" not in rules


def test_todays_package_naming_an_old_version_gets_todays_rules(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    for rel in ("data", "schemas"):
        shutil.copytree(REPO_ROOT / rel, pkg / rel)
    meta = json.loads((REPO_ROOT / "datapackage.json").read_text(encoding="utf-8"))
    meta["version"] = "0.1.0"
    (pkg / "datapackage.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    proc = validate(pkg)
    assert "[release-rules]" not in proc.stdout
    assert "\ncivharm unreleased changes since 0.1.0 (" in proc.stdout
    status, found = problems(pkg)
    assert status == 0, found


@pytest.mark.parametrize("version", sorted(LEDGER, key=lambda v: tuple(map(int, v.split(".")))))
def test_every_version_in_the_ledger_has_its_kept_record(version, tmp_path):
    """civharm/metadata/kept/<version>.json is what python -m civharm.release keep writes from the
    version's commit: nothing in it was written by hand."""
    row = LEDGER[version]
    if not _has_commit(row["commit"]):
        pytest.skip("this clone lacks a released commit (a shallow clone): git fetch --unshallow")
    kept = label.kept(version)
    assert kept is not None, f"no kept record for {version}: python -m civharm.release keep {version}"
    _extract(REPO_ROOT, row["commit"], version, tmp_path / "package")
    assert kept == kept_record(tmp_path / "package", version, row["commit"])


def test_the_checkouts_header_names_its_label():
    """The repository between releases: its header never names a released version alone."""
    named = label.label(REPO_ROOT)
    proc = validate(REPO_ROOT)
    assert f"\ncivharm {named.text} ({REPO_ROOT / 'datapackage.json'})\n" in proc.stdout
    if not named.released:
        assert named.text.startswith(f"unreleased changes since {named.since} (commit ")
