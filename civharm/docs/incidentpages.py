"""One page per incident, at a stable URL a paper can cite: incidents/CH-000002/.

Each page shows the incident's figures and grade, every claim beside its source (with links),
its relations to other incidents, the versions it appeared or changed in, and how to cite it;
a tombstone (merged or retracted) says so first and links the incident that holds its content.
The incident index (docs/incidents.md) is one table of all incidents, in ID order, that the
reader can sort and filter in the browser (civharm.js).

The pages are generated from the data at build time (hooks.on_files adds them as generated
files); everything the pages need is queried once per build (IncidentData), so 300 pages cost
a few queries, not 300.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from civharm.metadata import versions as ledger  # the version ledger (releases/versions.csv)
from civharm.cite import apa
from civharm.metadata.citation import CitationError, incident_form, load

from .build import Build, PageContext
from .datapages import (GRADE_COLOURS, _claims_by_incident, _claims_table, _groups, _relations_html, figure_range,
                        PLACE_JOIN, PLACE_NAMES, place, relations_by_incident)
from .html import anchor, attr, block, code, link, markdown_text, table, text

FOLDER = "incidents"  # incidents/<ID>/ is an incident's page


def page_url(incident_id: str) -> str:
    """The site-root-relative URL of an incident's page: incidents/CH-000002/."""
    return f"{FOLDER}/{incident_id}/"


# --- Versions --------------------------------------------------------------------------------


@dataclass
class History:
    """Each incident's row in every recorded version (releases/versions.csv), read from the
    commit the version was released from with `git show`, and in this build's data."""

    versions: list[str] = field(default_factory=list)  # the versions read, oldest first
    rows: dict[str, dict[str, dict]] = field(default_factory=dict)  # version -> incident id -> row
    claims: dict[str, dict[str, str]] = field(default_factory=dict)  # version -> incident id -> claims digest
    missing: list[str] = field(default_factory=list)  # "0.1.0 (commit 8fa08da52 is not in this clone)"

    def events(self, incident_id: str, current: dict, current_claims: str, version: str) -> list[tuple[str, str]]:
        """(version, what happened to the incident in it), oldest first, ending with this build."""
        out, before, before_claims = [], None, None
        steps = [(v, self.rows[v].get(incident_id), self.claims[v].get(incident_id, "")) for v in self.versions]
        steps.append((f"this build (version {version})", current, current_claims))
        for v, row, claims in steps:
            if row is None and before is None:
                continue
            if row is None:
                out.append((v, "not in this version"))
            elif before is None:
                out.append((v, "first released" if not v.startswith("this build") else "new, not yet in a recorded release"))
            else:
                changed = [k for k in row if k in before and row[k] != before[k]]
                what = []
                if row.get("status") != before.get("status"):
                    what.append(f"status became {row.get('status')}")
                if changed:
                    what.append("changed: " + ", ".join(changed))
                if claims != before_claims:
                    what.append("its claims changed")
                out.append((v, "; ".join(what) if what else "unchanged"))
            before, before_claims = row, claims
        return out


def _claims_digest(rows: list[dict]) -> dict[str, str]:
    """incident id -> a digest of its claims' rows (any edit to a claim changes it)."""
    by: dict[str, list[str]] = {}
    for r in rows:
        by.setdefault(r.get("incident_id", ""), []).append(repr(sorted(r.items())))
    return {k: hashlib.sha256("\n".join(sorted(v)).encode()).hexdigest() for k, v in by.items()}


def _csv_rows(data: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data)))


