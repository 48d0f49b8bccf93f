"""What UCDP GED is to the importer: the release and how it is credited, the columns read, its
codes, the Event one row becomes, and how GED's places and codes map onto the package's fields."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


# --- The release and how it is credited -----------------------------------------------------------

GED_VERSION = "19.1"
GED_URL = "https://ucdp.uu.se/downloads/"
GED_PUBLISHER = "Uppsala Conflict Data Program (UCDP)"
GED_TITLE = f"UCDP Georeferenced Event Dataset (GED) version {GED_VERSION}: Syria extract, 2016-01-01 to 2019-11-30"
GED_CITATIONS = (
    "Sundberg, Ralph and Erik Melander (2013) 'Introducing the UCDP Georeferenced Event Dataset', "
    "Journal of Peace Research 50(4): 523-532; Högbladh, Stina (2019) 'UCDP GED Codebook version 19.1', "
    "Department of Peace and Conflict Research, Uppsala University")
GED_SOURCE_NOTES = (
    f"Cite as: {GED_CITATIONS}. Licensed CC BY 4.0: redistributed with this citation. The extract is "
    "the UCDP download centre's file ged_syria.csv.zip ('GED Syria 20160101-20191130 (652.1601.1911)', "
    "obtained 2020-01-10), with the variables of the GED 19.1 codebook. Imported by importers/ucdp_ged.py: "
    "one claim per event with the GED event id as external_id; deaths_civilians is UCDP's best estimate "
    "of civilian deaths, while low, best and high count all deaths and are kept in source_coding.")
#: The entry credited in datapackage.json's `sources` (Data Package v2: title, path, version).
DESCRIPTOR_SOURCE = {
    "title": f"UCDP Georeferenced Event Dataset (GED) version {GED_VERSION}, Syria extract, by the "
             f"{GED_PUBLISHER}; licensed CC BY 4.0; cite {GED_CITATIONS}",
    "path": GED_URL,
    "version": GED_VERSION,
}


# --- The places GED covers and its codes ---------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """A GED adm_1 the package covers: its spelling here, its campaign and the campaign's months."""
    admin1: str
    campaign: str
    first: date
    last: date


#: GED adm_1 (lower case) -> the package's admin1 (UN OCHA spelling), campaign and period.
AREAS = {
    "ar raqqah governorate": Area("Ar-Raqqa", "raqqa-2017", date(2017, 6, 1), date(2017, 10, 31)),
}
#: GED adm_2 without " district" -> the package's spelling (UN OCHA); others are kept as GED spells them.
ADMIN2 = {"Ar Raqqah": "Ar-Raqqa", "Ath Thawrah": "Ath-Thawrah", "Tall Abyad": "Tell Abiad"}
#: GED place names without their kind -> the package's spelling of the locality.
LOCALITY = {"Ar Raqqah": "Raqqa"}
#: How GED's where_coordinates names a settlement ("Ar Raqqah town", "Ratlah village").
SETTLEMENT_SUFFIXES = (" city", " town", " village", " locality")
#: Gleditsch and Ward country number (GED country_id) -> ISO 3166-1 alpha-3.
COUNTRY_BY_GW = {652: "SYR", 645: "IRQ"}

#: GED where_prec -> the package's location_precision (what the coordinates point at). Codes 1
#: and 2 depend on what where_coordinates names; see location_precision().
WHERE_PREC = {
    1: "exact location known: the coordinates are those of the named place",
    2: "within about 25 km of a known point, which is the one coded",
    3: "only the district (adm_2) is known; its centre is coded",
    4: "only the governorate (adm_1) is known; its centre is coded",
    5: "only a line or fuzzy area is known (a river, a road, a region); a point on it is coded",
    6: "only the country is known",
    7: "international waters or airspace",
}
DATE_PREC = {1: "the day", 2: "a 2-6 day range", 3: "the week", 4: "the month (an 8-30 day range)",
             5: "a range of more than a month"}
