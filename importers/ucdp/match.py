"""The matching rule (cli.py's docstring, importers/README.md): which incident each event's claim
goes to, or why a person must decide."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from civharm.metadata.package import id_sort_key
from .ged import BadInput, Event, Refused, location_precision
from .read import CrosswalkEntry

MAX_DISTANCE_KM = 5.0
#: An incident's location_precision values that locate it finer than a locality: only these can
#: be matched by the rule (rule 4). An event qualifies when where_prec is 1 and where_coordinates
#: names a site rather than a settlement (location_precision() gives 'point').
FINE_PRECISION = ("point", "neighbourhood")
EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance on a sphere of the Earth's mean radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def date_gap_days(a: tuple[date, date], b: tuple[date, date]) -> int:
    """Days between two date ranges: 0 when they overlap."""
    if a[0] <= b[1] and b[0] <= a[1]:
        return 0
    return (b[0] - a[1]).days if b[0] > a[1] else (a[0] - b[1]).days


@dataclass
class Incident:
    incident_id: str
    status: str
    country: str
    start: date | None
    end: date | None
    lat: float | None
    lon: float | None
    location_precision: str = ""


@dataclass
class Candidate:
    incident_id: str
    distance_km: float | None
    gap_days: int

    def __str__(self) -> str:
        d = "no coordinates" if self.distance_km is None else f"{self.distance_km:.2f} km"
        return f"{self.incident_id} ({d}, {self.gap_days} d)"


@dataclass
class Decision:
    event: Event
    kind: str  # existing | crosswalk | matched | new | ambiguous | review
    incident_id: str | None = None  # where the claim goes (assigned for new incidents later)
    creates_incident: bool = False
    candidates: list[Candidate] = field(default_factory=list)
    reason: str = ""
    note: str = ""  # the crosswalk's note, for the review
    claim_id: str | None = None  # the existing claim, if any
    link: Candidate | None = None  # distance and gap to incident_id, when it existed before the run
    nearest: Candidate | None = None  # for new incidents: the nearest existing one, for review


def _float(text: str) -> float | None:
    try:
        return float(text) if text.strip() else None
    except ValueError:
        return None


def _date_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _measure(event: Event, inc: Incident) -> Candidate:
    dist = None
    if event.lat is not None and inc.lat is not None and inc.lon is not None:
        dist = distance_km(event.lat, event.lon, inc.lat, inc.lon)
    gap = date_gap_days((event.start, event.end), (inc.start, inc.end)) if inc.start and inc.end else 0
    return Candidate(inc.incident_id, dist, gap)


def event_is_fine(ev: Event) -> bool:
    """True when GED locates the event finer than a locality: the exact location (where_prec 1) of a
    named site that is not a whole settlement (a farm, a dam; not "Ar Raqqah town")."""
    return ev.where_prec == 1 and ev.lat is not None and location_precision(ev) == "point"


def _too_coarse(ev: Event, inc: Incident, cand: Candidate) -> str:
    """Why the rule may not match this event to its single candidate ('' when it may)."""
    problems = []
    if inc.location_precision not in FINE_PRECISION:
        problems.append(f"{inc.incident_id} is located only to its {inc.location_precision or 'unknown precision'}")
    if not event_is_fine(ev):
        wc = ev.get("where_coordinates") or "no place"
        problems.append(f"GED locates the event only to {wc} (where_prec {ev.where_prec})")
    if not problems and cand.distance_km is None:
        problems.append("a distance cannot be measured (coordinates missing)")
    return " and ".join(problems)


def match(events: list[Event], incidents_rows: list[dict], claims_rows: list[dict], source_id: str | None,
          crosswalk: dict[str, CrosswalkEntry], max_km: float) -> list[Decision]:
    """Decide, for each event, which incident its claim goes to (the module docstring's rule)."""
    incidents = {
        r["incident_id"]: Incident(r["incident_id"], r["status"], r["country"], _date_or_none(r["date_start"]),
                                   _date_or_none(r["date_end"]), _float(r["latitude"]), _float(r["longitude"]),
                                   r.get("location_precision", ""))
        for r in incidents_rows}
    existing: dict[str, dict] = {}
    holds_ged: set[str] = set()
    duplicates = []
    if source_id is not None:
        for c in claims_rows:
            if c["source_id"] == source_id:
                holds_ged.add(c["incident_id"])
                if c["external_id"] in existing:
                    duplicates.append(c["external_id"])
                existing.setdefault(c["external_id"], c)
    if duplicates:
        raise Refused(f"claims.csv already holds several claims of the GED source {source_id} for event(s) "
                      f"{', '.join(sorted(set(duplicates), key=int))}; keep one claim per event, then import again.")
    active = [i for i in incidents.values() if i.status == "active" and i.start and i.end]
    decisions: list[Decision] = []
    conflicts = []
    for ev in events:
        cw = crosswalk.get(ev.ged_id)
        claim = existing.get(ev.ged_id)
        if claim is not None:
            d = Decision(ev, "existing", claim["incident_id"], claim_id=claim["claim_id"],
                         reason=f"its claim {claim['claim_id']} is already on {claim['incident_id']}")
            if cw is not None and cw.incident_id not in ("new", claim["incident_id"]):
                conflicts.append(f"{ev.ged_id}: the crosswalk (row {cw.line}) says {cw.incident_id}, but its claim "
                                 f"{claim['claim_id']} is on {claim['incident_id']}")
            inc = incidents.get(claim["incident_id"])
            d.link = _measure(ev, inc) if inc else None
            decisions.append(d)
            continue
        cands = []
        for inc in active:
            if inc.country != ev.country or inc.incident_id in holds_ged:
                continue
            c = _measure(ev, inc)
            if c.gap_days == 0 and (c.distance_km is None or c.distance_km <= max_km):
                cands.append(c)
        cands.sort(key=lambda c: id_sort_key(c.incident_id))
        if cw is not None:
            # The rule's candidates are kept for the review report, so that a decision can be checked.
            if cw.incident_id == "new":
                decisions.append(Decision(ev, "crosswalk", None, creates_incident=True, candidates=cands,
                                          reason=f"crosswalk row {cw.line}: new", note=cw.note))
            else:
                inc = incidents.get(cw.incident_id)
                if inc is None:
                    raise BadInput(f"crosswalk row {cw.line}: event {ev.ged_id} -> {cw.incident_id}, "
                                   "which is not in incidents.csv")
                if inc.status != "active":
                    raise BadInput(f"crosswalk row {cw.line}: event {ev.ged_id} -> {cw.incident_id}, which is "
                                   f"{inc.status}, not active; point it at the active incident instead")
                decisions.append(Decision(ev, "crosswalk", cw.incident_id, link=_measure(ev, inc), candidates=cands,
                                          reason=f"crosswalk row {cw.line}", note=cw.note))
            continue
        if not cands:
            decisions.append(Decision(ev, "new", None, creates_incident=True, reason="no incident matches"))
        elif len(cands) > 1:
            decisions.append(Decision(ev, "ambiguous", None, candidates=cands,
                                      reason=f"{len(cands)} incidents match"))
        elif ev.event_clarity == 2:
            decisions.append(Decision(ev, "ambiguous", None, candidates=cands,
                                      reason="UCDP codes it as an aggregate of several clashes (event_clarity 2)"))
        elif (coarse := _too_coarse(ev, incidents[cands[0].incident_id], cands[0])):
            decisions.append(Decision(ev, "review", None, candidates=cands,
                                      reason=f"one incident matches, but {coarse}: the rule cannot tell strikes "
                                             "apart there"))
        else:
            decisions.append(Decision(ev, "matched", cands[0].incident_id, candidates=cands, link=cands[0],
                                      reason="one incident matches, both located finer than a locality"))
    if conflicts:
        raise Refused("the crosswalk contradicts claims already in the package (the importer never moves a "
                      "claim; move it by hand, or correct the crosswalk):\n  " + "\n  ".join(conflicts))
    # Two events of this run on one incident by the rule: UCDP counts them as different events.
    targets: dict[str, list[Decision]] = {}
    for d in decisions:
        if d.kind in ("matched", "crosswalk") and d.incident_id:
            targets.setdefault(d.incident_id, []).append(d)
    for inc_id, ds in targets.items():
        if len(ds) > 1:
            for d in ds:
                if d.kind == "matched":
                    others = ", ".join(o.event.ged_id for o in ds if o is not d)
                    d.kind, d.incident_id, d.link = "ambiguous", None, None
                    d.reason = f"the rule matches {inc_id}, which event(s) {others} of this run also go to"
    # For review: the nearest existing incident to each event that gets a new one and had no candidate.
    for d in decisions:
        if d.creates_incident and not d.candidates:
            near = [_measure(d.event, i) for i in active if i.country == d.event.country]
            if near:
                d.nearest = min(near, key=lambda c: (c.gap_days, math.inf if c.distance_km is None else c.distance_km,
                                                     id_sort_key(c.incident_id)))
    return decisions
