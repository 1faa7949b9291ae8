"""Browser tests for kg view: headless Debian chromium via Playwright, all non-file requests blocked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.view import render, render_site
from kg.view.demo import sample_graph, synthetic_graph

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"Debian chromium not installed at {CHROMIUM}"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Page:
    """A page with every non-file:// request blocked and recorded, and console errors collected."""

    def __init__(self, browser, width=1400, height=900):
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, path: Path, wait_ready=True):
        self.page.goto(path.resolve().as_uri())
        if wait_ready:
            self.page.wait_for_function("() => window.kgReady === true", timeout=20000)

    def node_point(self, nid: str) -> tuple[float, float]:
        box = self.page.locator("#kg-network canvas").bounding_box()
        p = self.page.evaluate("""(id) => {
            const pos = window.kgNetwork.getPositions([id])[id];
            return window.kgNetwork.canvasToDOM(pos);
        }""", nid)
        return box["x"] + p["x"], box["y"] + p["y"]

    def click_node(self, nid: str):
        self.page.evaluate("(id) => window.kgNetwork.focus(id, {scale: 1.5})", nid)
        self.page.wait_for_timeout(50)
        x, y = self.node_point(nid)
        self.page.mouse.click(x, y)

    def close(self):
        self.page.close()


@pytest.fixture
def page(browser):
    p = Page(browser)
    yield p
    assert p.outside == [], f"outside requests: {p.outside}"
    p.close()


@pytest.fixture(scope="module")
def sample_html(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("view") / "sample.html"
    info = render(sample_graph(), out, title="Sample: ResNet, ViT, BERT")
    return out, info


def test_page_loads_with_all_nodes_and_edges(page, sample_html):
    path, info = sample_html
    page.open(path)
    counts = page.page.evaluate("[window.kgNodes.length, window.kgEdges.length]")
    assert counts == [info["nodes"], info["edges"]]
    assert page.page.locator("#kg-legend label").count() == 8  # all 8 node types in the sample
    assert page.page.evaluate("window.__pwned") is None
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "view_sample.png"))
    assert page.errors == []


def test_click_paper_shows_panel(page, sample_html):
    path, _ = sample_html
    page.open(path)
    page.click_node("Paper:1512.03385")
    panel = page.page.locator("#kg-panel")
    panel.wait_for(state="visible")
    text = panel.inner_text()
    assert "Deep Residual Learning for Image Recognition" in text
    assert "2015-12-10" in text and "residual learning framework" in text
    link = panel.locator("a[href='https://arxiv.org/abs/1512.03385']")
    assert link.count() == 1
    page.page.screenshot(path=str(ARTIFACTS / "view_paper_panel.png"))
    assert page.errors == []


def test_malicious_abstract_does_not_run(page, sample_html):
    path, _ = sample_html
    page.open(path)
    page.click_node("Paper:evil")
    panel = page.page.locator("#kg-panel")
    panel.wait_for(state="visible")
    text = panel.inner_text()
    assert "</script><script>window.__pwned=1</script>" in text
    assert '<img src=x onerror="window.__pwned=2">' in text
    assert "A Paper With <b>Hostile</b> Text" in text  # title shown literally
    assert panel.locator("img, script, b").count() == 0
    assert panel.locator("a").count() == 0  # javascript: URL was not linked
    # hovering shows the tooltip built from text nodes, also harmless
    x, y = page.node_point("Paper:evil")
    page.page.mouse.move(x + 1, y + 1)
    page.page.wait_for_timeout(400)
    page.page.wait_for_timeout(100)
    assert page.page.evaluate("window.__pwned") is None
    assert page.page.locator("img").count() == 0
    page.page.screenshot(path=str(ARTIFACTS / "view_hostile_panel.png"))
    assert page.errors == []


