"""Reading an untrusted package: every path it names stays inside it, every file has a size limit.

A pull request can add a symlink (git stores them), a descriptor whose `path` climbs out with
`../` or is absolute, a zip bomb, or a file of gigabytes. Every command that reads a package
(validate, diff, fmt, db, release, docs, the importers) resolves the paths the package names
through `package_file`, reads its JSON through `read_json_file`, and unpacks a release zip
through `extract_zip`, so that none of them reads or writes outside the package, and none is
made to use unbounded time or memory by its input.

The limits are environment variables (any integer of bytes), documented in
civharm/validate/README.md:

    CIVHARM_MAX_JSON_BYTES   datapackage.json and each schema      (default 1 MiB)
    CIVHARM_MAX_FILE_BYTES   each data file                        (default 4 GiB)
    CIVHARM_MAX_LINE_BYTES   one line of a CSV (so one cell)       (default 1 MiB)
    CIVHARM_MAX_ZIP_BYTES    a zip's entries unpacked, in total    (default 8 GiB)
    CIVHARM_MAX_ZIP_ENTRIES  entries in a zip                      (default 10,000)
    CIVHARM_MAX_ZIP_RATIO    an entry's unpacked / compressed size (default 200)
    CIVHARM_MAX_FIELDS       fields of one Table Schema            (default 200)
    CIVHARM_MAX_RESOURCES    resources of one package              (default 64)
"""

from __future__ import annotations

import json
import os
import re
import stat
import zipfile
from pathlib import Path, PurePosixPath

MiB = 1 << 20
_DEFAULTS = {
    "CIVHARM_MAX_JSON_BYTES": MiB,
    "CIVHARM_MAX_FILE_BYTES": 4 << 30,
    "CIVHARM_MAX_LINE_BYTES": MiB,
    "CIVHARM_MAX_ZIP_BYTES": 8 << 30,
    "CIVHARM_MAX_ZIP_ENTRIES": 10_000,
    # An entry (over 1 MiB) that unpacks to more than this many times its compressed size is a
    # bomb, not data: CSV deflates about 5-10 times; a run of zeros over 1000.
    "CIVHARM_MAX_ZIP_RATIO": 200,
    "CIVHARM_MAX_FIELDS": 200,
    "CIVHARM_MAX_RESOURCES": 64,
}
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # a scheme (http:, file:, C: on Windows)


class UnsafePath(ValueError):
    """A path the package names that must not be followed: outside the package, a symlink, a URL,
    absolute. `prop` names the descriptor property it came from (resources/2/path)."""

    def __init__(self, prop: str, value, reason: str):
        super().__init__(f"{prop} {value!r} {reason}")
        self.prop, self.value, self.reason = prop, value, reason


class TooLarge(ValueError):
    """A file past its size limit; `setting` is the environment variable that raises it."""

    def __init__(self, what: str, size: int, limit: int, setting: str, unit: str = "bytes"):
        super().__init__(f"{what} is {size:,} {unit}, more than the limit of {limit:,} "
                         f"(set {setting} to raise it)")
        self.what, self.size, self.limit, self.setting = what, size, limit, setting


def limit(setting: str) -> int:
    """The limit an environment variable sets (bytes or a count), or its default."""
    text = os.environ.get(setting)
    if text is None or not text.strip():
        return _DEFAULTS[setting]
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise ValueError(f"{setting}={text!r} is not a whole number") from None
    if value <= 0:
        raise ValueError(f"{setting}={text!r} must be more than 0")
    return value


def limits() -> dict[str, int]:
    """Every limit as set now; ValueError names the first setting that is not a number."""
    return {name: limit(name) for name in _DEFAULTS}


def package_file(root: str | Path, rel, prop: str) -> Path:
    """The path of `rel`, a path the package names in `prop`, checked to stay inside root.

    Refused (UnsafePath): anything but a non-empty string; a URL or any scheme; an absolute path;
    a backslash; `..`; and any component that is a symlink, or that resolves outside root.
    The file need not exist (callers report a missing file their own way). Why not
    Path.resolve().is_relative_to alone: it follows a symlink that stays inside, and a package
    checked out elsewhere must not depend on where its symlinks point at all.
    """
    if not isinstance(rel, str) or not rel.strip():
        raise UnsafePath(prop, rel, "must be a relative path inside the package")
    if _URL.match(rel):
        raise UnsafePath(prop, rel, "is a URL; civharm reads only files inside the package")
    if "\\" in rel or "\x00" in rel:
        raise UnsafePath(prop, rel, "must use / between folders")
    p = PurePosixPath(rel)
    if p.is_absolute():
        raise UnsafePath(prop, rel, "is an absolute path; it must be relative to the package folder")
    if ".." in p.parts:
        raise UnsafePath(prop, rel, "climbs out of the package with '..'")
    base = Path(root).resolve()
    current = base
    for part in p.parts:
        if part == ".":
            continue
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            return base / p  # missing: nothing to follow
        except OSError as e:
            raise UnsafePath(prop, rel, f"cannot be examined ({e.strerror})") from None
        if stat.S_ISLNK(mode):
            raise UnsafePath(prop, rel, f"goes through the symlink {current.relative_to(base)}; "
                                        "a package holds its files, not links to files")
    if not current.resolve().is_relative_to(base):  # a bind mount or a race: one last check
        raise UnsafePath(prop, rel, "resolves outside the package")
    return current


