"""Neo4j Browser (served by the local server at /browser/) shows a named query's result.

Needs the real server (NEO4J_URI/NEO4J_PASSWORD) and Debian's chromium at /usr/bin/chromium; never
downloads a browser. Saves test-artifacts/neo4j-browser.png.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from kg.neo4j import load_graph
from kg.neo4j.queries import get_query

from neo4j_fixtures import clean_db, neo4j_conn, neo4j_creds, small_graph  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.neo4j
@pytest.mark.browser
def test_browser_runs_named_query(clean_db, neo4j_creds):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    load_graph(small_graph(), clean_db)
    bolt = urlparse(neo4j_creds["uri"])
    http = os.environ.get("NEO4J_BROWSER_URL", f"http://{bolt.hostname}:7474/browser/")
    q = get_query("top_entities")
    body = " ".join(line.strip() for line in q.body.splitlines())
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            page.goto(http, wait_until="domcontentloaded")
            page.wait_for_selector('[data-testid="boltaddress"]')
            page.select_option('[data-testid="bolt-scheme-select"]', "bolt://")
            page.fill('[data-testid="boltaddress"]', f"{bolt.hostname}:{bolt.port or 7687}")
            page.fill('[data-testid="username"]', neo4j_creds["user"])
            page.fill('[data-testid="password"]', neo4j_creds["password"])
            page.click('[data-testid="connect"]')
            page.wait_for_selector('text=You are connected as user')

            def run(text: str) -> None:
                page.locator('[data-testid="activeEditor"]').click()
                page.keyboard.insert_text(text)  # no per-key typing: the editor would auto-close brackets
                page.click('[data-testid="editor-Run"]')

            run(':param {type: "Method", limit: 10}')
            page.locator('[data-testid="frame"]', has_text=":param").first.wait_for()
            page.wait_for_timeout(1000)
            run(body)
            frame = page.locator('[data-testid="frame"]', has_text="ORDER BY papers DESC").first
            frame.get_by_text("Started streaming").wait_for()
            text = frame.inner_text()
        except Exception:
            page.screenshot(path=str(out / "neo4j-browser-failure.png"))
            raise
        else:
            page.screenshot(path=str(out / "neo4j-browser.png"), full_page=False)
        finally:
            browser.close()
    assert "ResNet" in text and "papers" in text, text[:1000]
    # the table shows strings quoted, in the query's order: papers DESC, then name
    assert text.index('"ResNet"') < text.index('"Transformer"') < text.index('"ViT"'), text[:1000]