def read_history(repo: Path, incidents_path: str, claims_path: str) -> History:
    """The recorded versions' incident and claim rows, from git. A version whose commit this
    clone lacks (a shallow clone, a copy without .git) is listed in `missing` instead, and the
    pages say so: the history is then partial, never silently wrong."""

    h = History()
    try:
        recorded = ledger.read(repo)
    except Exception as e:  # a broken ledger is make validate's to report; the pages say it is unreadable
        h.missing.append(f"the version ledger could not be read ({e})")
        return h
    for version, row in sorted(recorded.items(), key=lambda kv: tuple(int(p) for p in kv[0].split("."))):
        commit = row["commit"]
        try:
            files = [subprocess.run(["git", "-C", str(repo), "show", f"{commit}:{p}"], capture_output=True,
                                    text=True, check=True, timeout=30).stdout for p in (incidents_path, claims_path)]
        except (OSError, subprocess.SubprocessError):
            h.missing.append(f"{version} (commit {commit[:10]} is not in this clone)")
            continue
        h.versions.append(version)
        h.rows[version] = {r["incident_id"]: r for r in _csv_rows(files[0])}
        h.claims[version] = _claims_digest(_csv_rows(files[1]))
    return h


# --- The data, read once -----------------------------------------------------------------------


class IncidentData:
    """Everything the incident pages and the index show, queried once per build."""

    def __init__(self, build: Build):
        self.build = build

    @cached_property
    def incidents(self) -> list[dict]:
        return self.build.rows(f"""
            SELECT i.*, CAST(i.status AS VARCHAR) AS status, CAST(i.campaign AS VARCHAR) AS campaign,
                   CAST(i.grade AS VARCHAR) AS grade, CAST(i.means AS VARCHAR) AS means,
                   CAST(i.cause AS VARCHAR) AS cause,
                   CAST(i.belligerent_position AS VARCHAR) AS belligerent_position,
                   CAST(i.attribution AS VARCHAR) AS attribution,
                   CAST(i.location_precision AS VARCHAR) AS location_precision, a.name AS actor, {PLACE_NAMES}
            FROM incidents AS i LEFT JOIN actors AS a ON a.actor_id = i.actor_id {PLACE_JOIN}
            ORDER BY i.incident_id""")

    @cached_property
    def victims(self) -> dict[str, list[dict]]:
        """incident id -> the victims its claims list, with each claim's source."""
        out: dict[str, list[dict]] = {}
        for v in self.build.rows("""
                SELECT v.*, CAST(v.sex AS VARCHAR) AS sex, CAST(v.age_group AS VARCHAR) AS age_group,
                       CAST(v.outcome AS VARCHAR) AS outcome, c.incident_id, s.publisher, s.url
                FROM victims AS v JOIN claims AS c USING (claim_id) JOIN sources AS s ON s.source_id = c.source_id
                ORDER BY v.victim_id"""):
            out.setdefault(v["incident_id"], []).append(v)
        return out

    @cached_property
    def claims(self) -> dict[str, list[dict]]:
        return _claims_by_incident(PageContext(self.build, ""))

    @cached_property
    def relations(self) -> dict[str, list[dict]]:
        return relations_by_incident(PageContext(self.build, ""))

    @cached_property
    def groups(self) -> dict[str, dict]:
        return _groups(PageContext(self.build, ""))

    @cached_property
    def history(self) -> History:
        b = self.build
        inc, cl = b.resource("incidents"), b.resource("claims")
        return read_history(b.repo, inc.path if inc else "data/incidents.csv", cl.path if cl else "data/claims.csv")

    @cached_property
    def current_csv(self) -> tuple[dict[str, dict], dict[str, str]]:
        """This build's incident rows and claim digests as text, as the versions' are read."""
        b = self.build
        inc, cl = b.resource("incidents"), b.resource("claims")
        rows = _csv_rows((b.package / inc.path).read_text(encoding="utf-8")) if inc else []
        claims = _csv_rows((b.package / cl.path).read_text(encoding="utf-8")) if cl else []
        return {r["incident_id"]: r for r in rows}, _claims_digest(claims)

    @cached_property
    def citation(self):
        try:
            return load(self.build.package)
        except CitationError:
            return None

    @cached_property
    def dataset_apa(self) -> str | None:
        """The data set's reference, rendered once per build (cffconvert runs as a process)."""
        return apa(self.citation) if self.citation is not None else None


def data_for(build: Build) -> IncidentData:
    """The build's IncidentData (one per build: the hook makes a new Build for every build)."""
    if not hasattr(build, "_incident_data"):
        build._incident_data = IncidentData(build)
    return build._incident_data


# --- One incident's page ---------------------------------------------------------------------


