"""The console's first load from a cold cache (issue 11: under 1.5 s, under 1.5 MB compressed).

Run on demand (not collected by pytest)::

    .venv/bin/python tests/benchmarks/bench_console_first_load.py [RUNS] [--reuse-browser]
        [--baseline=DIR]

It serves an empty SQLite database with ``linli serve`` on loopback (``core.testing.live``) and
opens ``/console/`` RUNS times (default 15) in Debian's headless Chromium, each time in a freshly
launched browser (with ``--reuse-browser``: a fresh context of one browser — a new, empty HTTP
cache but a warm browser process). A load is timed from the navigation's start to the first frame
after the sign-in field entered the document, in the browser's own clock (``performance.now()``,
noted by a script injected before the page's), and also from Python around ``page.goto`` up to
Playwright seeing the field visible (later: it polls the page). Bytes are those of the document
and the resources that finished by then, and separately everything the page fetched within
1.5 s (the shell downloads the signed-in part in the background once the form is up). It prints every run, min / median / max, the bytes transferred
(``transferSize`` of the document and every resource) and requests, what the browser asked for
(``Accept-Encoding``) and what it got (``Content-Encoding``), and ``uptime`` before and after —
a shared machine's load is part of any figure taken on it.

``--baseline=DIR`` serves a second copy of the code (another checkout, e.g. ``git clone`` of
main, put first on the server's ``PYTHONPATH``) next to this one and alternates the runs between
the two, so both see the same machine load; each gets its own figures.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from core.app import build_state
from core.dbsetup import ensure_sqlite_schema
from core.registry import Registry
from core.testing import _test_settings
from core.testing.console import CHROMIUM
from core.testing.live import live_server

ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-sync", "--no-first-run",
        "--disable-component-update", "--disable-dev-shm-usage",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]

# Injected before the page's own scripts (through DevTools, so the CSP does not apply): notes when
# the sign-in field enters the document and the start of the next frame after it (≈ its paint).
WATCH = """(() => {
  const seen = () => {
    if (!document.getElementById('login-name')) return false;
    window.__linliFormAt = performance.now();
    requestAnimationFrame(() => { window.__linliPaintAt = performance.now(); });
    return true;
  };
  new MutationObserver((_, o) => { if (seen()) o.disconnect(); })
    .observe(document, { childList: true, subtree: true });
})();"""

MEASURE = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const all = [nav, ...res];
  const until = window.__linliPaintAt;
  const first = all.filter((e) => e.responseEnd <= until);
  return {
    visible: until,
    domContentLoaded: nav.domContentLoadedEventEnd,
    transferred: first.reduce((n, e) => n + e.transferSize, 0),
    decoded: first.reduce((n, e) => n + e.decodedBodySize, 0),
    requests: first.length,
    later: all.reduce((n, e) => n + e.transferSize, 0),
  };
}"""


async def _prepare() -> Any:
    tmp = Path(tempfile.mkdtemp(prefix="linli-bench-console-"))
    settings = _test_settings(f"sqlite:///{tmp}/bench.sqlite3", tmp)
    registry = Registry()
    registry.load_entrypoints()
    state = build_state(settings, registry)
    await state.db.start()
    await ensure_sqlite_schema(state.db, state.db.tables)
    await state.db.stop()
    return settings


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def _one(pw: Any, browser: Any, base: str, reuse: bool) -> dict[str, Any]:
    own = browser if reuse else pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    context = own.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    page = context.new_page()
    encodings: dict[str, str] = {}
    asked: set[str] = set()

    def seen(response: Any) -> None:
        asked.add(response.request.all_headers().get("accept-encoding", ""))
        encodings[response.url.split("?")[0].rsplit("/", 1)[-1] or "page"] = \
            response.headers.get("content-encoding", "identity")

    page.on("response", seen)
    page.add_init_script(WATCH)
    started = time.perf_counter()
    page.goto(f"{base}/console/")
    page.wait_for_selector("#login-name", state="visible", timeout=30_000)
    wall = time.perf_counter() - started
    deadline = time.perf_counter() + 10
    noted = True
    while page.evaluate("() => window.__linliPaintAt") is None:
        if time.perf_counter() > deadline:  # never noted (seen with main's Element Plus form):
            noted = False                   # count bytes up to now; no in-browser time
            page.evaluate("() => { window.__linliPaintAt = performance.now(); }")
            break
        page.wait_for_timeout(20)
    page.wait_for_timeout(1500)  # what the page fetches after the form is up (prefetch)
    out: dict[str, Any] = page.evaluate(MEASURE)
    out.update(wall=wall, encodings=encodings, asked=asked, noted=noted)
    context.close()
    if not reuse:
        own.close()
    return out


def main(runs: int, reuse: bool, baseline: str | None) -> None:
    from playwright.sync_api import sync_playwright

    settings = asyncio.run(_prepare())
    before = _uptime()
    results: dict[str, list[dict[str, Any]]] = {"this checkout": []}
    with ExitStack() as stack:
        servers = {"this checkout": stack.enter_context(live_server(settings))}
        if baseline:
            results[baseline] = []
            servers[baseline] = stack.enter_context(live_server(settings, {
                "PYTHONPATH": str(Path(baseline).resolve())}))
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for i in range(runs):
            for label, base in servers.items():
                row = _one(pw, browser, base, reuse)
                results[label].append(row)
                print(f"run {i + 1:2d} {label[-14:]:>14}: visible {row['visible']:6.0f} ms (wall "
                      f"{row['wall'] * 1000:5.0f} ms), DOMContentLoaded "
                      f"{row['domContentLoaded']:6.0f} ms, {row['transferred'] / 1024:4.0f} KiB "
                      f"in {row['requests']} requests", flush=True)
        browser.close()
    after = _uptime()
    for label, rows in results.items():
        _report(label, rows, reuse)
    print(f"  uptime before: {before}\n  uptime after:  {after}")


def _report(label: str, rows: list[dict[str, Any]], reuse: bool) -> None:
    runs = len(rows)
    visible = [r["visible"] for r in rows if r["noted"]] or [float("nan")]
    wall = [r["wall"] * 1000 for r in rows]
    sent = [r["transferred"] for r in rows]
    print(f"\n{label}: first load of /console/ (sign-in form visible), {runs} cold loads, "
          f"{'fresh context of one browser' if reuse else 'fresh browser'} each:")
    print(f"  in-browser (form's first frame; {sum(r['noted'] for r in rows)} of {runs} noted): "
          f"min {min(visible):.0f} ms, median {statistics.median(visible):.0f} ms, "
          f"max {max(visible):.0f} ms")
    print(f"  wall (goto → form visible): min {min(wall):.0f} ms, median "
          f"{statistics.median(wall):.0f} ms, max {max(wall):.0f} ms")
    print(f"  transferred until the form is up: {statistics.median(sent) / 1024:.0f} KiB (median; "
          f"decoded {statistics.median(r['decoded'] for r in rows) / 1024:.0f} KiB), "
          f"{rows[0]['requests']} requests; with what is fetched after it: "
          f"{statistics.median(r['later'] for r in rows) / 1024:.0f} KiB")
    print(f"  Accept-Encoding sent: {sorted(set().union(*(r['asked'] for r in rows)))}")
    print(f"  Content-Encoding received: {rows[-1]['encodings']}")


if __name__ == "__main__":
    argv = [a for a in sys.argv[1:] if not a.startswith("--")]
    base_dir = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--baseline=")), None)
    main(int(argv[0]) if argv else 15, "--reuse-browser" in sys.argv, base_dir)
