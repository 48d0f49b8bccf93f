"""frictionless's verdict on a descriptor, kept between runs in the user's cache folder.

The descriptor layer asks frictionless whether datapackage.json and each Table Schema are valid
against the Data Package v2 profiles. On the real package, importing frictionless and running
those checks was 0.4 s of the 1.4 s `make validate` took, and the descriptor and schemas rarely
change. frictionless's verdict (the notes it returns) depends on the JSON it is given and on the
code that judges it, and on nothing else: the one thing it would fetch, a `profile` it does not
know by name (a file of the current folder, a URL), descriptor.py reports and never gives it. A
`dialect` naming a file, a custom `$schema` and the base path change nothing (checked). The key
is sha256 of this module's FORMAT, the versions of frictionless and of the jsonschema libraries
whose messages it reports, civharm's version, the bytes of the code that makes a verdict (this
module and descriptor.py), the kind of descriptor (Package or Schema) and the JSON text given to
validate_descriptor. frictionless is imported only on a miss, so a run with a warm cache never loads it, and the
report is the same with or without the cache (tests/test_verdicts.py).

Why a cache and not frictionless in a thread beside DuckDB's reading (the other way considered
for issue 10): the thread would still pay the import and the checks (0.4 s of CPU) on every
run, and the data layers hold the GIL in Python much of the time, so the overlap would win
less than that on 2 cores, while the report would need the schemas frictionless rejects to be
dropped after the data was read; a warm cache removes the 0.4 s entirely.

Where: `$XDG_CACHE_HOME/civharm/frictionless-verdicts/<key>.json` (`~/.cache` when
XDG_CACHE_HOME is unset or not absolute), one small file per verdict, written atomically. An
entry that cannot be read or is not a list of notes is recomputed and written again; a cache
folder that cannot be written means no cache, silently.

Each entry is bound to its input: beside the verdict it holds an HMAC of its key (the digest of
what it judged) under a secret of this user on this machine, `$XDG_STATE_HOME/civharm/verdict-key`
(`~/.local/state` when unset; 32 random bytes, made on first use, readable by the user only), and
is used only when that HMAC is right. A verdict written by hand (`[]`), copied from another
entry, or restored from a cache folder made elsewhere (a CI cache restored across pull requests,
on a runner whose state folder is new) is recomputed: the cache only ever serves the verdicts
this user's own runs made here. A state folder that cannot hold the secret means no cache. `CIVHARM_NO_CACHE=1` (or
`python -m civharm.validate --no-cache`) neither reads nor writes it. This is the validator's own
state, not part of the package: nothing of the package is read from outside its folder.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
from contextlib import contextmanager
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Callable

from civharm.metadata.atomic import write_atomically

FORMAT = "2"  # bump when what is stored, or how a verdict is made from the library's report, changes
NO_CACHE = "CIVHARM_NO_CACHE"
FOLDER = ("civharm", "frictionless-verdicts")  # frictionless's notes on a descriptor or a Table Schema
PROFILE_FOLDER = ("civharm", "profile-verdicts")  # jsonschema's on datapackage.json against civharm's profile


def enabled() -> bool:
    """False when CIVHARM_NO_CACHE is set to anything but '' or '0'."""
    return os.environ.get(NO_CACHE, "") in ("", "0")


@contextmanager
def bypassed():
    """No cache inside the block (CIVHARM_NO_CACHE=1), as it was after: for the fuzz targets, whose
    every input is new and whose verdicts on junk must not fill the user's cache folder."""
    before = os.environ.get(NO_CACHE)
    os.environ[NO_CACHE] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(NO_CACHE, None)
        else:
            os.environ[NO_CACHE] = before


