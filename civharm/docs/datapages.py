"""Generated content that reads the data through DuckDB: the home page's figures and downloads,
the incident list, the pictures (timeline, official against monitors, map) and the worked case.

The pictures are drawn in the browser by the vendored Chart.js and Leaflet
(docs/assets/civharm/civharm.js) from JSON that this module puts in a data-* attribute
(escaped, see html.json_attr); every picture is followed by the same figures as a table.
"""

from __future__ import annotations

import datetime as dt

from civharm.coverage import markdown

from .build import DOWNLOADS, PageContext
from .html import anchor, attr, block, code, json_attr, link, table, text

# Marker colours of the map, by documentation grade; a grade not listed here gets OTHER_COLOURS.
GRADE_COLOURS = {
    "fair": "#ef6c00",
    "single_source": "#7b3294",
    "weak": "#c9a227",
    "belligerent_only": "#2166ac",
}
OTHER_COLOURS = ["#1b9e77", "#66a61e", "#e7298a", "#a6761d"]

INCIDENTS_PAGE = "incidents/"


def _n(value) -> str:
    return "" if value is None else f"{value:,}" if isinstance(value, int) else str(value)


def figure_range(lo, hi) -> str:
    """A min/max pair as the methodology writes it: 42–55, 42, 'at least 32', 'up to 30', blank."""
    if lo is None and hi is None:
        return ""
    if hi is None:
        return f"at least {_n(lo)}"
    if lo is None:
        return f"up to {_n(hi)}"
    return _n(lo) if lo == hi else f"{_n(lo)}–{_n(hi)}"


# The gazetteer's names of an incident's place (`i` the incident, its place_id): place_name, its
# parent's name (place_parent) and the locality-level name (the place, or its parent).
PLACE_NAMES = """p.name AS place_name, pp.name AS place_parent, coalesce(pp.name, p.name) AS place_locality"""
PLACE_JOIN = """LEFT JOIN places AS p ON p.place_id = i.place_id LEFT JOIN places AS pp ON pp.place_id = p.parent_id"""


def place(row: dict) -> str:
    """Where an incident is, in the gazetteer's names where it has a place: its neighbourhood (or
    the street, landmark) and town; else, or for an incident placed only at its town, the
    neighbourhood text as the sources write it."""
    if row.get("place_name"):
        if row.get("place_parent"):
            return f"{row['place_name']}, {row['place_parent']}"
        return ", ".join(str(p) for p in (row.get("neighbourhood"), row["place_name"]) if p)
    parts = [row.get("neighbourhood"), row.get("locality")]
    return ", ".join(str(p) for p in parts if p) or str(row.get("admin1") or row.get("country") or "")


def incident_href(ctx: PageContext, incident_id: str) -> str:
    """The link from this page to an incident's own page (incidents/CH-000002/)."""
    return ctx.href(f"{INCIDENTS_PAGE}{incident_id}/")


def incident_link(ctx: PageContext, incident_id: str) -> str:
    return f'<a href="{attr(incident_href(ctx, incident_id))}">{code(incident_id)}</a>'


# --- Home ------------------------------------------------------------------------------------