VIOLENCE = {1: "state-based conflict", 2: "non-state conflict", 3: "one-sided violence"}

#: Columns the importer reads; a CSV without any of them is not a GED CSV (exit 2, named).
GED_COLUMNS = (
    "id", "type_of_violence", "conflict_name", "dyad_name", "side_a", "side_b", "number_of_sources",
    "where_prec", "where_coordinates", "adm_1", "adm_2", "latitude", "longitude", "country",
    "country_id", "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "low", "best", "high",
)
#: UCDP's own coding, kept in the claim's source_coding as 'key=value; key=value', in this order.
CODING_KEYS = (
    "type_of_violence", "conflict_name", "dyad_name", "side_a", "side_b", "where_prec", "date_prec",
    "event_clarity", "number_of_sources", "deaths_a", "deaths_b", "deaths_unknown", "low", "best", "high",
)

MONTHS = [calendar.month_name[m] for m in range(13)]  # 'C' locale names, whatever the user's locale


# --- The importer's errors, and the Event one GED row becomes ------------------------------------


class BadInput(Exception):
    """Exit 2: the input cannot be used; the message says why."""


class Refused(Exception):
    """Exit 1: the import would be wrong, ambiguous or unreviewed; nothing is written."""


@dataclass
class Event:
    line: int
    row: dict[str, str]
    ged_id: str
    start: date
    end: date
    civilians: int
    lat: float | None
    lon: float | None
    country: str
    where_prec: int
    date_prec: int
    event_clarity: int
    violence: int

    @property
    def sort_key(self) -> tuple:
        return (self.start, self.end, int(self.ged_id))

    def get(self, column: str) -> str:
        return " ".join(self.row.get(column, "").split())


# --- GED's codes and places as the package's fields ---------------------------------------------


def _strip_kind(name: str) -> tuple[str, bool]:
    """'Ar Raqqah town' -> ('Ar Raqqah', True); 'Rabia farm' -> ('Rabia farm', False)."""
    for suffix in SETTLEMENT_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)].strip(), True
    return name, False


def location_precision(ev: Event) -> str:
    """GED where_prec -> location_precision.

    1 -> locality when where_coordinates names a settlement (its centre is what GED codes), point
    otherwise (a farm, a dam: the site itself); 2 -> locality (the known point near the event);
    3 -> admin2; 4 -> admin1; 5 -> admin1 (a point on a river, road or vague region: nothing
    finer is known); 6 and 7 -> country.
    """
    if ev.where_prec in (1, 2):
        _, settlement = _strip_kind(ev.get("where_coordinates"))
        return "locality" if settlement or ev.where_prec == 2 else "point"
    return {3: "admin2", 4: "admin1", 5: "admin1"}.get(ev.where_prec, "country")


def date_precision(ev: Event) -> str:
    """GED date_prec -> date_precision: 1 day; 2, 3 and 5 range; 4 month when the dates span one
    calendar month exactly, range otherwise. A single day is always 'day', a span never is."""
    if ev.start == ev.end:
        return "day"
    if ev.date_prec == 4 and ev.start.day == 1 and ev.start.replace(
            day=calendar.monthrange(ev.start.year, ev.start.month)[1]) == ev.end:
        return "month"
    return "range"


def admin2(ev: Event) -> str:
    name = ev.get("adm_2")
    if name.lower().endswith(" district"):
        name = name[: -len(" district")].strip()
    return ADMIN2.get(name, name)


def locality_and_landmark(ev: Event) -> tuple[str, str]:
    """(locality, neighbourhood) from where_coordinates, for where_prec 1 and 2 only."""
    if ev.where_prec not in (1, 2):
        return "", ""
    name, settlement = _strip_kind(ev.get("where_coordinates"))
    if settlement:
        return LOCALITY.get(name, name), ""
    return "", name  # a farm, a dam, a crossing: a landmark, not a locality