def _link(ctx: PageContext, incident_id: str) -> str:
    return f'<a href="{attr(ctx.href(page_url(incident_id)))}">{code(incident_id)}</a>'


def title(i: dict) -> str:
    when = f"{i['date_start']}" + ("" if i["date_end"] == i["date_start"] else f" – {i['date_end']}")
    return f"{i['incident_id']} · {place(i)} · {when}"


PRECISION_NOTE = {
    "point": "the coordinates are the strike's own location",
    "neighbourhood": "the coordinates are the centre of the neighbourhood, not the strike's location",
    "locality": "the coordinates are the centre of the town or city, not the strike's location",
}


def _facts(ctx: PageContext, i: dict) -> str:
    b = ctx.build
    grades = b.labels("incidents", "grade")
    positions = b.labels("incidents", "belligerent_position")
    precision = i.get("location_precision") or ""
    where = ", ".join(str(x) for x in (place(i), i["admin1"], i["country"]) if x)
    written = ", ".join(str(x) for x in (i["neighbourhood"], i["locality"]) if x)
    if i.get("place_name") and written and written != place(i):  # the sources' own words beside the gazetteer's
        where += f" (the sources: {written})"
    coords = "" if i["latitude"] is None else (
        f' <small>({text(i["latitude"])}, {text(i["longitude"])}; precision {code(precision)}: '
        f'{text(PRECISION_NOTE.get(precision, "the coordinates are the centre of the area named"))})</small>')
    facts = [("Status", text(i["status"]) + (f" into {_link(ctx, i['merged_into'])}" if i["merged_into"] else "")
              + (f": {text(i['status_reason'])}" if i["status_reason"] else "")),
             ("Dates", text(f"{i['date_start']}" + ("" if i["date_end"] == i["date_start"] else f" – {i['date_end']}"))
              + f' <small>({text(i["date_precision"])})</small>'),
             ("Place", text(where) + coords),
             ("Campaign", code(i["campaign"])),
             ("Means", text(i["means"]) + (f" ({text(i['cause'].replace('_', ' '))})" if i.get("cause") else "")),
             *([("Target", text(i["target"]))] if i.get("target") else []),
             *([("Time of day", text(i["local_time"]))] if i.get("local_time") else []),
             ("Attributed to", text(i["actor"] or "unknown") + f" ({text(i['attribution'])})"),
             ("Civilians killed", f'<strong data-value="killed">'
              f'{text(figure_range(i["civilians_killed_min"], i["civilians_killed_max"]) or "not stated")}</strong>'),
             ("Children / women / men killed",
              " / ".join(text(figure_range(i[f"{who}_killed_min"], i[f"{who}_killed_max"]) or "–")
                         for who in ("children", "women", "men"))),
             ("Injured", text(figure_range(i["injured_min"], i["injured_max"]) or "–")),
             ("Grade", f'<span class="civharm-grade" data-value="grade" style="--grade: '
              f'{attr(GRADE_COLOURS.get(i["grade"], "#555"))}">{text(i["grade"])}</span> {text(grades.get(i["grade"], ""))}'),
             ("Belligerent's position", (f'{text(i["belligerent_position"])}'
              + (f' (as reported on {text(i["belligerent_position_date"])})' if i["belligerent_position_date"] else "")
              + f' {text(positions.get(i["belligerent_position"], ""))}') if i["belligerent_position"]
              else "none recorded")]
    return '<dl class="civharm-facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"


def _victims_table(ctx: PageContext, victims: list[dict]) -> str:
    def age(v):
        return " ".join(x for x in (str(v["age"]) if v["age"] is not None else "", v["age_group"] or "") if x) or "–"
    return table(["Name as published", "Sex", "Age", "Killed or injured", "Relation", "Source"],
                 [[text(v["name"] or "unnamed"), text(v["sex"] or "–"), text(age(v)), text(v["outcome"]),
                   text(v["relation"] or ""),
                   f'<a href="{attr(v["url"])}">{text(v["publisher"])}</a> ({code(v["claim_id"])})'] for v in victims])


