"""What a person reads of an import: the printed plan, the review of every event (CSV or
Markdown), and the crosswalk lines to paste for the events the rule cannot decide."""

from __future__ import annotations

import sys
from pathlib import Path

from civharm.metadata import csvfile
from ..package_io import Package, write_atomically
from .match import Decision
from .plan import Plan
from .render import claim_place, iso_dates

REVIEW_COLUMNS = ("ged_id", "date_start", "date_end", "place", "civilians", "decision", "incident_id",
                  "distance_km", "date_gap_days", "candidates", "reason")


def review_rows(plan: Plan) -> list[dict[str, str]]:
    rows = []
    for d in plan.decisions:
        ev = d.event
        link = d.link
        cands = "; ".join(str(c) for c in d.candidates)
        if d.nearest is not None:
            cands = (cands + "; " if cands else "") + f"nearest: {d.nearest}"
        rows.append({
            "ged_id": ev.ged_id, "date_start": ev.start.isoformat(), "date_end": ev.end.isoformat(),
            "place": claim_place(ev), "civilians": str(ev.civilians), "decision": d.kind,
            "incident_id": d.incident_id or "",
            "distance_km": "" if link is None or link.distance_km is None else f"{link.distance_km:.2f}",
            "date_gap_days": "" if link is None else str(link.gap_days),
            "candidates": cands, "reason": d.reason + (f": {d.note}" if d.note else ""),
        })
    return rows


def write_review(path: Path, plan: Plan) -> None:
    rows = review_rows(plan)
    if path.suffix.lower() in (".md", ".markdown"):
        esc = lambda s: s.replace("|", "\\|")  # noqa: E731
        lines = [f"# UCDP GED import: review of {len(rows)} event(s)", "",
                 f"Matching rule: same country, overlapping dates, at most {plan.max_km:g} km apart, one candidate "
                 "only, and both places located finer than a locality; otherwise an event with a candidate is "
                 "ambiguous or needs review, and the crosswalk decides. Distances and date gaps are to the incident "
                 "in incident_id (or, for a new incident, to the nearest existing one, under candidates). See "
                 "importers/README.md.",
                 "", "| " + " | ".join(REVIEW_COLUMNS) + " |", "|" + " --- |" * len(REVIEW_COLUMNS)]
        lines += ["| " + " | ".join(esc(r[c]) for c in REVIEW_COLUMNS) + " |" for r in rows]
        data = ("\n".join(lines) + "\n").encode("utf-8")
    else:
        data = csvfile.render_dicts(list(REVIEW_COLUMNS), rows).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically({path: data})


def crosswalk_lines(plan: Plan) -> str:
    return csvfile.lines([d.event.ged_id, "new",
                          f"{d.event.start.isoformat()} {claim_place(d.event)}: {d.reason}; candidates "
                          + ", ".join(str(c) for c in d.candidates)] for d in plan.undecided)


def print_plan(plan: Plan, pkg: Package, args, out=None) -> None:
    out = out or sys.stdout
    sel = plan.selection
    p = lambda *a: print(*a, file=out)  # noqa: E731
    verb = "would" if args.dry_run else "will"
    p(f"UCDP GED import: {args.ged} -> {pkg.root}" + ("   (dry run: nothing is written)" if args.dry_run else ""))
    p(f"  rows read: {sel.rows:,}; adm_1 '{args.admin1}': {sel.in_admin1:,}; outside {args.date_from}..{args.date_to}: "
      f"{sel.outside_window:,}; no civilian deaths: {sel.no_civilians:,}")
    total = sum(e.civilians for e in sel.events)
    p(f"  events selected: {len(sel.events):,} ({total:,} civilian deaths)")
    p(f"  source: {plan.source_id}"
      + (" (new: the GED release)" if plan.source_added else " (the GED release, already there)"))
    by_kind: dict[str, list[Decision]] = {}
    for d in plan.decisions:
        by_kind.setdefault(d.kind, []).append(d)
    for kind, label in (("matched", "matched to an existing incident by the rule"),
                        ("crosswalk", "placed by the crosswalk"),
                        ("existing", "already imported (claim kept on its incident)"),
                        ("new", "new incidents (no incident matches)"),
                        ("ambiguous", "AMBIGUOUS (need a crosswalk line)"),
                        ("review", "NEEDS REVIEW (one candidate, places too coarse to match by rule: need a "
                                   "crosswalk line)")):
        ds = by_kind.get(kind, [])
        p(f"  {label}: {len(ds)}")
        if kind in ("matched", "crosswalk", "ambiguous", "review") or (kind == "existing" and args.verbose) or (
                kind == "new" and args.verbose):
            for d in ds:
                where = d.incident_id or ("a new incident" if d.creates_incident else "?")
                extra = ""
                if d.link is not None:
                    km = "" if d.link.distance_km is None else f", {d.link.distance_km:.2f} km"
                    extra = f"{km}, {d.link.gap_days} d"
                cands = (f"; candidates: {', '.join(str(c) for c in d.candidates)}"
                         if kind in ("ambiguous", "review") else "")
                p(f"    {d.event.ged_id} {iso_dates(d.event)} {claim_place(d.event)}, {d.event.civilians} civ. "
                  f"-> {where}{extra} ({d.reason}){cands}")
    if plan.undecided:
        return
    if plan.incidents_added:
        ids = plan.incidents_added
        p(f"  incidents {verb} be added: {len(ids)} ({ids[0]}..{ids[-1]})")
    p(f"  claims: {len(plan.claims_added)} to add, {len(plan.claims_updated)} to update, "
      f"{len(plan.claims_unchanged)} unchanged")
    for inc_id, (before, after) in plan.ranges_changed.items():
        p(f"  range of {inc_id}: {before} -> {after}")
    for inc_id, changes in plan.grades_changed.items():
        p(f"  {inc_id}: {'; '.join(changes)}")
    if plan.files:
        for path in plan.files:
            p(f"  {'would write' if args.dry_run else 'writes'} {path.relative_to(pkg.root).as_posix()}")
    else:
        p("  nothing to change: the package already holds this import.")
