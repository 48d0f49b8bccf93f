"""The plan: what importing the register would change, decided before anything is written.

The rule (also in importers/README.md, "Airwars register"):
1. An entry whose report claim is already in the package (a claim of an Airwars source with the
   entry's code as external_id, or for an entry with no code, a report claim of a source with the
   entry's incident page, or with its listing page and date) is left as it is: a re-run adds nothing.
2. An entry is not imported when the page shows no date, when it is a general entry (an
   aggregate that "may encompass numbers from other incidents": a tally, not an incident), or
   when the crosswalk says `skip`.
3. Its candidates are the active incidents of its campaign in the same locality whose dates
   overlap the entry's and span at most MAX_SPAN_DAYS days (the methodology leaves longer
   aggregates unrelated: no source says which of their deaths a strike shares). Each candidate
   needs a crosswalk decision (`same`, `contains`, `contained_by`, `overlaps`,
   `possible_duplicate`, `companion_entry`, `distinct`), so that no total counts a death twice
   and no strike is merged with another silently. `same` puts the entry's claims on that
   incident (and no other candidate needs deciding); otherwise the entry becomes a new incident
   and each decision but `distinct` a relation.
Any candidate without a decision makes the import refuse (nothing written) and print the lines
to decide. New incidents' figures, grade and belligerent position follow from their claims by
the range and grade rules, like every incident's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..package_io import IdAllocator, Package, released_ids
from ..ranges import set_derived
from ..overlaps import RELATION_OF, Decision, candidates, relation_row
from .register import Entry
from .render import new_incident, report_claim, source_row, verdict_claim

AIRWARS_HOST = "https://airwars.org/"


@dataclass
class Plan:
    imported: list[tuple[Entry, str]] = field(default_factory=list)       # (entry, incident id)
    attached: list[tuple[Entry, str]] = field(default_factory=list)       # claims put on an incident
    present: list[Entry] = field(default_factory=list)
    skipped: list[tuple[Entry, str]] = field(default_factory=list)        # (entry, why)
    undecided: list[tuple[Entry, dict]] = field(default_factory=list)     # (entry, candidate incident)
    problems: list[str] = field(default_factory=list)                     # crosswalk lines that cannot apply
    claims_added: list[str] = field(default_factory=list)
    sources_added: list[str] = field(default_factory=list)
    relations_added: list[str] = field(default_factory=list)
    verdicts_without_date: list[Entry] = field(default_factory=list)
    victims_added: int = 0
    files: dict[Path, bytes] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return bool(self.undecided or self.problems)


def _victim_rows(victims: list[tuple[str, int, dict]], entries: list[Entry], report_of: dict[str, str],
                 fields: list[str], next_victim, plan: "Plan") -> list[dict]:
    """The victims files' people of the entries imported in this run, on each entry's report claim.
    A person is matched to an entry by its code, or by the page's URL for an entry with no code;
    a name is kept only for the killed (the methodology: never a name of the living)."""
    by_code = {e["code"]: e for e in entries if e["code"]}
    by_url: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if not e["code"]:
            by_url[e["url"]].append(e)
    out = []
    for file, line, v in victims:
        e = by_code.get(v["code"]) if v["code"] else (by_url.get(v["url"]) or [None])[0]
        if not v["code"] and len(by_url.get(v["url"], [])) > 1:
            plan.problems.append(f"{file}:{line}: url: several entries with no code are on this page; "
                                 "the person cannot be placed")
            continue
        if e is None:
            plan.problems.append(f"{file}:{line}: code: no register entry {v['code'] or v['url']!r}")
            continue
        if e.key not in report_of:
            continue  # the entry was not imported in this run (already in the package, or not imported)
        notes = [f"As the page lists the person, crediting {v['via']}." if v["via"] else ""]
        age = v["age"] if v["age"].isdigit() else ""
        if v["age"] and not age:
            notes.append(f"Age as the page gives it: {v['age']}.")
        row = {f: "" for f in fields}
        row.update({"victim_id": next_victim(), "claim_id": report_of[e.key],
                    "name": v["name_as_published"] if v["outcome"] == "killed" else "",
                    "sex": v["sex"] if v["sex"] in ("female", "male") else "", "age": age,
                    "age_group": v["age_group"] if v["age_group"] in ("child", "adult") else "",
                    "outcome": v["outcome"], "relation": v["relation"], "notes": " ".join(n for n in notes if n)})
        out.append({f: row.get(f, "") for f in fields})
    return out


def make_plan(pkg: Package, entries: list[Entry], crosswalk: list[Decision],
              victims: list[tuple[str, int, dict]] = ()) -> Plan:
    sources, claims, incidents, relations = (pkg[n] for n in ("sources", "claims", "incidents", "incident_relations"))
    plan = Plan()
    keys = {e.key for e in entries}
    decided: dict[str, dict[str, Decision]] = defaultdict(dict)
    for d in crosswalk:
        if d.entry not in keys:
            plan.problems.append(f"crosswalk line {d.line}: {d.entry!r} is no entry of the register")
        elif d.incident_id in decided[d.entry] or (d.decision == "skip" and decided[d.entry]):
            plan.problems.append(f"crosswalk line {d.line}: {d.entry!r} is decided twice")
        decided[d.entry][d.incident_id] = d
    active = {inc["incident_id"]: inc for inc in incidents.rows if inc["status"] == "active"}
    for d in crosswalk:
        if d.incident_id and d.incident_id not in active and d.incident_id not in keys:
            plan.problems.append(f"crosswalk line {d.line}: {d.incident_id} is neither an active incident "
                                 "nor an entry of the register")
        elif d.incident_id in keys and d.decision not in RELATION_OF and d.decision != "distinct":
            plan.problems.append(f"crosswalk line {d.line}: between two entries only a relation or `distinct` "
                                 f"can be decided, not {d.decision!r}")

    released = released_ids(pkg.root)
    next_id = {prefix: IdAllocator(prefix, [r[col] for r in table.rows], released)
               for prefix, table, col in (("CH-", incidents, "incident_id"), ("CL-", claims, "claim_id"),
                                          ("S-", sources, "source_id"), ("R-", relations, "relation_id"))}
    source_of_url = {r["url"]: r["source_id"] for r in sources.rows}
    airwars_sources = {r["source_id"] for r in sources.rows if r["url"].startswith(AIRWARS_HOST)}
    url_of_source = {r["source_id"]: r["url"] for r in sources.rows}
    present_codes = {c["external_id"]: c["incident_id"] for c in claims.rows
                     if c["source_id"] in airwars_sources and c["external_id"]}
    report_pages = {(url_of_source.get(c["source_id"]), c["date_start"]): c["incident_id"] for c in claims.rows
                    if c["claim_type"] == "report"}
    report_urls = {url: iid for (url, _), iid in report_pages.items()}

    def present(e: Entry) -> str | None:
        """The incident an entry's report claim is already on, if it is in the package."""
        if e["code"]:
            return present_codes.get(e["code"])
        return report_pages.get((e["url"], e["date_start"])) or (
            report_urls.get(e["url"]) if e["page_kind"] == "incident" else None)
    touched: set[str] = set()
    # Candidates are the incidents the package held before this run: Airwars' entries are distinct
    # events by the monitor's own construction (a page that says two may overlap is a relation to
    # add by hand once both are in).
    before = list(incidents.rows)
    incident_of: dict[str, str] = {}  # entry key -> its incident, for relations between two entries
    report_of: dict[str, str] = {}    # entry key -> its new report claim, for the victims
    for e in entries:
        mine = {i: d for i, d in decided.get(e.key, {}).items() if i not in keys}
        if (iid := present(e)) is not None:
            plan.present.append(e)
            incident_of[e.key] = iid
            continue
        if "" in mine:
            plan.skipped.append((e, "crosswalk: " + mine[""].note))
            continue
        if not e["date_start"]:
            plan.skipped.append((e, "the page shows no date"))
            continue
        if e["general_entry"] == "yes":
            plan.skipped.append((e, "a general entry (an aggregate): a tally, not an incident"))
            continue
        same = [d for d in mine.values() if d.decision == "same"]
        if len(same) > 1:
            plan.problems.append(f"{e.where}: {e.key} is `same` as {len(same)} incidents; it can be one")
            continue
        if not same:
            for inc in candidates(e, before):
                if inc["incident_id"] not in mine:
                    plan.undecided.append((e, inc))
        if plan.refused:
            continue
        if e["url"] not in source_of_url:
            sid = next_id["S-"]()
            sources.rows.append(source_row(e, sid, sources.fields))
            source_of_url[e["url"]] = sid
            plan.sources_added.append(sid)
        sid = source_of_url[e["url"]]
        if same:
            iid = same[0].incident_id
            plan.attached.append((e, iid))
        else:
            iid = next_id["CH-"]()
            incidents.rows.append(new_incident(e, iid, incidents.fields))
            plan.imported.append((e, iid))
            for d in mine.values():
                if d.decision in RELATION_OF:
                    relations.rows.append(relation_row(relations.fields, next_id["R-"](), d, d.incident_id, iid))
                    plan.relations_added.append(relations.rows[-1]["relation_id"])
        touched.add(iid)
        incident_of[e.key] = iid
        cid = next_id["CL-"]()
        claims.rows.append(report_claim(e, cid, iid, sid, claims.fields))
        report_of[e.key] = cid
        plan.claims_added.append(cid)
        if e["coalition_label"] in ("credible", "non_credible") and not e["coalition_stated_on"]:
            plan.verdicts_without_date.append(e)
        elif e["coalition_label"] in ("credible", "non_credible"):
            verdict = verdict_claim(e, next_id["CL-"](), iid, sid, claims.fields)
            claims.rows.append(verdict)
            plan.claims_added.append(verdict["claim_id"])
    if plan.refused:
        return plan
    # Relations between two entries, once both are incidents; a pair already related is left as it is.
    related = {frozenset((r["incident_id"], r["related_incident_id"])) for r in relations.rows}
    for d in crosswalk:
        if d.incident_id in keys and d.decision in RELATION_OF:
            a, b = incident_of.get(d.entry), incident_of.get(d.incident_id)
            if a and b and frozenset((a, b)) not in related:
                relations.rows.append(relation_row(relations.fields, next_id["R-"](), d, b, a))
                related.add(frozenset((a, b)))
                plan.relations_added.append(relations.rows[-1]["relation_id"])

    tables = [sources, incidents, claims, relations]
    if "victims" in pkg.tables:
        people = pkg["victims"]
        next_victim = IdAllocator("V-", [r["victim_id"] for r in people.rows], released)
        added = _victim_rows(list(victims), entries, report_of, people.fields, next_victim, plan)
        people.rows.extend(added)
        plan.victims_added = len(added)
        tables.append(people)
        if plan.problems:
            return plan

    set_derived(pkg, touched)
    for table in tables:
        data = table.render()
        if data != table.original:
            plan.files[table.path] = data
    return plan
