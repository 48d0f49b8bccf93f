"""`make release` and `make bump`: the release artefacts, and a new version set everywhere at once.

    python -m civharm.release build [--out dist] [--zip-only] [--version VERSION]
        dist/civharm-<version>.zip, which unpacks into civharm-<version>/: datapackage.json (each resource with `bytes` and a sha256
        `hash`), the data, the schemas, README, licences, CITATION.cff, CHANGELOG.md, the ID
        ledger and COVERAGE.md (totals and coverage, generated from the views); byte-for-byte reproducible (entries sorted, every timestamp the release date,
        permissions 0644, deflate level 9), so building twice gives the same sha256. Beside it:
        civharm-<version>.zip.sha256, civharm-<version>-parquet/, civharm-<version>.duckdb
        (DuckDB files are not byte-reproducible, so they stay outside the zip) and
        civharm-<version>-py3-none-any.whl: the validator and this package's data, installable
        offline, giving `civharm validate PATH` and civharm.read() with no checkout. Only a
        package that validates, and whose IDs are all in the ledger, is released. --version of a
        version already in releases/versions.csv rebuilds that one from its commit (verify).

    python -m civharm.release archive [--out dist]
        The zip of a version released before make release existed: the package's files exactly as
        they are, unvalidated, in civharm-<version>/. releases/versions.csv names the commit whose
        copy of this code packed it (built_by), and verify runs that copy.

    python -m civharm.release verify VERSION [--out dist]
        Rebuilds a released version's zip from the commit releases/versions.csv records, with that
        commit's own code, checks the recorded sha256 and writes it to dist/.

    python -m civharm.release bump VERSION --from REV [--date YYYY-MM-DD] [--dry-run]
        Sets VERSION and the release date in datapackage.json (version, created), CITATION.cff
        (version, date-released, also in preferred-citation) and CHANGELOG.md (a new top entry,
        drafted from `make diff FROM=REV`), records the IDs it releases in releases/ids.csv and
        regenerates .zenodo.json. Refuses a VERSION below what the changes since REV need.

Every file is written to a temporary path and renamed into place. `build` makes the whole next
output folder (a hard-linked copy of dist/ plus the new zip, .sha256, Parquet folder and database)
and swaps it with dist/ in one renameat2 exchange (civharm.metadata.atomic.replace_folder): the
zip and its hash appear together, and there is no moment without dist/.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import yaml

from . import diff as diffmod
from .cite import zenodo_text
from .coverage import markdown
from .db import build_db, build_parquet, connect
from .metadata import citation, csvfile, ids, label, versions
from .metadata.atomic import clean_stale, replace_folder
from .metadata.confine import TooLarge, UnsafePath, limit, package_file, read_file
from .metadata.package import PROFILE_SCHEMA, descriptor_path, load_json, load_resources, write_atomically
from .metadata.paths import REPO, VIEWS
from .validate.engine import validate  # the same checks as make validate
from .validate.release import SEMVER  # one definition of a version number

# Files that travel with the data in the zip, when the package has them.
# sql/load.sql: so that a reader with only the DuckDB CLI can load the unpacked zip; R/civharm.R:
# so that R reads it typed (civharm.metadata.rreader).
EXTRA_FILES = ("README.md", "LICENSE", "LICENSE-DATA", citation.CFF, "CHANGELOG.md", ids.LEDGER, "sql/load.sql",
               "R/civharm.R", "schemas/civharm-dp-profile.json")  # the profile: what a valid civharm package holds
CHANGELOG = "CHANGELOG.md"
COVERAGE = "COVERAGE.md"  # generated into the zip (coverage_text), never kept in the repository
ZIP_MODE = 0o644
# The wheel: this checkout's code (floor by floor, civharm/) with the release's files inside it.
WHEEL_CODE = ("pyproject.toml", "README.md", "LICENSE", "LICENSE-DATA", "civharm")
BUNDLE = "civharm/_package"  # civharm.metadata.paths.BUNDLED in the installed wheel
DOS_EPOCH = (1980, 1, 1, 0, 0, 0)


class ReleaseError(Exception):
    """The release or bump cannot go ahead (exit 1); nothing was written."""


# --- the zip ----------------------------------------------------------------------------------

def _safe(rel: str) -> str:
    p = PurePosixPath(rel)
    if p.is_absolute() or ".." in p.parts or not rel:
        raise ReleaseError(f"the path {rel!r} in datapackage.json leaves the package folder")
    return p.as_posix()


def _read(root: Path, rel: str, prop: str) -> bytes:
    """A file of the package, confined to it (civharm.metadata.confine): a symlink is never packed."""
    try:
        return read_file(package_file(root, rel, prop), limit("CIVHARM_MAX_FILE_BYTES"), rel, "CIVHARM_MAX_FILE_BYTES")
    except (UnsafePath, TooLarge) as e:
        raise ReleaseError(f"{e}; nothing was released") from e


def release_descriptor(root: Path, descriptor: dict) -> bytes:
    """datapackage.json as it goes into the zip: every resource with its `bytes` and sha256 `hash`."""
    d = copy.deepcopy(descriptor)
    for res in d.get("resources", []):
        data = _read(root, _safe(res["path"]), "path")
        res["bytes"] = len(data)
        res["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    return (json.dumps(d, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def zip_entries(root: Path, descriptor: dict) -> dict[str, bytes]:
    """Archive name -> content, for every file of the release zip."""
    entries = {"datapackage.json": release_descriptor(root, descriptor)}
    for res in descriptor.get("resources", []):
        entries[_safe(res["path"])] = _read(root, _safe(res["path"]), "path")
        if isinstance(res.get("schema"), str):
            entries[_safe(res["schema"])] = _read(root, _safe(res["schema"]), "schema")
    for rel in EXTRA_FILES:
        if os.path.lexists(root / rel):  # a symlink here is refused, not skipped
            entries[rel] = _read(root, rel, rel)
    entries[COVERAGE] = coverage_text(root, json.loads(entries["datapackage.json"])).encode("utf-8")
    return entries


def coverage_text(root: Path, descriptor: dict) -> str:
    """COVERAGE.md: the totals (deduplicated and raw) and what the data holds, from the views;
    headed by the version's label (the release's descriptor, with its hashes, names the release)."""

    con = connect(root)
    try:
        body = markdown(con)
    finally:
        con.close()
    return (f"# {descriptor.get('title') or descriptor.get('name') or 'civharm'} {label.label(root, descriptor).text}: "
            "what the data holds\n\nGenerated from this release's data by the views campaign_totals, "
            "campaign_coverage and coverage (sql/views/); the rules behind the totals are in the "
            "methodology (Deduplicated totals).\n\n" + body)


def zip_timestamp(descriptor: dict) -> tuple:
    """The release date (datapackage.json's created) at midnight; 1980-01-01 when there is none."""
    created = descriptor.get("created")
    try:
        d = dt.date.fromisoformat(str(created)[:10])
    except ValueError:
        return DOS_EPOCH
    return (d.year, d.month, d.day, 0, 0, 0) if d.year >= 1980 else DOS_EPOCH


def write_zip(entries: dict[str, bytes], target: Path, date_time: tuple) -> str:
    """Write a reproducible zip atomically; returns its sha256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w") as z:
            for name in sorted(entries):
                info = zipfile.ZipInfo(name, date_time=date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # Unix, so that the permissions below are read
                info.external_attr = (0o100000 | ZIP_MODE) << 16
                z.writestr(info, entries[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return hashlib.sha256(target.read_bytes()).hexdigest()


def archive(package: str | Path = ".", out: str | Path = "dist", log=print) -> str:
    """The zip of a version released before make release existed: the package's own files exactly
    as they are (datapackage.json unchanged, its resources and schemas, the EXTRA_FILES it has),
    in <name>-<version>/, every timestamp the release date. No validation (the version was valid
    by its own rules, not necessarily by today's) and nothing generated (no COVERAGE.md), so the
    bytes depend only on the files and on this function; releases/versions.csv names the commit
    holding this code as the row's built_by, and verify runs that commit's copy."""
    desc = descriptor_path(package)
    if not desc.is_file():
        raise ReleaseError(f"no datapackage.json at {package}")
    root, meta = desc.parent, load_json(desc)
    entries = {"datapackage.json": _read(root, "datapackage.json", "datapackage.json")}
    for res in meta.get("resources", []):
        entries[_safe(res["path"])] = _read(root, _safe(res["path"]), "path")
        if isinstance(res.get("schema"), str):
            entries[_safe(res["schema"])] = _read(root, _safe(res["schema"]), "schema")
    for rel in EXTRA_FILES:
        if os.path.lexists(root / rel):
            entries[rel] = _read(root, rel, rel)
    if not meta.get("version"):
        raise ReleaseError(f"{desc} has no version: a zip is named for the version it holds")
    name, version = str(meta.get("name") or "civharm"), str(meta["version"])
    target = Path(out) / f"{name}-{version}.zip"
    digest = write_zip({f"{name}-{version}/{k}": v for k, v in entries.items()}, target, zip_timestamp(meta))
    log(f"wrote {target} ({len(entries)} files as they are, sha256 {digest})")
    return digest


def build(package: str | Path = ".", out: str | Path = "dist", zip_only: bool = False,
          log=print) -> dict[str, Path | str]:
    desc = descriptor_path(package)
    if not desc.is_file():
        raise ReleaseError(f"no datapackage.json at {package}")
    root = desc.parent

    report = validate(desc)
    if report.errors:
        raise ReleaseError(report.to_text() + f"\nThe package is invalid ({report.errors} error(s)); nothing was "
                           "released. Run make validate and fix the errors first.")
    meta = load_json(desc)
    resources = load_resources(root, meta)
    version = str(meta.get("version"))
    if (root / ids.LEDGER).is_file():
        missing = ids.unledgered(root, resources)
        if missing:
            listing = "; ".join(f"{n}: {len(v)} ({', '.join(v[:3])}{', …' if len(v) > 3 else ''})" for n, v in missing.items())
            raise ReleaseError(f"IDs in the data are not in {ids.LEDGER} yet ({listing}): they have not been "
                               f"released. Set the new version first: make bump VERSION=… FROM=<previous release>.")
    else:
        log(f"note: no {ids.LEDGER} here: this release records no IDs.")
    name = str(meta.get("name") or "civharm")
    final = Path(out)
    try:
        recorded = versions.read(root).get(version)
    except versions.VersionLedgerError as e:
        raise ReleaseError(str(e)) from e
    entries = zip_entries(root, meta)
    # The zip unpacks into one folder, civharm-<version>/. Versions released before this layout
    # (0.2.0, whose files sit at the top of its zip) are rebuilt by their own commit's code
    # (verify), so their recorded bytes never depend on this line.
    folder = f"{name}-{version}/"
    # Everything is built in a copy of the output folder (its files hard-linked, so nothing is
    # copied), and the copy is swapped with the folder in one renameat2 exchange
    # (civharm.metadata.atomic.replace_folder): the zip with its .sha256, the Parquet folder, the
    # database and the wheel all appear at once, and a kill at any moment leaves the old folder whole.
    final.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(final.parent, final.name)
    out = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp"))
    try:
        if final.is_dir():
            shutil.copytree(final, out, copy_function=_link, dirs_exist_ok=True, symlinks=True)
        target = out / f"{name}-{version}.zip"
        digest = write_zip({folder + k: v for k, v in entries.items()}, target, zip_timestamp(meta))
        # a version already released must come out byte for byte as it was
        if recorded and recorded["zip_sha256"] and recorded["zip_sha256"] != digest:
            raise ReleaseError(
                f"{version} was released as a zip with sha256 {recorded['zip_sha256']} (commit "
                f"{recorded['commit'][:10]}, {versions.LEDGER}), but this package builds {digest}: it changed "
                f"since {version} was released. A released version never changes: make bump VERSION=<next> FROM={version}.")
        sums = out / f"{target.name}.sha256"
        write_atomically(sums, f"{digest}  {target.name}\n".encode())
        size = target.stat().st_size
        built = {"zip": final / target.name, "sha256": digest}
        if not zip_only:
            named = label.label(root, json.loads(entries["datapackage.json"])).text  # the release's hashes: its version
            parquet = build_parquet(desc, out / f"{name}-{version}-parquet", named)
            os.chmod(parquet, 0o755)  # built in a private temporary folder; a release is for everyone to read
            database = build_db(desc, out / f"{name}-{version}.duckdb")
            wheel = build_wheel(entries, version, out, meta)
            built.update(parquet=final / parquet.name, duckdb=final / database.name, wheel=final / wheel.name)
        os.chmod(out, 0o755)
        replace_folder(out, final)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    log(f"wrote {built['zip']} ({len(entries)} files, {size:,} bytes)")
    log(f"  sha256 {digest}  (also in {final / (target.name + '.sha256')})")
    if not zip_only:
        log(f"wrote {built['parquet']}/ ({', '.join(sorted(p.name for p in built['parquet'].glob('*.parquet')))})")
        log(f"wrote {built['duckdb']}")
        log(f"wrote {built['wheel']}: pip install {built['wheel']}, then civharm validate PATH, civharm.read(\"incidents\")")
    result: dict[str, Path | str] = built
    if not recorded:
        _record(root, version, meta, digest, log)
    return result


def build_wheel(entries: dict[str, bytes], version: str, out: Path, meta: dict) -> Path:
    """civharm-<version>-py3-none-any.whl: this checkout's civharm code with the release's files
    (the zip's entries, and the SQL views connect() loads) inside it as civharm/_package.

    Built by pip from a copy in a temporary folder, with build isolation as make install's
    `pip install -e .`, so the repository holds no second copy of the data. The wheel's version
    is the data's: the one to cite."""
    with tempfile.TemporaryDirectory(prefix="civharm-wheel-") as tmp:
        src = Path(tmp, "src")
        src.mkdir()
        for rel in WHEEL_CODE:
            (shutil.copytree if (REPO / rel).is_dir() else shutil.copyfile)(
                REPO / rel, src / rel, **({"ignore": shutil.ignore_patterns("__pycache__", "_package")}
                                          if (REPO / rel).is_dir() else {}))
        pyproject, n = re.subn(r'(?m)^version = "[^"]*"$', f'version = "{version}"',
                               (src / "pyproject.toml").read_text(encoding="utf-8"), count=1)
        if n != 1:
            raise ReleaseError("pyproject.toml has no `version = \"…\"` line to set the wheel's version")
        (src / "pyproject.toml").write_text(pyproject, encoding="utf-8")
        bundle = src / BUNDLE
        files = dict(entries)
        files.update({f"sql/views/{v.name}": v.read_bytes() for v in sorted(VIEWS.glob("*.sql"))})
        for rel, data in files.items():
            (bundle / rel).parent.mkdir(parents=True, exist_ok=True)
            (bundle / rel).write_bytes(data)
        # Reproducible: the build backend is pinned in pyproject.toml, every zip timestamp is the
        # release date (SOURCE_DATE_EPOCH, which setuptools' bdist_wheel honours), and the files'
        # modes are fixed (the sources', and the umask of the build, whatever the user's is).
        for path in sorted(src.rglob("*")):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        epoch = str(int(dt.datetime(*zip_timestamp(meta), tzinfo=dt.timezone.utc).timestamp()))
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir",
                               str(Path(tmp, "wheel")), str(src)], capture_output=True, text=True,
                              env={**os.environ, "SOURCE_DATE_EPOCH": epoch, "PYTHONHASHSEED": "0"},
                              # setuptools takes the entries' modes from the files it writes itself
                              preexec_fn=lambda: os.umask(0o022))
        if proc.returncode != 0:
            raise ReleaseError(f"pip could not build the wheel:\n{proc.stderr[-3000:]}")
        built = next(Path(tmp, "wheel").glob("*.whl"))
        out.mkdir(parents=True, exist_ok=True)
        target = out / built.name
        shutil.copyfile(built, out / f".{built.name}.tmp")
        os.replace(out / f".{built.name}.tmp", target)
    return target


def _link(src: str, dst: str) -> None:
    """Hard-link a file of the old output folder into the new one (the same file system: no copy)."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _record(root: Path, version: str, meta: dict, digest: str, log) -> None:
    """Add a first release of a version to the version ledger, when the repository is clean, so
    that HEAD is the commit the zip was built from."""
    git = lambda *a: subprocess.run(["git", *a], cwd=root, capture_output=True, text=True)  # noqa: E731
    head, status = git("rev-parse", "HEAD"), git("status", "--porcelain", "--untracked-files=no")
    if head.returncode != 0 or not (root / versions.LEDGER).parent.is_dir():
        return  # not a repository with a ledger (a test copy, an unpacked zip): nothing to record
    if status.stdout.strip():
        log(f"note: not recorded in {versions.LEDGER}: the working tree has uncommitted changes, so no "
            f"commit holds what was built. Commit, then run make release again to record {version}.")
        return
    released_on = str(meta.get("created", ""))[:10]
    versions.record(root, version, released_on, head.stdout.strip(), digest)
    log(f"recorded {version} (commit {head.stdout.strip()[:10]}, sha256 {digest[:12]}…) in {versions.LEDGER}: "
        "commit that file, so every clone can resolve and check this version")
    if root.resolve() == REPO:  # the validator's kept rules are this checkout's code
        keep(version, root, package=root, log=log)


def kept_record(package: Path, version: str, commit: str) -> dict:
    """What civharm/metadata/kept/<version>.json keeps of a released version (civharm.metadata.label):
    its files' sizes and sha256 and its descriptor's digest, and the profile it was released
    under. A version whose package carries no profile (0.2.0 and earlier) was held to the
    required properties of today's profile and exactly its own resources, by the resource list
    of its code (civharm/package.py RESOURCE_NAMES): that profile is written out."""
    meta = load_json(package / "datapackage.json")
    own = package / label.PROFILE_FILE
    if own.is_file():
        profile, note = json.loads(own.read_bytes()), f"The profile {label.PROFILE_FILE} of commit {commit[:10]}."
    else:
        names = [r["name"] for r in meta.get("resources", [])]
        profile = profile_for(PROFILE_SCHEMA, names)
        note = (f"Commit {commit[:10]} has no profile file: its code required these properties and exactly "
                f"its resources ({', '.join(names)}); this profile states that.")
    return {"version": version, "commit": commit, "note": note, "profile": profile, **label.record(package, meta)}


def profile_for(profile: dict, names: list[str]) -> dict:
    """A profile with another resource list (both of its statements: each one of these, each present)."""
    out = copy.deepcopy(profile)
    resources = out["properties"]["resources"]
    resources["items"]["properties"]["name"]["enum"] = list(names)
    resources["allOf"] = [{"contains": {"type": "object", "required": ["name"], "properties": {"name": {"const": n}}}}
                          for n in names]
    return out


def keep(version: str, root: str | Path = ".", package: Path | None = None, log=print) -> Path:
    """Write civharm/metadata/kept/<version>.json for a version in releases/versions.csv, from the
    package given (the release commit's working tree, when make release records it) or from the
    recorded commit's files."""
    root = Path(root).resolve()
    row = versions.lookup(version, root)
    if row is None:
        raise ReleaseError(f"{version} is not in {versions.LEDGER}: only a released version's rules are kept")
    with tempfile.TemporaryDirectory(prefix="civharm-keep-") as tmp:
        if package is None:
            package = Path(tmp, "package")
            _extract(root, row["commit"], f"{row['version']}'s commit", package)
        record = kept_record(package, row["version"], row["commit"])
    target = label.KEPT / f"{row['version']}.json"
    write_atomically(target, (json.dumps(record, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    label.kept.cache_clear()
    log(f"kept {row['version']}'s rules and file hashes in {target.relative_to(REPO)}: commit that file too")
    return target


def _extract(root: Path, commit: str, what: str, into: Path) -> None:
    """A commit's tree, from this clone's git objects, into a folder; `what` names the commit in
    the error ("0.1.0's commit")."""
    tar = subprocess.run(["git", *versions.GIT_AS_COMMITTED, "archive", "--format=tar", commit], cwd=root, capture_output=True)
    if tar.returncode != 0:
        raise ReleaseError(f"this clone lacks {what}, {commit[:10]} (git fetch --unshallow): "
                           f"{tar.stderr.decode().strip()}")
    into.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(tar.stdout)) as t:
        t.extractall(into, filter="data")


def verify(version: str, root: str | Path = ".", log=print, out: str | Path | None = None) -> str:
    """Rebuild a released version's zip from its recorded commit, with that commit's own code,
    and compare it with the recorded sha256 (make verify-release VERSION=…, make release
    VERSION=…); with `out`, the zip that matched is written there: the cited version's bytes."""
    root = Path(root).resolve()
    try:
        row = versions.lookup(version, root)
    except versions.VersionLedgerError as e:
        raise ReleaseError(str(e)) from e
    if row is None:
        known = ", ".join(versions.read(root)) or "none"
        raise ReleaseError(f"{version} is not in {versions.LEDGER} (recorded: {known})")
    if not row["zip_sha256"]:
        raise ReleaseError(f"{row['version']} was released without a zip ({row['notes'] or 'no hash recorded'}); "
                           f"nothing to compare. Read it with make diff FROM={row['version']}, or take its files "
                           f"from its commit: git archive --format=zip --prefix=civharm-{row['version']}/ "
                           f"-o civharm-{row['version']}-commit.zip {row['commit']}")
    with tempfile.TemporaryDirectory(prefix="civharm-verify-") as tmp:
        package = Path(tmp, "package")
        _extract(root, row["commit"], f"{row['version']}'s commit", package)
        if row["built_by"]:
            # Released before make release existed: its files, packed as they are by the code of
            # the commit that defined its zip (archive). That code runs from its own tree, the
            # working directory, which `python -m` puts first on sys.path: neither the version's
            # tree nor this checkout's civharm can stand in for it.
            code = Path(tmp, "code")
            _extract(root, row["built_by"], f"{row['version']}'s built_by commit (the code that packs its zip)", code)
            command, how = ["archive", "--package", str(package)], f"packed by commit {row['built_by'][:10]}'s code"
        else:  # that commit's own code, run from its tree
            code, command, how = package, ["build", "--zip-only"], "built by its own code"
        proc = subprocess.run([sys.executable, "-m", "civharm.release", *command, "--out", str(Path(tmp, "dist"))],
                              cwd=code, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(code)})
        if proc.returncode != 0:
            raise ReleaseError(f"building {row['version']} from commit {row['commit'][:10]} ({how}) failed:\n{proc.stderr}")
        built = next(Path(tmp, "dist").glob("*.zip"))
        digest = hashlib.sha256(built.read_bytes()).hexdigest()
        if digest != row["zip_sha256"]:
            raise ReleaseError(f"{row['version']} rebuilt from commit {row['commit'][:10]} ({how}) gives sha256 "
                               f"{digest}, not the recorded {row['zip_sha256']}: the build is not reproducible "
                               "here (a different zlib, such as zlib-ng, or Python?); see docs/versions.md")
        log(f"{row['version']}: commit {row['commit'][:10]} rebuilds {built.name} byte for byte, {how} "
            f"(sha256 {digest})")
        if out is not None:
            target = Path(out) / built.name
            write_atomically(target, built.read_bytes())
            write_atomically(Path(out) / f"{built.name}.sha256", f"{digest}  {built.name}\n".encode())
            log(f"wrote {target}")
    return digest


def build_version(version: str, package: str | Path = ".", out: str | Path = "dist", zip_only: bool = False,
                  log=print) -> None:
    """make release VERSION=…: a recorded version comes back byte for byte from its commit; the
    package's own version, not recorded yet, is built from the working tree."""
    desc = descriptor_path(package)
    try:
        recorded = versions.lookup(version, desc.parent)
    except versions.VersionLedgerError as e:
        raise ReleaseError(str(e)) from e
    if recorded is not None:
        verify(recorded["version"], desc.parent, log, out)
        return
    current = str(load_json(desc).get("version")) if desc.is_file() else None
    if version.removeprefix("v") != current:
        raise ReleaseError(f"VERSION {version} is neither recorded in {versions.LEDGER} nor the package's version "
                           f"({current}): set it first with make bump VERSION={version} FROM=<previous release>")
    build(package, out, zip_only, log)


# --- bump -------------------------------------------------------------------------------------

def _vt(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def changelog_entry(text: str, version: str, date: str, body: str) -> str:
    """CHANGELOG.md with a new top entry `## VERSION — DATE`; an `## Unreleased` section becomes it."""
    lines = text.splitlines()
    heads = [i for i, line in enumerate(lines) if line.startswith("## ")]
    if any(re.match(rf"^##\s+\[?v?{re.escape(version)}\b", lines[i]) for i in heads):
        raise ReleaseError(f"{CHANGELOG} already has an entry for {version}")
    heading = f"## {version} — {date}"
    if heads and re.match(r"^##\s+\[?unreleased\]?\s*$", lines[heads[0]], re.I):
        start = heads[0]
        end = heads[1] if len(heads) > 1 else len(lines)
        kept = "\n".join(lines[start + 1:end]).strip()
        section = [heading, ""] + ([kept, ""] if kept else []) + body.rstrip("\n").splitlines() + [""]
        lines = lines[:start] + section + lines[end:]
    else:
        at = heads[0] if heads else len(lines)
        section = [heading, ""] + body.rstrip("\n").splitlines() + [""]
        if not heads and lines and lines[-1].strip():
            section = [""] + section
        lines = lines[:at] + section + lines[at:]
    return "\n".join(lines).rstrip("\n") + "\n"


UPDATED = "updated_on"  # the release date of a row's last change, kept by bump


def updated_rows(root: Path, meta: dict, d: diffmod.Diff, date: str) -> dict[str, str]:
    """The data files whose rows get `updated_on` = date: every row make diff finds added or
    changed (a change to updated_on alone is not one), in the resources whose schema has the field;
    every row of a resource new since the diff's FROM. rel path -> the file's new text."""
    by_name = {rd.name: rd for rd in d.resources}
    out = {}
    for res in load_resources(root, meta):
        rd = by_name.get(res.name)
        if UPDATED not in res.field_names or rd is None or rd.status == "unchanged":
            continue
        keys = {a["key"] for a in rd.added} | {c["key"] for c in rd.changed
                                                 if any(ch["field"] != UPDATED for ch in c["changes"])}
        text = (root / res.path).read_text(encoding="utf-8")
        rows = csvfile.dict_rows(text)
        pk = res.primary_key
        hit = 0
        for row in rows:
            if rd.status == "added" or ",".join(row[k] for k in pk) in keys:
                hit += row.get(UPDATED) != date
                row[UPDATED] = date
        if hit:
            out[res.path] = csvfile.render_dicts(res.field_names, rows)
    return out


def bump(package: str | Path, version: str, from_spec: str, date: str | None = None,
         dry_run: bool = False, log=print) -> dict[str, str]:

    desc = descriptor_path(package)
    root = desc.parent
    meta = load_json(desc)
    old = str(meta.get("version"))
    if not SEMVER.match(version):
        raise ReleaseError(f"VERSION {version!r} is not MAJOR.MINOR.PATCH (for example 0.2.0)")
    if SEMVER.match(old) and _vt(version) <= _vt(old):
        raise ReleaseError(f"VERSION {version} is not above the current version {old}")
    date = date or dt.datetime.now(dt.timezone.utc).date().isoformat()
    try:
        dt.date.fromisoformat(date)
    except ValueError:
        raise ReleaseError(f"DATE {date!r} is not YYYY-MM-DD") from None
    try:
        d = diffmod.run(from_spec, str(root))
    except diffmod.DiffError as e:
        raise ReleaseError(str(e)) from e
    needed = d.next_version
    if d.level != "none" and needed and SEMVER.match(needed) and _vt(version) < _vt(needed):
        raise ReleaseError(f"the changes since {from_spec} need a {d.level.upper()} bump: VERSION must be at "
                           f"least {needed} (make diff FROM={from_spec} says why)")
    if d.violations:
        log(f"warning: the changes since {from_spec} remove released IDs; make validate will fail (id-removed).")

    files: dict[str, str] = {}
    new_meta = dict(meta)
    new_meta["version"] = version
    new_meta["created"] = f"{date}T00:00:00Z"
    files[desc.name] = json.dumps(new_meta, indent=2, ensure_ascii=False) + "\n"

    cff_text = None
    if (root / citation.CFF).is_file():
        try:
            cff_text = citation.set_cff((root / citation.CFF).read_text(encoding="utf-8"), version, date)
        except citation.CitationError as e:
            raise ReleaseError(str(e)) from e
        files[citation.CFF] = cff_text

    body = ["### Data", "",
            f"Changes to the data and schemas since {d.from_.version}, drafted by "
            f"`make diff FROM={from_spec}` (suggested bump: {d.level.upper()}). Edit freely.", "",
            d.markdown(heading_level=4).rstrip("\n"), ""]
    changelog = root / CHANGELOG
    base = changelog.read_text(encoding="utf-8") if changelog.is_file() else "# Changelog\n"
    files[CHANGELOG] = changelog_entry(base, version, date, "\n".join(body))

    for rel, text in updated_rows(root, meta, d, date).items():
        files[rel] = text

    ledger_text, added = ids.updated(root, load_resources(root, meta), version)
    if (root / ids.LEDGER).is_file() or added:
        files[ids.LEDGER] = ledger_text

    if cff_text is not None:
        c = citation.Citation(root, citation.yaml_plain(yaml.safe_load(cff_text)), version, new_meta)
        files[citation.ZENODO] = zenodo_text(c, cff_text)

    changed = {rel: text for rel, text in files.items()
               if not (root / rel).is_file() or (root / rel).read_text(encoding="utf-8") != text}
    if dry_run:
        log(f"make bump (dry run): {old} → {version}, released {date}; would write {', '.join(sorted(changed))}.")
        log("")
        log(files[CHANGELOG].split("\n## ", 2)[1].join(["## ", ""]) if "\n## " in files[CHANGELOG] else files[CHANGELOG])
        return changed
    for rel, text in changed.items():
        ids.write_text(root / rel, text)
    log(f"civharm {old} → {version}, released {date} ({d.level.upper()} bump suggested by make diff FROM={from_spec}).")
    for rel in sorted(changed):
        log(f"  wrote {rel}")
    if added:
        log(f"  {ids.LEDGER}: {sum(added.values())} IDs released in {version} ("
            + ", ".join(f"{k}: {n}" for k, n in added.items()) + ")")
    log("Next: edit the new entry in CHANGELOG.md, run make validate, commit, then make release.")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="civharm-release", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="write dist/civharm-<version>.zip and the Parquet and DuckDB builds beside it")
    b.add_argument("--package", default=".", help="package folder or its datapackage.json (default: .)")
    b.add_argument("--out", default="dist", help="output folder (default: dist)")
    b.add_argument("--zip-only", action="store_true", help="only the zip and its .sha256 (no Parquet, DuckDB or wheel)")
    b.add_argument("--version", help="a version recorded in releases/versions.csv is rebuilt from its commit "
                                      "(verify); otherwise it must be the package's version")
    v = sub.add_parser("verify", help="rebuild a released version from its recorded commit and compare the zip's sha256")
    v.add_argument("version", help="a version recorded in releases/versions.csv (0.2.0)")
    v.add_argument("--out", help="write the rebuilt zip there when it matches (make release VERSION=… uses dist)")
    a = sub.add_parser("archive", help="zip a package's files as they are, unvalidated (a version released before "
                                        "make release existed; verify runs this for a ledger row with built_by)")
    a.add_argument("--package", default=".", help="package folder or its datapackage.json (default: .)")
    a.add_argument("--out", default="dist", help="output folder (default: dist)")
    k = sub.add_parser("keep", help="write civharm/metadata/kept/VERSION.json (the rules and file hashes of a "
                                     "released version) from its recorded commit")
    k.add_argument("version", help="a version recorded in releases/versions.csv (0.2.0)")
    p = sub.add_parser("bump", help="set a new version and release date everywhere; draft the changelog entry")
    p.add_argument("version", help="the new version, MAJOR.MINOR.PATCH")
    p.add_argument("--from", dest="from_spec", required=True,
                   help="the previous release: a git revision, folder or zip (what make diff takes)")
    p.add_argument("--date", help="release date, YYYY-MM-DD (default: today, UTC)")
    p.add_argument("--package", default=".", help="package folder or its datapackage.json (default: .)")
    p.add_argument("--dry-run", action="store_true", help="write nothing; print the changelog entry")
    args = parser.parse_args(argv)
    try:
        if args.command == "build" and args.version:
            build_version(args.version, args.package, args.out, args.zip_only)
        elif args.command == "build":
            build(args.package, args.out, args.zip_only)
        elif args.command == "archive":
            archive(args.package, args.out)
        elif args.command == "keep":
            keep(args.version)
        elif args.command == "verify":
            verify(args.version, out=args.out)
        else:
            bump(args.package, args.version, args.from_spec, args.date, args.dry_run)
    except ReleaseError as e:
        print(f"civharm-release: {e}", file=sys.stderr)
        return 1
    except citation.CitationError as e:
        print(f"civharm-release: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
