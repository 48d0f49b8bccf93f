"""`python -m civharm.register`: a register of cell values applied to the package, all or nothing."""

from __future__ import annotations

from pathlib import Path

from conftest import build_package
from package_edits import read_rows, run_module

HEADER = "table,row_id,field,value,url,note\n"


def register(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "register.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_a_register_sets_each_named_cell_and_prints_it(tmp_path: Path):
    pkg = build_package(tmp_path / "pkg")
    reg = register(tmp_path, "claims,CL-000001,men_killed_min,3,https://example.org/a,read from the page\n"
                             "claims,CL-000001,local_time,evening,,\n"
                             "sources,S-000002,published_on,2017-08-23,https://example.org/b,\n"
                             "claims,CL-000002,stated_on,2017-05-25,,unchanged\n")
    r = run_module("civharm.register", str(reg), "--package", str(pkg))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["claims CL-000001: men_killed_min blank -> 3",
                                     "claims CL-000001: local_time blank -> evening",
                                     "sources S-000002: published_on blank -> 2017-08-23",
                                     "changed 3 cell(s) in 2 file(s)."]
    claims = {c["claim_id"]: c for c in read_rows(pkg, "claims")[1]}
    assert (claims["CL-000001"]["men_killed_min"], claims["CL-000001"]["local_time"]) == ("3", "evening")
    assert claims["CL-000003"]["men_killed_min"] == ""
    assert {s["source_id"]: s for s in read_rows(pkg, "sources")[1]}["S-000002"]["published_on"] == "2017-08-23"
    assert run_module("civharm.fmt", str(pkg), "--check").returncode == 0  # written in canonical form
    again = run_module("civharm.register", str(reg), "--package", str(pkg))
    assert again.stdout.splitlines() == ["changed 0 cell(s) in 0 file(s)."]


def test_a_register_with_a_wrong_row_changes_nothing(tmp_path: Path):
    pkg = build_package(tmp_path / "pkg")
    before = {p: p.read_bytes() for p in (pkg / "data").glob("*.csv")}
    reg = register(tmp_path, "claims,CL-000001,men_killed_min,3,,\n"
                             "claim,CL-000001,men_killed_min,3,,\n"
                             "claims,CL-999999,men_killed_min,3,,\n"
                             "claims,CL-000001,colour,red,,\n"
                             "claims,CL-000001,men_killed_min,4,,\n")
    r = run_module("civharm.register", str(reg), "--package", str(pkg))
    assert r.returncode == 2
    assert r.stderr.splitlines()[1:] == [
        "line 3: no table 'claim' (the package has incidents, sources, claims, tallies, actors, incident_relations, places, victims)",
        "line 4: claims has no row 'CL-999999'",
        "line 5: claims has no field 'colour'",
        "line 6: claims CL-000001 men_killed_min is given '4' here and '3' on line 2"]
    assert {p: p.read_bytes() for p in (pkg / "data").glob("*.csv")} == before
