"""make's variables reach their programs as data, and `make validate` exits as the validator does.

A variable's value can come from anywhere a shell can put it (a branch name, a pull request's
title in CI), so no value may run a command: not through the shell of a recipe, not through make's
own expansion of `$(shell …)`, not through an exported variable. Each target is run with a spy in
place of the programs (`make BIN=<spy>`): the spy records the arguments it gets, and the payloads
try to create a marker file. Then the same payloads go through the real programs where their
answer shows the value (diff's error names FROM; a query returns Q).
"""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BROKEN_DIR, build_package

REPO = Path(__file__).resolve().parents[1]
# As a user's shell runs make: not as a sub-make of `make test`.
ENV = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
CFF_STAMP = ".venv-cff/.installed"  # cite, bump and test need it; -o keeps make from setting it up here

# Each payload would create {marker} if any shell or make evaluated it.
PAYLOADS = {
    "command substitution": "$$(touch {marker})",
    "backquotes": "`touch {marker}`",
    "closing double quote": 'x" ; touch {marker} ; "',
    "closing single quote": "x' ; touch {marker} ; '",
    "make function": "$(shell touch {marker})",
    "make variable reference": "${{shell touch {marker}}}",
    "dollar and quotes": "SELECT \"actor_id\" AS \"the id\", '$HOME' -- ; {marker}",
}

SPY = """#!{python}
import json, os, sys
argv = sys.argv[1:]
if argv[:2] == ["-m", "civharm.makeargs"]:  # the real splitter, then the spy again
    os.execv({python!r}, [{python!r}] + argv)
with open(os.environ["SPY_LOG"], "a") as f:
    f.write(json.dumps([os.path.basename(sys.argv[0])] + argv) + "\\n")
"""


