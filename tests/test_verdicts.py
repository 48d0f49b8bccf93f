"""frictionless's verdicts kept between runs (civharm/validate/verdicts.py): a warm cache spares the
import of frictionless and its checks, and changes nothing a user sees. Each test starts from a
cache folder of its own, empty as in a fresh clone; the runs are real processes of
`python -m civharm.validate`, as `make validate` starts them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO_ROOT, build_package

# The validator's command line, then which of these modules the process loaded (on stderr).
_RUN = """
import sys
from civharm.validate.cli import main
code = main(sys.argv[1:])
print("LOADED", *[m for m in ("frictionless", "polars") if m in sys.modules], file=sys.stderr)
sys.exit(code)
"""


def _validate(package: Path, cache: Path, *args: str, cwd: Path = REPO_ROOT, **env: str) -> tuple[str, list[str], int]:
    """(the report with its timing blanked, the modules loaded, the exit code)."""
    proc = subprocess.run([sys.executable, "-c", _RUN, str(package), *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300,
                          env={**os.environ, "XDG_CACHE_HOME": str(cache), "CIVHARM_NO_CACHE": "", **env})
    assert proc.returncode in (0, 1), proc.stderr
    loaded = [line for line in proc.stderr.splitlines() if line.startswith("LOADED")][-1].split()[1:]
    report = re.sub(r'"seconds": [0-9.]+', '"seconds": _', re.sub(r"in [0-9.]+ s:", "in _ s:", proc.stdout))
    return report, loaded, proc.returncode


def _entries(cache: Path, judge: str = "*") -> list[Path]:
    """The kept verdicts: frictionless's (judge "frictionless") and jsonschema's ("profile")."""
    return sorted((cache / "civharm").glob(f"{judge}-verdicts/*.json"))


def _misses_then_hits(pkg: Path, cache: Path, path: Path, edited: str, valid: str) -> str:
    """Write `edited` into `path`: the run misses the cache (frictionless is asked) and reports as a
    run without the cache does, exit 1; put the file back: the kept verdict is read again.
    Returns the edited package's report."""
    original = path.read_text(encoding="utf-8")
    path.write_text(edited, encoding="utf-8")
    broken, loaded, code = _validate(pkg, cache)
    assert code == 1 and "frictionless" in loaded
    assert broken == _validate(pkg, cache, "--no-cache")[0]
    path.write_text(original, encoding="utf-8")
    again, loaded, _ = _validate(pkg, cache)
    assert again == valid and "frictionless" not in loaded
    return broken


