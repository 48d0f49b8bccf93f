"""`python -m civharm.gazetteer [package] [--check]`: fill the gazetteer (data/places.csv) from what
the data already states, and point incidents and claims at it (their `place_id`).

Re-runnable: a place already in places.csv keeps its ID, its name and every spelling; only the
spellings, places and links the data adds are written, and a place_id already set is kept. So the
gazetteer can be curated by hand (a preferred name, an Arabic name, better coordinates, a kind)
and the step run again after each import.

What it reads, and how:

- **Localities**: each incident's `locality` is a place of kind `locality`. Its coordinates are
  the ones most of its incidents located at the locality (`location_precision` locality) give,
  and their source is the one source all those incidents' claims share, if there is one.
- **Neighbourhoods, streets, landmarks**: each incident's `neighbourhood` is split at '; '; a part
  is a name, with an optional other spelling in brackets ("Al Bedou (Badu)"). Parts that describe
  rather than name ("western neighbourhoods", "south of Maari School", "house of ...") are left
  out: a part must start with a capital letter, a digit or an article (al-, el-) and hold no
  words of description (`DESCRIPTIVE`). Its parent is the incident's locality.
- **Spellings**: two names are one place when they are the two spellings of one part, or when
  their `key` is equal: lower case, the article dropped, letters only, and the usual
  transliteration variants folded (ou/oo/w to u, ee to i, e to a, q to k, doubled letters once):
  Al-Badu, Al Bedou, Badou and al-Badw are one place. The preferred name of a new place is the
  first spelling the incidents give it, by incident ID (to be corrected by hand where better).
- **Neighbourhood coordinates**: those of an incident located at its neighbourhood
  (`location_precision` neighbourhood) that names that place alone, with its claims' source when
  they have one.
- **Links**: an incident's place_id is the one neighbourhood place its neighbourhood names, else
  its locality's place; a claim's place_id is the place one of whose spellings is its whole
  `place` text (by `key`).

A place's kind is guessed from its name (Street, roundabout: street; Bridge, Mosque, school,
building, park, hospital: landmark; else neighbourhood) and can be corrected by hand.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from .metadata import csvfile
from .metadata.package import descriptor_path, id_sort_key, load_json, load_resources, write_atomically

DESCRIPTIVE = re.compile(r"\b(neighbourhoods|near|south|north|east|west|of|outskirts|house|area between|"
                         r"other|a|the)\b", re.I)
ARTICLE = re.compile(r"^(al|el|ar|as|ash|at|az)[- ]", re.I)
STREET = re.compile(r"\b(street|road|roundabout|square)\b", re.I)
# Bracketed words that place a name in a wider area or describe it, never spell it ("Bab Laksh
# (Old Mosul)", "Al Badou (Fayyad family home)").
WIDER = re.compile(r"\b(old|family|home|crossing|district|city|quarter)\b", re.I)
LANDMARK = re.compile(r"\b(bridge|mosque|school|building|park|hospital|stadium|university|crossing|market)\b", re.I)


def key(name: str) -> str:
    """The spelling-free form of a name: two names with one key are one place (module docstring)."""
    k = ARTICLE.sub("", name.strip().casefold())
    k = re.sub(r"[^a-z0-9]", "", k)
    for a, b in (("ou", "u"), ("oo", "u"), ("ee", "i"), ("aa", "a"), ("e", "a"), ("q", "k")):
        k = k.replace(a, b)
    k = re.sub(r"w$", "u", k)
    return re.sub(r"(.)\1+", r"\1", k)


def part_names(part: str) -> list[str]:
    """The names one neighbourhood part gives: its name, and the text in brackets when that is
    another spelling of it (same kind of place, not a wider area or a description); [] for a part
    that describes rather than names."""
    m = re.match(r"^(.*?)\s*\((.*)\)\s*$", part.strip())
    name, other = (m.group(1).strip(), m.group(2).strip()) if m else (part.strip(), "")
    if not _names(name):
        return []
    return [name] + ([other] if other and _names(other) and not WIDER.search(other)
                     and kind_of(other) == kind_of(name) else [])


def _names(n: str) -> bool:
    """Whether a text names a place: it starts with a capital, a digit or an article, and holds
    no word of description."""
    return bool(n) and (n[0].isupper() or n[0].isdigit() or bool(ARTICLE.match(n))) \
        and not DESCRIPTIVE.search(ARTICLE.sub("", n))


def kind_of(name: str) -> str:
    return "street" if STREET.search(name) else "landmark" if LANDMARK.search(name) else "neighbourhood"


class Gazetteer:
    """The places, indexed by the key of each spelling."""

    def __init__(self, rows: list[dict]):
        self.rows = rows
        self.by_key: dict[str, dict] = {}
        for r in rows:
            for s in self.spellings(r):
                self.by_key.setdefault(key(s), r)

    @staticmethod
    def spellings(row: dict) -> list[str]:
        return [row["name"], *[s for s in (row.get("spellings") or "").split("; ") if s]]

    def next_id(self) -> str:
        n = max((id_sort_key(r["place_id"])[1] for r in self.rows), default=0)
        return f"PL-{n + 1:06d}"

    def add(self, names: list[str], kind: str, parent: str, fields: list[str]) -> dict:
        """The place these names (spellings of one place) are, added if new; a new spelling is added."""
        row = next((self.by_key[key(n)] for n in names if key(n) in self.by_key), None)
        if row is None:
            row = {f: "" for f in fields} | {"place_id": self.next_id(), "name": names[0], "kind": kind,
                                               "parent_id": parent,
                                               "notes": "Added by python -m civharm.gazetteer from the incidents' place names."}
            self.rows.append(row)
        for n in names:
            if self.by_key.get(key(n), row) is not row:
                continue  # another place has this spelling: one spelling, one place
            if n not in self.spellings(row) and not any(key(n) == key(s) and n.casefold() == s.casefold()
                                                        for s in self.spellings(row)):
                row["spellings"] = "; ".join([s for s in (row.get("spellings") or "").split("; ") if s] + [n])
            self.by_key.setdefault(key(n), row)
        return row


def fill(tables: dict[str, tuple[list[str], list[dict]]]) -> list[str]:
    """Fill places and the place_id of incidents and claims in `tables` (name -> (fields, rows),
    changed in place); returns the changes, one line each."""
    pfields, places = tables["places"]
    _, incidents = tables["incidents"]
    _, claims = tables["claims"]
    before = {r["place_id"]: dict(r) for r in places}
    g = Gazetteer(places)
    claims_of = defaultdict(list)
    for c in claims:
        claims_of[c["incident_id"]].append(c)

    # Localities, with the coordinates most of their incidents give and the source all of those share.
    located = defaultdict(list)
    for i in incidents:
        if i["locality"] and i["location_precision"] == "locality" and i["latitude"] and i["longitude"]:
            located[i["locality"]].append(i)
    for name in sorted({i["locality"] for i in incidents if i["locality"]}):
        row = g.add([name], "locality", "", pfields)
        if row["latitude"] or not located[name]:
            continue
        (lat, lon), _ = Counter((i["latitude"], i["longitude"]) for i in located[name]).most_common(1)[0]
        at = [i for i in located[name] if (i["latitude"], i["longitude"]) == (lat, lon)]
        shared = set.intersection(*({c["source_id"] for c in claims_of[i["incident_id"]]} for i in at))
        row.update(latitude=lat, longitude=lon, coordinate_precision="locality",
                   coordinates_source_id=min(shared, key=id_sort_key) if shared else "")

    # Neighbourhoods, streets and landmarks: names are grouped first (the spellings of one part,
    # and names of one key), so that one place gets all its spellings whatever order they come in.
    parts = []  # (incident, [names of one part])
    group: dict[str, str] = {}  # key -> the key that stands for its group

    def find(k: str) -> str:
        while group.setdefault(k, k) != k:
            k = group[k]
        return k

    for i in sorted(incidents, key=lambda r: id_sort_key(r["incident_id"])):
        for part in (i["neighbourhood"] or "").split("; "):
            names = part_names(part)
            if names:
                parts.append((i, names))
                for n in names[1:]:
                    a, b = find(key(names[0])), find(key(n))
                    if a != b:
                        group[b] = a
    members = defaultdict(list)  # group -> its names, in the order the incidents give them
    for _, names in parts:
        for n in names:
            if n not in members[find(key(n))]:
                members[find(key(n))].append(n)
    named = defaultdict(list)  # incident_id -> the places its neighbourhood names
    for i, names in parts:
        parent = g.by_key.get(key(i["locality"])) if i["locality"] else None
        names = members[find(key(names[0]))]
        named[i["incident_id"]].append(g.add(names, kind_of(names[0]), parent["place_id"] if parent else "", pfields))
    for i in incidents:
        if not i.get("place_id"):
            ids = {r["place_id"] for r in named[i["incident_id"]]}
            one = named[i["incident_id"]][0] if len(ids) == 1 else (
                g.by_key.get(key(i["locality"])) if i["locality"] else None)
            if one is not None:
                i["place_id"] = one["place_id"]
        # A neighbourhood located by an incident that names it alone, at its precision.
        if len({r["place_id"] for r in named[i["incident_id"]]}) == 1 and i["location_precision"] == "neighbourhood":
            place = named[i["incident_id"]][0]
            if not place["latitude"] and i["latitude"] and i["longitude"]:
                sources = {c["source_id"] for c in claims_of[i["incident_id"]]}
                place.update(latitude=i["latitude"], longitude=i["longitude"], coordinate_precision="neighbourhood",
                             coordinates_source_id=sources.pop() if len(sources) == 1 else "")
    for c in claims:
        if not c.get("place_id") and c["place"] and key(c["place"]) in g.by_key:
            c["place_id"] = g.by_key[key(c["place"])]["place_id"]

    places.sort(key=lambda r: id_sort_key(r["place_id"]))
    changes = [f"places {r['place_id']}: added {r['name']}" + (f" ({r['spellings']})" if r["spellings"] else "")
               for r in places if r["place_id"] not in before]
    changes += [f"places {r['place_id']}: spellings {before[r['place_id']]['spellings'] or 'blank'} -> {r['spellings']}"
                for r in places if r["place_id"] in before and before[r["place_id"]]["spellings"] != r["spellings"]]
    return changes


def main(argv: list[str] | None = None) -> int:
    """Fill data/places.csv and the place_id of incidents and claims from the data (module docstring)."""
    parser = argparse.ArgumentParser(prog="civharm-gazetteer", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", default=".", help="package folder (default: .)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if something would change")
    args = parser.parse_args(argv)
    desc = descriptor_path(args.path)
    resources = {r.name: r for r in load_resources(desc.parent, load_json(desc))}
    tables, texts = {}, {}
    for name in ("places", "incidents", "claims"):
        res = resources[name]
        path = desc.parent / res.path
        texts[name] = path.read_text(encoding="utf-8") if path.exists() else ""
        rows = csvfile.dict_rows(texts[name]) if texts[name] else []
        tables[name] = (res.field_names, [{f: r.get(f) or "" for f in res.field_names} for r in rows])
    changes = fill(tables)
    files = {}
    for name, (fields, rows) in tables.items():
        text = csvfile.render_dicts(fields, rows)
        if text != texts[name]:
            files[desc.parent / resources[name].path] = text.encode("utf-8")
    linked = {n: sum(bool(r["place_id"]) for r in tables[n][1]) for n in ("incidents", "claims")}
    for c in changes:
        print(c)
    print(f"{len(tables['places'][1])} place(s); place_id set on {linked['incidents']} incident(s) and "
          f"{linked['claims']} claim(s); {len(files)} file(s) " + ("to rewrite" if args.check else "rewritten") + ".")
    if args.check:
        return 1 if files else 0
    if files:
        write_atomically(files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
