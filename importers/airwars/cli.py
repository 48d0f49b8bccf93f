"""Import the Airwars register (curation/airwars_register_*.csv) into the civharm package.

    python -m importers.airwars_register [REGISTER.csv ...] [--package DIR] [--crosswalk PATH] [--dry-run]
    make import-airwars [DRY_RUN=1]

The register is a transcription of stored Airwars pages, one row per entry (curation/README.md);
the rule that turns it into sources, incidents, claims and relations is in importers/airwars/plan.py
and importers/README.md. Exit status: 0 imported (or planned, with --dry-run); 1 refused, nothing
written (a candidate incident with no crosswalk decision, or a crosswalk line that cannot apply:
the lines to decide are printed); 2 bad input (a register or crosswalk problem, each with its file,
line and column; an unreadable or invalid package).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..package_io import PackageError, load_valid_package, write_files
from .plan import make_plan
from ..overlaps import print_undecided, read_crosswalk
from .register import RegisterError, read_register, read_victims

EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_CROSSWALK = "importers/airwars_crosswalk.csv"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m importers.airwars_register", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("register", nargs="*", type=Path,
                   help="register files (default: every curation/airwars_register_*.csv of the package)")
    p.add_argument("--package", default=".", type=Path, help="package folder (default: .)")
    p.add_argument("--crosswalk", type=Path, help=f"decisions (default: <package>/{DEFAULT_CROSSWALK})")
    p.add_argument("--dry-run", action="store_true", help="print the plan and write nothing")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = args.package
    paths = args.register or sorted((root / "curation").glob("airwars_register_*.csv"))
    if not paths:
        print(f"no register: give a file, or put curation/airwars_register_*.csv in {root}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        entries = read_register(paths)
        crosswalk = read_crosswalk(args.crosswalk or root / DEFAULT_CROSSWALK)
        # Each register's people: airwars_victims_<x>.csv beside airwars_register_<x>.csv.
        victims = read_victims([v for p in paths
                                if (v := p.with_name(p.name.replace("airwars_register_", "airwars_victims_"))).is_file()
                                and v != p])
    except RegisterError as e:
        print("\n".join(e.problems), file=sys.stderr)
        print(f"{len(e.problems)} problem(s): nothing imported.", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        pkg = load_valid_package(root, ("sources", "claims", "incidents", "incident_relations", "actors", "tallies"),
                                 optional=("victims",))
    except PackageError as e:
        print(str(e), file=sys.stderr)
        return EXIT_BAD_INPUT
    plan = make_plan(pkg, entries, crosswalk, victims)
    for line in plan.problems:
        print(line, file=sys.stderr)
    if plan.undecided:
        print_undecided([(e.key, inc) for e, inc in plan.undecided], DEFAULT_CROSSWALK, sys.stderr)
    if plan.refused:
        print("refused: nothing written.", file=sys.stderr)
        return EXIT_REFUSED
    print(f"{len(plan.imported)} new incident(s), {len(plan.attached)} entr(y/ies) added to existing incidents, "
          f"{len(plan.claims_added)} claim(s), {len(plan.sources_added)} source(s), "
          f"{len(plan.relations_added)} relation(s), {plan.victims_added} victim(s); "
          f"{len(plan.present)} already in the package.")
    for e, why in plan.skipped:
        print(f"  not imported: {e.key} ({e.where}): {why}")
    for e in plan.verdicts_without_date:
        print(f"  no verdict claim: {e.key}: the page gives no date for the Coalition's assessment")
    write_files(plan.files, args.dry_run)
    return EXIT_OK