def headline(ctx: PageContext) -> str:
    """Figures computed from the data: incidents, claims, sources, each campaign's deaths
    (deduplicated, with the raw sum beside, from campaign_totals), date range, version."""
    b = ctx.build
    i = b.rows("""SELECT count(*) FILTER (WHERE status = 'active') AS active,
                         count(*) FILTER (WHERE status <> 'active') AS tombstones,
                         min(date_start) FILTER (WHERE status = 'active') AS first,
                         max(date_end) FILTER (WHERE status = 'active') AS last
                  FROM incidents""")[0]
    counts = {name: b.rows(f'SELECT count(*) AS n FROM "{name}"')[0]["n"] for name in ("claims", "sources", "tallies")}
    first = i["first"].strftime("%-d %B %Y") if i["first"] else "–"
    last = i["last"].strftime("%-d %B %Y") if i["last"] else "–"
    cards = [
        ("incidents", "incidents", _n(i["active"]), f"active, and {_n(i['tombstones'])} merged or retracted tombstones"),
        ("claims", "claims", _n(counts["claims"]), "what one source says about one incident"),
        ("sources", "sources", _n(counts["sources"]), "articles, NGO statements, military releases, datasets"),
    ]
    for t in campaign_totals(ctx):
        cards.append((f"civilians-killed-{t['campaign']}", f"civilians killed, {t['campaign']}",
                      figure_range(t["dedup_min"], t["dedup_max"]) or "–",
                      f"deduplicated; raw sum {figure_range(t['raw_min'], t['raw_max']) or '–'}; "
                      f"{_n(t['incidents'])} incidents, not comparable across campaigns (see coverage below)"))
    cards += [
        ("date range", "date range", f"{first} – {last}", "first and last day of the active incidents"),
        ("version", "version", b.label.text, f"{_n(counts['tallies'])} tallies kept apart from incidents"),
    ]
    html = "".join(f'<div class="civharm-figure" data-figure="{attr(key)}"><div class="civharm-figure-value">'
                   f'{text(value)}</div><div class="civharm-figure-label"><strong>{text(title)}</strong> · '
                   f'{text(note)}</div></div>' for key, title, value, note in cards)
    return block(f'<div class="civharm-figures">{html}</div>')


def campaign_totals(ctx: PageContext) -> list[dict]:
    return ctx.build.rows("""SELECT CAST(campaign AS VARCHAR) AS campaign, incidents, incidents_without_figure,
                                    first_date, last_date, raw_min, raw_max, dedup_min, dedup_max, relations_used
                             FROM campaign_totals ORDER BY first_date, campaign""")


def campaigns(ctx: PageContext) -> str:
    """The campaign table: deduplicated deaths with the raw sum beside (the campaign_totals view)."""
    labels = ctx.build.labels("incidents", "campaign")
    body = [[code(r["campaign"]), text(labels.get(r["campaign"], "")), _n(r["incidents"]),
             f'<span class="civharm-date">{text(r["first_date"])}</span> – <span class="civharm-date">{text(r["last_date"])}</span>',
             f'<strong data-value="dedup">{text(figure_range(r["dedup_min"], r["dedup_max"]) or "–")}</strong>',
             f'<span data-value="raw">{text(figure_range(r["raw_min"], r["raw_max"]) or "–")}</span>',
             _n(r["incidents_without_figure"])] for r in campaign_totals(ctx)]
    return block(table(["Campaign", "Scope", "Incidents", "Dates", "Civilians killed (deduplicated)", "Raw sum",
                        "Incidents with no figure"], body, "civharm-campaigns"))


def coverage(ctx: PageContext) -> str:
    """What the data holds (civharm/coverage.py, the same text as the README's and the release's)."""

    return "\n" + markdown(ctx.build.con, totals=False) + "\n"


def downloads(ctx: PageContext) -> str:
    b = ctx.build
    rows = [[f'<a href="{attr(ctx.href(f"{DOWNLOADS}/datapackage.json"))}" download>{code("datapackage.json")}</a>',
             text("The package descriptor: resources, version, licences, sources.")]]
    for r in b.resources:
        rows.append([f'<a href="{attr(ctx.href(f"{DOWNLOADS}/{r.path}"))}" download>{code(r.path)}</a>',
                     text(r.descriptor.get("description", ""))])
    for r in b.resources:
        if r.schema_path:
            rows.append([f'<a href="{attr(ctx.href(f"{DOWNLOADS}/{r.schema_path}"))}" download>{code(r.schema_path)}</a>',
                         text(f"Table Schema of {r.name}.")])
    licences = "; ".join(link(lic.get("path"), lic.get("title") or lic.get("name")) for lic in b.meta.get("licenses", []))
    return block(f'<div class="civharm-downloads"><p>Version <strong>{text(b.label.text)}</strong> · '
                 f'licence: {licences}</p>' + table(["File", "What it holds"], rows) + "</div>")


