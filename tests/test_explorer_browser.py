"""The explorer in a real headless Chromium (Debian's ``chromium`` and ``chromedriver``, driven by
Selenium) against ``diplograph serve --load-examples``: on the embedded store, and on Neo4j.

The flow of the issue: search "chengriha" → entity page → ego network drawn (the nodes are in
Cytoscape's graph model) → links Algeria–Russia shows Wagner Group and a quote → the agreement
page lists both signatories → an export downloads a GEXF that networkx reads. Problem answers are
shown as messages. Screenshots go to ``tests/artifacts/`` (git-ignored), also on failure.

Waits are explicit: the page sets ``body[data-state]`` to ``ready`` or ``error`` and
``body[data-rendered]`` to the address it rendered once a view (its graph laid out) is done.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote, urlsplit

import httpx
import networkx as nx
import pytest
from conftest import Neo4jConnection, running_in_ci
from live_server import live_server, wait_ready
from neo4j import Driver
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait
from test_api_support import CHANEGRIHA, DZA, LANGLEY, RUS, WAGNER, embedded_settings
from test_e2e_api import free_port, serve_command, server_env, stop

from api.app import create_app

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).parent / "artifacts"
WAIT = 30.0
"""Seconds a view may take to render (generous: the machine is shared; not a timing test)."""
MOU = "agreement/6adbefced86e5f19"
REGIONS = Path(__file__).parent / "fixtures" / "regions"
"""A corpus where "Foreign Ministry" names two ministries (an ambiguous name: 409)."""


# --- the browser and the servers ------------------------------------------------------------


def chromium_options(download_dir: Path) -> webdriver.ChromeOptions:
    """Headless Debian Chromium, downloads into ``download_dir`` without asking."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1400,1000", "--disable-gpu"):  # fmt: skip
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(download_dir), "download.prompt_for_download": False},
    )
    return options


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[WebDriver]:
    """One headless Chromium for the module (never a browser a tool downloads)."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        message = f"{', '.join(missing)} missing: apt-get install chromium chromium-driver"
        if running_in_ci():
            pytest.fail(message + " (CI=true: .ci/run installs them)")
        pytest.skip(message)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=chromium_options(downloads))
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    try:
        yield driver
    finally:
        driver.quit()


def serve(env: dict[str, str], workdir: Path) -> Iterator[str]:
    """``diplograph serve --load-examples`` with ``env``; its base URL until stopped."""
    port = free_port()
    log_path = workdir / "server.log"
    log: IO[bytes] = log_path.open("wb")
    process = subprocess.Popen(
        serve_command(port), env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(process, base, log_path)
        yield base
        stop(process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        log.close()


@pytest.fixture(scope="module")
def embedded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API and explorer on the embedded store only (no Neo4j configured)."""
    workdir = tmp_path_factory.mktemp("embedded")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIPLOGRAPH_")}
    env.update(DIPLOGRAPH_DATA_DIR=str(workdir / "data"), DIPLOGRAPH_CACHE_DIR=str(workdir))
    yield from serve(env, workdir)


@pytest.fixture
def neo4j_server(
    clean_neo4j: Driver, neo4j_connection: Neo4jConnection, tmp_path: Path
) -> Iterator[str]:
    """The API and explorer over the tests' Neo4j (cleared first)."""
    yield from serve(server_env(neo4j_connection, tmp_path / "data"), tmp_path)


# --- page helpers ----------------------------------------------------------------------------


def shot(driver: WebDriver, name: str) -> Path:
    """Save a screenshot of the page as ``tests/artifacts/<name>.png``."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def rendered(driver: WebDriver, name: str, state: str = "ready") -> None:
    """Wait until the view of the current address is done; assert its state (ready/error)."""
    done = (
        "return document.body.dataset.state !== 'loading'"
        " && document.body.dataset.rendered === location.hash"
    )
    try:
        WebDriverWait(driver, WAIT).until(lambda d: d.execute_script(done))
    except TimeoutException:
        shot(driver, f"{name}-timeout")
        raise
    shot(driver, name)
    actual = driver.execute_script("return document.body.dataset.state")
    message = driver.find_element(By.ID, "message").text
    assert actual == state, f"{name}: state {actual}, message {message!r}"


def go(driver: WebDriver, base: str, hash_: str, name: str, state: str = "ready") -> None:
    """Open ``base/#/…`` and wait for the view."""
    driver.get(f"{base}/{hash_}")
    rendered(driver, name, state)


def wait_for(driver: WebDriver, find: Callable[[WebDriver], Any], name: str) -> Any:
    """Wait until ``find`` returns something truthy (screenshot on time-out)."""
    try:
        return WebDriverWait(driver, WAIT).until(find)
    except TimeoutException:
        shot(driver, f"{name}-timeout")
        raise


def graph_nodes(driver: WebDriver) -> dict[str, dict[str, float]]:
    """The nodes of the drawn graph (Cytoscape's model) with their rendered positions."""
    nodes: dict[str, dict[str, float]] = driver.execute_script(
        "const cy = window.explorer.graph; if (!cy) return {};"
        "return Object.fromEntries(cy.nodes().map(n => [n.id(), n.renderedPosition()]));"
    )
    return nodes


