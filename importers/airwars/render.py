"""Rows from register entries: the page's source, the incident, the monitor's report claim and the
Coalition's own verdict as a claim. Only the fields a table has are filled, so the importer runs
on a package with or without the recording standard's newer fields."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .register import ACCURACY, Entry

COALITION = "A-000001"
# The coarse `means` each `cause` belongs to (the schemas' enums: claims.cause, incidents.means).
MEANS = {"airstrike": "airstrike", "drone_strike": "airstrike", "shelling": "artillery", "rocket": "artillery",
         "mortar": "artillery", "heavy_weapons": "air_or_artillery", "small_arms": "ground_fire",
         "sniper": "ground_fire", "execution": "execution", "suicide_bomber": "explosive_device",
         "vehicle_bomb": "explosive_device", "ied": "explosive_device",
         "landmine_or_booby_trap": "explosive_device", "unexploded_ordnance": "explosive_device",
         "other": "other", "unknown": "unknown", "": "unknown"}
# Where each campaign's localities sit (country, admin1, admin2), as the package's incidents name them.
PLACES = {
    "mosul-2016-2017": ("IRQ", "Ninewa", {"Tal Afar": "Tal Afar", "Tel Kepe": "Tilkaif"}, "Mosul"),
    "raqqa-2017": ("SYR", "Ar-Raqqa", {}, "Ar-Raqqa"),
}
# A city's point where the page gives none: the point the package's incidents use for the city.
CITY_POINTS = {"Mosul": ("36.3450", "43.1450"), "Raqqa": ("35.9528", "39.0079")}


def long_date(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%B')} {d.year}"


def source_row(e: Entry, source_id: str, fields: list[str]) -> dict[str, str]:
    """The stored page as a source: an incident page, or a listing page shared by the entries on it."""
    if e["page_kind"] == "incident":
        what = f"incident {e['code']}" if e["code"] else f"incident in {e['locality']}"
        when = f", {long_date(e['date_start'])}" if e["date_start"] else ""
        title = f"Airwars civilian casualty {what}{when}"
        notes = ("Airwars incident page, as stored. Descriptive title: the stored text shows no headline; "
                 "the code and date are the page's.")
    else:
        page = re.search(r"/page/([0-9]+)/", e["url"])
        title = "Airwars: incident listing page" + (f" {page.group(1)}" if page else "")
        notes = ("An Airwars listing page, as stored, that summarises several incidents. Descriptive title. "
                 "Listing pages change as Airwars adds entries.")
    row = {f: "" for f in fields}
    row.update({"source_id": source_id, "source_type": "incident_record", "category": "monitor",
                "publisher": "Airwars", "title": title, "url": e["url"], "language": "en", "notes": notes})
    return row


def _attribution(e: Entry) -> tuple[str, str]:
    """(actor_id, attribution) from the suspected attackers the page names and the Coalition's verdict."""
    named = e["suspected_attackers"]
    if "coalition" not in named.lower():
        return "", "unknown"
    if e["coalition_label"] == "credible":
        return COALITION, "declared"
    others = re.sub(r"(?i)u\.?s\.?-led coalition", "", named)
    return COALITION, "contested" if re.search(r"[A-Za-z]{3,}", re.sub(r"(?i)\b(known|suspected|unknown)\b", "", others)) else "likely"


def _figures(e: Entry, stem: str, fields: list[str], prefix: str) -> dict[str, str]:
    out = {}
    for end in ("min", "max"):
        name = f"{prefix}_{end}"
        if name in fields:
            out[name] = e[f"{stem}_{end}"]
    return out


