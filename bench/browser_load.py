"""A few real browsers at once: what only a browser shows (drawing, JavaScript), for a fixed time.

    .venv/bin/python -m bench.browser_load [--users 5] [--seconds 60] [--url URL] [--write]

Without --url it builds the scale-1 demo database in a temporary folder and
starts one `streamlit run dashboard/app.py` on a free localhost port. Each
user is its own browser context (its own Streamlit session) in one headless
Debian chromium; it opens pages by URL with changing programme, date and
district, and times each page until Streamlit has finished the run. A page
with an exception box, a database message or no title within the timeout is
an error. Everything stops by itself: each user's loop ends at the deadline,
each page load has a timeout, and the server is killed at the end. Browsers
share the cores with the server, so keep to a few users: the server's own
capacity is measured without browsers by `bench.load_test`.
--write puts the figures into docs/benchmarks.md, section "Mange brugere".
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load_test import percentile  # noqa: E402
from dashboard.i18n import t  # noqa: E402
from tests.fixtures.browser import CHROMIUM_ARGS, IDLE, Server, chromium_path  # noqa: E402

PAGES = ("oversigt", "visitation", "forloeb", "oekonomi", "effekt", "bydele", "begreber")
VIEWS = (
    {"programme": "interventionsteam", "as_of": "2011-06-30"},
    {"programme": "interventionsteam", "as_of": "2010-12-31"},
    {"programme": "interventionsteam", "as_of": "2011-06-30", "district": "norrebro"},
    {"programme": "intensiveret-indsats", "as_of": "2014-12-31"},
)
PAGE_TIMEOUT_MS = 60_000
BENCHMARKS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Mange brugere"
TROUBLE = tuple(t(key, "da") for key in ("db.unavailable", "db.timeout", "db.old_schema"))


@dataclass
class Results:
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def _one_page(page: Any, url: str) -> str | None:
    """Open `url`, wait for the run to finish; None when it worked, else what went wrong."""
    await page.goto(url, wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
    await page.wait_for_selector('[data-testid="stMain"] h1', timeout=PAGE_TIMEOUT_MS)
    await page.wait_for_timeout(200)
    await page.wait_for_selector(IDLE, timeout=PAGE_TIMEOUT_MS)
    if await page.locator('[data-testid="stException"]').count():
        return f"exception box on {url}"
    body = await page.locator('[data-testid="stMain"]').inner_text()
    if any(message in body for message in TROUBLE):
        return f"database message on {url}"
    return None


async def _user(number: int, browser: Any, base: str, deadline: float, results: Results) -> None:
    context = await browser.new_context(viewport={"width": 1366, "height": 768})
    page = await context.new_page()
    step = number
    try:
        while time.monotonic() < deadline:
            view = VIEWS[step % len(VIEWS)]
            key = PAGES[(step * 3 + number) % len(PAGES)]
            query = "&".join(f"{k}={v}" for k, v in view.items())
            url = f"{base}/{key}?{query}"
            started = time.monotonic()
            try:
                problem = await _one_page(page, url)
            except Exception as error:  # a timeout or a crashed page is an error to report
                problem = f"{type(error).__name__} on {url}"
            if problem is None:
                results.times.append(time.monotonic() - started)
            else:
                results.errors.append(problem)
            step += 1
    finally:
        await context.close()


async def _run(base: str, users: int, seconds: float, chromium: str) -> Results:
    from playwright.async_api import async_playwright

    results = Results()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            deadline = time.monotonic() + seconds
            await asyncio.gather(
                *(_user(n, browser, base, deadline, results) for n in range(users))
            )
        finally:
            await browser.close()
    return results


def report(results: Results, users: int, seconds: float) -> str:
    """The figures as a Markdown block (Danish, like the rest of docs/)."""
    times = results.times
    lines = [
        SECTION,
        "",
        f"Målt {date.today().isoformat()} med `python -m bench.browser_load --users {users} "
        f"--seconds {seconds:g}`: {users} samtidige browsersessioner (Debian chromium, "
        "headless) mod én streamlit-proces på demodatabasen (skala 1, SQLite), på en "
        f"maskine med {os.cpu_count()} kerner ({platform.machine()}). Browseren og serveren "
        "deler de samme kerner, så tallene er en øvre grænse for sidetiden.",
        "",
        "| mål | værdi |",
        "|---|---|",
        f"| sidevisninger | {len(times)} |",
        f"| fejl | {len(results.errors)} |",
        f"| p50 sidetid | {percentile(times, 0.5):.2f} s |" if times else "| p50 | – |",
        f"| p95 sidetid | {percentile(times, 0.95):.2f} s |" if times else "| p95 | – |",
        f"| længste sidetid | {max(times):.2f} s |" if times else "| max | – |",
        f"| gennemsnit | {statistics.mean(times):.2f} s |" if times else "| mean | – |",
        "",
        "Sidetid = fra adressen åbnes, til Streamlit har tegnet siden færdig "
        "(`data-test-script-state=notRunning`). Hver bruger skifter side og filter "
        "(program, dato, bydel) ved hver visning.",
        "",
    ]
    return "\n".join(lines)


def write_section(text: str) -> None:
    """Replace (or add) the "Mange brugere" section of docs/benchmarks.md."""
    BENCHMARKS.parent.mkdir(parents=True, exist_ok=True)
    old = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n\n"
    start = old.find(SECTION)
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = old.find("\n## ", start + len(SECTION))
        new = old[:start] + text + ("" if end < 0 else old[end + 1 :])
    BENCHMARKS.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--url", help="a running dashboard (default: start one on localhost)")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args(argv)
    if args.url and not args.url.startswith(("http://127.0.0.1", "http://localhost")):
        parser.error("the load test only targets localhost")
    chromium = chromium_path()
    if chromium is None:
        print("no chromium at /usr/bin/chromium: apt-get install chromium", file=sys.stderr)
        return 2
    server: Server | None = None
    with tempfile.TemporaryDirectory() as folder:
        base = args.url
        if base is None:
            from data_access.demo.bundle import write_demo

            url = f"sqlite:///{Path(folder) / 'demo.sqlite'}"
            write_demo(url, 1)
            server = Server(url, None, Path(folder) / "server.log")
            base = server.url
        try:
            results = asyncio.run(_run(base.rstrip("/"), args.users, args.seconds, chromium))
        finally:
            if server is not None:
                server.stop()
    text = report(results, args.users, args.seconds)
    print(text)
    for error in results.errors[:20]:
        print("error:", error)
    if args.write:
        write_section(text)
    return 1 if results.errors or not results.times else 0


if __name__ == "__main__":
    raise SystemExit(main())