def _history_html(d: IncidentData, i: dict) -> str:
    version = d.build.label.text
    rows, digests = d.current_csv
    h = d.history
    events = h.events(i["incident_id"], rows.get(i["incident_id"]), digests.get(i["incident_id"], ""), version)
    items = "".join(f'<li data-version="{attr(v)}"><strong>{text(v)}</strong>: {text(what)}</li>' for v, what in events)
    note = ""
    if h.missing:
        note = (f'<p class="civharm-history-note"><small>Not compared, so this history may be incomplete: '
                f'{text("; ".join(h.missing))}. <code>make diff FROM=&lt;version&gt;</code> in a full clone '
                "compares any two versions.</small></p>")
    return (f'<div class="civharm-history"><ul>{items}</ul>{note}</div>')


def _cite_html(d: IncidentData, i: dict) -> str:
    version = d.build.label
    target = i["merged_into"] if i["status"] == "merged" and i["merged_into"] else i["incident_id"]
    form = incident_form(version, target)
    out = [f'<pre class="civharm-cite-form"><code>{text(form)}</code></pre>']
    if target != i["incident_id"]:
        out.insert(0, f"<p>{code(i['incident_id'])} was merged: cite the incident that holds its content, and name "
                      f"{code(i['incident_id'])} too if your source used it.</p>")
    if i["status"] == "retracted":
        out.insert(0, "<p>This incident is retracted; if you cite it, say that it is retracted in this version.</p>")
    if d.dataset_apa is not None:
        out.append(f"<p>with the data set: {text(d.dataset_apa)}</p>")
    out.append(f'<p><small>The same text: <code>make cite ID={text(i["incident_id"])}</code>.</small></p>')
    return '<div class="civharm-cite">' + "".join(out) + "</div>"


def incident_page(build: Build, i: dict) -> str:
    """The Markdown of one incident's page (raw HTML blocks under Markdown headings)."""

    d = data_for(build)
    iid = i["incident_id"]
    ctx = PageContext(build, page_url(iid))
    tomb = ""
    if i["status"] == "merged" and i["merged_into"]:
        tomb = (f'<div class="admonition warning civharm-tombstone"><p class="admonition-title">Merged</p><p>'
                f'{code(iid)} is a tombstone: it was merged into {_link(ctx, i["merged_into"])}, which holds its '
                f'claims and figures now.' + (f' {text(i["status_reason"])}' if i["status_reason"] else "") + "</p></div>")
    elif i["status"] == "retracted":
        tomb = (f'<div class="admonition warning civharm-tombstone"><p class="admonition-title">Retracted</p><p>'
                f'{code(iid)} is a tombstone: it was retracted.' +
                (f' {text(i["status_reason"])}' if i["status_reason"] else "") + "</p></div>")
    claims = d.claims.get(iid, [])
    # The title is given in the front matter, HTML-escaped: without it MkDocs takes it from the
    # heading and Material writes it into <title> through `striptags`, which un-escapes it there
    # (a locality holding `</title><script>` would run). A JSON string is a YAML string.
    parts = [
        "---", f"title: {json.dumps(text(title(i)))}", "hide:", "  - toc", "search:", "  boost: 2", "---", "",
        f"# {markdown_text(title(i))} {{#{anchor(iid)}}}", "",
        block(f'<div class="civharm-incident" data-incident="{attr(iid)}">{tomb}'
              + (f'<p class="civharm-summary">{text(i["summary"])}</p>' if i["summary"] else "")
              + _facts(ctx, i)
              + (f'<p class="civharm-notes"><strong>Notes.</strong> {text(i["notes"])}</p>' if i["notes"] else "")
              + "</div>"),
        f"## Claims ({len(claims)})", "",
        "Each claim is what one source says about this incident; the incident's range spans them "
        "([the range rule](../methodology.md#the-range-rule)).",
        block(_claims_table(claims) if claims else "<p>No claims.</p>"),
    ]
    if d.victims.get(iid):
        parts += [f"## Victims named or described by sources ({len(d.victims[iid])})", "",
                  "Only what a cited source made public ([the policy](../methodology.md#victims)).",
                  block(_victims_table(ctx, d.victims[iid]))]
    if d.relations.get(iid):
        parts += ["## Related incidents", "", block(_relations_html(ctx, d.relations[iid], d.groups.get(iid)))]
    parts += ["## History across versions", "",
              block(_history_html(d, i)),
              "## Cite this incident", "", block(_cite_html(d, i)),
              block(f'<p class="civharm-back"><a href="{attr(ctx.href(FOLDER + "/"))}">All incidents</a> · '
                    f'<a href="{attr(ctx.href("sql/"))}">Ask the data in SQL</a></p>')]
    return "\n".join(parts) + "\n"


