"""Layer 6, release: the version agrees everywhere it is written, and declared sizes and
hashes match the files (as in a release zip, whose descriptor carries them)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from civharm.package import Resource
from .report import Problem

SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
_CFF_VERSION = re.compile(r"^version:\s*['\"]?([^'\"\s#]+)", re.M)
_CHANGELOG_VERSION = re.compile(r"^##\s+\[?v?([0-9]+\.[0-9]+\.[0-9]+)", re.M)


def check(root: Path, rel: str, descriptor: dict, resources: list[Resource], ran: set[str]) -> list[Problem]:
    ran.update({"version-format", "version-mismatch", "resource-bytes-mismatch", "resource-hash-mismatch"})
    out: list[Problem] = []
    version = descriptor.get("version")
    if version is not None and not (isinstance(version, str) and SEMVER.match(version)):
        out.append(Problem("version-format", rel, column="version", value=str(version)))
    if isinstance(version, str):
        for other, pattern in (("CITATION.cff", _CFF_VERSION), ("CHANGELOG.md", _CHANGELOG_VERSION)):
            path = root / other
            if not path.is_file():
                continue
            m = pattern.search(path.read_text(encoding="utf-8", errors="replace"))
            found = m.group(1) if m else None
            if found != version:
                out.append(Problem("version-mismatch", other, column="version", value=found,
                                   detail=f"{other} gives version {found or '(none)'}; datapackage.json gives {version}."))
    for res in resources:
        data = None
        declared = res.descriptor.get("bytes")
        if declared is not None:
            data = (root / res.path).read_bytes()
            if len(data) != declared:
                out.append(Problem("resource-bytes-mismatch", res.path, value=str(len(data)), expected=str(declared)))
        declared = res.descriptor.get("hash")
        if isinstance(declared, str):
            data = data if data is not None else (root / res.path).read_bytes()
            algo, _, digest = declared.rpartition(":")
            algo = algo or "md5"
            if algo not in hashlib.algorithms_available:
                out.append(Problem("resource-hash-mismatch", res.path, value=f"(cannot compute {algo})", expected=declared))
                continue
            actual = hashlib.new(algo, data).hexdigest()
            if actual != digest.lower():
                out.append(Problem("resource-hash-mismatch", res.path, value=f"{algo}:{actual}", expected=declared))
    return out
