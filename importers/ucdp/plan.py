"""The plan: what an import would change (ids, claims, incidents, ranges, grades, the credit) and
the bytes of each file it would write; nothing is written here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from civharm.metadata.grades import DERIVED_FIELDS, derived_from_rows
from ..package_io import IdAllocator, Package, dump_descriptor, released_ids
from ..ranges import FIGURE_STEMS, RANGE_FIELDS, ranges_by_incident
from .ged import AREAS, DESCRIPTOR_SOURCE, GED_URL, Area, BadInput
from .match import MAX_DISTANCE_KM, Decision, match
from .read import CrosswalkEntry, Selection
from .render import CLAIM_OWNED, claim_fields, ged_source_row, new_incident

#: Enum values the importer writes; checked against the schemas before anything is planned.
SCHEMA_VALUES = {
    "incidents": {"status": ["active"], "campaign": sorted({a.campaign for a in AREAS.values()}),
                  "date_precision": ["day", "range", "month"],
                  "location_precision": ["point", "locality", "admin2", "admin1", "country"],
                  "means": ["unknown"], "attribution": ["unknown"], "grade": ["single_source"]},
    "claims": {"claim_type": ["report"]},
    "sources": {"source_type": ["dataset"], "category": ["dataset"]},
}


def _same_url(a: str, b: str) -> bool:
    return a.strip().rstrip("/") == b.strip().rstrip("/")


@dataclass
class Plan:
    selection: Selection
    decisions: list[Decision]
    source_id: str
    source_added: bool
    descriptor_changed: bool
    max_km: float = MAX_DISTANCE_KM
    claims_added: list[str] = field(default_factory=list)
    claims_updated: list[str] = field(default_factory=list)
    claims_unchanged: list[str] = field(default_factory=list)
    incidents_added: list[str] = field(default_factory=list)
    ranges_changed: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (before, after)
    grades_changed: dict[str, list[str]] = field(default_factory=dict)  # id -> ["grade a -> b", ...]
    files: dict[Path, bytes] = field(default_factory=dict)  # what would be written

    @property
    def ambiguous(self) -> list[Decision]:
        return [d for d in self.decisions if d.kind == "ambiguous"]

    @property
    def undecided(self) -> list[Decision]:
        """Events a person must decide in the crosswalk: ambiguous ones and those that need review."""
        return [d for d in self.decisions if d.kind in ("ambiguous", "review")]


def check_schemas(pkg: Package) -> None:
    """The importer writes field names and enum values: refuse to run if the schemas moved on."""
    problems = []
    needed = {
        "incidents": ["incident_id", "status", "campaign", "date_start", "date_end", "date_precision", "country",
                      "admin1", "admin2", "locality", "neighbourhood", "latitude", "longitude",
                      "location_precision", "means", "actor_id", "attribution", *RANGE_FIELDS, *DERIVED_FIELDS,
                      "summary", "notes"],
        "claims": ["claim_id", "incident_id", "cited_source_id", "notes", *CLAIM_OWNED],
        "sources": ["source_id", "source_type", "category", "publisher", "author", "title", "url", "language",
                    "licence", "notes"],
    }
    for name, fields in needed.items():
        have = set(pkg[name].fields)
        problems += [f"{name}.{f} is not in the schema" for f in fields if f not in have]
    for name, by_field in SCHEMA_VALUES.items():
        schema_fields = {f["name"]: f for f in pkg[name].resource.fields}
        for fname, values in by_field.items():
            enum = (schema_fields.get(fname, {}).get("constraints") or {}).get("enum")
            if enum is not None:
                problems += [f"{name}.{fname} has no value '{v}'" for v in values if v not in enum]
    if problems:
        raise BadInput("the importer does not fit the package's schemas (update importers/ucdp/):\n  "
                       + "\n  ".join(problems))


def make_plan(pkg: Package, selection: Selection, crosswalk: dict[str, CrosswalkEntry], area: Area,
              max_km: float) -> Plan:
    sources, claims, incidents = pkg["sources"], pkg["claims"], pkg["incidents"]
    found = [r for r in sources.rows if _same_url(r["url"], GED_URL)]
    source_added = not found
    source_id = found[0]["source_id"] if found else IdAllocator("S-", [r["source_id"] for r in sources.rows], released_ids(pkg.root))()
    decisions = match(selection.events, incidents.rows, claims.rows, None if source_added else source_id,
                      crosswalk, max_km)

    # datapackage.json: credit the release once.
    descriptor = pkg.descriptor
    entries = descriptor.get("sources") or []
    descriptor_changed = not any(isinstance(s, dict) and _same_url(str(s.get("path", "")), GED_URL) for s in entries)

    plan = Plan(selection, decisions, source_id, source_added, descriptor_changed, max_km)
    if plan.undecided:
        return plan

    # New incident and claim ids, in event order (date, then GED id).
    released = released_ids(pkg.root)
    next_incident = IdAllocator("CH-", [r["incident_id"] for r in incidents.rows], released)
    next_claim = IdAllocator("CL-", [r["claim_id"] for r in claims.rows], released)
    claims_by_id = {r["claim_id"]: r for r in claims.rows}
    new_claims, new_incidents = [], []
    touched: set[str] = set()
    for d in decisions:
        fields = claim_fields(d.event, source_id)
        if d.claim_id is not None:
            row = claims_by_id[d.claim_id]
            if any(row.get(f, "") != v for f, v in fields.items()):
                row.update(fields)
                plan.claims_updated.append(d.claim_id)
                touched.add(row["incident_id"])
            else:
                plan.claims_unchanged.append(d.claim_id)
            continue
        claim_id = next_claim()
        if d.creates_incident:
            d.incident_id = next_incident()
            new_incidents.append(new_incident(d.event, d.incident_id, claim_id, incidents.fields, area))
            plan.incidents_added.append(d.incident_id)
        row = {f: "" for f in claims.fields}
        row.update(fields)
        row.update({"claim_id": claim_id, "incident_id": d.incident_id})
        new_claims.append(row)
        plan.claims_added.append(claim_id)
        touched.add(d.incident_id)

    claims.rows.extend(new_claims)
    incidents.rows.extend(new_incidents)
    if touched:
        ranges = ranges_by_incident(c for c in claims.rows if c["incident_id"] in touched)
        for inc in incidents.rows:
            if inc["incident_id"] in touched and inc["status"] == "active":
                want = {f: "" if v is None else str(v) for f, v in ranges[inc["incident_id"]].items()}
                before = {f: inc[f] for f in RANGE_FIELDS}
                if before != want:
                    if inc["incident_id"] not in plan.incidents_added:
                        plan.ranges_changed[inc["incident_id"]] = (_fmt_range(before), _fmt_range(want))
                    inc.update(want)
    claims.changed = bool(plan.claims_added or plan.claims_updated)
    if source_added:
        sources.rows.append(ged_source_row(source_id, sources.fields))
        sources.changed = True
    if touched:
        # The grade rule reads every table (sources' chains, actors' coalitions), as validation does.
        want = derived_from_rows({name: (pkg[name].fields, pkg[name].rows)
                                  for name in ("incidents", "claims", "sources", "actors", "tallies")})
        for inc in incidents.rows:
            iid = inc["incident_id"]
            if iid in touched and inc["status"] == "active" and iid in want:
                changes = [f"{f} {inc[f] or 'blank'} -> {want[iid][f] or 'blank'}"
                           for f in DERIVED_FIELDS if inc[f] != want[iid][f]]
                if changes and iid not in plan.incidents_added:
                    plan.grades_changed[iid] = changes
                inc.update(want[iid])
    incidents.changed = bool(plan.incidents_added or plan.ranges_changed or plan.grades_changed)

    for table in (sources, incidents, claims):
        if table.changed:
            data = table.render()
            if data != table.original:
                plan.files[table.path] = data
    if descriptor_changed:
        entries = list(entries) + [dict(DESCRIPTOR_SOURCE)]
        new_descriptor = {**descriptor, "sources": entries} if "sources" in descriptor else _insert_sources(
            descriptor, entries)
        data = dump_descriptor(new_descriptor)
        if data != pkg.descriptor_bytes:
            plan.files[pkg.descriptor_path] = data
    return plan


def _insert_sources(descriptor: dict, entries: list) -> dict:
    """Add `sources` before `resources`, where the project's descriptor keeps it."""
    out = {}
    for k, v in descriptor.items():
        if k == "resources":
            out["sources"] = entries
        out[k] = v
    out.setdefault("sources", entries)
    return out


def _fmt_range(fields: dict[str, str]) -> str:
    parts = []
    for stem in FIGURE_STEMS:
        lo, hi = fields.get(f"{stem}_min", ""), fields.get(f"{stem}_max", "")
        if lo or hi:
            parts.append(f"{stem.split('_')[0]} {lo or '?'}-{hi or '?'}")
    return ", ".join(parts) or "no figures"