def pages(build: Build) -> list[tuple[str, str]]:
    """(source path inside docs/, Markdown) of every incident's page, tombstones included."""
    return [(f"{FOLDER}/{i['incident_id']}.md", incident_page(build, i)) for i in data_for(build).incidents]


# --- The index -------------------------------------------------------------------------------


def incident_index(ctx: PageContext) -> str:
    """All incidents as one table in ID order, with the values the filters read in data-*."""

    d = data_for(ctx.build)
    rows, campaigns, grades, months, publishers = [], set(), set(), set(), set()
    for i in d.incidents:
        iid = i["incident_id"]
        pubs = sorted({c["publisher"] or c["source_id"] for c in d.claims.get(iid, [])})
        month = i["date_start"].strftime("%Y-%m") if i["date_start"] else ""
        campaigns.add(i["campaign"])
        grades.add(i["grade"] or "")
        months.add(month)
        publishers.update(pubs)
        killed_hi = i["civilians_killed_max"] if i["civilians_killed_max"] is not None else i["civilians_killed_min"]
        status = "" if i["status"] == "active" else f' <small class="civharm-status">{text(i["status"])}</small>'
        rows.append(
            f'<tr data-id="{attr(iid)}" data-campaign="{attr(i["campaign"])}" data-grade="{attr(i["grade"] or "")}" '
            f'data-month="{attr(month)}" data-status="{attr(i["status"])}" data-sources="{attr("|" + "|".join(pubs) + "|")}">'
            f'<td data-sort="{attr(iid)}"><a href="{attr(ctx.href(page_url(iid)))}">{code(iid)}</a>{status}</td>'
            f'<td data-sort="{attr(i["date_start"])}">{text(i["date_start"])}</td>'
            f'<td>{text(place(i))}</td><td>{code(i["campaign"])}</td>'
            f'<td data-sort="{attr("" if killed_hi is None else killed_hi)}">'
            f'{text(figure_range(i["civilians_killed_min"], i["civilians_killed_max"]) or "–")}</td>'
            f'<td>{text(i["grade"] or "")}</td>'
            f'<td data-sort="{len(d.claims.get(iid, []))}">{len(d.claims.get(iid, []))}</td>'
            f'<td><small>{text("; ".join(pubs))}</small></td></tr>')

    def select(name: str, label: str, values) -> str:
        opts = "".join(f'<option value="{attr(v)}">{text(v)}</option>' for v in sorted(v for v in values if v))
        return (f'<label>{text(label)} <select data-filter="{attr(name)}"><option value="">all</option>'
                f"{opts}</select></label>")

    filters = (f'<form class="civharm-filters" role="search" onsubmit="return false">'
               + select("campaign", "Campaign", campaigns) + select("grade", "Grade", grades)
               + select("month", "Month", months) + select("sources", "Source", publishers)
               + '<label>Text <input type="search" data-filter="text" placeholder="ID, place, words"></label>'
               + '<label><input type="checkbox" data-filter="tombstones" checked> tombstones</label>'
               + '<output class="civharm-count"></output></form>')
    head = "".join(f'<th data-sortable="{k}">{text(h)}</th>' for k, h in (
        ("text", "Incident"), ("text", "Date"), ("text", "Place"), ("text", "Campaign"),
        ("number", "Civilians killed"), ("text", "Grade"), ("number", "Claims"), ("", "Sources")))
    return block(f'<div class="civharm-index">{filters}<div class="civharm-index-table"><table>'
                 f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div></div>')
