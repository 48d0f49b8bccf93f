"""The rules a package is checked by: a released version's own, or today's.

A release is checked by the profile it was released under (kept for every version in the
ledger, civharm/metadata/kept/<version>.json, shipped in the wheel), so that 0.1.0 and 0.2.0,
made before incident_relations existed, still validate. Those rules are chosen only when the
package is that version byte for byte (its descriptor, schemas and data hash to the kept
record: civharm.metadata.label.is_kept): a package that only writes an old version number, with
today's schemas, weaker ones or changed data, is checked by today's rules. The choice is reported
as the notice release-rules, naming the version and what civharm's rules changed since.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from civharm.metadata import label
from civharm.metadata.package import PROFILE_SCHEMA, profile_resource_names
from .report import Problem


class Rules(NamedTuple):
    """profile: the JSON Schema civharm's descriptor rules come from; version: the released
    version whose rules they are (None: today's)."""
    profile: dict
    version: str | None


CURRENT = Rules(PROFILE_SCHEMA, None)


def rules_for(root: Path, descriptor: dict) -> Rules:
    """The rules of the released version the package is byte for byte, else today's."""
    version = descriptor.get("version")
    keep = label.kept(version) if isinstance(version, str) else None
    if keep is None or keep["profile"] == PROFILE_SCHEMA or not label.is_kept(root, descriptor, keep):
        return CURRENT
    return Rules(keep["profile"], version)


def changes_since(old: dict, new: dict = PROFILE_SCHEMA) -> str:
    """What civharm's descriptor rules require now that the old profile did not, in words."""
    out = []
    before, after = profile_resource_names(old), profile_resource_names(new)
    for what, names in (("resources added", [n for n in after if n not in before]),
                        ("resources removed", [n for n in before if n not in after])):
        if names:
            out.append(f"{what}: {', '.join(names)}")
    req_old, req_new = old.get("required", []), new.get("required", [])
    for what, names in (("required properties added", [p for p in req_new if p not in req_old]),
                        ("required properties dropped", [p for p in req_old if p not in req_new])):
        if names:
            out.append(f"{what}: {', '.join(names)}")
    return "; ".join(out) or "the profile's wording only"


def notice(rules: Rules, rel: str) -> list[Problem]:
    """The notice that a package was checked by its own released version's rules (descriptor.check raises it)."""
    if rules.version is None:
        return []
    return [Problem("release-rules", rel, column="version", value=rules.version, detail=changes_since(rules.profile))]
