"""Reports that scale: the human report caps each rule per file and counts the rest exactly, the
JSON report lists every problem, and the progress line appears only on a terminal."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys

import pytest

from conftest import REPO_ROOT, build_package, run_validate

EXTRA = 25  # incidents added to the minimal package, each with two faults
FIRST_LINE = 5  # the minimal package's incidents.csv has 3 rows (lines 2-4)
ENUM = "airstrike, artillery, air_or_artillery, ground_fire, explosive_device, execution, other, unknown"


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """The minimal package plus EXTRA incidents that each break an enum and have no claim."""
    pkg = build_package(tmp_path_factory.mktemp("many") / "pkg")
    path = pkg / "data" / "incidents.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    template = lines[1]  # CH-000001, active, means=airstrike
    assert template.startswith("CH-000001,active,") and ",airstrike," in template
    added = [template.replace("CH-000001", f"CH-{100000 + i:06d}", 1).replace(",airstrike,", ",drone,", 1)
             for i in range(EXTRA)]
    path.write_text("".join(lines + added), encoding="utf-8")
    return pkg


def _expected_lines(count: int) -> list[str]:
    """The human report's lines for the first `count` added incidents, in report order."""
    out = []
    for i in range(count):
        line = FIRST_LINE + i
        out += [
            f"  line {line}, column incident_id: The active incident CH-{100000 + i:06d} has no claim from a "
            "source with a URL. [incident-without-claim]",
            "    fix: Add at least one claim that says which source reports this incident.",
            f"  line {line}, column means: 'drone' is not one of the allowed values: {ENUM}. [cell-enum]",
            "    fix: Use one of the listed values; their meanings are in the data dictionary.",
        ]
    return out


def _incidents_section(stdout: str) -> list[str]:
    lines = stdout.splitlines()
    start = lines.index("data/incidents.csv") + 1
    end = lines.index("", start)
    return lines[start:end]


def test_human_report_caps_each_rule_per_file_and_counts_the_rest(many):
    proc = run_validate(many, "--max-per-rule", "3")
    assert proc.returncode == 1, proc.stderr
    assert _incidents_section(proc.stdout) == _expected_lines(3) + [
        f"  … and {EXTRA - 3} more incident-without-claim errors in data/incidents.csv",
        f"  … and {EXTRA - 3} more cell-enum errors in data/incidents.csv",
    ]
    hidden = 2 * (EXTRA - 3)
    assert (f"{hidden} more problem(s) not shown: at most 3 of each rule per file are; --all "
            "(make validate ARGS=--all) shows every one, --format json lists them all.") in proc.stdout
    # the summary keeps the exact totals, those of the complete JSON report
    notices = json.loads(run_validate(many, "--format", "json").stdout)["summary"]["notices"]
    assert notices >= 1  # the minimal package's relay and tally notices
    assert re.search(rf"rules run in [0-9.]+ s: invalid: {2 * EXTRA} error\(s\), {notices} notice\(s\)\n\Z",
                     proc.stdout)


def test_default_cap_is_twenty(many):
    proc = run_validate(many)
    assert _incidents_section(proc.stdout) == _expected_lines(20) + [
        f"  … and {EXTRA - 20} more incident-without-claim errors in data/incidents.csv",
        f"  … and {EXTRA - 20} more cell-enum errors in data/incidents.csv",
    ]


def test_all_prints_every_problem(many):
    proc = run_validate(many, "--all")
    assert proc.returncode == 1
    assert _incidents_section(proc.stdout) == _expected_lines(EXTRA)
    assert "more problem(s) not shown" not in proc.stdout and "… and" not in proc.stdout


def test_a_cap_of_one_names_the_rest_in_the_singular_and_plural(many):
    proc = run_validate(many, "--max-per-rule", str(EXTRA - 1))
    assert _incidents_section(proc.stdout)[-2:] == [
        "  … and 1 more incident-without-claim error in data/incidents.csv",
        "  … and 1 more cell-enum error in data/incidents.csv",
    ]


def test_negative_cap_is_refused(many):
    proc = run_validate(many, "--max-per-rule", "-1")
    assert proc.returncode == 2
    assert "-1 is not a count" in proc.stderr


def test_json_lists_every_problem(many):
    proc = run_validate(many, "--format", "json", "--max-per-rule", "1")  # the cap is for people only
    report = json.loads(proc.stdout)
    assert report["summary"]["errors"] == 2 * EXTRA
    assert report["summary"]["notices"] == sum(p["severity"] == "notice" for p in report["problems"]) >= 1
    incidents = [p for p in report["problems"] if p["file"] == "data/incidents.csv"]
    assert [(p["line"], p["rule"]) for p in incidents] == [
        (FIRST_LINE + i, rule) for i in range(EXTRA) for rule in ("incident-without-claim", "cell-enum")]
    assert incidents[-1]["message"] == f"'drone' is not one of the allowed values: {ENUM}."


@pytest.mark.parametrize("count", [0, 1, 3])
def test_streamed_json_is_the_json_document(count):
    """write_json streams the same document json.dumps would build in one piece."""
    from civharm.validate.report import Problem, Report

    report = Report(package="p/datapackage.json", rows={"incidents": 3}, rules_run={"cell-enum"}, seconds=0.25)
    report.extend(Problem("cell-enum", "data/incidents.csv", line=n + 2, column="means", value='dr"one\n',
                          expected="airstrike") for n in range(count))
    whole = json.dumps({**report._head(), "problems": [p.as_dict() for p in report.sorted()]},
                       indent=2, ensure_ascii=False)
    assert report.to_json() == whole


def _env() -> dict:
    return dict(os.environ, PYTHONDONTWRITEBYTECODE="1", CIVHARM_PROGRESS_DELAY="0")


def test_no_progress_line_when_stderr_is_not_a_terminal(many):
    proc = subprocess.run([sys.executable, "-m", "civharm.validate", str(many)], capture_output=True, text=True,
                          cwd=REPO_ROOT, env=_env(), timeout=300)
    assert proc.returncode == 1
    assert proc.stderr == ""


def test_progress_line_on_a_terminal(many):
    """With stderr a terminal (and the delay set to 0), the step being checked is shown there;
    stdout, the report, carries none of it."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "civharm.validate", str(many)], stdout=subprocess.PIPE,
                            stderr=slave, cwd=REPO_ROOT, env=_env())
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal closed: the process is gone
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    stdout = proc.stdout.read().decode()
    proc.wait(timeout=300)
    os.close(master)
    assert proc.returncode == 1
    assert b"validating: " in seen and b"data/incidents.csv" in seen, seen[:2000]
    assert "validating: " not in stdout
