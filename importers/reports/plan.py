"""What importing the register of other sources' reports would change, decided before anything
is written.

The rule (also in importers/README.md, "Other sources' reports"):
1. A report already in the package (a claim of a source with its URL on the incident it
   matches; for a tally, a tally of a source with its URL and the same first day) is left as it
   is: a re-run adds nothing.
2. An incident report becomes a report claim on the incident the curator matched (`matches`),
   which must be active, or, where it names no incident but the Airwars entry of the same event
   (`airwars_code`), on the incident that holds that entry's claim. A report matched to no incident is not imported: making it an incident
   needs the same decisions as an Airwars entry (importers/airwars), and is listed.
3. A tally report becomes a tally, when the page fixes its period (first and last day; one
   that does not is listed and not imported). Its area is compared with incidents (area_level `locality`)
   only where the report names the city alone: a suburb, countryside or province is not the city.
4. The page becomes a source (found again by its URL). A report that credits another publisher
   (`cited_source`) names, as its `cited_source_id`, a source of that publisher that reports the
   same incident (in the package or in this register), so that the grade rule counts the two as
   one original; where there is none, the claim's notes say whom it credits.
The incidents that gain claims have their figures, grade and belligerent position set again by
the range and grade rules.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..overlaps import RELATION_OF, Decision, candidates, relation_row
from ..package_io import IdAllocator, Package, released_ids
from ..register_io import schema_field
from ..ranges import set_derived
from .register import Report

COALITION = "A-000001"
ACTOR_IDS = {"coalition": COALITION, "islamic_state": "A-000004", "iraqi_forces": "A-000005", "sdf": "A-000003",
             "unknown": ""}
COUNTRY = {"raqqa-2017": ("SYR", "Ar-Raqqa", "Ar-Raqqa"), "mosul-2016-2017": ("IRQ", "Ninewa", "Mosul")}
AIRWARS = "https://airwars.org/"
# source_type in the register -> (sources.source_type, sources.category)
SOURCE_KIND = {"news_article": ("news_article", "media"), "monitor_statement": ("ngo_statement", "monitor"),
               "ngo_report": ("ngo_report", "monitor"), "un_report": ("ngo_report", "other"),
               "press_release": ("ngo_statement", "other"), "other": ("news_article", "other")}
PARTS_OF_DAY = tuple(re.findall(r"\|([a-z]+)", schema_field("claims", "local_time")["constraints"]["pattern"]))  # the schema's parts of day
CITY = {"raqqa-2017": ("SYR", "Raqqa", re.compile(r"(?i)\braqq?ah?\b")),
        "mosul-2016-2017": ("IRQ", "Mosul", re.compile(r"(?i)\bmosul\b"))}
WIDER = re.compile(r"(?i)countryside|province|governorate|suburb|outskirts|villages|eastern|western|northern|southern")


@dataclass
class Plan:
    claims_added: list[str] = field(default_factory=list)
    tallies_added: list[str] = field(default_factory=list)
    sources_added: list[str] = field(default_factory=list)
    incidents_touched: set[str] = field(default_factory=set)
    present: list[Report] = field(default_factory=list)
    unmatched: list[Report] = field(default_factory=list)
    undated: list[Report] = field(default_factory=list)  # tallies whose page fixes no period
    problems: list[str] = field(default_factory=list)
    incidents_added: list[str] = field(default_factory=list)
    relations_added: list[str] = field(default_factory=list)
    undecided: list[tuple[str, dict]] = field(default_factory=list)  # (new incident's key, candidate)
    files: dict[Path, bytes] = field(default_factory=dict)


def _publisher_key(name: str) -> str:
    """A publisher as a report credits it: 'Syrian Observatory for Human Rights (Rami Abdel Rahman),
    AFP' and 'Syrian Observatory for Human Rights (Arabic)' are both the Observatory."""
    return re.split(r"[(;,]", name, maxsplit=1)[0].strip().casefold()