def test_a_second_run_does_not_import_frictionless_and_prints_the_same_report(tmp_path):
    cache = tmp_path / "cache"
    cold, loaded, code = _validate(REPO_ROOT, cache)
    assert code == 0 and "frictionless" in loaded
    warm, loaded, _ = _validate(REPO_ROOT, cache)
    assert warm == cold
    assert "frictionless" not in loaded and "polars" not in loaded
    assert _validate(REPO_ROOT, cache, "--format", "json")[0] == _validate(REPO_ROOT, cache, "--format", "json",
                                                                           "--no-cache")[0]
    # frictionless's verdict on each Table Schema and on the package; jsonschema's on the package
    resources = json.loads((REPO_ROOT / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    assert len(_entries(cache, "frictionless")) == len(resources) + 1
    assert len(_entries(cache, "profile")) == 1


def test_the_first_run_asks_frictionless_and_the_bypasses_store_nothing(tmp_path):
    cache = tmp_path / "cache"
    reference, loaded, _ = _validate(REPO_ROOT, cache, "--no-cache")
    assert "frictionless" in loaded and _entries(cache) == []
    bypassed, loaded, _ = _validate(REPO_ROOT, cache, CIVHARM_NO_CACHE="1")
    assert "frictionless" in loaded and _entries(cache) == [] and bypassed == reference
    first, loaded, _ = _validate(REPO_ROOT, cache)
    assert "frictionless" in loaded and _entries(cache) and first == reference
    # a warm cache is not read when bypassed either
    again, loaded, _ = _validate(REPO_ROOT, cache, "--no-cache")
    assert "frictionless" in loaded and again == reference


def test_one_changed_byte_in_a_schema_misses_the_cache_and_reports_frictionless(tmp_path):
    cache = tmp_path / "cache"
    pkg = build_package(tmp_path / "pkg")
    valid, _, code = _validate(pkg, cache)
    assert code == 0
    schema = pkg / "schemas" / "actors.schema.json"
    text = schema.read_text(encoding="utf-8")
    assert text.count('"type": "string"') >= 1
    broken = _misses_then_hits(pkg, cache, schema, text.replace('"type": "string"', '"type": "strinG"', 1), valid)
    assert "[schema-invalid]" in broken and "strinG" in broken


def test_a_changed_descriptor_misses_the_cache_and_reports_the_profiles(tmp_path):
    """Both verdicts on datapackage.json (frictionless's and civharm's profile's) follow its content."""
    cache = tmp_path / "cache"
    pkg = build_package(tmp_path / "pkg")
    valid, _, code = _validate(pkg, cache)
    assert code == 0
    desc = pkg / "datapackage.json"
    data = json.loads(desc.read_text(encoding="utf-8"))
    del data["licenses"]  # civharm's profile requires it
    data["resources"][0]["bytes"] = "many"  # the Data Package profile wants an integer
    broken = _misses_then_hits(pkg, cache, desc, json.dumps(data, indent=2), valid)
    assert "[descriptor-required]" in broken and "licenses" in broken
    assert "[descriptor-profile]" in broken and "many" in broken


def test_a_corrupt_cache_entry_is_ignored_and_written_again(tmp_path):
    cache = tmp_path / "cache"
    pkg = build_package(tmp_path / "pkg")
    reference, _, _ = _validate(pkg, cache)
    entries = _entries(cache)
    garbage = [b"", b"{not json", b'{"notes": []}', b"[1, 2]", b"\xff\xfe", b'["a note that', b"null",
               b'[{"rule": "internal-error", "file": "x", "line": null, "column": null, "value": null, '
               b'"expected": null, "detail": null}]']
    for entry, junk in zip(entries, garbage * len(entries)):
        entry.write_bytes(junk)
    report, loaded, _ = _validate(pkg, cache)
    assert report == reference and "frictionless" in loaded
    assert all(isinstance(json.loads(e.read_bytes())["verdict"], list) for e in _entries(cache))
    assert "frictionless" not in _validate(pkg, cache)[1]


def test_an_unwritable_cache_folder_means_no_cache(tmp_path):
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder would go")
    pkg = build_package(tmp_path / "pkg")
    reference, _, _ = _validate(pkg, tmp_path / "elsewhere", "--no-cache")
    report, loaded, code = _validate(pkg, not_a_folder)
    assert code == 0 and report == reference and "frictionless" in loaded
    assert not_a_folder.read_text() == "a file where the cache folder would go"


def test_the_verdict_does_not_depend_on_where_the_package_is(tmp_path):
    """The key is the JSON frictionless is given, not the package's folder: a copy elsewhere hits."""
    cache = tmp_path / "cache"
    first, _, _ = _validate(build_package(tmp_path / "one"), cache)
    second, loaded, _ = _validate(build_package(tmp_path / "two"), cache)
    assert "frictionless" not in loaded
    assert second.replace(str(tmp_path / "two"), str(tmp_path / "one")) == first


def test_an_edit_of_the_code_that_makes_a_verdict_changes_the_key(tmp_path, monkeypatch):
    """A checkout keeps its version number between releases while its code changes: a verdict
    kept by the code before an edit (of verdicts.py or descriptor.py) must not be read after it."""
    from civharm.validate import verdicts

    code = [tmp_path / "verdicts.py", tmp_path / "descriptor.py"]
    for p in code:
        p.write_text("# the code\n")
    monkeypatch.setattr(verdicts, "_CODE", tuple(code))
    verdicts._code.cache_clear()
    before = verdicts.key("Schema", {"fields": []})
    code[1].write_text("# the code, edited\n")
    verdicts._code.cache_clear()
    after = verdicts.key("Schema", {"fields": []})
    verdicts._code.cache_clear()
    assert before != after


def test_a_profile_file_never_changes_a_verdict_warm_or_cold(tmp_path):
    """frictionless would fetch a `profile` it does not know by name (here a file of the current
    folder), and so its verdict would change with that file. civharm reports such a profile and
    never gives it to frictionless: editing the file changes nothing, warm or bypassed."""
    cache = tmp_path / "cache"
    pkg = build_package(tmp_path / "pkg")
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    desc["resources"][0]["profile"] = "resource-profile.json"
    (pkg / "datapackage.json").write_text(json.dumps(desc, indent=2), encoding="utf-8")
    profile = pkg / "resource-profile.json"
    profile.write_text('{"type": "object"}', encoding="utf-8")
    first, _, code = _validate(pkg, cache, cwd=pkg)
    assert code == 1 and "resources/0/profile names a profile" in first
    profile.write_text('{"type": "object", "required": ["no-such-property"]}', encoding="utf-8")
    warm, loaded, _ = _validate(pkg, cache, cwd=pkg)
    assert warm == first == _validate(pkg, cache, "--no-cache", cwd=pkg)[0]
    assert "no-such-property" not in warm and "frictionless" not in loaded


def test_a_key_that_cannot_be_made_or_an_entry_that_is_no_file_means_no_cache(tmp_path, monkeypatch):
    """JSON too deep for json.dumps (RecursionError) is judged without the cache, as before it;
    an entry that is a FIFO (which would block a read) or too large is recomputed, not read."""
    from civharm.validate import verdicts

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv(verdicts.NO_CACHE, "")

    def too_deep() -> str:
        raise RecursionError("maximum recursion depth exceeded")
    assert verdicts.kept(("civharm", "t"), too_deep, lambda: ["computed"], lambda v: True) == ["computed"]
    folder = tmp_path / "cache" / "civharm" / "t"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "fifo.json")
    assert verdicts.kept(("civharm", "t"), lambda: "fifo", lambda: ["computed"], lambda v: True) == ["computed"]
    (folder / "big.json").write_text("[" + '"x", ' * (1 << 18) + '"x"]')
    assert verdicts.kept(("civharm", "t"), lambda: "big", lambda: ["computed"], lambda v: True) == ["computed"]


def test_a_verdict_written_by_hand_or_made_elsewhere_cannot_pass_a_bad_descriptor(tmp_path):
    """A kept verdict is bound to its input under this user's secret: `[]` written into the entry
    of a descriptor without licenses, the entry's own key given as its digest, or an entry made
    under another machine's secret (a restored CI cache) is recomputed: the descriptor stays invalid."""
    cache = tmp_path / "cache"
    pkg = build_package(tmp_path / "pkg")
    desc = pkg / "datapackage.json"
    data = json.loads(desc.read_text(encoding="utf-8"))
    del data["licenses"]
    desc.write_text(json.dumps(data, indent=2), encoding="utf-8")

    def licenses_reported(**env: str) -> bool:
        report, _, code = _validate(pkg, cache, "--format", "json", **env)
        return code == 1 and any(p["rule"] == "descriptor-required" and p["column"] == "licenses"
                                 for p in json.loads(report.replace('"seconds": _', '"seconds": 0'))["problems"])
    assert licenses_reported()
    [entry] = _entries(cache, "profile")
    for forged in (b"[]", json.dumps({"judged": entry.stem, "verdict": []}).encode()):
        entry.write_bytes(forged)
        assert licenses_reported(), forged
    elsewhere = tmp_path / "other-machine"
    entry.unlink()
    assert licenses_reported(XDG_STATE_HOME=str(elsewhere))  # the entry made under another secret ...
    made_elsewhere = json.loads(entry.read_bytes())
    made_elsewhere["verdict"] = []
    entry.write_text(json.dumps(made_elsewhere))
    assert licenses_reported()  # ... and emptied there does not pass here
