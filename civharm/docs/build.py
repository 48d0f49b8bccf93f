"""What one docs build knows: the package it documents, a DuckDB connection to it, and the
markers in docs/*.md that it replaces with generated content.

A page asks for generated content with a marker on a line of its own, `<!-- civharm:NAME -->`
(invisible if the hook does not run). An unknown marker, or a generator that fails, fails the
build: a page never ships with a silent gap.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable

import duckdb
from mkdocs.utils import get_relative_url

from civharm.db import connect
from civharm.metadata.label import Label, label as version_label
from civharm.metadata.package import Resource, descriptor_path, load_json, load_resources

PACKAGE_ENV = "CIVHARM_PACKAGE"  # the package folder (or its datapackage.json) to document
COOKBOOK_ENV = "CIVHARM_COOKBOOK"  # the folder of cookbook queries (default: sql/cookbook)
MARKER = re.compile(r"^<!--\s*civharm:([a-z0-9-]+)\s*-->\s*$", re.MULTILINE)

# Where the downloadable package files live inside the site.
DOWNLOADS = "downloads"


class DocsError(Exception):
    """A page cannot be generated (unknown marker, package unreadable, a query fails)."""


@dataclass
class Build:
    repo: Path  # the folder of mkdocs.yml
    package: Path  # the package folder
    meta: dict
    resources: list[Resource]
    cookbook: Path
    _con: duckdb.DuckDBPyConnection | None = field(default=None, repr=False)

    @cached_property
    def label(self) -> Label:
        """The version these pages document: released, or unreleased changes since one (civharm.metadata.label)."""
        return version_label(self.package, self.meta)

    @classmethod
    def load(cls, repo: Path, package: str | Path | None = None, cookbook: str | Path | None = None) -> "Build":
        """The build for `package` (default: $CIVHARM_PACKAGE, else the repository itself)."""
        package = package or os.environ.get(PACKAGE_ENV) or repo
        desc = descriptor_path(Path(package).resolve())
        if not desc.is_file():
            raise DocsError(f"no datapackage.json at {package} (set {PACKAGE_ENV} to a package folder)")
        meta = load_json(desc)
        cookbook = Path(cookbook or os.environ.get(COOKBOOK_ENV) or repo / "sql" / "cookbook")
        return cls(repo, desc.parent, meta, load_resources(desc.parent, meta), cookbook)

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The package in DuckDB (tables and views), opened on first use."""
        if self._con is None:
            self._con = connect(self.package)
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        """A query's rows as dicts (column name -> Python value)."""
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def resource(self, name: str) -> Resource | None:
        return next((r for r in self.resources if r.name == name), None)

    def schema_field(self, resource: str, name: str) -> dict:
        res = self.resource(resource)
        return next((f for f in (res.fields if res else []) if f["name"] == name), {})

    def labels(self, resource: str, name: str) -> dict[str, str]:
        """An enum field's values -> their meanings, from the schema's categories."""
        return {c["value"]: c.get("label", "") for c in self.schema_field(resource, name).get("categories", [])}

    def download_files(self) -> list[tuple[str, Path]]:
        """(path inside the site, file): the descriptor, every schema and data file, the licences."""
        out = [(f"{DOWNLOADS}/datapackage.json", self.package / "datapackage.json")]
        for r in self.resources:
            for rel in filter(None, (r.schema_path, r.path)):
                out.append((f"{DOWNLOADS}/{rel}", self.package / rel))
        for name in ("LICENSE-DATA", "CITATION.cff"):
            if (self.package / name).is_file():
                out.append((f"{DOWNLOADS}/{name}.txt", self.package / name))
        return [(uri, path) for uri, path in out if path.is_file()]


@dataclass
class PageContext:
    """The page being generated, for links relative to it (the site may be served from any path)."""

    build: Build
    url: str  # the page's URL relative to the site root, e.g. "pictures/" or "" for home

    def href(self, target: str) -> str:
        """A link from this page to `target` (a site-root-relative URL such as 'incidents/#CH-1')."""
        path, _, frag = target.partition("#")
        rel = get_relative_url(path, self.url) if path else ""
        return rel + (f"#{frag}" if frag else "")


Generator = Callable[[PageContext], str]


def expand(markdown: str, ctx: PageContext, generators: dict[str, Generator]) -> str:
    """Replace every `<!-- civharm:NAME -->` marker in a page with what generators[NAME] makes."""

    def one(m: re.Match) -> str:
        name = m.group(1)
        if name not in generators:
            raise DocsError(f"unknown marker <!-- civharm:{name} --> (known: {', '.join(sorted(generators))})")
        return generators[name](ctx)

    return MARKER.sub(one, markdown)
