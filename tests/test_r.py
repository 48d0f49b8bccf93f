"""R/civharm.R, the R reader generated from the Table Schemas: the committed file is the one
`make r-script` writes, and run with Debian's R and readr on the real package it gives every
column the class its schema type calls for, NA exactly where a cell is blank, and the CSVs' values.

The tests that run R skip, saying why, when Rscript or readr is missing (.ci/run installs both:
apt-get install r-base-core r-cran-readr); under CI they fail instead, as CI must run them."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from civharm.metadata.package import load_json, load_resources
from civharm.metadata.rreader import R_CLASS, TARGET, kind, r_script

REPO = Path(__file__).resolve().parents[1]
RESOURCES = load_resources(REPO, load_json(REPO / "datapackage.json"))
SEP = "\x1f"  # between the levels of a factor in R's report


def test_the_r_reader_is_generated_from_the_schemas():
    assert (REPO / TARGET).read_text(encoding="utf-8") == r_script(REPO, load_json(REPO / "datapackage.json")), \
        f"{TARGET} is stale: run make r-script"


def _r_missing() -> str | None:
    """Why R cannot run here, or None."""
    if shutil.which("Rscript") is None:
        return "Rscript is not installed (Debian: apt-get install r-base-core r-cran-readr)"
    r = subprocess.run(["Rscript", "-e", "library(readr)"], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        return f"R has no readr package (Debian: apt-get install r-cran-readr): {r.stderr.strip()[-200:]}"
    return None


@pytest.fixture(scope="module")
def rscript():
    reason = _r_missing()
    if reason and os.environ.get("CI"):
        pytest.fail(f"CI must run the R test, but {reason}; .ci/run installs R with apt-get (as root)", pytrace=False)
    if reason:
        pytest.skip(reason)

    def run(code: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
        return subprocess.run(["Rscript", "-e", code], cwd=cwd, capture_output=True, text=True, timeout=300)
    return run


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    return header, rows


def test_every_column_reads_into_r_with_its_schema_type(rscript, tmp_path):
    """Each table read with R/civharm.R as the README shows: class per column (integer, numeric,
    Date, factor with the enum's levels in order, character even when every cell is blank), NA
    for exactly the blank cells, and the values written back equal to the CSV's."""
    report = tmp_path / "classes.tsv"
    r = rscript(f"""
        source("{TARGET.as_posix()}")
        tables <- civharm_read_all()
        out <- character()
        for (t in names(tables)) {{
          x <- tables[[t]]
          for (col in names(x)) {{
            v <- x[[col]]
            out <- c(out, paste(t, col, class(v)[1], paste(levels(v), collapse = "{SEP}"), sum(is.na(v)), sep = "\\t"))
          }}
          readr::write_csv(x, file.path("{tmp_path.as_posix()}", paste0(t, ".csv")), na = "", eol = "\\n")
        }}
        writeLines(out, "{report.as_posix()}")
    """)
    assert r.returncode == 0, r.stderr
    got = {}
    for line in report.read_text(encoding="utf-8").splitlines():
        table, column, cls, levels, na = line.split("\t")
        got[(table, column)] = (cls, levels.split(SEP) if levels else [], int(na))
    expected_columns = [(res.name, f["name"]) for res in RESOURCES for f in res.fields]
    assert list(got) == expected_columns

    blank_only = []
    for res in RESOURCES:
        header, rows = _rows(REPO / res.path)
        back_header, back = _rows(tmp_path / f"{res.name}.csv")
        assert back_header == header and len(back) == len(rows), res.name
        for i, f in enumerate(res.fields):
            cls, levels, na = got[(res.name, f["name"])]
            where = f"{res.name}.{f['name']}"
            assert cls == R_CLASS[kind(f)], f"{where}: R gives {cls}, the schema's {kind(f)} calls for {R_CLASS[kind(f)]}"
            assert levels == ((f.get("constraints") or {}).get("enum") if kind(f) == "enum" else []), where
            blanks = sum(row[i] == "" for row in rows)
            assert na == blanks, f"{where}: {na} NA in R, {blanks} blank cells in the CSV"
            if blanks == len(rows):
                blank_only.append(where)
            same = (lambda a, b: (a == b == "") or (a != "" and b != "" and float(a) == float(b))) \
                if f.get("type") == "number" else str.__eq__
            assert all(same(row[i], again[i]) for row, again in zip(rows, back)), f"{where}: values changed in R"
    assert blank_only, "the data has a column blank in every row, read as character (readr alone guesses logical)"


def test_a_cell_that_is_not_its_type_stops_with_where_it_is(rscript, tmp_path):
    shutil.copytree(REPO / "data", tmp_path / "data")
    path = tmp_path / "data" / "incidents.csv"
    header, rows = _rows(path)
    rows[1][header.index("status")] = "activ"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header, *rows])
    r = rscript(f'source("{(REPO / TARGET).as_posix()}"); civharm_read("incidents", package = "{tmp_path.as_posix()}")')
    assert r.returncode == 1
    assert (f"{tmp_path.as_posix()}/data/incidents.csv: 1 cell(s) do not read as their type, the first on line 3, "
            "column status (value in level set, got 'activ'); run make validate") in r.stderr


def test_a_header_that_is_not_the_schemas_stops_with_the_column(rscript, tmp_path):
    shutil.copytree(REPO / "data", tmp_path / "data")
    path = tmp_path / "data" / "claims.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("claim_id", "id", 1), encoding="utf-8")
    r = rscript(f'source("{(REPO / TARGET).as_posix()}"); civharm_read("claims", package = "{tmp_path.as_posix()}")')
    assert r.returncode == 1
    assert "data/claims.csv: the header is not the schema's columns: column 1 is 'id', the schema has 'claim_id'" in r.stderr
    r = rscript(f'source("{(REPO / TARGET).as_posix()}"); civharm_read("claim")')
    assert r.returncode == 1 and "civharm has no table 'claim'; tables: incidents, sources" in r.stderr


def test_the_release_zip_carries_the_reader_and_it_reads_the_unpacked_release(rscript, tmp_path):
    """What `make release` packs (civharm.release.zip_entries), unpacked: R/civharm.R is there and
    reads every table from the package folder, as the README's recipe runs it."""
    from civharm.release import zip_entries

    entries = zip_entries(REPO, load_json(REPO / "datapackage.json"))
    assert entries[TARGET.as_posix()] == (REPO / TARGET).read_bytes()
    for rel, data in entries.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    r = rscript('source("R/civharm.R"); x <- civharm_read_all(); '
                'cat(paste(names(x), sapply(x, nrow), sep = "=", collapse = " "))', cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == " ".join(f"{res.name}={len(_rows(REPO / res.path)[1])}" for res in RESOURCES)


@pytest.mark.parametrize("doc", ["README.md", "docs/getting-started.md"])
def test_the_documented_recipe_runs_as_written(rscript, doc):
    """The R block of the README and of the site's Getting started, run from the package folder:
    incidents with integer counts and factor enums."""
    text = (REPO / doc).read_text(encoding="utf-8")
    start = text.index("```r\n") + 5
    code = text[start:text.index("```", start)]
    assert "R/civharm.R" in code
    r = rscript(code + '\ncat(class(incidents$civilians_killed_min), class(incidents$status), nrow(incidents))')
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"integer factor {len(_rows(REPO / 'data' / 'incidents.csv')[1])}"
