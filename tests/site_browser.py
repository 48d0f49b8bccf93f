"""What the browser tests of the docs site share: Debian's chromium driven by playwright, a local
server for a built site, and a page that records every error and every request to another host.

Importing this module skips the importing test module when there is no /usr/bin/chromium or no
playwright, and fails it under CI, which must run the browser tests (.ci/run installs chromium)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 20_000

if not CHROMIUM.exists() and os.environ.get("CI"):
    pytest.fail("CI must run the browser test, but /usr/bin/chromium is missing: .ci/run installs it "
                "with apt-get (as root)", pytrace=False)
if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (.ci/run installs it: "
                "apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make install)")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """A built site served on a free local port; yields its base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextlib.contextmanager
def chromium():
    """A headless Debian chromium."""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Watched:
    """A page whose console errors, exceptions and failed or foreign requests are recorded."""

    def __init__(self, browser, base: str):
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"uncaught exception: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        self.context.route("**/*", self._only_local)

    def _only_local(self, route):
        if route.request.url.startswith(self.base + "/") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            self.problems.append(f"request to another host: {route.request.url}")
            route.abort()

    def goto(self, path: str):
        self.page.goto(self.base + path, wait_until="load")
        if not self.base.startswith("file:"):  # file:// pages have no network to settle
            self.page.wait_for_load_state("networkidle")
        return self.page

    def close(self):
        self.context.close()
