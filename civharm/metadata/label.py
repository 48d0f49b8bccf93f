"""Which version a copy of the package is: "released version X", or "unreleased changes since X".

Every output that names a version (make cite, the Parquet and DuckDB metadata, the docs site,
the validator's header) asks `label()`, so that no copy between releases claims a released
version's name. The rule needs no git, so it holds for a checkout, an unpacked zip and the
wheel's bundled data alike:

- a copy whose datapackage.json gives every resource a `hash` (a Data Package v2 property that
  only `make release` writes, into the zip's descriptor and so the wheel's) and whose files all
  have those hashes is the version it names;
- otherwise a copy is the version it names only when it is byte for byte what that version
  released: its descriptor (without `bytes` and `hash`) and every data and schema file hash to the
  record kept for that version in civharm/metadata/kept/<version>.json. `make release` writes
  that record when it records the version in releases/versions.csv (after the release commit,
  which is why the zip's own hashes, not the record, make the release's artefacts say so);
- anything else is "unreleased changes since" the newest released version not above the one it
  names, with the git commit when the copy is a git checkout.

The kept records also hold each released version's profile (what civharm required of its
datapackage.json then), so that the validator checks a release by its own version's rules
(civharm.validate.descriptor).
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import versions
from .confine import UnsafePath, package_file
from .package import descriptor_path, load_json

KEPT = Path(__file__).resolve().parent / "kept"  # one <version>.json per released version
PROFILE_FILE = "schemas/civharm-dp-profile.json"  # the package's copy of its profile, when it has one


@dataclass(frozen=True)
class Label:
    """version: what datapackage.json names; released: whether the copy is that version as
    released; since: the released version it is or follows (None before any release);
    commit: the short git commit of a checkout (None outside git); dirty: uncommitted changes."""
    version: str
    released: bool
    since: str | None
    commit: str | None = None
    dirty: bool = False

    @property
    def text(self) -> str:
        """"0.2.0", or "unreleased changes since 0.2.0 (commit 1a2b3c4d5e)"."""
        if self.released:
            return self.version
        out = f"unreleased changes since {self.since}" if self.since else "unreleased (no version released yet)"
        if self.commit:
            out += f" (commit {self.commit}{', with uncommitted changes' if self.dirty else ''})"
        return out

    @property
    def name(self) -> str:
        """How a citation names the copy: "civharm v0.2.0", or "civharm, unreleased changes since …"."""
        return f"civharm v{self.version}" if self.released else f"civharm, {self.text}"

    def __str__(self) -> str:
        return self.text


def _vt(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


@lru_cache(maxsize=None)
def kept(version: str) -> dict | None:
    """The record kept for a released version (its files' sizes and hashes, its profile), or None."""
    path = KEPT / f"{version}.json"
    return json.loads(path.read_text(encoding="utf-8")) if re.fullmatch(r"\d+\.\d+\.\d+", version) and path.is_file() else None


def kept_versions() -> list[str]:
    """Every version with a kept record, oldest first."""
    return sorted((p.stem for p in KEPT.glob("*.json") if re.fullmatch(r"\d+\.\d+\.\d+", p.stem)), key=_vt)


def descriptor_digest(descriptor: dict) -> str:
    """sha256 of the descriptor as canonical JSON, without the `bytes` and `hash` a release adds."""
    d = dict(descriptor)
    if isinstance(d.get("resources"), list):
        d["resources"] = [{k: v for k, v in r.items() if k not in ("bytes", "hash")} if isinstance(r, dict) else r
                          for r in d["resources"]]
    return hashlib.sha256(json.dumps(d, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def package_files(root: Path, descriptor: dict) -> list[str]:
    """The files a version is made of besides its descriptor: each resource's data and schema
    file, and the package's profile when it carries one."""
    out: list[str] = []
    for res in descriptor.get("resources") or []:
        if isinstance(res, dict):
            out += [p for p in (res.get("path"), res.get("schema")) if isinstance(p, str)]
    if (root / PROFILE_FILE).is_file():
        out.append(PROFILE_FILE)
    return list(dict.fromkeys(out))


def file_digest(root: Path, rel: str) -> tuple[int, str] | None:
    """(size, sha256) of a file of the package, read in chunks; None when it is not a plain file inside it."""
    try:
        path = package_file(root, rel, rel)
        h, size = hashlib.sha256(), 0
        with open(path, "rb") as f:
            while chunk := f.read(1 << 24):
                size += len(chunk)
                h.update(chunk)
    except (UnsafePath, OSError, ValueError):
        return None
    return size, h.hexdigest()


def record(root: Path, descriptor: dict) -> dict:
    """What kept/<version>.json holds of a package: its descriptor's digest and each file's size and sha256."""
    files = {}
    for rel in package_files(root, descriptor):
        found = file_digest(root, rel)
        if found is not None:
            files[rel] = {"bytes": found[0], "sha256": found[1]}
    return {"descriptor_sha256": descriptor_digest(descriptor), "files": files}


def is_kept(root: Path, descriptor: dict, keep: dict | None) -> bool:
    """Whether the package is byte for byte the kept version: its descriptor (without `bytes` and
    `hash`) and every data, schema and profile file. Sizes are compared first, so a copy of
    another size is never hashed."""
    if keep is None:
        return False
    try:
        if descriptor_digest(descriptor) != keep["descriptor_sha256"]:
            return False
    except (RecursionError, ValueError):  # JSON too deep to write out: not a released descriptor
        return False
    expected = keep["files"]
    if set(package_files(root, descriptor)) != set(expected):
        return False
    for rel, f in expected.items():
        try:
            if package_file(root, rel, rel).stat().st_size != f["bytes"]:
                return False
        except (UnsafePath, OSError, ValueError):
            return False
    return all(file_digest(root, rel) == (f["bytes"], f["sha256"]) for rel, f in expected.items())


def _hashes_match(root: Path, descriptor: dict) -> bool:
    """Whether every resource declares a `hash` (as a release zip's descriptor does) and every
    file has it."""
    resources = [r for r in descriptor.get("resources") or [] if isinstance(r, dict)]
    if not resources:
        return False
    for res in resources:
        declared, path = res.get("hash"), res.get("path")
        if not (isinstance(declared, str) and declared.startswith("sha256:") and isinstance(path, str)):
            return False
        found = file_digest(root, path)
        if found is None or found[1] != declared.removeprefix("sha256:").lower() or \
                ("bytes" in res and res["bytes"] != found[0]):
            return False
    return True


def _git(root: Path) -> tuple[str | None, bool]:
    """(short HEAD commit, whether the package's files have uncommitted changes) of a git
    checkout; (None, False) outside one or without git."""
    try:
        head = subprocess.run(["git", "rev-parse", "--show-toplevel", "--short=10", "HEAD"], cwd=root,
                              capture_output=True, text=True, timeout=10)
        lines = head.stdout.split("\n")
        # only the top of a work tree: a package folder inside another checkout (an unpacked zip
        # in dist/, say) is not that checkout's commit
        if head.returncode != 0 or len(lines) < 2 or Path(lines[0]).resolve() != root.resolve() \
                or not re.fullmatch(r"[0-9a-f]{7,40}", lines[1]):
            return None, False
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "."], cwd=root,
                                capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None, False
    return lines[1], bool(status.stdout.strip())


def label(root: str | Path, descriptor: dict | None = None) -> Label:
    """The label of the package at root (descriptor: its datapackage.json, when already read, or
    the release's own descriptor with its hashes while make release builds it)."""
    root = Path(root)
    if descriptor is None:
        descriptor = load_json(descriptor_path(root))
    version = str(descriptor.get("version") or "")
    if version and (_hashes_match(root, descriptor) or is_kept(root, descriptor, kept(version))):
        return Label(version, True, version)
    try:
        recorded = set(versions.read(root))
    except versions.VersionLedgerError:
        recorded = set()
    known = sorted((recorded | set(kept_versions())), key=_vt)
    below = [v for v in known if re.fullmatch(r"\d+\.\d+\.\d+", version) and _vt(v) <= _vt(version)] or \
        ([] if re.fullmatch(r"\d+\.\d+\.\d+", version) else known)
    commit, dirty = _git(root)
    return Label(version, False, below[-1] if below else None, commit, dirty)