def folder(parts: tuple[str, ...] = FOLDER) -> Path | None:
    """A cache folder (which may not exist yet); None when there is no home to put it in."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec: a relative path is to be ignored
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):  # no HOME and no passwd entry
            return None
    return Path(base).joinpath(*parts)


# The code that turns a judge's report into the kept verdict: civharm's version alone would not do,
# since the code changes between releases (a checkout's `make validate` would keep verdicts the
# code before an edit made). Read at the first key, about 0.1 ms.
_CODE = (Path(__file__), Path(__file__).with_name("descriptor.py"))


@lru_cache(maxsize=1)
def _code() -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in _CODE)).hexdigest()


_JSONSCHEMA = ("jsonschema", "jsonschema-specifications", "referencing")
_ENTRY_LIMIT = 1 << 20  # bytes: a kept verdict is a few hundred; anything larger is not one of ours


def _read_entry(entry: Path) -> bytes:
    """An entry's bytes, if it is a regular file of at most _ENTRY_LIMIT bytes (not a FIFO, which
    would hang the run, nor a link to /dev/zero); OSError otherwise."""
    fd = os.open(entry, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > _ENTRY_LIMIT:
            raise OSError(f"{entry} is not a verdict")
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(_ENTRY_LIMIT + 1)
    finally:
        os.close(fd)


@lru_cache(maxsize=None)
def _version(dist: str) -> str:
    """An installed distribution's version, from its metadata: no import of it (importlib.metadata
    is loaded already by the editable install's finder; a wheel's run pays about 20 ms for it)."""
    return metadata.version(dist)


SECRET = ("civharm", "verdict-key")  # under $XDG_STATE_HOME: never in the cache folder


def _seal(key: str) -> str | None:
    """HMAC-SHA256 of a key under this user's secret (made on first use); None when there is no
    state folder to keep the secret in, which means no cache."""
    secret = _secret()
    return None if secret is None else hmac.new(secret, key.encode("ascii"), hashlib.sha256).hexdigest()


def _secret() -> bytes | None:
    base = os.environ.get("XDG_STATE_HOME", "")
    try:
        if not os.path.isabs(base):  # the XDG spec: a relative path is to be ignored
            base = str(Path.home() / ".local" / "state")
        path = Path(base).joinpath(*SECRET)
        try:
            data = _read_entry(path)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            except FileExistsError:  # another run made it first
                data = _read_entry(path)
            else:
                with os.fdopen(fd, "wb") as f:
                    f.write(os.urandom(32))
                data = _read_entry(path)
    except (OSError, RuntimeError, KeyError):  # no home, an unwritable folder, a FIFO in its place
        return None
    return data if len(data) == 32 else None


def key(kind: str, descriptor: dict, judge: str = "frictionless") -> str:
    """The cache key of a verdict on this descriptor: sha256 over everything it depends on. The
    JSON text keeps the descriptor's key order, as the judge sees it (its notes follow that order),
    so two descriptors differing only in order are two entries."""
    text = json.dumps(descriptor, ensure_ascii=True, separators=(",", ":"))
    # the judge's messages are jsonschema's (frictionless validates with it), locked apart from it
    judges = [judge, *(d for d in _JSONSCHEMA if d != judge)]
    material = "\0".join([FORMAT, *map(_version, judges), _version("civharm"), _code(), kind, text])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def kept(parts: tuple[str, ...], key_of: Callable[[], str], compute: Callable[[], list],
         valid: Callable[[list], bool]) -> list:
    """A verdict (a JSON list) from the cache folder `parts` under key_of(), or compute() (then
    stored). An entry that is not JSON, or that valid() refuses, is computed again."""
    if not enabled():
        return compute()
    where = folder(parts)
    try:
        entry = where / f"{key_of()}.json" if where is not None else None
    except Exception:  # no version or code to key on, or JSON too deep to write out: no cache
        entry = None
    if entry is None:
        return compute()
    digest = _seal(entry.stem)
    if digest is None:
        return compute()
    try:
        stored = json.loads(_read_entry(entry))
        # bound to its input: the entry holds its key sealed under this user's secret, so a verdict
        # written by hand (`[]`), copied from another entry or made elsewhere is recomputed
        if (isinstance(stored, dict) and set(stored) == {"judged", "verdict"} and isinstance(stored["judged"], str)
                and hmac.compare_digest(stored["judged"], digest)):
            found = stored["verdict"]
            if isinstance(found, list) and valid(found):
                return found
    except (OSError, ValueError):  # absent, unreadable or corrupt: computed below
        pass
    found = compute()
    try:
        write_atomically(entry, json.dumps({"judged": digest, "verdict": found}).encode("utf-8"))
    except OSError:  # an unwritable cache folder: no cache
        pass
    return found


def notes(kind: str, descriptor: dict, compute: Callable[[], list[str]]) -> list[str]:
    """frictionless's notes on the descriptor (kind: Package or Schema): kept, or compute()."""
    return kept(FOLDER, lambda: key(kind, descriptor), compute, lambda v: all(isinstance(n, str) for n in v))


__all__ = ["notes", "kept", "bypassed", "key", "folder", "enabled", "NO_CACHE", "FOLDER", "PROFILE_FOLDER"]
