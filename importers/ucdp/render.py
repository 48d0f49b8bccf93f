"""The rows and prose the importer writes: a claim per event, a new incident where none matches,
and the GED release's sources row. Pure functions of an Event."""

from __future__ import annotations

from datetime import date

from ..ranges import RANGE_FIELDS
from .ged import (CODING_KEYS, DATE_PREC, GED_PUBLISHER, GED_SOURCE_NOTES, GED_TITLE, GED_URL, GED_VERSION, MONTHS,
                  VIOLENCE, WHERE_PREC, Area, Event, admin2, date_precision, locality_and_landmark,
                  location_precision)

#: Claim fields the importer owns: a re-run rewrites them from GED. claim_id and incident_id
#: never change; cited_source_id and notes are set when the claim is made and then left to curators.
CLAIM_OWNED = (
    "source_id", "claim_type", "date_start", "date_end", "place", "means", "actor_id",
    *RANGE_FIELDS, "external_id", "external_url", "source_coding", "statement",
)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def iso_dates(ev: Event) -> str:
    if ev.start == ev.end:
        return f"on {ev.start.isoformat()}"
    return f"between {ev.start.isoformat()} and {ev.end.isoformat()}"


def _long(d: date, year: bool = True, month: bool = True) -> str:
    return f"{d.day}" + (f" {MONTHS[d.month]}" if month else "") + (f" {d.year}" if year else "")


def _long_dates(ev: Event) -> str:
    s, e = ev.start, ev.end
    if s == e:
        return f"on {_long(s)}"
    if date_precision(ev) == "month":
        return f"in {MONTHS[s.month]} {s.year}"
    if (s.year, s.month) == (e.year, e.month):
        return f"between {_long(s, year=False, month=False)} and {_long(e)}"
    if s.year == e.year:
        return f"between {_long(s, year=False)} and {_long(e)}"
    return f"between {_long(s)} and {_long(e)}"


def _where_ged(ev: Event) -> str:
    """Where UCDP puts the event, in its own names."""
    wc = ev.get("where_coordinates") or ev.get("adm_2") or ev.get("adm_1") or ev.get("country")
    return {1: f"at {wc}", 2: f"near {wc} (within about 25 km)", 3: f"in {wc}", 4: f"in {wc}",
            5: f"around {wc}", 6: f"in {ev.get('country')}"}.get(ev.where_prec, f"at {wc}")


def _coding_value(text: str) -> str:
    # '; ' separates pairs: keep values from containing it.
    return " ".join(text.replace(";", ",").split())


def source_coding(ev: Event) -> str:
    return "; ".join(f"{k}={_coding_value(ev.row.get(k, ''))}" for k in CODING_KEYS)


def _dyad_phrase(ev: Event) -> str:
    if ev.violence == 3:
        return f"as one-sided violence by {ev.get('side_a')} (its {ev.get('dyad_name')} dyad)"
    return f"in its {ev.get('dyad_name')} dyad ({VIOLENCE[ev.violence]})"


def claim_statement(ev: Event) -> str:
    text = (f"UCDP GED {GED_VERSION} codes {_plural(ev.civilians, 'civilian death')} {iso_dates(ev)} "
            f"{_where_ged(ev)}, {_dyad_phrase(ev)}. Its count of all deaths in the event is {ev.get('best')} "
            f"(low {ev.get('low')}, high {ev.get('high')}).")
    if ev.event_clarity == 2:
        text += " It marks the event as a total its sources gave for several clashes (event clarity 2)."
    return text


def claim_place(ev: Event) -> str:
    wc, adm2 = ev.get("where_coordinates"), ev.get("adm_2")
    if wc and adm2 and adm2 != wc:
        return f"{wc}, {adm2}"
    return wc or adm2 or ev.get("adm_1")


def claim_fields(ev: Event, source_id: str) -> dict[str, str]:
    """The importer-owned fields of the event's claim (CLAIM_OWNED)."""
    n = str(ev.civilians)
    out = {f: "" for f in CLAIM_OWNED}
    out.update({
        "source_id": source_id, "claim_type": "report",
        "date_start": ev.start.isoformat(), "date_end": ev.end.isoformat(),
        "place": claim_place(ev), "means": "", "actor_id": "",
        "civilians_killed_min": n, "civilians_killed_max": n,
        "external_id": ev.ged_id, "external_url": "",
        "source_coding": source_coding(ev), "statement": claim_statement(ev),
    })
    return out


