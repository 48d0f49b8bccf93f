"""The real package cloned K times with fresh IDs: data shaped like ours, at any size.

Synthetic rows have short text, no blanks and no history; the real ones have long statements and
notes, empty cells, tombstones, relays and tallies, and that is where a validator spends its
time. So `make bench SHAPE=real N=…` writes K = ceil(N / real incidents) copies of every table
(no trimming: the last copy is whole, so a package has K × 267 incidents, not exactly N, and no
reference is cut). Every table is scaled together, except the reference tables in SHARED
(actors: unique names, and the same belligerents whatever the number of incidents).

Which columns are IDs is read from the schemas, never listed here: every primaryKey field, and
every foreignKeys field, renumbered in the ID space of the key it points at. A resource added to
datapackage.json is cloned with its keys without a change here. Copy k of an ID is its number
plus k × stride, where stride is the power of ten above the largest number in that key (CH-000012
becomes CH-001012 in copy 1 of a package whose incidents go up to CH-000267): copy 0 is the real
package itself, and the copy an ID comes from can be read off it.

What else must differ per copy so that every rule still passes: URLs (`url` and `*_url` fields
get `?copy=k`, so source-duplicate-url sees distinct documents), `external_id` (a ` (copy k)`
suffix, so external-id-unrelated sees each copy's own source records) and any other field marked
unique (the same suffix). The result must validate with 0 errors; `make bench` checks it.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import polars as pl

SHARED = frozenset({"actors", "places"})  # reference tables written once, not cloned (the gazetteer: one place, one name)
ROWS_PER_BLOCK = 250_000  # rows of one table built in memory at a time (memory stays flat in N)
_DIGITS = r"(\d+)$"


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def load(package: Path) -> tuple[dict, dict[str, dict]]:
    """The descriptor and each resource's Table Schema (a path beside the descriptor, or inline)."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    schemas = {}
    for r in descriptor["resources"]:
        s = r.get("schema", {})
        schemas[r["name"]] = json.loads((package / s).read_text(encoding="utf-8")) if isinstance(s, str) else s
    return descriptor, schemas


def key_spaces(schemas: dict[str, dict]) -> dict[str, dict[str, tuple[str, str]]]:
    """For each resource, {field: (resource, field) of the key whose IDs it holds}.

    A primary key field holds its own IDs; a foreign key field holds those of the key it
    references (a reference without `resource`, or with "", is to the same table).
    """
    spaces: dict[str, dict[str, tuple[str, str]]] = {}
    for name, schema in schemas.items():
        fields = spaces.setdefault(name, {})
        for f in _as_list(schema.get("primaryKey")):
            fields[f] = (name, f)
        for fk in schema.get("foreignKeys", []):
            target = fk["reference"].get("resource") or name
            for f, ref in zip(_as_list(fk["fields"]), _as_list(fk["reference"]["fields"])):
                fields[f] = (target, ref)
    return spaces


def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)  # every cell as text; empty cells are null


def _stride(column: pl.Series, where: str) -> int:
    """The power of ten above the largest number in an ID column: copies never collide."""
    values = column.drop_nulls()
    numbers = values.str.extract(_DIGITS, 1)
    if numbers.null_count():
        bad = values.filter(numbers.is_null())[0]
        raise ValueError(f"{where}: the key value {bad!r} does not end in digits, so it cannot be renumbered")
    top = numbers.cast(pl.Int64).max() if len(numbers) else 0
    return 10 ** len(str(top or 0))


