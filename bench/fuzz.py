"""`make fuzz`: coverage-guided fuzzing (atheris, libFuzzer) of what reads untrusted input.

    make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGET=csv|descriptor|schema|diff|importer]

Each target takes bytes and feeds them where a stranger's pull request would: a data file
(`csv`: the validator's structure, hygiene and cell layers on actors.csv), datapackage.json
(`descriptor`), actors' Table Schema (`schema`), a table of the newer version in `make diff` (`diff`) and a table the importer
loads (`importer`). Anything but a clean verdict or the command's own error (DiffError,
PackageError) is a crash: libFuzzer stops and writes the input to tests/fuzz_regressions/, where
tests/test_fuzz.py runs it from then on. The same checks run under hypothesis in `make test`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["civharm", "importers", "bench.fuzz_targets"]):
    from bench.fuzz_targets import REGRESSIONS, REPO, TARGETS, Harness, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make fuzz", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60, help="time budget (default 60)")
    parser.add_argument("--target", choices=TARGETS, default="csv")
    args, rest = parser.parse_known_args(argv)
    REGRESSIONS.mkdir(exist_ok=True)
    tmp = os.environ.get(_FOLDER)
    if tmp is None:
        # libFuzzer ends its process with exit() (at the time budget or on a crash), so no Python
        # cleanup runs there: it runs in a child, and this process removes the folder after it. A
        # folder left by a run killed outright is named by its process and removed by the next run.
        _remove_stale_folders()
        tmp = tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-")
        try:
            return subprocess.run([sys.executable, "-m", "bench.fuzz", *(sys.argv[1:] if argv is None else argv)],
                                  env={**os.environ, _FOLDER: tmp}).returncode
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    harness = Harness(Path(tmp))
    seeds = Path(tmp) / "seeds"
    seeds.mkdir()
    for i, p in enumerate(sorted((REPO / "tests" / "fixtures" / "broken").rglob("*.csv"))):
        shutil.copy(p, seeds / f"broken-{i}.csv")
    (seeds / "actors.csv").write_bytes(harness.actors)
    (seeds / "datapackage.json").write_bytes(harness.descriptor)
    (seeds / "actors.schema.json").write_bytes(harness.schema)
    for i, p in enumerate(sorted((REPO / "tests" / "fixtures" / "broken").rglob("*.json"))):
        if p.stat().st_size <= _MAX_LEN:  # the descriptors and schemas of the fixtures, near every limit
            shutil.copy(p, seeds / f"broken-{i}.json")
    (Path(tmp) / "corpus").mkdir()
    atheris.Setup([sys.argv[0], f"-max_total_time={args.seconds}", "-rss_limit_mb=3000", "-timeout=20",
                   f"-max_len={_MAX_LEN}", f"-artifact_prefix={REGRESSIONS}/{args.target}-", "-print_final_stats=1",
                   *rest, str(Path(tmp) / "corpus"), str(seeds)],
                  lambda data: run(harness, args.target, data))
    atheris.Fuzz()
    return 0


_PREFIX = "civharm-fuzz-"
_FOLDER = "CIVHARM_FUZZ_FOLDER"  # set for the child that fuzzes: the folder it works in
# Inputs up to this size: past the field and resource limits (a schema of 201 fields is 40 KB) and
# CIVHARM_MAX_JSON_BYTES (1 MiB); libFuzzer's default follows the seeds (a few KB).
_MAX_LEN = (1 << 20) + 4096


def _remove_stale_folders() -> None:
    """Remove the folders of earlier runs whose process is gone."""
    for folder in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*"):
        pid = folder.name[len(_PREFIX):].split("-")[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:  # another user's live process
            pass


if __name__ == "__main__":
    sys.exit(main())
