"""Shared helpers for browser tests: serve a built site on 127.0.0.1 and drive Debian's Chromium.

    with serve_site(site_dir) as base_url, open_page() as session:
        session.page.goto(base_url + "some/page/")
        assert session.console_errors == [] and session.external_requests == []

Requests to any host other than 127.0.0.1 are recorded and aborted, so a test sees them without the
machine's closed network turning them into slow timeouts.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOST = "127.0.0.1"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # test output stays readable
        pass


@contextmanager
def serve_site(site_dir: str | Path) -> Iterator[str]:
    """Serve `site_dir` over HTTP on 127.0.0.1 at a free port; yields the base URL ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class PageSession:
    """A page plus everything worth asserting about it afterwards."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)


@contextmanager
def open_page(
    chromium_path: str | None = None, args: list[str] | None = None, *, locale: str = "zh-CN"
) -> Iterator[PageSession]:
    """Launch headless Chromium via playwright and yield a fresh page with recorders attached."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path or CHROMIUM, args=args or CHROMIUM_ARGS, headless=True
        )
        try:
            context = browser.new_context(locale=locale)
            page = context.new_page()
            session = PageSession(page=page)

            def on_console(msg) -> None:
                if msg.type == "error":
                    session.console_errors.append(f"{msg.text} @ {msg.location.get('url', '')}")

            def is_external(url: str) -> bool:
                return not url.startswith(("data:", "blob:")) and urlsplit(url).hostname != LOCAL_HOST

            def record(url: str) -> None:
                if is_external(url) and url not in session.external_requests:
                    session.external_requests.append(url)

            def on_route(route) -> None:
                url = route.request.url
                record(url)
                route.abort() if is_external(url) else route.continue_()

            page.on("console", on_console)
            # Also seen here: requests that bypass routing (e.g. from workers).
            context.on("request", lambda req: record(req.url))
            page.on("pageerror", lambda exc: session.console_errors.append(f"uncaught: {exc}"))
            page.on(
                "requestfailed",
                lambda req: session.failed_requests.append(f"{req.url} ({req.failure})"),
            )
            page.on(
                "response",
                lambda resp: (
                    resp.status >= 400 and session.failed_requests.append(f"{resp.url} ({resp.status})")
                ),
            )
            context.route("**/*", on_route)
            yield session
        finally:
            browser.close()
