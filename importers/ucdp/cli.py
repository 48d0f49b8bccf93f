"""Import UCDP Georeferenced Event Dataset (GED) events into the civharm package.

    python -m importers.ucdp_ged GED_CSV [--package DIR] [--dry-run] [--review PATH]
                                 [--admin1 NAME] [--from DATE] [--to DATE] [--crosswalk PATH]
    make import-ucdp GED=path [DRY_RUN=1] [REVIEW=path]

What it selects: the GED rows whose adm_1 is --admin1 (any letter case), whose whole date range
(date_start..date_end) lies in --from..--to, and whose deaths_civilians is above 0.

What it writes:
- one `sources` row for the GED release (found again by its URL, never duplicated), and the
  release in datapackage.json's `sources` with its licence (CC BY 4.0);
- one claim per selected event (`claim_type` report), keyed by the GED source and the GED event id
  (`external_id`): a re-run updates that claim in place and never adds a second one. The claim's
  civilians_killed_min = _max = deaths_civilians, UCDP's best estimate of civilian deaths. GED's
  low/best/high count all deaths, not civilians: they are kept in `source_coding` with the rest of
  UCDP's coding (dyad, sides, type of violence, precision codes), never used as civilian bounds.
  The claim names no actor and no means: UCDP's rows do not attribute these deaths (methodology,
  "Attribution");
- for an event that matches no incident, a new incident (next free CH- id), graded
  single_source, means and attribution unknown, figures from its claim;
- for an incident that gains or changes a UCDP claim, its figure ranges recomputed by the
  methodology's range rule (importers/ranges.py), and its grade and belligerent position by
  the grade rule (civharm/grades.py): a UCDP figure can lift a `weak` or `belligerent_only`
  incident to `single_source`, never to `fair` (a compiled dataset is not an independent source).

The matching rule (also in importers/README.md):
1. An event whose claim already exists keeps the incident that claim is on (a re-run never moves
   a claim; a crosswalk line that names another incident makes the import refuse).
2. An event listed in the crosswalk (importers/ucdp_crosswalk.csv, columns ged_id, incident_id,
   note) goes where the crosswalk says: an active incident's id, or `new`. The crosswalk
   overrides the rule and is the only way to settle an ambiguous event or one that needs review.
3. Otherwise its candidates are the active incidents that
   - are in the same country (GED country_id, as ISO 3166-1 alpha-3: 652 is SYR),
   - have a date range (date_start..date_end) that overlaps the event's,
   - lie at most MAX_DISTANCE_KM (5 km; --max-km) away by great-circle distance, when both the
     event and the incident have coordinates (otherwise distance is not a test), and
   - hold no claim from this GED release yet: UCDP's events are distinct by construction, so two
     GED events never merge into one incident by the rule (the crosswalk can still do it).
   No candidate: a new incident. Several: ambiguous.
4. Exactly one candidate is a match only when both places are located finer than a locality:
   the incident's location_precision is `point` or `neighbourhood`, the event's where_prec is 1
   and its where_coordinates names a site, not a whole settlement (a farm, not "Ar Raqqah town"
   or "Ratlah village"), and both have coordinates. Otherwise the event NEEDS REVIEW: where both
   sit at a town's centre (as every Raqqa event and incident coded to the city does), distance
   tells nothing and the rule would come down to "same dates", which in a city bombed daily
   pairs different strikes.
5. An event is also ambiguous when it has any candidate and UCDP codes it as an aggregate of
   several clashes (event_clarity 2), or when the rule matches it to an incident that another
   event of this run also goes to.
Any event that is ambiguous or needs review makes the import refuse (exit 1, nothing written)
and print crosswalk lines to paste, so that nothing is double counted or misattached silently:
a person decides each one in the crosswalk.

Exit status: 0 imported (or planned, with --dry-run); 1 refused (events that are ambiguous or
need review, or the crosswalk contradicts claims already in the package), nothing written;
2 bad input (no such file, not a GED CSV: the missing columns are named, unreadable package or
crosswalk).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from civharm.validate.engine import CannotRun, validate  # the importer edits only a valid package
from ..package_io import PackageError, load_package, write_atomically
from .ged import AREAS, BadInput, Refused
from .match import MAX_DISTANCE_KM
from .plan import check_schemas, make_plan
from .read import DEFAULT_CROSSWALK, read_crosswalk, read_ged
from .report import crosswalk_lines, print_plan, write_review

EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT = 0, 1, 2

DEFAULT_ADMIN1 = "Ar Raqqah governorate"
DEFAULT_FROM, DEFAULT_TO = "2017-06-01", "2017-10-31"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m importers.ucdp_ged",
        description=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ged", metavar="GED_CSV", type=Path, help="the UCDP GED CSV (for example ged_syria.csv)")
    parser.add_argument("--package", default=".", type=Path, metavar="DIR",
                        help="the civharm package folder or its datapackage.json (default: .)")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and write nothing")
    parser.add_argument("--review", type=Path, metavar="PATH",
                        help="write a review of every event (decision, incident, distance, date gap, candidates): "
                             "Markdown if PATH ends in .md, CSV otherwise; written with --dry-run too")
    parser.add_argument("--admin1", default=DEFAULT_ADMIN1, metavar="NAME",
                        help=f"GED adm_1 to import, any letter case (default: '{DEFAULT_ADMIN1}')")
    parser.add_argument("--from", dest="date_from", default=DEFAULT_FROM, metavar="YYYY-MM-DD",
                        help=f"first day of the window (default: {DEFAULT_FROM})")
    parser.add_argument("--to", dest="date_to", default=DEFAULT_TO, metavar="YYYY-MM-DD",
                        help=f"last day of the window (default: {DEFAULT_TO})")
    parser.add_argument("--crosswalk", type=Path, metavar="PATH",
                        help=f"ged_id,incident_id,note lines that override the rule (default: "
                             f"importers/{DEFAULT_CROSSWALK.name}, if present)")
    parser.add_argument("--max-km", type=float, default=MAX_DISTANCE_KM, metavar="KM",
                        help=f"largest distance for a match (default: {MAX_DISTANCE_KM:g})")
    parser.add_argument("-v", "--verbose", action="store_true", help="also list every new and already imported event")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        try:
            first, last = date.fromisoformat(args.date_from), date.fromisoformat(args.date_to)
        except ValueError as e:
            raise BadInput(f"--from/--to: {e}") from e
        if last < first:
            raise BadInput(f"--to {last} is before --from {first}")
        area = AREAS.get(args.admin1.strip().casefold())
        if area is None:
            raise BadInput(f"--admin1 '{args.admin1}': the package has no campaign there. Known: "
                           + ", ".join(f"'{k}'" for k in AREAS) + " (see AREAS in importers/ucdp/ged.py)")
        if first < area.first or last > area.last:
            raise BadInput(f"--from/--to {first}..{last} reach beyond the {area.campaign} campaign "
                           f"({area.first}..{area.last}), the only one events in {args.admin1} can join")
        if args.max_km < 0:
            raise BadInput("--max-km must not be negative")

        try:
            report = validate(args.package)
        except CannotRun as e:
            raise BadInput(f"package: {e}") from e
        if report.errors:
            raise BadInput(f"package: {args.package} is invalid ({report.errors} error(s)); run make validate "
                           "and fix them before importing")
        try:
            pkg = load_package(args.package, ("incidents", "claims", "sources", "actors", "tallies"))
        except PackageError as e:
            raise BadInput(f"package: {e}") from e
        check_schemas(pkg)
        crosswalk = read_crosswalk(args.crosswalk or DEFAULT_CROSSWALK, required=args.crosswalk is not None)
        selection = read_ged(args.ged, args.admin1, first, last)
        plan = make_plan(pkg, selection, crosswalk, area, args.max_km)
        print_plan(plan, pkg, args)
        if args.review:
            write_review(args.review, plan)
            print(f"  review: {args.review} ({len(plan.decisions)} events)")
        if plan.undecided:
            n_amb, n_rev = len(plan.ambiguous), len(plan.undecided) - len(plan.ambiguous)
            raise Refused(
                f"{len(plan.undecided)} event(s) need a decision ({n_amb} ambiguous, {n_rev} need review: one "
                "candidate, but the places are too coarse to match by rule). Decide each, then add its line to "
                f"{args.crosswalk or 'importers/' + DEFAULT_CROSSWALK.name} (keep 'new' for a separate incident, or "
                f"put the incident id of the same event):\n" + crosswalk_lines(plan).rstrip("\n"))
        if not args.dry_run and plan.files:
            write_atomically(plan.files)
            print(f"  done: {len(plan.files)} file(s) written.")
        return EXIT_OK
    except BadInput as e:
        print(f"import-ucdp: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Refused as e:
        verb = "would refuse" if args.dry_run else "refused, nothing written"
        print(f"import-ucdp: import {verb}: {e}", file=sys.stderr)
        return EXIT_REFUSED