# --- Incidents -----------------------------------------------------------------------------


def _claims_by_incident(ctx: PageContext) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for c in ctx.build.rows("""
            SELECT c.*, CAST(c.claim_type AS VARCHAR) AS claim_type, s.publisher, s.title, s.url,
                   s.published_on, cs.publisher AS cited_publisher, a.short_name AS actor
            FROM claims AS c JOIN sources AS s ON s.source_id = c.source_id
            LEFT JOIN sources AS cs ON cs.source_id = c.cited_source_id
            LEFT JOIN actors AS a ON a.actor_id = c.actor_id
            ORDER BY c.claim_id"""):
        out.setdefault(c["incident_id"], []).append(c)
    return out


# How a relation reads from each of its two incidents: (relation, seen from) -> the words before
# the other incident's id. "first" is the relation's incident_id, "second" its related_incident_id.
RELATION_PHRASES = {
    ("contains", "first"): "Contains",
    ("contains", "second"): "Contained in",
    ("overlaps", "first"): "Overlaps",
    ("overlaps", "second"): "Overlaps",
    ("possible_duplicate", "first"): "Possible duplicate of",
    ("possible_duplicate", "second"): "Possible duplicate of",
    ("companion_entry", "first"): "Has as companion entry",
    ("companion_entry", "second"): "Companion entry of",
}


def relation_phrase(relation: str, seen_from: str) -> str:
    """The words before the other incident's id; a relation added to the schema later still reads."""
    return RELATION_PHRASES.get((relation, seen_from), f"{relation.replace('_', ' ').capitalize()}:")


def relations_by_incident(ctx: PageContext) -> dict[str, list[dict]]:
    """Each incident's relations (incident_relations), read from both ends, with the other
    incident's date, place, figures and status, and the source that shows the link."""
    out: dict[str, list[dict]] = {}
    for r in ctx.build.rows("""
            WITH ends AS (
                SELECT relation_id, CAST(relation AS VARCHAR) AS relation, 'first' AS seen_from,
                       incident_id AS this_id, related_incident_id AS other_id, source_id, note
                FROM incident_relations
                UNION ALL
                SELECT relation_id, CAST(relation AS VARCHAR), 'second', related_incident_id, incident_id, source_id, note
                FROM incident_relations)
            SELECT e.*, CAST(o.status AS VARCHAR) AS other_status, o.date_start, o.date_end, o.locality,
                   o.neighbourhood, o.admin1, o.country, o.civilians_killed_min, o.civilians_killed_max,
                   s.publisher, s.url
            FROM ends AS e
            LEFT JOIN incidents AS o ON o.incident_id = e.other_id
            LEFT JOIN sources AS s ON s.source_id = e.source_id
            ORDER BY e.this_id, e.seen_from, e.other_id, e.relation_id"""):
        r["phrase"] = relation_phrase(r["relation"], r["seen_from"])
        killed = figure_range(r["civilians_killed_min"], r["civilians_killed_max"])
        dates = "" if r["date_start"] is None else (
            f"{r['date_start']}" + ("" if r["date_end"] == r["date_start"] else f" – {r['date_end']}"))
        r["killed"] = f"{killed} killed" if killed else "no figure"
        r["about"] = ", ".join(x for x in (place(r), dates, r["killed"],
                                           "" if r["other_status"] in (None, "active") else r["other_status"]) if x)
        out.setdefault(r["this_id"], []).append(r)
    return out


