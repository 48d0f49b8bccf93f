"""The map's reference layer: rivers and towns around Raqqa and Mosul, cut from Natural Earth.

Natural Earth (public domain) at 1:10m: `rivers_lake_centerlines` (the Euphrates, Tigris and their
lakes) and `populated_places_simple` (towns with names), each clipped to BOX and its coordinates
rounded to 4 decimals (about 10 m), so that the site ships 20 KB instead of 18 MB. The result is
committed as docs/assets/vendor/natural-earth/raqqa-mosul.js (a script setting
window.CIVHARM_NATURAL_EARTH, so that a page opened from disk can load it); this module makes it
again from the two GeoJSON files (for example the conversions at
github.com/martynafford/natural-earth-geojson, 10m/physical and 10m/cultural):

    python -m civharm.docs.naturalearth RIVERS.json PLACES.json > docs/assets/vendor/natural-earth/raqqa-mosul.js
"""

from __future__ import annotations

import json
import sys

BOX = (37.0, 34.3, 45.0, 37.6)  # west, south, east, north: both campaigns with their surroundings
PLACE_FIELDS = ("name", "adm0_a3", "scalerank", "pop_max")


def _inside(c) -> bool:
    return BOX[0] <= c[0] <= BOX[2] and BOX[1] <= c[1] <= BOX[3]


def _point(c) -> list[float]:
    return [round(c[0], 4), round(c[1], 4)]


def rivers(collection: dict) -> list[dict]:
    """Each river's lines inside BOX (a line that leaves the box is cut there, into parts)."""
    out = []
    for f in collection["features"]:
        g = f.get("geometry")
        if not g or g["type"] not in ("LineString", "MultiLineString"):
            continue
        lines = g["coordinates"] if g["type"] == "MultiLineString" else [g["coordinates"]]
        parts, current = [], []
        for line in lines:
            for c in line:
                if _inside(c):
                    current.append(_point(c))
                elif current:
                    parts.append(current)
                    current = []
            if current:
                parts.append(current)
                current = []
        parts = [p for p in parts if len(p) > 1]
        if parts:
            props = f.get("properties") or {}
            out.append({"type": "Feature", "properties": {"name": props.get("name_en") or props.get("name"),
                                                          "featurecla": props.get("featurecla")},
                        "geometry": {"type": "MultiLineString", "coordinates": parts}})
    return out


def places(collection: dict) -> list[dict]:
    out = []
    for f in collection["features"]:
        c = (f.get("geometry") or {}).get("coordinates")
        if c and _inside(c):
            props = f.get("properties") or {}
            out.append({"type": "Feature", "properties": {k: props.get(k) for k in PLACE_FIELDS},
                        "geometry": {"type": "Point", "coordinates": _point(c)}})
    return sorted(out, key=lambda f: (f["properties"]["scalerank"] or 99, f["properties"]["name"] or ""))


def script(rivers_geojson: dict, places_geojson: dict) -> str:
    data = {"source": "Natural Earth 1:10m (public domain): rivers_lake_centerlines and populated_places_simple, "
                      f"clipped to {list(BOX)} by civharm/docs/naturalearth.py",
            "rivers": {"type": "FeatureCollection", "features": rivers(rivers_geojson)},
            "places": {"type": "FeatureCollection", "features": places(places_geojson)}}
    return "window.CIVHARM_NATURAL_EARTH = " + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ";\n"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as r, open(argv[1], encoding="utf-8") as p:
        sys.stdout.write(script(json.load(r), json.load(p)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
