"""The one atomic writer: files and folders replaced so that a reader, or a kill at any moment,
sees the old content or the new, never half of it and never nothing.

- `write_atomically(path, data)` or `write_atomically({path: data, ...})`: every file is written
  to a temporary file beside it (`.<name>.<random>.tmp`) and flushed before the first is renamed
  into place; should a rename fail, the files already replaced get their old bytes back. A kill
  between two renames of a many-file write can leave some files new and some old (POSIX has no
  multi-file rename); each file is always whole.
- `replace_folder(new, target)`: swaps a folder built beside the target into place in one
  renameat2(RENAME_EXCHANGE), so that there is no moment without the folder, then removes the old.
- `clean_stale(folder, name)`: removes what a killed run left (`.<name>.*.tmp`), at the next run.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
import time
from pathlib import Path

_STALE_AFTER = 600.0  # seconds: a temporary file older than this is not another run's work in progress


def clean_stale(folder: Path, name: str) -> None:
    """Remove the temporary files and folders a killed run left for `name` in folder."""
    if not folder.is_dir():
        return
    now = time.time()
    for stale in folder.glob(f".{name}.*.tmp*"):
        try:
            if now - stale.lstat().st_mtime < _STALE_AFTER:
                continue
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink()
        except OSError:
            pass


def write_atomically(files: dict[Path, bytes] | Path, data: bytes | None = None) -> None:
    """Replace one file (path, data) or several ({path: data}) atomically, each one whole."""
    if not isinstance(files, dict):
        files = {Path(files): data}
    staged: list[tuple[str, Path]] = []
    try:
        for path, content in files.items():
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            clean_stale(path.parent, path.name)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
        done: list[tuple[Path, bytes | None]] = []
        try:
            for tmp, path in staged:
                before = path.read_bytes() if path.exists() and len(staged) > 1 else None
                os.replace(tmp, path)
                done.append((path, before))
        except BaseException:
            for path, before in reversed(done):
                try:
                    if before is None:
                        path.unlink()
                    else:
                        write_atomically(path, before)
                except OSError:
                    pass
            raise
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system cannot swap
        return False
    raise OSError(err, os.strerror(err), str(b))


def replace_folder(new: Path, target: Path) -> None:
    """Put the folder `new` (built beside target) in target's place, with no moment without a
    folder at target: one exchange of the two, then the old one, now at `new`, is removed.
    Without renameat2 (not Linux) it falls back to two renames, with a moment between them."""
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)
        return
    old = target.with_name(f".{target.name}.old.tmp")
    shutil.rmtree(old, ignore_errors=True)
    os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)