def _relations_html(ctx: PageContext, relations: list[dict], group: dict | None) -> str:
    """'Contains CH-000006 (place, date, 8 killed): the note. Shown by: UCDP.', one line each,
    then how the deduplicated totals count the incident's group (incident_contributions)."""
    labels = ctx.build.labels("incident_relations", "relation")
    items = []
    for r in relations:
        shown_by = f' <small>Source of the link: {link(r["url"], r["publisher"] or r["source_id"])}.</small>' if r["source_id"] else ""
        items.append(f'<li data-relation="{attr(r["relation"])}" data-related="{attr(r["other_id"])}">'
                     f'<span title="{attr(labels.get(r["relation"], ""))}">{text(r["phrase"])}</span> '
                     f'{incident_link(ctx, r["other_id"])} ({text(r["about"])}). '
                     f'{text(r["note"] or "")}{shown_by}</li>')
    totals = ""
    if group and group["group_size"] > 1:
        totals = (f'<p class="civharm-group">In the <a href="{attr(ctx.href("methodology/#deduplicated-totals"))}">'
                  f'deduplicated totals</a> this incident and {_n(group["group_size"] - 1)} related '
                  f'incident{"s" if group["group_size"] > 2 else ""} count as '
                  f'<strong>{text(figure_range(group["group_min"], group["group_max"]))}</strong> civilians killed '
                  f'together (raw sum {text(figure_range(group["group_raw_min"], group["group_raw_max"]))}).</p>')
    return (f'<div class="civharm-relations"><ul>{"".join(items)}</ul>'
            f'{totals}</div>')


def _groups(ctx: PageContext) -> dict[str, dict]:
    return {r["incident_id"]: r for r in ctx.build.rows(
        "SELECT incident_id, group_size, group_min, group_max, group_raw_min, group_raw_max FROM incident_contributions")}


def _claims_table(claims: list[dict]) -> str:
    rows = []
    for c in claims:
        source = link(c["url"], c["publisher"] or c["source_id"])
        if c["cited_publisher"]:
            source += f"<br><small>citing {text(c['cited_publisher'])}</small>"
        figures = [f"{label} {figure_range(c[f'{stem}_min'], c[f'{stem}_max'])}"
                   for stem, label in (("civilians_killed", "killed"), ("children_killed", "children"),
                                       ("women_killed", "women"), ("injured", "injured"))
                   if figure_range(c[f"{stem}_min"], c[f"{stem}_max"])]
        kind = text(c["claim_type"])
        claim = f'<span id="{attr(anchor(c["claim_id"]))}">{code(c["claim_id"])}</span>'
        if c["superseded_by"]:  # still shown, but it no longer sets the range, grade or position
            claim = f'<span class="civharm-superseded">{claim}</span>'
            kind += (f'<br><small class="civharm-superseded-by">superseded by <a href="#{attr(anchor(c["superseded_by"]))}">'
                     f'{code(c["superseded_by"])}</a>; it no longer sets the range</small>')
        rows.append([claim, source, kind, text(c["published_on"] or ""),
                     text("; ".join(figures) or "no figure"), text(c["statement"])])
    return table(["Claim", "Source", "Type", "Published", "Figures", "Statement (our words)"], rows, "civharm-claims")


# --- Pictures --------------------------------------------------------------------------------


def _weeks(first: dt.date, last: dt.date) -> list[dt.date]:
    out, week = [], first
    while week <= last:
        out.append(week)
        week += dt.timedelta(days=7)
    return out


def timeline_data(ctx: PageContext) -> list[dict]:
    """Per campaign, civilian deaths per ISO week from the daily series (incident_days): the
    deduplicated band (lo, hi) and the raw sums (raw_lo, raw_hi), each incident spread over its
    days, rounded to whole deaths per week; weeks without incidents are zero, so gaps show."""
    b = ctx.build
    labels = b.labels("incidents", "campaign")
    rows = b.rows("""SELECT CAST(campaign AS VARCHAR) AS campaign, CAST(date_trunc('week', day) AS DATE) AS week,
                            count(DISTINCT incident_id) AS incidents,
                            CAST(round(least(sum(dedup_min), sum(dedup_max))) AS BIGINT) AS lo, CAST(round(sum(dedup_max)) AS BIGINT) AS hi,
                            CAST(round(sum(raw_min)) AS BIGINT) AS raw_lo, CAST(round(sum(raw_max)) AS BIGINT) AS raw_hi,
                            count(DISTINCT incident_id) FILTER (WHERE no_figure) AS without_figure
                     FROM incident_days GROUP BY ALL ORDER BY campaign, week""")
    out = []
    for campaign in dict.fromkeys(r["campaign"] for r in sorted(rows, key=lambda r: r["week"])):
        mine = {r["week"]: r for r in rows if r["campaign"] == campaign}
        weeks = _weeks(min(mine), max(mine))
        empty = {"incidents": 0, "lo": 0, "hi": 0, "raw_lo": 0, "raw_hi": 0, "without_figure": 0}
        out.append({"campaign": campaign, "label": labels.get(campaign, campaign),
                    "weeks": [{"week": w.isoformat(), "iso": f"{w.isocalendar()[0]}-W{w.isocalendar()[1]:02d}",
                               **{k: mine.get(w, empty)[k] for k in empty}} for w in weeks]})
    return out


