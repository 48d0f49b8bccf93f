"""`make bench`: the packages it measures are valid and shaped as it says, and every run leaves a
complete record. No timing is asserted: the bench reports times, it does not judge them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from bench import measure, run
from bench.clone import SHARED, clone, key_spaces, load
from bench.synthesize import synthesize

REPO = Path(__file__).resolve().parents[1]


def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def _validate(package: Path) -> subprocess.CompletedProcess:
    """What a user runs: the validator as a process, judged by its exit status."""
    return subprocess.run([sys.executable, "-m", "civharm.validate", str(package)], capture_output=True, text=True, cwd=REPO)


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> tuple[Path, dict]:
    incidents = _read(REPO / "data" / "incidents.csv").height
    out = tmp_path_factory.mktemp("real") / "pkg"
    return out, clone(REPO, out, 2 * incidents + 1)  # three copies: the last one is not trimmed


def test_real_clone_scales_every_table_but_the_shared_ones(real):
    out, manifest = real
    assert manifest["copies"] == 3 and manifest["trimmed"] is False
    descriptor, _ = load(REPO)
    for r in descriptor["resources"]:
        original, cloned = _read(REPO / r["path"]), _read(out / r["path"])
        factor = 1 if r["name"] in SHARED else 3
        assert cloned.height == factor * original.height == manifest["rows"][r["name"]], r["name"]
        assert cloned.columns == original.columns


def test_real_clone_has_fresh_unique_ids_and_copy_zero_is_the_real_package(real):
    out, _ = real
    incidents = _read(out / "data" / "incidents.csv")["incident_id"]
    original = _read(REPO / "data" / "incidents.csv")["incident_id"]
    assert incidents.n_unique() == incidents.len()
    assert incidents.head(original.len()).to_list() == original.to_list()
    assert incidents.str.contains(r"^CH-[0-9]{6,}$").all()
    # Copy 1 of CH-000012 is CH-001012 (stride: the power of ten above the largest number).
    stride = 10 ** len(str(original.str.extract(r"(\d+)$").cast(pl.Int64).max()))
    first = original[0]
    assert incidents[original.len()] == f"CH-{int(first[3:]) + stride:0{len(first) - 3}d}"
    sources = _read(out / "data" / "sources.csv")
    assert sources["url"].n_unique() == sources.height  # source-duplicate-url stays quiet
    assert "copy=2" in sources["url"][sources.height - 1]


def test_real_clone_keeps_every_reference_inside_its_copy(real):
    out, _ = real
    claims, incidents = _read(out / "data" / "claims.csv"), _read(out / "data" / "incidents.csv")
    sources = _read(out / "data" / "sources.csv")
    assert set(claims["incident_id"]) <= set(incidents["incident_id"])
    assert set(claims["source_id"]) <= set(sources["source_id"])
    # The last claim belongs to copy 2, and so do its incident and source.
    last = claims.row(claims.height - 1, named=True)
    assert incidents["incident_id"].to_list().index(last["incident_id"]) >= 2 * incidents.height // 3
    assert sources["source_id"].to_list().index(last["source_id"]) >= 2 * sources.height // 3


def test_real_clone_is_valid(real):
    out, _ = real
    result = _validate(out)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_clone_renumbers_a_new_resource_from_its_schema_alone(tmp_path):
    """A resource the bench has never heard of (incident_relations) is cloned with its keys."""
    src = tmp_path / "src"
    (src / "data").mkdir(parents=True)
    (src / "schemas").mkdir()
    for name in ("incidents", "actors"):
        (src / "data" / f"{name}.csv").write_bytes((REPO / "data" / f"{name}.csv").read_bytes())
        (src / "schemas" / f"{name}.schema.json").write_bytes((REPO / "schemas" / f"{name}.schema.json").read_bytes())
    relations = {"fields": [{"name": n, "type": "string"} for n in ("relation_id", "incident_id", "related_incident_id")],
                 "primaryKey": ["relation_id"],
                 "foreignKeys": [{"fields": ["incident_id"], "reference": {"resource": "incidents", "fields": ["incident_id"]}},
                                 {"fields": "related_incident_id", "reference": {"resource": "incidents", "fields": "incident_id"}}]}
    (src / "schemas" / "incident_relations.schema.json").write_text(json.dumps(relations))
    (src / "data" / "incident_relations.csv").write_text("relation_id,incident_id,related_incident_id\nR-000001,CH-000001,CH-000002\n")
    resources = [{"name": n, "path": f"data/{n}.csv", "schema": f"schemas/{n}.schema.json"}
                 for n in ("incidents", "actors", "incident_relations")]
    (src / "datapackage.json").write_text(json.dumps({"name": "t", "resources": resources}))
    _, schemas = load(src)
    assert key_spaces(schemas)["incident_relations"] == {
        "relation_id": ("incident_relations", "relation_id"),
        "incident_id": ("incidents", "incident_id"), "related_incident_id": ("incidents", "incident_id")}
    n = _read(src / "data" / "incidents.csv").height
    clone(src, tmp_path / "out", 2 * n)
    stride = 10 ** len(str(_read(src / "data" / "incidents.csv")["incident_id"].str.extract(r"(\d+)$").cast(pl.Int64).max()))
    rows = (tmp_path / "out" / "data" / "incident_relations.csv").read_text().splitlines()
    assert rows == ["relation_id,incident_id,related_incident_id", "R-000001,CH-000001,CH-000002",
                    f"R-000011,CH-{1 + stride:06d},CH-{2 + stride:06d}"]


def test_synthetic_package_is_valid_with_tallies(tmp_path):
    manifest = synthesize(tmp_path / "syn", 2500)
    known = {"sources": 1250, "incidents": 2500, "claims": 5000, "tallies": 2, "actors": 5,
             "incident_relations": 156}
    assert {k: v for k, v in manifest["rows"].items() if k in known} == known
    assert all(rows == 0 for k, rows in manifest["rows"].items() if k not in known)  # header only
    for name, rows in manifest["rows"].items():
        assert _read(tmp_path / "syn" / "data" / f"{name}.csv").height == rows
    result = _validate(tmp_path / "syn")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_measure_reports_peak_memory_and_kills_at_the_cap(tmp_path):
    big = measure.run([sys.executable, "-c", "b = b'x' * (200 * 2**20)"])
    assert big.exit_code == 0 and not big.capped and big.peak_rss_mb >= 200
    # A shell and its own child: the cap kills the whole process group, not just the shell.
    marker = tmp_path / "survived"
    cut = measure.run(["sh", "-c", f"(sleep 3; touch {marker}) & sleep 30"], cap_s=0.5)
    assert cut.capped and cut.exit_code is None and cut.wall_text().startswith("more than")
    subprocess.run(["sleep", "4"])
    assert not marker.exists()


def test_bench_run_writes_a_complete_record_and_compares(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(run, "BUILD", tmp_path)
    monkeypatch.setattr(run, "RECORDS", tmp_path / "bench")
    incidents = _read(REPO / "data" / "incidents.csv").height
    n = incidents + 1  # two copies
    assert run.main(["--shape", "real", "-n", str(n), "--frictionless-cap", "120"]) == 0
    (record_file,) = (tmp_path / "bench").glob(f"*-real-{n}.json")
    record = json.loads(record_file.read_text())
    assert record["shape"] == "real" and record["n"] == n and record["package"]["copies"] == 2
    assert record["package"]["tables"]["incidents"]["rows"] == 2 * incidents
    assert record["package"]["bytes"] == sum(f.stat().st_size for f in (tmp_path / f"bench-real-{n}" / "data").glob("*.csv"))
    assert {"cpu_count", "python", "duckdb", "git_commit"} <= record["machine"].keys()
    for tool in ("floor", "validate", "frictionless"):
        assert record[tool]["exit_code"] == 0 and record[tool]["wall_s"] > 0 and record[tool]["peak_rss_mb"] > 0, tool
    assert record["frictionless"]["note"] == "valid"
    assert record["ratios"]["validate_over_floor"]["bound"] == "exact"
    out = capsys.readouterr().out
    assert "python -m civharm.validate" in out and "validate / floor" in out and record_file.name in out
    assert run.main(["--compare"]) == 0
    assert f"real {n}" in capsys.readouterr().out