def test_click_edge_shows_highlighted_evidence(page, sample_html):
    path, _ = sample_html
    page.open(path)
    eid = page.page.evaluate("""() => window.kgEdges.get({filter: e =>
        e.from === 'Paper:2103.00020' && e.to === 'Hardware:a100'})[0].id""")
    # zoom onto the edge midpoint and click there
    page.page.evaluate("""(eid) => {
        const e = window.kgEdges.get(eid), p = window.kgNetwork.getPositions([e.from, e.to]);
        const mid = {x: (p[e.from].x + p[e.to].x) / 2, y: (p[e.from].y + p[e.to].y) / 2};
        window.kgNetwork.moveTo({position: mid, scale: 3});
    }""", eid)
    page.page.wait_for_timeout(50)
    box = page.page.locator("#kg-network canvas").bounding_box()
    page.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    panel = page.page.locator("#kg-panel")
    panel.wait_for(state="visible")
    assert "RUNS_ON" in panel.inner_text()
    assert panel.locator(".kg-sentence mark").inner_text() == "A100"
    assert panel.locator(".kg-sentence").inner_text() == "We train ResNet and ViT on 64 A100 GPUs"
    assert "count: 64" in panel.inner_text()
    page.page.screenshot(path=str(ARTIFACTS / "view_edge_panel.png"))
    assert page.errors == []


def test_search_filter_and_physics(page, sample_html):
    path, _ = sample_html
    page.open(path)
    page.page.fill("#kg-search", "ilsvrc")  # alias of ImageNet
    page.page.locator("#kg-results li").first.wait_for(state="visible")
    assert "ImageNet" in page.page.locator("#kg-results").inner_text()
    page.page.press("#kg-search", "Enter")
    assert page.page.locator("#kg-panel h2").inner_text() == "ImageNet"
    assert page.page.evaluate("window.kgNetwork.getSelectedNodes()") == ["Dataset:imagenet"]
    # type filter: hide papers
    page.page.locator("#kg-legend input[data-type='Paper']").uncheck()
    hidden = page.page.evaluate("window.kgNodes.get({filter: n => n.hidden}).length")
    assert hidden == page.page.evaluate("window.kgNodes.get({filter: n => n.kgType === 'Paper'}).length") > 0
    page.page.locator("#kg-legend input[data-type='Paper']").check()
    assert page.page.evaluate("window.kgNodes.get({filter: n => n.hidden}).length") == 0
    page.page.locator("#kg-physics").check()
    page.page.wait_for_timeout(300)
    assert page.page.evaluate("window.kgNetwork.physics.options.enabled") is True
    assert page.errors == []


def test_big_view_interactive_fast(page, tmp_path):
    out = tmp_path / "big.html"
    info = render(synthetic_graph(2000), out, max_nodes=2000)
    assert info["nodes"] == 2000
    page.open(out)
    t = page.page.evaluate("window.kgTimings.firstDraw")
    assert t < 3000, f"first draw after {t:.0f} ms"
    assert page.page.evaluate("window.kgNodes.length") == 2000
    page.page.screenshot(path=str(ARTIFACTS / "view_2000.png"))
    assert page.errors == []


def test_site_offline(page, tmp_path):
    info = render_site(sample_graph(), tmp_path / "site", per_type=3)
    index = Path(info["index"])
    page.open(index, wait_ready=False)
    assert page.page.locator("section li").count() == info["pages"]
    page.page.fill("#q", "resn")
    visible = page.page.locator("section li:visible").all_inner_texts()
    assert visible and all("ResN" in v for v in visible)
    page.page.screenshot(path=str(ARTIFACTS / "site_index.png"))
    page.page.locator("section li:visible a").first.click()
    page.page.wait_for_function("() => window.kgReady === true", timeout=20000)
    assert page.page.evaluate("window.kgNodes.length") > 1
    assert page.page.evaluate("window.kgNetwork.getSelectedNodes()")[0].startswith("Method:res")
    page.page.screenshot(path=str(ARTIFACTS / "site_entity.png"))
    assert page.errors == []