def clone(source: Path, out: Path, n: int) -> dict:
    """Write the package at `source` cloned to at least `n` incidents into `out`; its manifest."""
    descriptor, schemas = load(source)
    names = [r["name"] for r in descriptor["resources"]]
    paths = {r["name"]: r["path"] for r in descriptor["resources"]}
    frames = {name: _read(source / paths[name]) for name in names}
    if "incidents" not in frames or frames["incidents"].height == 0:
        raise ValueError(f"{source}: no incidents to clone")
    copies = math.ceil(n / frames["incidents"].height)
    spaces = key_spaces(schemas)
    strides = {}
    for name, fields in spaces.items():
        for field, (target, ref) in fields.items():
            if target in SHARED or (target, ref) in strides:
                continue
            if target not in frames or ref not in frames[target].columns:
                raise ValueError(f"{name}.{field} references {target}.{ref}, which the package lacks")
            strides[(target, ref)] = _stride(frames[target][ref], f"{target}.{ref}")

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copyfile(source / "datapackage.json", out / "datapackage.json")
    for r in descriptor["resources"]:
        if isinstance(r.get("schema"), str):
            (out / r["schema"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / r["schema"], out / r["schema"])
    rows = {}
    for name in names:
        target = out / paths[name]
        target.parent.mkdir(parents=True, exist_ok=True)
        if name in SHARED:
            shutil.copyfile(source / paths[name], target)
            rows[name] = frames[name].height
            continue
        rows[name] = _write_copies(frames[name], schemas[name], spaces.get(name, {}), strides, copies, target)
    return {"shape": "real", "n": n, "copies": copies, "trimmed": False, "shared": sorted(SHARED & set(names)),
            "rows": rows}


def _renumber(field: str, stride: int) -> pl.Expr:
    digits = pl.col(field).str.extract(_DIGITS, 1)
    number = digits.cast(pl.Int64) + pl.col("__copy") * stride
    return (pl.col(field).str.replace(_DIGITS, "") + number.cast(pl.Utf8).str.zfill(digits.str.len_chars()))


def _per_copy_url(field: str) -> pl.Expr:
    """`?copy=k` (or `&copy=k`) before any #fragment; copy 0 keeps the real URL."""
    url = pl.col(field)
    base = url.str.replace(r"#.*$", "")
    fragment = url.str.extract(r"(#.*)$", 1).fill_null("")
    sep = pl.when(base.str.contains("?", literal=True)).then(pl.lit("&")).otherwise(pl.lit("?"))
    tagged = base + sep + pl.lit("copy=") + pl.col("__copy").cast(pl.Utf8) + fragment
    return pl.when(pl.col("__copy") > 0).then(tagged).otherwise(url)


def _write_copies(frame: pl.DataFrame, schema: dict, fields: dict, strides: dict, copies: int, target: Path) -> int:
    """Write `copies` copies of one table, copy after copy, a block of copies at a time."""
    columns = frame.columns
    exprs = []
    for field in columns:
        constraints = next((f.get("constraints", {}) for f in schema.get("fields", []) if f["name"] == field), {})
        if field in fields and fields[field][0] not in SHARED:
            exprs.append(_renumber(field, strides[fields[field]]).alias(field))
        elif field == "url" or field.endswith("_url"):
            exprs.append(_per_copy_url(field).alias(field))
        elif constraints.get("unique") or field == "external_id":
            if constraints.get("pattern"):
                raise ValueError(f"{field} is unique and has a pattern: teach bench/clone.py to vary it per copy")
            suffix = pl.lit(" (copy ") + pl.col("__copy").cast(pl.Utf8) + pl.lit(")")
            exprs.append(pl.when(pl.col("__copy") > 0).then(pl.col(field) + suffix).otherwise(pl.col(field)).alias(field))
        else:
            exprs.append(pl.col(field))
    per_block = max(1, ROWS_PER_BLOCK // max(frame.height, 1))
    with open(target, "wb") as fh:
        if frame.height == 0:
            frame.write_csv(fh, line_terminator="\n")
            return 0
        for start in range(0, copies, per_block):
            ks = pl.DataFrame({"__copy": pl.int_range(start, min(start + per_block, copies), eager=True, dtype=pl.Int64)})
            block = ks.join(frame, how="cross").select(exprs)  # copy-major: copy k's rows, then k+1's
            block.write_csv(fh, include_header=start == 0, line_terminator="\n")
    return frame.height * copies