def timeline(ctx: PageContext) -> str:
    out = []
    for c in timeline_data(ctx):
        rows = [[text(w["iso"]), text(w["week"]), _n(w["incidents"]), text(figure_range(w["lo"], w["hi"]) or "0"),
                 text(figure_range(w["raw_lo"], w["raw_hi"]) or "0"),
                 _n(w["without_figure"]) if w["without_figure"] else ""] for w in c["weeks"] if w["incidents"]]
        out.append(
            f'<figure class="civharm-picture" id="{attr(anchor("timeline", c["campaign"]))}">'
            f'<figcaption><strong>{code(c["campaign"])}</strong>: civilians killed per week, deduplicated '
            f'min–max (band) and the raw sum of maxima (dashed). {text(c["label"])}</figcaption>'
            f'<div class="civharm-chart" data-chart="timeline" data-series="{json_attr(c)}"><canvas role="img" '
            f'aria-label="{attr("Civilian deaths per week, " + c["campaign"])}"></canvas></div>'
            f'<details><summary>The figures, week by week</summary>'
            + table(["ISO week", "Monday", "Incidents", "Civilians killed (deduplicated)", "Raw sum",
                     "Incidents with no figure"], rows) +
            "</details></figure>")
    if not out:
        out.append("<p>No active incidents yet.</p>")
    return block('<div class="civharm-timeline">' + "".join(out) + "</div>")


def official_data(ctx: PageContext) -> list[dict]:
    rows = ctx.build.rows("""SELECT incident_id, CAST(campaign AS VARCHAR) AS campaign, date_start, locality, neighbourhood,
                                    official_min, official_max, official_denial, monitors_min, monitors_max, ratio
                             FROM official_vs_monitors ORDER BY date_start, incident_id""")
    for r in rows:
        r["date_start"] = r["date_start"].isoformat()
        r["label"] = f"{r['incident_id']} {r['locality'] or ''} {r['date_start']}".strip()
    return rows


def official_vs_monitors(ctx: PageContext) -> str:
    rows = official_data(ctx)
    if not rows:
        return block("<p>No incident has an official admission or denial yet.</p>")
    relations = relations_by_incident(ctx)
    # An incident's other figures may sit in a related incident (al-Jadida's local tolls are in its
    # companion entry): name the relations, so that "no figure" is not read as "nobody counted".
    related = {iid: "<br>".join(f'{text(x["phrase"])} {incident_link(ctx, x["other_id"])} ({text(x["killed"])})'
                                for x in xs) for iid, xs in relations.items()}
    body = [[incident_link(ctx, r["incident_id"]), text(r["date_start"]), text(place(r)),
             text(figure_range(r["official_min"], r["official_max"]) or ("denied" if r["official_denial"] else "no figure")),
             text(figure_range(r["monitors_min"], r["monitors_max"]) or "no figure"),
             text("" if r["ratio"] is None else f"{r['ratio']:.2f}"),
             f'<small>{related[r["incident_id"]]}</small>' if r["incident_id"] in related else ""] for r in rows]
    height = 60 + 34 * len(rows)
    return block(
        '<figure class="civharm-picture" id="official-vs-monitors-chart">'
        '<figcaption>Civilians killed per incident: what a belligerent conceded (official) against what '
        'monitors and the media reported. A bar spans the lowest to the highest figure claimed.</figcaption>'
        f'<div class="civharm-chart" data-chart="official" style="height: {height}px" data-series="{json_attr(rows)}">'
        '<canvas role="img" aria-label="Official against monitor figures per incident"></canvas></div>'
        + table(["Incident", "Date", "Place", "Official", "Monitors and media", "Official max / monitors max",
                 "Related incidents"], body)
        + "</figure>")