def assert_drawn(driver: WebDriver, expected: set[str]) -> None:
    """The graph model holds ``expected`` and every node is laid out inside the canvas."""
    nodes = graph_nodes(driver)
    assert expected <= set(nodes), sorted(nodes)
    box = driver.find_element(By.CSS_SELECTOR, ".graph")
    width, height = box.size["width"], box.size["height"]
    canvases = box.find_elements(By.TAG_NAME, "canvas")
    assert canvases and all(c.size["width"] > 0 for c in canvases)
    for node, position in nodes.items():
        assert -1 <= position["x"] <= width + 1 and -1 <= position["y"] <= height + 1, node


def texts(elements: list[WebElement]) -> list[str]:
    return [element.text for element in elements]


def entity_hash(entity_id: str) -> str:
    return f"#/entity?id={quote(entity_id, safe='')}"


# --- the flow ---------------------------------------------------------------------------------


def run_flow(driver: WebDriver, base: str, downloads: Path, label: str) -> None:
    """Search → entity → ego network → links → agreement → back → GEXF export."""
    go(driver, base, "#/", f"{label}-1-home")
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)  # the skip link comes first
    skip = driver.switch_to.active_element
    assert skip.text == "Skip to content"
    skip.send_keys(Keys.ENTER)
    wait_for(driver, lambda d: d.switch_to.active_element.get_attribute("id") == "view", "skip")
    assert driver.execute_script("return document.body.dataset.state") == "ready"
    search = driver.find_element(By.ID, "search-input")
    assert driver.find_element(By.CSS_SELECTOR, "label[for=search-input]").text
    search.send_keys("chengriha")
    option = wait_for(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, f"#search-results [data-id='{CHANEGRIHA}']"),
        f"{label}-search",
    )[0]
    assert "Saïd Chanegriha" in option.text and "matched “Chengriha”" in option.text
    shot(driver, f"{label}-2-search")
    search.send_keys(Keys.ARROW_DOWN, Keys.ENTER)  # keyboard navigation
    wait_for(driver, lambda d: entity_hash(CHANEGRIHA) in d.current_url, f"{label}-entity")
    rendered(driver, f"{label}-3-entity")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Saïd Chanegriha"
    assert_drawn(driver, {CHANEGRIHA, LANGLEY, DZA})
    quotes = driver.find_elements(By.CSS_SELECTOR, ".panel blockquote")
    assert any("Signed by military leaders" in q.text for q in quotes)

    # Links: A and B by name, through the form (the address then holds the query).
    driver.find_element(By.LINK_TEXT, "Links").click()
    rendered(driver, f"{label}-4-links-form")
    form = driver.find_element(By.CSS_SELECTOR, "form.filters")
    form.find_element(By.NAME, "a").send_keys("Algeria")
    form.find_element(By.NAME, "b").send_keys("Russia")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(driver, lambda d: "a=Algeria" in d.current_url, f"{label}-links")
    rendered(driver, f"{label}-5-links")
    links_url = driver.current_url
    ranked = texts(driver.find_elements(By.CSS_SELECTOR, ".intermediaries tbody tr"))
    assert any("Wagner Group" in row for row in ranked), ranked
    assert_drawn(driver, {DZA, RUS, WAGNER})
    wagner_facts = [
        fact
        for fact in driver.find_elements(By.CSS_SELECTOR, ".panel .fact")
        if "Wagner Group" in fact.text
    ]
    assert any(fact.find_elements(By.TAG_NAME, "blockquote") for fact in wagner_facts)

    # The agreement page, from Algeria's agreements.
    go(driver, base, f"#/agreements?party={quote(DZA, safe='')}", f"{label}-6-agreements")
    driver.find_element(By.PARTIAL_LINK_TEXT, "Memorandum of Understanding").click()
    wait_for(driver, lambda d: "#/agreement?" in d.current_url, f"{label}-agreement")
    rendered(driver, f"{label}-7-agreement")
    signatories = texts(driver.find_elements(By.CSS_SELECTOR, ".signatories > li"))
    assert any(s.startswith("Michael Langley on behalf of United States") for s in signatories)
    assert any(s.startswith("Saïd Chanegriha on behalf of Algeria") for s in signatories)

    # Back twice: the links view again, from its address alone.
    driver.back()
    rendered(driver, f"{label}-8-back")
    driver.back()
    rendered(driver, f"{label}-9-back-links")
    assert driver.current_url == links_url
    assert WAGNER in graph_nodes(driver)

    # Export what is on screen: the GEXF download, read by networkx.
    for old in downloads.glob("*"):
        old.unlink()
    link = driver.find_element(By.CSS_SELECTOR, ".exports a[data-format=gexf]")
    assert urlsplit(link.get_attribute("href") or "").netloc == urlsplit(base).netloc
    link.click()
    files = wait_for(
        driver,
        lambda d: [p for p in downloads.glob("*.gexf") if p.stat().st_size > 0],
        f"{label}-download",
    )
    graph = read_complete_gexf(files[0])
    short_ids = {data.get("short_id") for _, data in graph.nodes(data=True)}
    assert {DZA, RUS, WAGNER} <= short_ids, short_ids


