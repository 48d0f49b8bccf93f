"""Import the register of other sources' reports (curation/other_reports_*.csv) into the package.

    python -m importers.reports_register [REGISTER.csv ...] [--package DIR] [--dry-run]
    make import-reports [DRY_RUN=1]

The rule is in importers/reports/plan.py and importers/README.md. Exit status: 0 imported (or
planned, with --dry-run); 1 refused, nothing written (a report matched to an incident that is not
active); 2 bad input (a register problem, each with its file, line and column; an invalid package).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..package_io import PackageError, load_valid_package, write_files
from ..register_io import RegisterError
from .plan import make_plan
from ..overlaps import print_undecided, read_crosswalk
from .register import read_incidents, read_reports

EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_CROSSWALK = "importers/reports_crosswalk.csv"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m importers.reports_register", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("register", nargs="*", type=Path,
                   help="register files (default: every curation/other_reports_*.csv of the package)")
    p.add_argument("--package", default=".", type=Path, help="package folder (default: .)")
    p.add_argument("--dry-run", action="store_true", help="print the plan and write nothing")
    p.add_argument("--decided-only", action="store_true",
                   help="import the events whose candidates are all decided and list the rest, instead of refusing")
    args = p.parse_args(argv)
    paths = args.register or sorted((args.package / "curation").glob("other_reports_*.csv"))
    if not paths:
        print(f"no register: give a file, or put curation/other_reports_*.csv in {args.package}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        reports = read_reports(paths)
        described = read_incidents(args.package / "curation" / "report_incidents.csv")
        crosswalk = read_crosswalk(args.package / DEFAULT_CROSSWALK)
    except RegisterError as e:
        print("\n".join(e.problems), file=sys.stderr)
        print(f"{len(e.problems)} problem(s): nothing imported.", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        pkg = load_valid_package(args.package, ("sources", "claims", "incidents", "tallies", "actors",
                                                 "incident_relations"))
    except PackageError as e:
        print(str(e), file=sys.stderr)
        return EXIT_BAD_INPUT
    plan = make_plan(pkg, reports, described, crosswalk, decided_only=args.decided_only)
    if plan.undecided:
        print_undecided(plan.undecided, DEFAULT_CROSSWALK, sys.stderr)
    if plan.problems or plan.undecided and not args.decided_only:
        print("\n".join(plan.problems), file=sys.stderr)
        print("refused: nothing written.", file=sys.stderr)
        return EXIT_REFUSED
    if plan.undecided:
        print(f"{len({key for key, _ in plan.undecided})} event(s) left out until their candidates are decided.")
    print(f"{len(plan.incidents_added)} new incident(s), {len(plan.relations_added)} relation(s), "
          f"{len(plan.claims_added)} claim(s) on {len(plan.incidents_touched)} incident(s), "
          f"{len(plan.tallies_added)} tally(ies), {len(plan.sources_added)} source(s); "
          f"{len(plan.present)} already in the package; {len(plan.unmatched)} incident report(s) matched to no "
          "incident, not imported.")
    for r in plan.unmatched:
        print(f"  not imported: {r.key} ({r['date_start'] or 'no date'}, {r['place_as_shown'] or 'no place'}): "
              "matches no incident")
    for r in plan.undated:
        print(f"  not imported: {r.key}: a tally whose page fixes no period ({r['period_text']})")
    write_files(plan.files, args.dry_run)
    return EXIT_OK