def map_data(ctx: PageContext) -> list[dict]:
    rows = ctx.build.rows(f"""SELECT incident_id, CAST(campaign AS VARCHAR) AS campaign, date_start, date_end, locality,
                                    neighbourhood, admin1, country, i.latitude, i.longitude,
                                    CAST(location_precision AS VARCHAR) AS location_precision,
                                    civilians_killed_min, civilians_killed_max, CAST(grade AS VARCHAR) AS grade,
                                    CAST(belligerent_position AS VARCHAR) AS belligerent_position,
                                    summary, {PLACE_NAMES}
                             FROM incidents AS i {PLACE_JOIN} WHERE status = 'active' ORDER BY incident_id""")
    relations = relations_by_incident(ctx)
    for r in rows:
        r["date_start"], r["date_end"] = r["date_start"].isoformat(), r["date_end"].isoformat()
        r["killed"] = figure_range(r.pop("civilians_killed_min"), r.pop("civilians_killed_max")) or "not stated"
        r["place"] = place(r)
        r["href"] = incident_href(ctx, r["incident_id"])
        r["relations"] = [{"phrase": x["phrase"], "incident_id": x["other_id"],
                           "href": incident_href(ctx, x["other_id"])}
                          for x in relations.get(r["incident_id"], [])]
    return rows


# Precisions whose coordinates are the place's own (a strike's location); the others are the centre
# of the area named (a neighbourhood, a town, a district), drawn as rings, not dots.
EXACT_PRECISIONS = {"point"}
WORLD_SCRIPT = "assets/vendor/world-atlas/countries-50m.js"  # the outlines as a script (hooks.on_files)
NATURAL_EARTH = "assets/vendor/natural-earth/raqqa-mosul.js"  # rivers and towns (civharm/docs/naturalearth.py)


def place_labels(rows: list[dict]) -> list[dict]:
    """Place names for the map, from the data itself: each locality (town or city), by the
    gazetteer's name where the incident has a place, at the coordinates its incidents give for it
    (the most common), with how many incidents it has."""
    by: dict[str, dict[tuple, int]] = {}
    for r in rows:
        name = r.get("place_locality") or r["locality"]
        if name and r["latitude"] is not None and r["location_precision"] == "locality":
            spot = (round(r["latitude"], 4), round(r["longitude"], 4))
            by.setdefault(name, {}).setdefault(spot, 0)
            by[name][spot] += 1
    out = []
    for name, spots in sorted(by.items()):
        (lat, lon), _ = max(spots.items(), key=lambda kv: kv[1])
        out.append({"name": name, "latitude": lat, "longitude": lon, "incidents": sum(spots.values())})
    return out