def _cause(text: str) -> str:
    """The register's words for the weapon, in claims.cause's vocabulary."""
    t = text.casefold()
    if not t:
        return ""
    air = bool(re.search(r"air|warplane|aircraft|raid", t))
    ground = bool(re.search(r"artillery|shell|mortar|rocket|ground", t))
    if air and ground:
        return "heavy_weapons"
    if "phosphorus" in t and not air:
        return "other"
    if air:
        return "airstrike"
    if "mortar" in t:
        return "mortar"
    return "shelling" if ground else "other"


def _means(cause: str) -> str:
    return {"airstrike": "airstrike", "heavy_weapons": "air_or_artillery", "mortar": "artillery",
            "shelling": "artillery", "other": "other", "": ""}[cause]


def _local_time(text: str) -> str:
    t = text.casefold()
    m = re.search(r"\b([01]?[0-9]|2[0-3]):([0-5][0-9])\b", t)
    if m:
        return f"{int(m.group(1)):02d}:{m.group(2)}"
    return next((p for p in PARTS_OF_DAY if p in t), "")


def source_row(r: Report, source_id: str, fields: list[str]) -> dict[str, str]:
    kind, category = SOURCE_KIND[r["source_type"]]
    title = r["title"].strip()
    notes = []
    if title.startswith("[") and title.endswith("]"):
        title = title[1:-1]
        notes.append("Descriptive title, in English: the stored text shows no headline in it.")
    notes.append("As stored; found on the stored pages for the coverage of its campaign.")
    row = {f: "" for f in fields}
    row.update({"source_id": source_id, "source_type": kind, "category": category, "publisher": r["publisher"],
                "title": title, "url": r["url"], "archive_url": r["archive_url"], "published_on": r["published_on"],
                "language": r["language"], "notes": " ".join(notes)})
    return {f: row.get(f, "") for f in fields}


def _figures(r: Report, fields: list[str]) -> dict[str, str]:
    out = {}
    for stem, prefix in (("killed", "civilians_killed"), ("children", "children_killed"), ("women", "women_killed"),
                         ("men", "men_killed"), ("injured", "injured")):
        for end in ("min", "max"):
            if f"{prefix}_{end}" in fields:
                out[f"{prefix}_{end}"] = r[f"{stem}_{end}"]
    return out


def new_incident(key: str, c: dict[str, str], incident_id: str, fields: list[str]) -> dict[str, str]:
    """The incident the curator described for an event that reports tell of and the package lacks;
    its figures, grade and position follow from the claims by the range and grade rules."""
    country, admin1, admin2 = COUNTRY[c["campaign"]]
    row = {f: "" for f in fields}
    row.update({"incident_id": incident_id, "status": "active", "campaign": c["campaign"],
                "date_start": c["date_start"], "date_end": c["date_end"],
                "date_precision": "day" if c["date_start"] == c["date_end"] else "range",
                "country": country, "admin1": admin1, "admin2": admin2 if c["locality"] in ("Mosul", "Raqqa") else "",
                "locality": c["locality"], "neighbourhood": c["neighbourhood"], "latitude": c["latitude"],
                "longitude": c["longitude"], "location_precision": c["location_precision"], "means": c["means"],
                "actor_id": ACTOR_IDS[c["actor"]], "attribution": c["attribution"], "grade": "single_source",
                "summary": c["summary"].strip(),
                "notes": " ".join(x for x in (c["notes"].strip(), f"From other sources' reports ({key}).") if x)})
    return {f: row.get(f, "") for f in fields}


