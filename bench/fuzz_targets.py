"""The fuzz targets: bytes fed where a stranger's pull request would put them.

Shared by `make fuzz` (bench/fuzz.py, atheris) and tests/test_fuzz.py (hypothesis): a data file
(`csv`), datapackage.json (`descriptor`), actors' Table Schema (`schema`: the descriptor layer,
then the data layers under the schema it let through), `make diff` and the importer. A target
returns quietly on a clean verdict or the command's own error (DiffError, PackageError); any
other exception, or a structure problem without a line, is a bug of ours.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from civharm import diff as diff_command
from civharm.metadata.connection import open_duckdb
from civharm.metadata.package import RESOURCE_NAMES
from civharm.validate import cells, descriptor, hygiene, structure, verdicts
from civharm.validate.report import Report
from importers.package_io import PackageError, load_package

REPO = Path(__file__).resolve().parents[1]
MINIMAL = REPO / "tests" / "fixtures" / "minimal"
REGRESSIONS = REPO / "tests" / "fuzz_regressions"


class Harness:
    """A package in a temporary folder (the minimal fixture with the real schemas) whose files the
    targets overwrite, and a base copy to diff against."""

    def __init__(self, folder: Path):
        self.pkg = folder / "pkg"
        self.base = folder / "base"
        for dest in (self.pkg, self.base):
            shutil.copytree(MINIMAL, dest)
            shutil.copytree(REPO / "schemas", dest / "schemas")
        self.descriptor = (self.pkg / "datapackage.json").read_bytes()
        self.actors = (self.pkg / "data" / "actors.csv").read_bytes()
        self.schema = (self.pkg / "schemas" / "actors.schema.json").read_bytes()
        meta, resources, _ = descriptor.check(self.pkg, "datapackage.json")
        self.resource = next(r for r in resources if r.name == "actors")
        self.con = None

    def reset(self) -> None:
        (self.pkg / "datapackage.json").write_bytes(self.descriptor)
        (self.pkg / "data" / "actors.csv").write_bytes(self.actors)
        (self.pkg / "schemas" / "actors.schema.json").write_bytes(self.schema)

    def csv(self, data: bytes) -> Report:
        """The validator's layers over one data file; a bug of ours raises."""
        self.reset()
        (self.pkg / "data" / "actors.csv").write_bytes(data)
        return self._layers(self.resource)

    def schema_json(self, data: bytes) -> Report | None:
        """actors' Table Schema: the descriptor layer, then, if it lets the resource through, the
        layers over its data file under that schema."""
        self.reset()
        (self.pkg / "schemas" / "actors.schema.json").write_bytes(data)
        with verdicts.bypassed():
            _, resources, _ = descriptor.check(self.pkg, "datapackage.json")
        actors = next((r for r in resources if r.name == "actors"), None)
        return None if actors is None else self._layers(actors)

    def _layers(self, resource) -> Report:
        report = Report(package="fuzz")
        if self.con is None:  # one connection for every input: the fuzzer runs faster
            self.con = open_duckdb()
        table, problems = report.run(structure.read, self.con, self.pkg, resource, hygiene.columns)
        report.extend(problems)
        if table is not None:
            report.extend(report.run(hygiene.check, self.con, table))
            broken, problems = report.run(cells.check, self.con, table)
            report.extend(problems)
            report.extend(report.run(cells.rows, self.con, table, broken))
        report.to_text(max_per_rule=5)
        report.to_json()
        for p in report.problems:  # every structure problem says where
            if p.rule in ("row-ragged", "row-blank", "csv-parse", "encoding-utf8", "line-too-long"):
                assert p.line is not None and p.line >= 1, p
        return report

    def descriptor_json(self, data: bytes) -> None:
        self.reset()
        (self.pkg / "datapackage.json").write_bytes(data)
        with verdicts.bypassed():  # frictionless on every input; no verdict on junk kept in the user's cache
            descriptor.check(self.pkg, "datapackage.json")

    def diff(self, data: bytes) -> None:
        self.reset()
        (self.pkg / "data" / "actors.csv").write_bytes(data)
        try:
            d = diff_command.run(str(self.base), str(self.pkg))
        except diff_command.DiffError:
            return
        d.text(20)
        d.json()
        d.markdown(20)

    def importer(self, data: bytes) -> None:
        self.reset()
        (self.pkg / "data" / "actors.csv").write_bytes(data)
        try:
            load_package(self.pkg, RESOURCE_NAMES)
        except PackageError:
            return


TARGETS = ("csv", "descriptor", "schema", "diff", "importer")


def run(harness: Harness, target: str, data: bytes):
    return {"csv": harness.csv, "descriptor": harness.descriptor_json, "schema": harness.schema_json, "diff": harness.diff,
     "importer": harness.importer}[target](data)