def incident_map(ctx: PageContext) -> str:
    b = ctx.build
    rows = map_data(ctx)
    grades = list(b.labels("incidents", "grade")) or sorted({r["grade"] for r in rows})
    colours = {g: GRADE_COLOURS.get(g) or OTHER_COLOURS[k % len(OTHER_COLOURS)] for k, g in enumerate(grades)}
    labels = b.labels("incidents", "grade")
    legend = "".join(f'<li><span class="civharm-swatch" style="background: {attr(colours[g])}"></span>{code(g)} '
                     f'{text(labels.get(g, ""))}</li>' for g in grades)
    placed = [r for r in rows if r["latitude"] is not None and r["longitude"] is not None]
    unplaced = [r for r in rows if r not in placed]
    for r in placed:
        r["exact"] = r["location_precision"] in EXACT_PRECISIONS
    exact = sum(r["exact"] for r in placed)
    precisions = {}
    for r in placed:
        precisions[r["location_precision"]] = precisions.get(r["location_precision"], 0) + 1
    shares = ", ".join(f"{_n(n)} {text(p)}" for p, n in sorted(precisions.items(), key=lambda kv: -kv[1]))
    legend += ('<li><span class="civharm-swatch civharm-swatch-ring"></span>ring: placed at the centre of the town, '
               'neighbourhood or district named, not at the strike</li>'
               '<li><span class="civharm-swatch civharm-swatch-dot"></span>filled dot: the strike\'s own location '
               '(<code>location_precision</code> point)</li>'
               '<li><span class="civharm-swatch civharm-swatch-river"></span>rivers: the Euphrates and the Tigris</li>')
    world = ctx.href("assets/vendor/world-atlas/countries-50m.json")
    config = {"colours": colours, "world": world, "places": place_labels(placed)}
    missing = ("<p>All active incidents have coordinates.</p>" if not unplaced else
               "<p>Incidents without coordinates, not on the map:</p>"
               + table(["Incident", "Date", "Place", "Civilians killed", "Grade"],
                       [[incident_link(ctx, r["incident_id"]), text(r["date_start"]), text(r["place"]), text(r["killed"]),
                         text(r["grade"])] for r in unplaced]))
    return block(
        f'<script src="{attr(ctx.href(WORLD_SCRIPT))}"></script>'
        f'<script src="{attr(ctx.href(NATURAL_EARTH))}"></script>'
        '<figure class="civharm-picture" id="incident-map-figure">'
        f'<figcaption>{len(placed)} active incidents by documentation grade. <strong>Most are placed at the centre of '
        f'the town or neighbourhood their sources name, not where a strike hit</strong>: only {_n(exact)} '
        f'{"has" if exact == 1 else "have"} the strike\'s own coordinates (precision: {shares}). Such incidents are '
        'drawn as rings, stacked on their town\'s centre: a number is a cluster of incidents at or near one place; '
        'click it for the list. Zoomed out, the towns, rivers and outlines are Natural Earth\'s; zoomed in, the '
        'names are the localities of the data.'
        '</figcaption>'
        f'<div class="civharm-map" data-config="{json_attr(config)}" data-incidents="{json_attr(placed)}"></div>'
        f'<ul class="civharm-legend">{legend}</ul>{missing}</figure>')


# --- The worked case ---------------------------------------------------------------------


def relay_case(ctx: PageContext) -> str:
    """Claims that relay another source but state other figures (the relay_discrepancies view),
    next to what the cited source said: the founding article's 55 against the Observatory's 42."""
    rows = ctx.build.rows("""SELECT r.*, c.statement AS relayed_statement, o.statement AS cited_statement
                             FROM relay_discrepancies AS r
                             JOIN claims AS c ON c.claim_id = r.claim_id
                             JOIN claims AS o ON o.claim_id = r.cited_claim_id
                             ORDER BY r.incident_id, r.claim_id""")
    if not rows:
        return block("<p>No claim currently relays a figure that differs from its cited source.</p>")
    body = [[incident_link(ctx, r["incident_id"]),
             f"{text(r['relayed_by'])} ({code(r['claim_id'])}): <strong>{text(figure_range(r['relayed_min'], r['relayed_max']))}</strong>"
             f"<br><small>{text(r['relayed_statement'])}</small>",
             f"{text(r['cited_source'])} ({code(r['cited_claim_id'])}): <strong>{text(figure_range(r['cited_min'], r['cited_max']))}</strong>"
             f"<br><small>{text(r['cited_statement'])}</small>"] for r in rows]
    return block(table(["Incident", "The relaying claim says", "The source it cites says"], body, "civharm-relays"))