def read_complete_gexf(path: Path) -> nx.Graph:
    """networkx's reading of a downloaded GEXF (retried while Chromium still writes it)."""
    deadline = time.monotonic() + WAIT
    while True:
        try:
            return nx.read_gexf(path)
        except Exception:  # a partly written file: wait for the rest, up to WAIT
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_flow_on_embedded_store(browser: WebDriver, embedded_server: str, downloads: Path) -> None:
    run_flow(browser, embedded_server, downloads, "embedded")


@pytest.mark.neo4j
def test_flow_on_neo4j(browser: WebDriver, neo4j_server: str, downloads: Path) -> None:
    run_flow(browser, neo4j_server, downloads, "neo4j")


# --- problems as messages, no other host ----------------------------------------------------


def test_problem_answers_are_messages(browser: WebDriver, embedded_server: str) -> None:
    go(browser, embedded_server, entity_hash("country/ZZZ"), "problem-404", state="error")
    message = browser.find_element(By.ID, "message")
    assert message.get_attribute("role") == "alert"
    assert message.get_attribute("data-status") == "404"
    assert "Not found" in message.text and "country/ZZZ" in message.text
    assert browser.find_element(By.ID, "view").text.strip()  # not a blank page

    go(browser, embedded_server, "#/links?a=Atlantis&b=Russia", "problem-links", state="error")
    assert "Atlantis" in browser.find_element(By.ID, "message").text
    assert browser.find_element(By.NAME, "a").get_attribute("value") == "Atlantis"  # form kept

    go(browser, embedded_server, f"{entity_hash(DZA)}&since=2025-13-45", "problem-422", "error")
    message = browser.find_element(By.ID, "message")
    assert message.get_attribute("data-status") == "422" and "since" in message.text

    go(browser, embedded_server, "#/nowhere", "problem-view", state="error")
    assert "nowhere" in browser.find_element(By.ID, "message").text


def test_page_loads_nothing_from_another_host(browser: WebDriver, embedded_server: str) -> None:
    for name, hash_ in (
        ("hosts-entity", entity_hash(DZA)),
        ("hosts-links", f"#/links?a={DZA}&b={RUS}&k=3"),
        ("hosts-agreement", f"#/agreement?id={quote(MOU, safe='')}"),
        ("hosts-timeline", f"#/timeline?id={quote(DZA, safe='')}"),
    ):
        go(browser, embedded_server, hash_, name)
        resources: list[str] = browser.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
        )
        assert any("/explorer/vendor/" in url for url in resources), resources
        hosts = {urlsplit(url).netloc for url in resources}
        assert hosts == {urlsplit(embedded_server).netloc}, hosts


def test_ambiguous_name_lists_the_candidates(browser: WebDriver) -> None:
    settings = embedded_settings(examples_dir=REGIONS)
    with live_server(create_app(settings, load_examples=True)) as base:
        go(browser, base, "#/links?a=Foreign%20Ministry&b=country%2FUSA", "problem-409", "error")
        message = browser.find_element(By.ID, "message")
        assert message.get_attribute("data-status") == "409"
        assert "ambiguous" in message.text
        candidates = message.find_elements(By.CSS_SELECTOR, ".candidates a")
        assert len(candidates) == 2, message.text
        candidates[0].click()  # the same links query, with that ministry as A
        wait_for(browser, lambda d: "Foreign" not in d.current_url, "problem-409-chosen")
        rendered(browser, "problem-409-chosen")
        assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Links between")


def test_store_unavailable_is_a_message(browser: WebDriver) -> None:
    settings = embedded_settings(neo4j_uri=f"bolt://127.0.0.1:{free_port()}", neo4j_password="x")
    with live_server(create_app(settings)) as base:
        go(browser, base, entity_hash(DZA), "problem-503", state="error")
        message = browser.find_element(By.ID, "message")
        assert message.get_attribute("data-status") == "503"
        assert "unavailable" in message.text and "Neo4j" in message.text


def test_filters_live_in_the_address(browser: WebDriver, embedded_server: str) -> None:
    go(browser, embedded_server, entity_hash(DZA), "filters-all")
    everyone = set(graph_nodes(browser))
    form = browser.find_element(By.CSS_SELECTOR, "form.filters")
    form.find_element(By.CSS_SELECTOR, "input[name=relation][value=agreement]").click()
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, lambda d: "relation=agreement" in d.current_url, "filters-url")
    rendered(browser, "filters-agreement")
    expected = httpx.get(
        f"{embedded_server}/entities/{DZA}/neighbours",
        params={"relation": "agreement", "limit": 300},
        timeout=30,
    ).json()["nodes"]
    assert set(graph_nodes(browser)) == {node["id"] for node in expected} != everyone
    checked = browser.find_element(By.CSS_SELECTOR, "input[name=relation][value=agreement]")
    assert checked.is_selected()  # the form shows the state of the address
    browser.back()
    rendered(browser, "filters-back")
    assert set(graph_nodes(browser)) == everyone
