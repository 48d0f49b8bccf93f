"""`python -m civharm.gazetteer`: the gazetteer filled from the place names the data holds, and
incidents and claims pointed at it; re-runnable, and valid by make validate's rules."""

from __future__ import annotations

from pathlib import Path

from civharm.gazetteer import key, part_names
from conftest import build_package, run_validate
from package_edits import edit_rows, read_rows, run_module


def test_spellings_of_one_place_share_a_key_and_others_do_not():
    assert len({key(n) for n in ("Al-Badu", "Al Bedou", "Badou", "al-Badw", "Al Badou")}) == 1
    assert key("Hadika Al Bayda") == key("Al-Hadiqa Al-Bayda")
    assert len({key(n) for n in ("Al-Badu", "Al-Sakhani", "al-Jadida", "Raqqa")}) == 4


def test_a_part_names_a_place_or_describes_one():
    assert part_names("Al Bedou (Badu)") == ["Al Bedou", "Badu"]
    assert part_names("Al Badou (Fayyad family home)") == ["Al Badou"]
    assert part_names("Bab Laksh (Old Mosul)") == ["Bab Laksh"]
    assert part_names("17 July (Al Walaa school)") == ["17 July"]
    assert part_names("western neighbourhoods") == []
    assert part_names("south of Maari School") == []


def test_the_gazetteer_is_filled_from_the_data_and_a_rerun_changes_nothing(tmp_path: Path):
    pkg = build_package(tmp_path / "pkg")
    header, _ = read_rows(pkg, "places")
    (pkg / "data" / "places.csv").write_text(",".join(header) + "\n")  # an empty gazetteer
    edit_rows(pkg, "incidents", "incident_id", {"CH-000001": {"place_id": "", "neighbourhood": "Al Bedou (Badu)"},
                                                "CH-000003": {"place_id": ""}})
    r = run_module("civharm.gazetteer", str(pkg))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "places PL-000001: added Mosul", "places PL-000002: added Raqqa",
        "places PL-000003: added Al Bedou (Badu)", "places PL-000004: added al-Jadida",
        "4 place(s); place_id set on 3 incident(s) and 1 claim(s); 3 file(s) rewritten."]
    places = {p["place_id"]: p for p in read_rows(pkg, "places")[1]}
    assert (places["PL-000003"]["kind"], places["PL-000003"]["parent_id"]) == ("neighbourhood", "PL-000002")
    assert (places["PL-000001"]["latitude"], places["PL-000001"]["coordinates_source_id"]) == ("", "")
    assert (places["PL-000002"]["latitude"], places["PL-000002"]["longitude"]) == ("35.9528", "39.0079")
    incidents = {i["incident_id"]: i["place_id"] for i in read_rows(pkg, "incidents")[1]}
    assert incidents == {"CH-000001": "PL-000003", "CH-000002": "PL-000002", "CH-000003": "PL-000004"}
    claims = {c["claim_id"]: c["place_id"] for c in read_rows(pkg, "claims")[1]}
    assert claims == {"CL-000001": "", "CL-000002": "PL-000004", "CL-000003": ""}
    assert run_validate(pkg).returncode == 0
    again = run_module("civharm.gazetteer", str(pkg), "--check")
    assert again.returncode == 0 and again.stdout.endswith("0 file(s) to rewrite.\n")
    # A spelling the data adds later joins its place; the place keeps its ID and name.
    edit_rows(pkg, "incidents", "incident_id", {"CH-000002": {"neighbourhood": "al-Badw"}})
    r = run_module("civharm.gazetteer", str(pkg))
    assert r.stdout.splitlines()[0] == "places PL-000003: spellings Badu -> Badu; al-Badw"
