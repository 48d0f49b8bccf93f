"""Property-based tests over hostile bytes (hypothesis), and every input that ever crashed.

The targets are bench/fuzz_targets.py's, the same `make fuzz` runs coverage-guided with atheris:
the validator's layers on a data file and on datapackage.json, `make diff`, and the importer's
package loader. A target passes when it gives a verdict or its command's own clear error.
Budgets are kept small (a few hundred examples in all, deadline off) so that make test stays
quick; `make fuzz FUZZ_SECONDS=600` searches longer.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bench.fuzz_targets import REGRESSIONS, TARGETS, Harness, run

SETTINGS = settings(max_examples=50, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    return Harness(tmp_path_factory.mktemp("fuzz"))


HEADER = "actor_id,name,short_name,actor_type,parent_id,country,notes"
# Pieces a hostile or careless CSV is made of: quotes, separators, line ends of every kind,
# a BOM, bytes that are not UTF-8, control characters, formulas, IDs.
PIECES = st.sampled_from([b",", b'"', b'""', b"\n", b"\r\n", b"\r", b"\xef\xbb\xbf", b"\xe9", b"\xff\xfe",
                          b"\x00", b"\x1b[2J", b"=HYPERLINK(1)", b"A-000001", b"A-00000", b"state", b"x" * 300,
                          b"\xc3\xa9", b"e\xcc\x81", HEADER.encode(), b" "])
CSV_BYTES = st.one_of(
    st.binary(max_size=400),
    st.lists(PIECES, max_size=60).map(b"".join),
    st.lists(PIECES, max_size=40).map(lambda parts: HEADER.encode() + b"\n" + b"".join(parts)),
)


@SETTINGS
@given(data=CSV_BYTES)
def test_validator_layers_on_any_csv(harness, data):
    run(harness, "csv", data)


def _json_values():
    leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                       st.text(max_size=20), st.sampled_from(["data/actors.csv", "../x", "/etc/passwd",
                                                               "schemas/actors.schema.json", "http://x"]))
    return st.recursive(leaves, lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["name", "path", "schema", "resources", "fields", "version",
                                         "primaryKey", "foreignKeys", "type", "constraints", "x"]),
                        inner, max_size=5)), max_leaves=25)


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(value=_json_values(), raw=st.booleans(), noise=st.binary(max_size=40))
def test_descriptor_layer_on_any_json(harness, value, raw, noise):
    data = noise if raw else json.dumps(value).encode()
    run(harness, "descriptor", data)


# Values that broke a layer once a schema held them: names of the validator's own columns, NaN,
# infinities, integers past 64 bits, lists as enum values, patterns outside the dialect.
HOSTILE_VALUES = st.one_of(
    st.sampled_from(["__broken", "__line", "rowid", "name$text", "a\x00b", "a\nb", "ROWID", "(a)\\1", "(?=a)",
                     "a\\Z", "a{1001}", "((a{99}){99})", "[a-[b]]", "a**", "^$", "[", "(", "é"]),
    st.floats(allow_nan=True, allow_infinity=True), st.integers(min_value=-(10**40), max_value=10**40),
    st.lists(st.one_of(st.text(max_size=5), st.integers()), max_size=3), st.dictionaries(st.text(max_size=3),
                                                                                        st.integers(), max_size=2))
PROPERTIES = st.sampled_from(["name", "type", "format", "constraints/pattern", "constraints/minimum",
                              "constraints/maximum", "constraints/enum", "constraints/minLength",
                              "constraints/maxLength", "constraints/required", "categories", "example"])


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, 6), PROPERTIES, HOSTILE_VALUES), min_size=1, max_size=4),
       extra=st.sampled_from([0, 0, 0, 195, 300]), duplicate=st.booleans())
@example(edits=[(3, "constraints/enum", [["coalition"], "state"])], extra=0, duplicate=False)  # a crash once
def test_schema_layer_on_mutated_schemas(harness, edits, extra, duplicate):
    """The real actors schema with hostile values put in its fields, sometimes past the field
    limit or with a key given twice: a verdict, never an internal error, in the descriptor layer
    or the data layers the schema lets through."""
    schema = json.loads(harness.schema)
    for index, prop, value in edits:
        target = schema["fields"][index]
        *parents, last = prop.split("/")
        for p in parents:
            target = target.setdefault(p, {}) if isinstance(target.get(p, {}), dict) else {}
        target[last] = value
    schema["fields"] += [{"name": f"extra_{i}", "type": "string"} for i in range(extra)]
    text = json.dumps(schema)
    if duplicate:
        text = text.replace('"primaryKey"', '"primaryKey": ["name"], "primaryKey"', 1)
    report = run(harness, "schema", text.encode())
    assert report is None or not [p for p in report.problems if p.rule == "internal-error"]


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=CSV_BYTES)
def test_diff_on_any_csv(harness, data):
    run(harness, "diff", data)


@SETTINGS
@given(data=CSV_BYTES)
def test_importer_loader_on_any_csv(harness, data):
    run(harness, "importer", data)


def _regressions() -> list[Path]:
    return sorted(p for p in REGRESSIONS.iterdir() if p.is_file() and p.name != "README.md")


@pytest.mark.parametrize("path", _regressions(), ids=lambda p: p.name)
def test_every_input_that_ever_crashed(harness, path):
    """Files are named <target>-<anything>: libFuzzer's crash-<sha1> artifacts and the table's rows."""
    target = path.name.split("-", 1)[0]
    assert target in TARGETS, f"{path.name}: name it <target>-…, a target of {TARGETS}"
    run(harness, target, path.read_bytes())
