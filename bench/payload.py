"""Bytes per page view: what each page sends a browser tab over the websocket.

    .venv/bin/python -m bench.payload [--url URL | --database-url URL [--port P]] [--pages a,b]
        [--query programme=...&as_of=...] [--limit-kb 200] [--repeat N] [--server-pid P]
        [--json F]

Each page of the demo admin's navigation (the admin may open every page) is
opened in a new tab (bench/st_client.py, no browser): the bytes of every
ForwardMsg of that first view are counted (`first`), then the same page is
viewed again in the same tab (`again`: the large elements the tab already
holds come back as references, as in a browser; `--repeat N` views it N
times and reports their median wait as `warm_seconds`, the cost of a warm
view measured the same way for any app). `first` is what the limit
is checked against: a page that sends more than `--limit-kb` (default 200 KB,
issue 21) to a new tab is listed as over, and the exit code is 1.

Without --url it serves --database-url (default: the scale-1 demo in a
temporary folder) with one `streamlit run dashboard/app.py`, as the load
test does.

JSON (--json), version 1:
    tool, version, url, query, limit_bytes
    pages: [{page, first_bytes, again_bytes, messages, seconds, warm_seconds,
        warm_cpu_ms (None without a server pid), problems}]
    over: [pages whose first view is over the limit]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from bench.st_client import Session, run_sync  # noqa: E402
from dashboard.navigation import pages_for  # noqa: E402
from data_access.rules.access import ADMIN  # noqa: E402

VERSION: Final = 1
#: Issue 21: no page sends more than about 200 KB per view at scale 1000.
LIMIT_BYTES: Final = 200 * 1024


@dataclass
class PagePayload:
    """One page's views in a new tab: bytes of the first view and of the one after it."""

    page: str
    first_bytes: int = 0
    again_bytes: int = 0
    messages: int = 0
    seconds: float = 0.0
    #: Median wait of the views after the first (same tab, same query: every answer cached).
    warm_seconds: float = 0.0
    #: The server's own CPU per warm view (--server-pid), which other load on the machine
    #: does not inflate the way it inflates the wait.
    warm_cpu_ms: float | None = None
    problems: list[str] = field(default_factory=list)


def _cpu_seconds(pid: int | None) -> float:
    if pid is None:
        return 0.0
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


async def measure_page(
    base_url: str,
    page: str,
    query: str,
    timeout: float,
    repeat: int = 1,
    server_pid: int | None = None,
) -> PagePayload:
    """Open `page` in a new tab, view it, view it again `repeat` times; bytes and warm wait."""
    session = Session(base_url, timeout=timeout)
    result = PagePayload(page)
    try:
        await session.connect(page, query)
        first = await session.view(page, query)
        cpu = _cpu_seconds(server_pid)
        repeats = [await session.view(page, query) for _ in range(max(1, repeat))]
        cpu = _cpu_seconds(server_pid) - cpu
    finally:
        await session.close()
    if server_pid is not None:
        result.warm_cpu_ms = round(cpu * 1000 / len(repeats), 1)
    again = repeats[0]
    result.warm_seconds = round(statistics.median(view.seconds for view in repeats), 4)
    result.first_bytes, result.again_bytes = first.bytes, again.bytes
    result.messages, result.seconds = first.messages, round(first.seconds, 3)
    # Each problem once, with how many views had it: a page missing for the
    # role is the same problem on every repeat, not a hundred.
    seen = Counter(
        f"{kind}: {detail}" if detail else kind
        for view in (first, *repeats)
        for kind, detail in view.problems
    )
    result.problems = [f"{text} (x{n})" if n > 1 else text for text, n in seen.items()]
    if first.page != page:
        result.problems.append(f"showed {first.page!r}, not {page!r}")
    return result


async def measure(
    base_url: str,
    pages: list[str],
    query: str,
    timeout: float,
    repeat: int = 1,
    server_pid: int | None = None,
) -> list[PagePayload]:
    """Every page in turn, each in its own new tab (one at a time)."""
    return [
        await measure_page(base_url, page, query, timeout, repeat, server_pid) for page in pages
    ]


def report(
    base_url: str, pages: list[PagePayload], query: str, limit: int = LIMIT_BYTES
) -> dict[str, Any]:
    """The JSON report (shape in the module docstring)."""
    return {
        "tool": "bench.payload",
        "version": VERSION,
        "url": base_url,
        "query": query,
        "limit_bytes": limit,
        "pages": [asdict(p) for p in pages],
        "over": [p.page for p in pages if p.first_bytes > limit],
    }


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"Bytes per view, new tab then the same tab again, against {result['url']}"
        + (f" ({result['query']})" if result["query"] else ""),
        "",
        "| page | first view KB | again KB | messages | warm view (median) | server CPU "
        "per warm view | problems |",
        "|---|---|---|---|---|---|---|",
    ]
    for page in result["pages"]:
        lines.append(
            f"| {page['page']} | {page['first_bytes'] / 1024:.1f} | "
            f"{page['again_bytes'] / 1024:.1f} | {page['messages']} | "
            f"{page['warm_seconds'] * 1000:.0f} ms | "
            + ("-" if page["warm_cpu_ms"] is None else f"{page['warm_cpu_ms']:.0f} ms")
            + f" | {'; '.join(page['problems']) or '-'} |"
        )
    limit_kb = result["limit_bytes"] / 1024
    over = ", ".join(result["over"]) or "none"
    lines += ["", f"Over {limit_kb:.0f} KB on the first view: {over}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running dashboard (default: start one on localhost)")
    parser.add_argument("--database-url", help="without --url: serve this database")
    parser.add_argument("--port", type=int, help="without --url: the server's port (default: free)")
    parser.add_argument(
        "--pages", help="comma-separated page keys (default: all the admin's; '' = the app's own)"
    )
    parser.add_argument("--query", default="", help="query string, e.g. as_of=2011-06-30")
    parser.add_argument("--limit-kb", type=float, default=LIMIT_BYTES / 1024)
    parser.add_argument("--timeout", type=float, default=120.0, help="per view, seconds")
    parser.add_argument(
        "--repeat", type=int, default=1, help="views after the first (warm wait: their median)"
    )
    parser.add_argument("--server-pid", type=int, help="with --url: the server, for its CPU")
    parser.add_argument("--json", type=Path, help="write the report here")
    args = parser.parse_args(argv)
    every = [spec.key for spec in pages_for(ADMIN)]
    pages = every if args.pages is None else args.pages.split(",")
    limit = round(args.limit_kb * 1024)
    if args.url:
        measured = run_sync(
            measure(args.url, pages, args.query, args.timeout, args.repeat, args.server_pid)
        )
        result = report(args.url, measured, args.query, limit)
    else:
        result = _with_server(args, pages, limit)
    print(markdown(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    failed = any(page["problems"] for page in result["pages"])
    return 1 if result["over"] or failed else 0


def _with_server(args: argparse.Namespace, pages: list[str], limit: int) -> dict[str, Any]:
    from deploy.serve import AppProcess, free_port

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url
        if url is None:
            from data_access.demo.bundle import write_demo

            url = f"sqlite:///{Path(folder) / 'demo.sqlite'}"
            write_demo(url, 1)
        port = args.port or free_port()
        server = AppProcess(port, Path(folder) / "server.log", {"DASHBOARD_DATABASE_URL": url})
        server.start()
        try:
            server.wait_healthy()
            measured = run_sync(
                measure(server.url, pages, args.query, args.timeout, args.repeat, server.pid)
            )
            return report(server.url, measured, args.query, limit)
        finally:
            server.stop()


if __name__ == "__main__":
    raise SystemExit(main())
