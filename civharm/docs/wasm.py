"""DuckDB-WASM for the SQL page: the pinned npm packages, fetched once, checked, cached in build/.

Why fetched and not committed: the one WebAssembly build the page needs (duckdb-eh.wasm, the
build for browsers with WebAssembly exceptions: every current Chromium, Firefox and Safari) is
34 MB, seventy times the whole data package; committing it, and every update of it, would weigh
on every clone for good. Instead the exact versions are pinned here with the sha512 integrity
the npm registry publishes, fetched with npm's own client (`npm pack`) on the first docs build,
checked, and kept in build/duckdb-wasm-<version>/. A tarball whose hash differs is refused.
`make docs-wasm` fetches them ahead of time; a build machine without npm or the registry gets an
error that says so.

What the site ships (docs/assets/vendor/VERSIONS.txt lists it; licences in the same folder):
  @duckdb/duckdb-wasm  dist/duckdb-eh.wasm, dist/duckdb-browser-eh.worker.js, dist/duckdb-browser.cjs
  apache-arrow         Arrow.es2015.min.js (the UMD build: window.Arrow), which duckdb-browser needs
duckdb-browser.cjs is wrapped so that a plain <script> can load it (its one `require` is
apache-arrow, answered with window.Arrow); the source-map comments are dropped, as the maps are
not shipped. Nothing else is changed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from .build import DocsError

DUCKDB_WASM = ("@duckdb/duckdb-wasm", "1.32.0",
               "sha512-IewXTNYEjsZCPE9weUWgtjGxUlMRo7qhX0GF6tq/KjK8bnY+RAl4cyUdYUfcdzbyb4b9ZxPC+FOsCcxgaKFWMg==")
ARROW = ("apache-arrow", "17.0.0",
         "sha512-X0p7auzdnGuhYMVKYINdQssS4EcKec9TCXyez/qtJt32DrIMGbzqiaMiQ0X6fQlQpw8Fl0Qygcv4dfRAr5Gu9Q==")

# (package, path in its tarball) -> name in the site's assets/vendor/duckdb-wasm/
FILES = {
    (DUCKDB_WASM[0], "package/dist/duckdb-eh.wasm"): "duckdb-eh.wasm",
    (DUCKDB_WASM[0], "package/dist/duckdb-browser-eh.worker.js"): "duckdb-browser-eh.worker.js",
    (DUCKDB_WASM[0], "package/dist/duckdb-browser.cjs"): "duckdb-browser.js",
    (ARROW[0], "package/Arrow.es2015.min.js"): "arrow.es2015.min.js",
    (ARROW[0], "package/LICENSE.txt"): "LICENSE-apache-arrow.txt",
    (ARROW[0], "package/NOTICE.txt"): "NOTICE-apache-arrow.txt",
}
SITE_FOLDER = "assets/vendor/duckdb-wasm"
STAMP = ".complete"


def cache_dir(repo: Path) -> Path:
    return repo / "build" / f"duckdb-wasm-{DUCKDB_WASM[1]}"


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def _pack(name: str, version: str, integrity: str, tmp: Path) -> bytes:
    """The package's tarball from the npm registry (npm pack), refused unless its hash is pinned one."""
    npm = shutil.which("npm")
    if npm is None:
        raise DocsError(f"the SQL page needs {name}@{version} from the npm registry, and npm is not installed "
                        "(apt-get install npm), or run `make docs-wasm` on a machine that has it and copy build/")
    proc = subprocess.run([npm, "pack", f"{name}@{version}", "--silent", "--pack-destination", str(tmp)],
                          capture_output=True, text=True, timeout=600)
    tgz = sorted(tmp.glob("*.tgz"))
    if proc.returncode != 0 or not tgz:
        raise DocsError(f"npm pack {name}@{version} failed (is the npm registry reachable?): "
                        f"{' '.join((proc.stderr or proc.stdout).split())[:300]}")
    data = tgz[0].read_bytes()
    tgz[0].unlink()
    if _integrity(data) != integrity:
        raise DocsError(f"{name}@{version} from the registry has integrity {_integrity(data)}, not the pinned "
                        f"{integrity}: refused")
    return data


def _wrap_cjs(source: str) -> str:
    """duckdb-browser.cjs as a classic script that sets window.duckdb."""
    body = "\n".join(line for line in source.splitlines() if not line.startswith("//# sourceMappingURL="))
    return ("/* @duckdb/duckdb-wasm " + DUCKDB_WASM[1] + " dist/duckdb-browser.cjs (MIT), wrapped by civharm/docs/wasm.py "
            "to load with a plain <script>: its require('apache-arrow') gets window.Arrow. */\n"
            "(function () {\nvar module = { exports: {} }, exports = module.exports;\n"
            "function require(name) { if (name === 'apache-arrow') return window.Arrow; "
            "throw new Error('duckdb-browser: no module ' + name); }\n"
            + body + "\nwindow.duckdb = module.exports;\n})();\n")


def ensure(repo: Path) -> Path:
    """The folder of the files the site ships (cached; fetched and checked the first time)."""
    out = cache_dir(repo)
    if (out / STAMP).is_file() and all((out / n).is_file() for n in FILES.values()):
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".duckdb-wasm.") as tmp:
        stage = Path(tmp) / "files"
        stage.mkdir()
        for name, version, integrity in (DUCKDB_WASM, ARROW):
            data = _pack(name, version, integrity, Path(tmp))
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
                for (pkg, member), target in FILES.items():
                    if pkg != name:
                        continue
                    content = tar.extractfile(member).read()
                    if target == "duckdb-browser.js":
                        content = _wrap_cjs(content.decode("utf-8")).encode("utf-8")
                    elif target.endswith(".js"):
                        content = b"\n".join(line for line in content.split(b"\n")
                                             if not line.startswith(b"//# sourceMappingURL="))
                    (stage / target).write_bytes(content)
        (stage / STAMP).write_text(f"{DUCKDB_WASM[0]}@{DUCKDB_WASM[1]} {ARROW[0]}@{ARROW[1]}\n", encoding="utf-8")
        if out.exists():  # an incomplete earlier fetch
            shutil.rmtree(out, ignore_errors=True)
        try:
            stage.rename(out)
        except OSError:  # another build finished the same fetch meanwhile
            if not (out / STAMP).is_file():
                raise
    return out


def site_files(repo: Path) -> list[tuple[str, Path]]:
    """(path inside the site, file) of everything the SQL page loads from assets/vendor/duckdb-wasm/."""
    folder = ensure(repo)
    return [(f"{SITE_FOLDER}/{name}", folder / name) for name in FILES.values()]


def main() -> int:
    """`make docs-wasm`: fetch and check the pinned DuckDB-WASM now (the docs build would, first time)."""
    import sys

    try:
        folder = ensure(Path.cwd())
    except DocsError as e:
        print(f"civharm docs: {e}", file=sys.stderr)
        return 1
    print(f"{DUCKDB_WASM[0]}@{DUCKDB_WASM[1]} and {ARROW[0]}@{ARROW[1]}, checked: {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