@pytest.fixture()
def spy(tmp_path):
    """A folder standing in for .venv/bin: python and duckdb that record their arguments."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    venv_python = REPO / ".venv" / "bin" / "python"
    for name in ("python", "duckdb"):
        p = bin_dir / name
        p.write_text(SPY.format(python=str(venv_python)))
        p.chmod(p.stat().st_mode | stat.S_IEXEC)
    return bin_dir


def make(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["make", *args], cwd=REPO, capture_output=True, text=True,
                          env={**ENV, **(env or {})}, timeout=600)


def spied(spy: Path, tmp_path: Path, *args: str, env: dict | None = None) -> list[list[str]]:
    """Run make with the spy as BIN; the calls the spy saw, each [program, arguments…]."""
    log = tmp_path / "calls.jsonl"
    log.unlink(missing_ok=True)
    r = make(f"BIN={spy}", "-o", CFF_STAMP, *args, env={"SPY_LOG": str(log), **(env or {})})
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


# target, its variables, and the call the program must get for values (a, b, c)
TARGETS = {
    "diff": (("FROM", "TO", "FORMAT"), lambda a, b, c: ["python", "-m", "civharm.diff", a, b, "--format", c]),
    "sql Q": (("Q",), lambda a: ["duckdb", "-readonly", "-bail", "build/civharm.duckdb", "-c", a]),
    "sql FILE": (("FILE",), lambda a: ["duckdb", "-readonly", "-bail", "build/civharm.duckdb", "-f", a]),
    "bump": (("VERSION", "FROM", "DATE"),
             lambda a, b, c: ["python", "-m", "civharm.release", "bump", a, "--from", b, "--date", c]),
    "release": (("VERSION",), lambda a: ["python", "-m", "civharm.release", "build", "--version", a]),
    "verify-release": (("VERSION",), lambda a: ["python", "-m", "civharm.release", "verify", a]),
    "cite": (("ID",), lambda a: ["python", "-m", "civharm.cite", "--id", a]),
    "import-ucdp": (("GED", "REVIEW"), lambda a, b: ["python", "-m", "importers.ucdp_ged", a, "--review", b]),
    "fuzz": (("FUZZ_SECONDS", "FUZZ_TARGET"), lambda a, b: ["python", "-m", "bench.fuzz", "--seconds", a, "--target", b]),
    "bench": (("SHAPE", "N", "FRICTIONLESS_CAP", "VALIDATE_CAP"),
              lambda a, b, c, d: ["python", "-m", "bench.run", "--shape", a, "-n", b,
                                  "--frictionless-cap", c, "--validate-cap", d]),
}


@pytest.mark.parametrize("payload", PAYLOADS, ids=list(PAYLOADS))
@pytest.mark.parametrize("target", TARGETS)
def test_every_variable_arrives_as_typed_and_runs_nothing(target, payload, spy, tmp_path):
    marker = tmp_path / "marker"
    names, expected = TARGETS[target]
    values = [PAYLOADS[payload].format(marker=marker) + f" {i}" for i in range(len(names))]
    calls = spied(spy, tmp_path, target.split()[0], *(f"{n}={v}" for n, v in zip(names, values)))
    assert not marker.exists(), "a payload ran a command"
    assert calls[-1] == expected(*values)


@pytest.mark.parametrize("payload", PAYLOADS, ids=list(PAYLOADS))
def test_variables_from_the_environment_are_data_too(payload, spy, tmp_path):
    marker = tmp_path / "marker"
    value = PAYLOADS[payload].format(marker=marker)
    calls = spied(spy, tmp_path, "diff", env={"FROM": value, "TO": value})
    assert not marker.exists()
    assert calls[-1] == ["python", "-m", "civharm.diff", value, value, "--format", "text"]


def test_an_unknown_variable_runs_nothing(spy, tmp_path):
    """make would expand any command-line variable when it exports it to a recipe."""
    marker = tmp_path / "marker"
    spied(spy, tmp_path, "diff", "FROM=0.2.0", f"SOMETHING=$(shell touch {marker})")
    assert not marker.exists()


@pytest.mark.parametrize("variable, target, program", [
    ("ARGS", "validate", ["python", "-m", "civharm.validate"]),
    ("PYTEST_ARGS", "test", ["python", "-m", "pytest"]),
])
@pytest.mark.parametrize("payload", PAYLOADS, ids=list(PAYLOADS))
def test_argument_lists_are_split_by_shell_quoting_without_expansion(variable, target, program, payload, spy, tmp_path):
    marker = tmp_path / "marker"
    value = PAYLOADS[payload].format(marker=marker)
    words = f"-k 'a b' \"{marker} c\" {shlex.quote(value)}"
    calls = spied(spy, tmp_path, target, f"{variable}={words}")
    assert not marker.exists()
    assert calls[-1] == program + ["-k", "a b", f"{marker} c", value]


def test_an_unbalanced_quote_in_args_is_a_clear_error():
    r = make("validate", "ARGS=--format 'json")
    assert r.returncode == 2
    assert "cannot split ARGS=\"--format 'json\" into arguments: No closing quotation" in r.stderr
    assert "Traceback" not in r.stderr


# --- the real programs show the value they got ---------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS, ids=list(PAYLOADS))
def test_diff_names_from_exactly_as_typed(payload, tmp_path):
    marker = tmp_path / "marker"
    value = PAYLOADS[payload].format(marker=marker)
    r = make("diff", f"FROM={value}")
    assert r.returncode == 2
    assert not marker.exists()
    assert f"civharm-diff: {value!r} is neither a released version" in r.stderr


def test_sql_query_text_arrives_with_its_quotes_comments_and_semicolons(tmp_path):
    marker = tmp_path / "marker"
    query = (f"SELECT \"actor_id\" AS \"the id\", '$HOME' AS home, '$(touch {marker})' AS sub -- a comment; with 'quotes\"\n"
             "FROM actors ORDER BY 1 LIMIT 1; SELECT 'x\" ; y' AS two;")
    r = make("sql", f"Q={query}", env={"HOME": str(tmp_path)})  # no ~/.duckdbrc: duckdb's default output
    assert r.returncode == 0, r.stderr
    assert not marker.exists()
    for text in ("the id", "$HOME", f"$(touch {marker})", "x\" ; y"):
        assert text in r.stdout


# --- exit codes --------------------------------------------------------------------------------


@pytest.mark.parametrize("case, code", [("valid", 0), ("invalid", 1), ("unreadable", 2)])
def test_make_validate_exits_as_the_validator_does(case, code, tmp_path):
    if case == "valid":
        pkg = build_package(tmp_path / "pkg")
    elif case == "invalid":
        pkg = build_package(tmp_path / "pkg", BROKEN_DIR / "blank-row")
    else:  # datapackage.json that is a folder: nothing to read
        pkg = tmp_path / "pkg"
        (pkg / "datapackage.json").mkdir(parents=True)
    direct = subprocess.run([sys.executable, "-m", "civharm.validate", str(pkg)], cwd=REPO,
                            capture_output=True, text=True)
    assert direct.returncode == code, direct.stderr
    for args in ([], ["--format", "json"]):
        r = make("validate", f"ARGS={shlex.quote(str(pkg))} {' '.join(args)}")
        assert r.returncode == code, r.stderr
        if args:
            assert json.loads(r.stdout)["exit_code"] == code
    assert ("Error" in r.stderr) == (code == 2)  # make adds its line only when the validator could not run
