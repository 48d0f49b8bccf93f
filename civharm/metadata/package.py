"""Find and read a civharm data package: the descriptor and its Table Schemas.

Everything that needs field names, types or keys (validate, fmt, later the DuckDB build and
docs) reads them through here, from `schemas/`, so that nothing restates them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import write_atomically  # noqa: F401 (the one atomic writer; imported from here by the commands)
from .confine import limit, package_file, parse_json, read_file, read_json_file
from .paths import PROFILE


def load_json(path: Path) -> dict:
    """Parse a package's JSON file (its descriptor), never through a symlink and within
    CIVHARM_MAX_JSON_BYTES; raises ValueError (json.JSONDecodeError, UnsafePath, TooLarge,
    JSONTooDeep are subclasses) or OSError when it can't."""
    path = Path(path)
    safe = package_file(path.parent, path.name, path.name)
    return parse_json(read_file(safe, limit("CIVHARM_MAX_JSON_BYTES"), path.name, "CIVHARM_MAX_JSON_BYTES"))


def profile_resource_names(profile: dict) -> tuple[str, ...]:
    """The resource names the profile allows, in its order; ValueError when its two statements of
    them (each resource one of these; each of these present) disagree."""
    resources = profile["properties"]["resources"]
    names = tuple(resources["items"]["properties"]["name"]["enum"])
    present = tuple(c["contains"]["properties"]["name"]["const"] for c in resources["allOf"])
    if present != names:
        raise ValueError(f"{PROFILE.name}: the resources' name enum {names} and the names each "
                         f"'contains' requires {present} must be the same list")
    return names


PROFILE_SCHEMA = json.loads(PROFILE.read_bytes())  # civharm's own file, beside its code: trusted
RESOURCE_NAMES = profile_resource_names(PROFILE_SCHEMA)


def descriptor_path(path: str | Path) -> Path:
    """A package folder or its descriptor -> the descriptor's path (which may not exist)."""
    p = Path(path)
    return p / "datapackage.json" if p.is_dir() else p


@dataclass
class Resource:
    name: str
    path: str  # as written in the descriptor, relative to the package folder
    schema: dict
    schema_path: str | None  # None when the schema is inline
    descriptor: dict = field(repr=False)

    @property
    def fields(self) -> list[dict]:
        return self.schema.get("fields", [])

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def primary_key(self) -> list[str]:
        pk = self.schema.get("primaryKey") or []
        return [pk] if isinstance(pk, str) else list(pk)

    def foreign_keys(self) -> list[tuple[list[str], str, list[str]]]:
        """(fields, referenced resource name, referenced fields); a self reference names itself."""
        out = []
        for fk in self.schema.get("foreignKeys") or []:
            fields = fk.get("fields")
            ref = fk.get("reference") or {}
            rfields = ref.get("fields")
            fields = [fields] if isinstance(fields, str) else list(fields or [])
            rfields = [rfields] if isinstance(rfields, str) else list(rfields or [])
            out.append((fields, ref.get("resource") or self.name, rfields))
        return out


def load_resources(root: Path, descriptor: dict) -> list[Resource]:
    """The descriptor's table resources with their schemas read (for a package already validated).
    Every path is confined to the package (civharm.metadata.confine): a schema or data path that
    is absolute, a URL, climbs out or goes through a symlink raises UnsafePath (a ValueError)."""
    out = []
    resources = descriptor.get("resources", [])
    if not isinstance(resources, list):
        raise ValueError("the descriptor's resources must be a list")
    for i, res in enumerate(resources):
        if not isinstance(res, dict):
            raise ValueError(f"resources/{i} must be an object")
        schema = res.get("schema")
        schema_path = None
        if isinstance(schema, str):
            schema_path = schema
            schema = read_json_file(root, schema, f"resources/{i}/schema")
        if not isinstance(schema, dict):
            raise ValueError(f"resources/{i}/schema must be a Table Schema")
        package_file(root, res.get("path"), f"resources/{i}/path")
        out.append(Resource(res["name"], res["path"], schema, schema_path, res))
    return out


ID_PATTERN = re.compile(r"^([A-Za-z]+-)([0-9]+)$")  # a prefixed, numbered ID: CH-000001


def id_sort_key(value: str | None) -> tuple:
    """Sort IDs by prefix then number, so CH-1000000 follows CH-999999 (plain text sort would not)."""
    if value is None:
        return ("", -1, "")
    m = ID_PATTERN.match(value)
    if m:
        return (m.group(1), int(m.group(2)), value)
    return (value, -1, value)