def _place_phrase(ev: Event, inc: dict) -> str:
    prec = inc["location_precision"]
    if inc["locality"]:
        return ("in or near " if ev.where_prec == 2 else "in ") + inc["locality"]
    if inc["neighbourhood"]:
        return ("near " if ev.where_prec == 2 else "at ") + inc["neighbourhood"]
    if prec == "admin2" and inc["admin2"]:
        return f"in {inc['admin2']} district"
    if ev.where_prec == 5:
        return f"around {ev.get('where_coordinates')}"
    if prec in ("admin1", "admin2") and inc["admin1"]:
        return f"in {inc['admin1']} governorate"
    return f"in {ev.get('country')}"


def incident_summary(ev: Event, inc: dict) -> str:
    killed = "killed in all" if ev.event_clarity == 2 else "killed"
    text = (f"UCDP GED {GED_VERSION} records {_plural(ev.civilians, 'civilian')} {killed} "
            f"{_place_phrase(ev, inc)} {_long_dates(ev)}")
    if ev.event_clarity == 2:
        text += ", as a total for several clashes"
    if ev.violence == 3:
        return text + f", which it codes as one-sided violence by {ev.get('side_a')}."
    return text + f", in fighting it codes to its {ev.get('dyad_name')} dyad; it does not say who caused the deaths."


def incident_notes(ev: Event, claim_id: str) -> str:
    parts = [f"Created by the UCDP GED importer from UCDP GED {GED_VERSION} event {ev.ged_id} (claim {claim_id}); "
             "graded single_source until another source corroborates it."]
    if ev.violence == 3:
        parts.append(f"UCDP codes the deaths as one-sided violence by {ev.get('side_a')}; like every imported event, "
                     "the incident names no actor until a curated claim does (see the methodology), and the "
                     "means are unknown.")
    else:
        parts.append(f"UCDP counts the deaths under its {ev.get('dyad_name')} dyad without saying who caused them, "
                     "so means and attribution are unknown.")
    if ev.where_prec == 2:
        parts.append(f"UCDP places the event within about 25 km of {ev.get('where_coordinates')} (where_prec 2).")
    elif ev.where_prec >= 3:
        parts.append(f"UCDP's location is coarse: {WHERE_PREC[ev.where_prec]} (where_prec {ev.where_prec}).")
    if ev.date_prec > 1:
        parts.append(f"UCDP knows the date only to {DATE_PREC[ev.date_prec]} (date_prec {ev.date_prec}).")
    if ev.event_clarity == 2:
        parts.append("UCDP built the event from a total its sources gave for several clashes (event_clarity 2), "
                     "so it may overlap other incidents.")
    offices = list(dict.fromkeys(o.strip() for o in ev.row.get("source_office", "").split(";") if o.strip()))
    if offices:
        names = offices[0] if len(offices) == 1 else ", ".join(offices[:-1]) + " and " + offices[-1]
        count = int(ev.get("number_of_sources") or len(offices))
        text = f"UCDP codes it from {_plural(count, 'report')} by {names}"
        if any(o.lower() == "airwars" for o in offices):
            text += "; since it cites Airwars, an Airwars claim would not be independent of it"
        parts.append(text + ".")
    return " ".join(parts)


def new_incident(ev: Event, incident_id: str, claim_id: str, fields: list[str], area: Area) -> dict[str, str]:
    locality, landmark = locality_and_landmark(ev)
    inc = {f: "" for f in fields}
    inc.update({
        "incident_id": incident_id, "status": "active", "campaign": area.campaign,
        "date_start": ev.start.isoformat(), "date_end": ev.end.isoformat(), "date_precision": date_precision(ev),
        "country": ev.country, "admin1": area.admin1, "admin2": admin2(ev), "locality": locality,
        "neighbourhood": landmark,
        "latitude": ev.get("latitude"), "longitude": ev.get("longitude"),
        "location_precision": location_precision(ev), "means": "unknown", "actor_id": "",
        "attribution": "unknown", "grade": "single_source",
    })
    inc["summary"] = incident_summary(ev, inc)
    inc["notes"] = incident_notes(ev, claim_id)
    return inc


def ged_source_row(source_id: str, fields: list[str]) -> dict[str, str]:
    row = {f: "" for f in fields}
    row.update({
        "source_id": source_id, "source_type": "dataset", "category": "dataset", "publisher": GED_PUBLISHER,
        "author": "", "title": GED_TITLE, "url": GED_URL, "language": "en", "licence": "CC-BY-4.0",
        "notes": GED_SOURCE_NOTES,
    })
    return row