def report_claim(e: Entry, claim_id: str, incident_id: str, source_id: str, fields: list[str]) -> dict[str, str]:
    """What the Airwars page reports, as the monitor's claim."""
    actor, _ = _attribution(e)
    row = {f: "" for f in fields}
    notes = [e["notes"].strip()] if e["notes"].strip() else []
    if e["relayed_figures"]:
        notes.append(f"Figures of the outlets the page relays: {e['relayed_figures']}.")
    if e["named_victims"] and e["named_victims"] != "0":
        notes.append(f"The page names or describes {e['named_victims']} victim(s).")
    if e["coalition_label"] in ("credible", "non_credible") and not e["coalition_stated_on"]:
        notes.append(f"The page reports the Coalition's verdict as {e['coalition_label'].replace('_', ' ')}"
                     + (f" ({e['coalition_report']})" if e["coalition_report"] else "")
                     + " but gives no date for it, so it is not recorded as an admission or denial.")
    elif e["coalition_label"] and e["coalition_label"] not in ("credible", "non_credible"):
        notes.append(f"The page reports the Coalition's verdict as {e['coalition_label'].replace('_', ' ')}"
                     + (f" ({e['coalition_report']})" if e["coalition_report"] else "") + ".")
    row.update({
        "claim_id": claim_id, "incident_id": incident_id, "source_id": source_id, "claim_type": "report",
        "date_start": e["date_start"], "date_end": e["date_end"] or e["date_start"],
        "place": e["location_as_shown"] or ", ".join(p for p in (e["neighbourhood"], e["locality"]) if p),
        "means": MEANS[e["cause"]] if e["cause"] else "", "actor_id": actor,
        "external_id": e["code"], "external_url": e["url"] if e["page_kind"] == "incident" else "",
        "statement": e["statement"].strip(), "notes": " ".join(notes)})
    for stem, prefix in (("killed", "civilians_killed"), ("children", "children_killed"), ("women", "women_killed"),
                         ("men", "men_killed"), ("injured", "injured")):
        row.update(_figures(e, stem, fields, prefix))
    for name, value in (("source_grade", e["airwars_grade"].lower()), ("local_time", e["local_time"]),
                        ("cause", e["cause"]), ("target", e["target"])):
        if name in fields:
            row[name] = value
    return {f: row.get(f, "") for f in fields}


def verdict_claim(e: Entry, claim_id: str, incident_id: str, source_id: str, fields: list[str]) -> dict[str, str] | None:
    """The Coalition's own assessment, as the page reports it, when it conceded or denied: an
    admission or a denial, with its label and the date of its report. None otherwise."""
    label = e["coalition_label"]
    if label not in ("credible", "non_credible"):
        return None
    stated = e["coalition_stated_on"]
    precision = "month" if len(stated) == 7 else "day"
    report = f" in its {e['coalition_report']}" if e["coalition_report"] else ""
    if label == "credible":
        lo, hi = e["coalition_killed_min"], e["coalition_killed_max"]
        toll = (f", conceding {lo} civilian death(s)" if lo and lo == hi
                else f", conceding {lo} to {hi} civilian deaths" if lo and hi
                else f", conceding at least {lo} civilian death(s)" if lo else "")
        statement = f"The Coalition assessed the allegation as credible{report}{toll}."
    else:
        statement = f"The Coalition assessed the allegation as not credible{report}."
    row = {f: "" for f in fields}
    row.update({
        "claim_id": claim_id, "incident_id": incident_id, "source_id": source_id,
        "claim_type": "admission" if label == "credible" else "denial",
        "date_start": e["date_start"], "date_end": e["date_end"] or e["date_start"],
        "stated_on": f"{stated}-01" if precision == "month" else stated,
        "actor_id": COALITION, "external_id": e["code"], "statement": statement,
        "notes": "As reported by Airwars: the Coalition's own release is not in the dataset."})
    if "stated_on_precision" in fields and stated:
        row["stated_on_precision"] = precision
    if "belligerent_assessment" in fields:
        row["belligerent_assessment"] = label
    if label == "credible":
        row.update(_figures(e, "coalition_killed", fields, "civilians_killed"))
    return {f: row.get(f, "") for f in fields}


def new_incident(e: Entry, incident_id: str, fields: list[str]) -> dict[str, str]:
    """A new incident for an entry that is no incident of the package yet; its figures, grade and
    position are set afterwards by the range and grade rules, like every incident's."""
    country, admin1, admin2s, admin2 = PLACES[e["campaign"]]
    actor, attribution = _attribution(e)
    lat, lon = e["latitude"], e["longitude"]
    precision = ACCURACY[e["geolocation_accuracy"]] if lat else ""
    if not lat and e["locality"] in CITY_POINTS:
        lat, lon = CITY_POINTS[e["locality"]]
    end = e["date_end"] or e["date_start"]
    row = {f: "" for f in fields}
    row.update({
        "incident_id": incident_id, "status": "active", "campaign": e["campaign"],
        "date_start": e["date_start"], "date_end": end,
        "date_precision": "day" if end == e["date_start"] else "range",
        "country": country, "admin1": admin1, "admin2": admin2s.get(e["locality"], admin2),
        "locality": e["locality"], "neighbourhood": e["neighbourhood"], "latitude": lat, "longitude": lon,
        "location_precision": precision or "locality", "means": MEANS[e["cause"]], "actor_id": actor,
        "attribution": attribution, "grade": "single_source", "summary": e["statement"].strip(),
        "notes": f"From Airwars' entry {e.key}, as the stored page shows it (curation register {Path(e.file).name})."})
    for name in ("local_time", "cause", "target"):
        if name in fields:
            row[name] = e[name]
    return {f: row.get(f, "") for f in fields}