def read_file(path: Path, max_bytes: int, what: str, setting: str) -> bytes:
    """The bytes of a regular file, refusing a symlink at the last step (O_NOFOLLOW, so that it
    cannot be swapped in after package_file looked) and anything past max_bytes."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise OSError(f"{what} is not a regular file")
        if st.st_size > max_bytes:
            raise TooLarge(what, st.st_size, max_bytes, setting)
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:  # grew while read
        raise TooLarge(what, len(data), max_bytes, setting)
    return data


def check_size(path: Path, what: str) -> None:
    """TooLarge when a data file is past CIVHARM_MAX_FILE_BYTES."""
    cap = limit("CIVHARM_MAX_FILE_BYTES")
    size = os.stat(path).st_size
    if size > cap:
        raise TooLarge(what, size, cap, "CIVHARM_MAX_FILE_BYTES")


class JSONTooDeep(ValueError):
    """JSON nested deeper than Python's parser can follow (it raises RecursionError)."""


def parse_json(data: bytes) -> object:
    """Parse JSON bytes as UTF-8. Raises json.JSONDecodeError, UnicodeDecodeError, or JSONTooDeep
    for nesting past the parser's recursion limit (a clear error, not a RecursionError)."""
    text = data.decode("utf-8")
    try:
        return json.loads(text)
    except RecursionError:
        raise JSONTooDeep("the JSON is nested too deeply to read (thousands of levels)") from None


def read_json_file(root: str | Path, rel: str, prop: str) -> object:
    """A JSON file the package names, confined and size-limited (CIVHARM_MAX_JSON_BYTES)."""
    path = package_file(root, rel, prop)
    return parse_json(read_file(path, limit("CIVHARM_MAX_JSON_BYTES"), rel, "CIVHARM_MAX_JSON_BYTES"))


def extract_zip(archive: str | Path, dest: str | Path, wanted) -> list[str]:
    """Unpack the entries of a zip whose name `wanted(name)` accepts into dest, within limits.

    Refused (UnsafePath / TooLarge), before anything is written: more entries than
    CIVHARM_MAX_ZIP_ENTRIES; an entry that is a symlink, absolute or climbs out; wanted entries
    larger in total than CIVHARM_MAX_ZIP_BYTES or unpacking to more than CIVHARM_MAX_ZIP_RATIO times
    their compressed size. While unpacking, the bytes written are counted, so a header that lies
    about the size is caught too. Entries not wanted are never unpacked. Returns the names."""
    dest = Path(dest)
    max_entries, max_total = limit("CIVHARM_MAX_ZIP_ENTRIES"), limit("CIVHARM_MAX_ZIP_BYTES")
    ratio = limit("CIVHARM_MAX_ZIP_RATIO")
    with zipfile.ZipFile(archive) as z:
        infos = z.infolist()
        if len(infos) > max_entries:
            raise TooLarge(f"{archive}", len(infos), max_entries, "CIVHARM_MAX_ZIP_ENTRIES", unit="entries")
        chosen, total = [], 0
        for info in infos:
            if info.is_dir():
                continue
            name = info.filename
            if stat.S_ISLNK(info.external_attr >> 16):
                raise UnsafePath(f"the zip entry {name}", name, "is a symlink")
            p = PurePosixPath(name)
            if p.is_absolute() or ".." in p.parts or "\\" in name or _URL.match(name):
                raise UnsafePath(f"the zip entry {name}", name, "would be written outside the folder it is unpacked to")
            if not wanted(name):
                continue
            if info.file_size > ratio * max(info.compress_size, 1) and info.file_size > MiB:
                raise TooLarge(f"the zip entry {name} (compressed {info.compress_size:,} bytes, so over "
                               f"{ratio} times that)", info.file_size, ratio * max(info.compress_size, 1),
                               "CIVHARM_MAX_ZIP_RATIO")
            total += info.file_size
            chosen.append(info)
        if total > max_total:
            raise TooLarge(f"{archive} unpacked", total, max_total, "CIVHARM_MAX_ZIP_BYTES")
        written = 0
        for info in chosen:
            target = dest / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            with z.open(info) as src, open(target, "xb") as out:
                left = info.file_size
                while chunk := src.read(MiB):
                    left -= len(chunk)
                    written += len(chunk)
                    if left < 0 or written > max_total:
                        raise TooLarge(f"the zip entry {info.filename}", info.file_size - left, info.file_size,
                                       "CIVHARM_MAX_ZIP_BYTES")
                    out.write(chunk)
    return [i.filename for i in chosen]