def make_plan(pkg: Package, reports: list[Report], described: dict[str, dict[str, str]] | None = None,
              crosswalk: list[Decision] = (), decided_only: bool = False) -> Plan:
    """The changes; with `decided_only`, an event with an undecided candidate is left out (its
    reports listed as matching no incident) instead of refusing the whole import."""
    sources, claims, incidents, tallies = (pkg[n] for n in ("sources", "claims", "incidents", "tallies"))
    relations = pkg.tables.get("incident_relations")
    described = described or {}
    plan = Plan()
    released = released_ids(pkg.root)
    next_id = {prefix: IdAllocator(prefix, [r[col] for r in table.rows], released)
               for prefix, table, col in (("S-", sources, "source_id"), ("CL-", claims, "claim_id"),
                                          ("T-", tallies, "tally_id"), ("CH-", incidents, "incident_id"))
               } | ({"R-": IdAllocator("R-", [r["relation_id"] for r in relations.rows], released)} if relations else {})

    # Events that are no incident yet: one incident per key, unless it is in the package already
    # (an incident whose notes carry the key) or a person decided it is one already there (`same`).
    keys = sorted({r["matches"] for r in reports if r["matches"].startswith("new:")})
    for key in keys:
        if key not in described:
            plan.problems.append(f"{key}: reports name it, but curation/report_incidents.csv does not describe it")
    # An incident is named by its id, or, stabler across imports, by the code of its Airwars entry.
    active = {r["incident_id"] for r in incidents.rows if r["status"] == "active"}
    airwars_sources = {r["source_id"] for r in sources.rows if r["url"].startswith(AIRWARS)}
    incident_of_code = {c["external_id"]: c["incident_id"] for c in claims.rows
                        if c["source_id"] in airwars_sources and c["external_id"] and c["incident_id"] in active}
    code_of_incident = {iid: code for code, iid in incident_of_code.items()}
    decided: dict[str, dict[str, Decision]] = defaultdict(dict)
    for d in crosswalk:
        if d.entry not in described:
            plan.problems.append(f"crosswalk line {d.line}: {d.entry!r} is no incident of curation/report_incidents.csv")
        iid = d.incident_id if d.incident_id in active else incident_of_code.get(d.incident_id)
        if d.decision != "skip" and iid is None:
            plan.problems.append(f"crosswalk line {d.line}: {d.incident_id!r} is neither an active incident nor "
                                 "the code of an Airwars entry in the package")
            continue
        decided[d.entry][iid or ""] = dataclasses.replace(d, incident_id=iid or "")
    before = list(incidents.rows)
    incident_of_key: dict[str, str] = {}
    for key in keys:
        if key not in described:
            continue
        there = next((i["incident_id"] for i in before if f"({key})" in i["notes"]), None)
        mine = decided.get(key, {})
        if "" in mine:  # skip: its reports stay out, listed as matching no incident
            continue
        same = [d.incident_id for d in mine.values() if d.decision == "same"]
        if there or same:
            incident_of_key[key] = there or same[0]
            continue
        undecided = [inc for inc in candidates(described[key], before) if inc["incident_id"] not in mine]
        if undecided:
            plan.undecided.extend((key, {**inc, "incident_id": code_of_incident.get(inc["incident_id"], inc["incident_id"])})
                                  for inc in undecided)
            continue
        iid = next_id["CH-"]()
        incidents.rows.append(new_incident(key, described[key], iid, incidents.fields))
        plan.incidents_added.append(iid)
        incident_of_key[key] = iid
        for d in mine.values():
            if d.decision in RELATION_OF and relations is not None:
                relations.rows.append(relation_row(relations.fields, next_id["R-"](), d, d.incident_id, iid))
                plan.relations_added.append(relations.rows[-1]["relation_id"])
    if plan.problems or plan.undecided and not decided_only:
        return plan
    active = {r["incident_id"] for r in incidents.rows if r["status"] == "active"}

    def target(r: Report) -> str:
        """The incident a report is on: the one it matches, or the one of its Airwars entry."""
        if r["matches"].startswith("new:"):
            return incident_of_key.get(r["matches"], "")
        return r["matches"] or incident_of_code.get(r["airwars_code"], "")
    source_of_url = {r["url"]: r["source_id"] for r in sources.rows}
    url_of = {r["source_id"]: r["url"] for r in sources.rows}
    publisher_of = {r["source_id"]: r["publisher"] for r in sources.rows}
    claimed = {(url_of.get(c["source_id"]), c["incident_id"]) for c in claims.rows}
    tallied = {(url_of.get(t["source_id"]), t["period_start"]) for t in tallies.rows}

    def source_for(r: Report) -> str:
        if r["url"] not in source_of_url:
            sid = next_id["S-"]()
            sources.rows.append(source_row(r, sid, sources.fields))
            source_of_url[r["url"]] = sid
            publisher_of[sid] = r["publisher"]
            plan.sources_added.append(sid)
        return source_of_url[r["url"]]

    # Who reports each incident, by publisher: the package's claims and this register's matches.
    reporters: dict[str, dict[str, str]] = defaultdict(dict)  # incident -> publisher key -> source_id
    for c in claims.rows:
        reporters[c["incident_id"]].setdefault(_publisher_key(publisher_of.get(c["source_id"], "")), c["source_id"])
    for r in reports:
        if r["kind"] == "incident" and target(r) in active:
            reporters[target(r)].setdefault(_publisher_key(r["publisher"]), source_for(r))

    for r in reports:
        if r["kind"] == "incident":
            iid = target(r)
            if not iid:
                plan.unmatched.append(r)
                continue
            if iid not in active:
                plan.problems.append(f"{r.where}: matches: {iid} is not an active incident")
                continue
            if (r["url"], iid) in claimed:
                plan.present.append(r)
                continue
            sid = source_for(r)
            credited = _publisher_key(r["cited_source"]) if r["cited_source"] else ""
            cited = reporters[iid].get(credited, "") if credited else ""
            if cited == sid:
                cited = ""
            cause = _cause(r["cause"])
            notes = [r["notes"].strip()] if r["notes"].strip() else []
            if r["cited_source"] and not cited:
                notes.append(f"Credits {r['cited_source']}, whose own report of it is not in the dataset.")
            row = {f: "" for f in claims.fields}
            row.update({"claim_id": next_id["CL-"](), "incident_id": iid, "source_id": sid,
                        "cited_source_id": cited, "claim_type": "report", "date_start": r["date_start"],
                        "date_end": r["date_end"] or r["date_start"], "place": r["place_as_shown"],
                        "means": _means(cause),
                        "actor_id": COALITION if "coalition" in r["actor_blamed"].casefold() else "",
                        "external_id": r["airwars_code"] if "airwars" in r["publisher"].casefold() else "",
                        "statement": r["statement"].strip(), "notes": " ".join(notes),
                        **_figures(r, claims.fields)})
            for name, value in (("cause", cause), ("target", r["target"]), ("local_time", _local_time(r["local_time"]))):
                if name in claims.fields:
                    row[name] = value
            claims.rows.append({f: row.get(f, "") for f in claims.fields})
            claimed.add((r["url"], iid))
            plan.claims_added.append(row["claim_id"])
            plan.incidents_touched.add(iid)
        else:
            if not (r["date_start"] and r["date_end"]):
                plan.undated.append(r)
                continue
            if (r["url"], r["date_start"]) in tallied:
                plan.present.append(r)
                continue
            country, city, name = CITY[r["campaign"]]
            in_city = bool(name.search(r["place_as_shown"])) and not WIDER.search(r["place_as_shown"])
            row = {f: "" for f in tallies.fields}
            row.update({"tally_id": next_id["T-"](), "source_id": source_for(r), "period_start": r["date_start"],
                        "period_end": r["date_end"], "period_text": r["period_text"], "campaign": r["campaign"],
                        "country": country, "area": r["place_as_shown"] or city,
                        "area_level": "locality" if in_city else "", "area_name": city if in_city else "",
                        "actor_id": COALITION if "coalition" in r["actor_blamed"].casefold() else "",
                        "statement": r["statement"].strip(),
                        "notes": " ".join(x for x in (r["notes"].strip(), f"Credits {r['cited_source']}."
                                                      if r["cited_source"] else "") if x),
                        **_figures(r, tallies.fields)})
            tallies.rows.append({f: row.get(f, "") for f in tallies.fields})
            tallied.add((r["url"], r["date_start"]))
            plan.tallies_added.append(row["tally_id"])
    if plan.problems:
        return plan

    set_derived(pkg, plan.incidents_touched)
    for table in (sources, claims, incidents, tallies) + ((relations,) if relations else ()):
        data = table.render()
        if data != table.original:
            plan.files[table.path] = data
    return plan
