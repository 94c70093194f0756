"""The explorer in a real browser on the synthetic corpus: time from navigation to interactive.
Not a test.

    python bench/generate.py --articles 10000 --out bench/out/corpus-10000 --seed 1
    DIPLOGRAPH_CACHE_DIR=/tmp/bench-neo4j-explorer diplograph neo4j start --port 0
    eval "$(DIPLOGRAPH_CACHE_DIR=/tmp/bench-neo4j-explorer diplograph neo4j env)"
    python bench/explorer_bench.py --data-dir /tmp/explorer-bench/data \
        --load bench/out/corpus-10000 --json /tmp/explorer-bench/results.json

``--load`` fills a fresh data dir and EMPTIES the Neo4j the environment points at (the loader of
``bench/api_bench.py``); without it the stores are used as they are. Without
``DIPLOGRAPH_NEO4J_URI`` the server runs on the embedded store alone.

``diplograph serve`` runs as a child process; Debian's headless Chromium (``/usr/bin/chromium``
through ``/usr/bin/chromedriver``, Selenium) opens, ``--repeat`` times after one warm-up:

* the entity page of a hub: the best connected of ``--hubs`` (the first with 200+ neighbours
  at depth 1), its ego network drawn;
* the links view of a hub pair (``--pair``, default Algeria–Russia, k = 3).

Each visit starts from ``about:blank`` (a full page load: HTML, modules, Cytoscape.js, the API
calls, the layout). "Interactive" is the page's own ``explorer:ready`` performance mark, set once
the view is in the page and its graph laid out; its ``startTime`` is milliseconds since the
navigation started. The API calls' share is read from the Resource Timing entries.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait
from serving import free_port, wait_ready

HERE = Path(__file__).resolve().parent
HUBS = ("country/USA", "country/CHN", "country/RUS", "country/FRA", "country/DZA")
READY = "return document.body.dataset.state !== 'loading' && document.body.dataset.rendered"
MARK = """
const at = (name) => (performance.getEntriesByName(name)[0] || {}).startTime;
const mark = performance.getEntriesByName('explorer:ready')[0];
const api = performance.getEntriesByType('resource')
  .filter(e => !e.name.includes('/explorer/'))
  .map(e => ({url: e.name, ms: e.duration}));
return {ready: mark ? mark.startTime : null, api, start: at('explorer:start'),
        data: at('explorer:data'),
        nodes: window.explorer.graph ? window.explorer.graph.nodes().length : 0,
        edges: window.explorer.graph ? window.explorer.graph.edges().length : 0,
        state: document.body.dataset.state};
"""


@contextmanager
def server(data_dir: Path, log: Path) -> Iterator[str]:
    """``diplograph serve`` on ``data_dir`` (Neo4j from the environment, if any); its URL."""
    port = free_port()
    program = shutil.which("diplograph")
    head = [program] if program else [sys.executable, "-m", "api.cli.main"]
    env = {**os.environ, "DIPLOGRAPH_DATA_DIR": str(data_dir)}
    with log.open("wb") as out:
        child = subprocess.Popen(
            [*head, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_ready(child, url, log, 600, poll=0.5)
            yield url
        finally:
            child.terminate()
            child.wait(60)


@contextmanager
def chromium() -> Iterator[WebDriver]:
    """Debian's headless Chromium, as the browser tests run it."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1400,1000"):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def hub(url: str, candidates: tuple[str, ...]) -> tuple[str, int]:
    """The candidate with the most actors at depth 1 (and that count)."""
    totals = {}
    with httpx.Client(base_url=url, timeout=120) as client:
        for actor in candidates:
            answer = client.get(f"/entities/{actor}/neighbours", params={"limit": 1})
            if answer.status_code == 200:
                totals[actor] = answer.json()["total"]
    best = max(totals, key=lambda actor: totals[actor])
    return best, totals[best]


def visit(driver: WebDriver, url: str, timeout: float) -> dict[str, Any]:
    """Load ``url`` from a blank page; the page's own timings once the view is interactive."""
    driver.get("about:blank")
    driver.get(url)
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(READY))
    result: dict[str, Any] = driver.execute_script(MARK)
    if result["state"] != "ready":
        raise RuntimeError(f"{url}: the view failed ({result})")
    return result


def measure(driver: WebDriver, url: str, repeat: int, timeout: float) -> dict[str, Any]:
    """One warm-up visit, then ``repeat`` measured ones: p50/max of ready and API time."""
    visit(driver, url, timeout)
    runs = [visit(driver, url, timeout) for _ in range(repeat)]
    ready = [run["ready"] for run in runs]
    api = [max((call["ms"] for call in run["api"]), default=0.0) for run in runs]
    p50 = statistics.median
    return {
        "url": url,
        "nodes": runs[-1]["nodes"],
        "edges": runs[-1]["edges"],
        "ready_ms": ready,
        "ready_p50_ms": statistics.median(ready),
        "ready_max_ms": max(ready),
        "slowest_api_call_p50_ms": statistics.median(api),
        # the stages: page and modules loaded; API answered and DOM built; graph drawn
        "modules_p50_ms": p50(run["start"] for run in runs),
        "api_and_dom_p50_ms": p50(run["data"] - run["start"] for run in runs),
        "draw_p50_ms": p50(run["ready"] - run["data"] for run in runs),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/explorer-bench/data"))
    parser.add_argument("--load", type=Path, metavar="CORPUS", help="load this corpus first")
    parser.add_argument("--link-batch", type=int, default=20_000)
    parser.add_argument("--hubs", nargs="+", default=list(HUBS))
    parser.add_argument("--pair", nargs=2, default=["country/DZA", "country/RUS"])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per visit")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()

    args.data_dir.mkdir(parents=True, exist_ok=True)
    if args.load:
        sys.path.insert(0, str(HERE))
        from api_bench import load

        load(args.data_dir, args.load, args.link_batch)
    backend = "neo4j" if os.environ.get("DIPLOGRAPH_NEO4J_URI") else "embedded (networkx)"
    with server(args.data_dir, args.data_dir.parent / "explorer-bench-server.log") as url:
        actor, total = hub(url, tuple(args.hubs))
        a, b = args.pair
        pages = {
            "entity page (hub)": f"{url}/#/entity?id={quote(actor, safe='')}",
            "links view (hub pair, k=3)": f"{url}/#/links?a={quote(a, safe='')}"
            f"&b={quote(b, safe='')}&k=3",
        }
        with chromium() as driver:
            results = {name: measure(driver, page, args.repeat, args.timeout)
                       for name, page in pages.items()}  # fmt: skip
    results["entity page (hub)"]["hub"] = {"id": actor, "neighbours": total}
    load_average = os.getloadavg()
    print(f"backend: {backend}; load average {load_average[0]:.1f} on {os.cpu_count()} CPUs")
    for name, row in results.items():
        print(
            f"{name}: ready p50 {row['ready_p50_ms']:.0f} ms, max {row['ready_max_ms']:.0f} ms "
            f"(slowest API call p50 {row['slowest_api_call_p50_ms']:.0f} ms; "
            f"{row['nodes']} nodes, {row['edges']} edges drawn); stages p50: modules "
            f"{row['modules_p50_ms']:.0f}, API + DOM {row['api_and_dom_p50_ms']:.0f}, "
            f"draw {row['draw_p50_ms']:.0f} ms"
        )
    if args.json:
        summary = {"backend": backend, "load_average": load_average, **results}
        args.json.write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
