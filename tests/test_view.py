"""Unit tests for kg.view: selection, fuzzy centre, cut note, offline output, safe JSON embedding."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest

from kg.errors import ViewError
from kg.view import render, render_site
from kg.view.demo import XSS_ABSTRACT, sample_graph, synthetic_graph
from kg.view.render import highlight, json_for_script, paper_links
from kg.view.select import match_center, select
from kg.view.site import slugify


@pytest.fixture
def g() -> nx.MultiDiGraph:
    return sample_graph()


def _payload(path) -> dict:
    text = path.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', text, re.S)
    assert m, "data block missing"
    return json.loads(m.group(1))


# ---- fuzzy centre ----

@pytest.mark.parametrize("query,expected", [
    ("ResNet", "Method:resnet"),
    ("resnet", "Method:resnet"),
    ("residual network", "Method:resnet"),  # alias
    ("Method:resnet", "Method:resnet"),  # node id
    ("ILSVRC 2012", "Dataset:imagenet"),
    ("imagenet-1k", "Dataset:imagenet"),
    ("Deep Residual Learning", "Paper:1512.03385"),  # title prefix
    ("1512.03385", "Paper:1512.03385"),  # paper id
    ("a10", "Hardware:a100"),  # unique prefix
    ("Imagenett", "Dataset:imagenet"),  # difflib close match
    ("Vision Transformer", "Method:vit"),
])
def test_match_center(g, query, expected):
    assert match_center(g, query) == expected


def test_match_center_unknown_lists_close_names(g):
    with pytest.raises(ViewError) as e:
        match_center(g, "ResNit-9000")
    assert "ResNet" in str(e.value)


def test_match_center_nothing_close(g):
    with pytest.raises(ViewError, match="no node matches"):
        match_center(g, "zzzzqqqq")


def test_match_center_ambiguous_prefix(g):
    with pytest.raises(ViewError) as e:
        match_center(g, "Res")  # ResNet, ResNeXt, Result? (Result is not matchable) ...
    msg = str(e.value)
    assert "ambiguous" in msg and "ResNet" in msg and "ResNeXt" in msg
    assert msg.count("[") <= 5


def test_match_center_ambiguous_exact():
    g = sample_graph()
    g.add_node("Task:imagenet", label="Task", key="imagenet", name="ImageNet", aliases=[], papers=1)
    with pytest.raises(ViewError, match="ambiguous"):
        match_center(g, "imagenet")
    assert match_center(g, "Task:imagenet") == "Task:imagenet"


# ---- selection ----

def test_select_center_hops(g):
    s1 = select(g, center="ResNeXt", hops=1)
    assert set(s1.nodes) == {"Method:resnext", "Paper:1611.05431"}
    s2 = select(g, center="ResNeXt", hops=2)
    assert {"Dataset:coco", "Method:resnet", "Paper:1512.03385"} <= set(s2.nodes)
    assert all(u in s2.nodes and v in s2.nodes for u, v, _ in s2.edges)


def test_select_types_keeps_connected_papers(g):
    s = select(g, types=["Dataset"])
    labels = {n.split(":")[0] for n in s.nodes}
    assert labels == {"Paper", "Dataset"}
    assert "Paper:stub:1" not in s.nodes  # linked only to another paper by CITES
    for n in s.nodes:
        if n.startswith("Paper:"):
            assert any(n in (u, v) for u, v, _ in s.edges)


def test_select_types_paper_only_is_the_citation_graph(g):
    s = select(g, types=["paper"])
    assert {n.split(":")[0] for n in s.nodes} == {"Paper"}
    assert "Paper:stub:1" in s.nodes and {k for _, _, k in s.edges} == {"CITES", "BUILDS_ON"}


def test_select_unknown_type(g):
    with pytest.raises(ViewError, match="unknown node type"):
        select(g, types=["Gadget"])


def test_select_min_papers(g):
    s = select(g, min_papers=3)
    ents = [n for n in s.nodes if n.split(":")[0] in ("Method", "Dataset", "Metric", "Task", "Hardware")]
    assert set(ents) == {"Method:resnet", "Method:vit", "Dataset:imagenet", "Metric:top-1 accuracy",
                         "Task:image classification"}


def test_select_empty_after_filters(g):
    with pytest.raises(ViewError, match="nothing left"):
        select(g, types=["Hardware"], min_papers=100)


def test_cut_to_max_nodes_keeps_most_connected_and_notes(g):
    s = select(g, max_nodes=5)
    assert len(s.nodes) == 5
    assert s.omitted_nodes == g.number_of_nodes() - 5
    assert "Method:resnet" in s.nodes and "Dataset:imagenet" in s.nodes
    assert "left out" in s.note and f"{s.omitted_nodes:,} nodes" in s.note


def test_cut_keeps_center(g):
    s = select(g, center="F1", hops=3, max_nodes=3)
    assert s.nodes[0] == "Metric:f1" and len(s.nodes) == 3


def test_empty_graph():
    with pytest.raises(ViewError, match="empty"):
        select(nx.MultiDiGraph())


# ---- render ----

def test_render_returns_counts_and_writes_one_offline_file(g, tmp_path):
    out = tmp_path / "v.html"
    info = render(g, out)
    assert info["nodes"] == g.number_of_nodes() and info["edges"] == g.number_of_edges()
    assert info["omitted_nodes"] == 0 and info["note"] == ""
    html = out.read_text(encoding="utf-8")
    # no external script/link/img sources; everything inlined
    assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)\s*=\s*["\']?(https?:)?//', html, re.I)
    assert not re.search(r"<script[^>]+src=", html, re.I)
    assert "<link" not in html
    for bad in ("bootstrap", "tom-select", "cdn.jsdelivr", "cdnjs", "unpkg"):
        assert bad not in html.lower()
    assert "Content-Security-Policy" in html and "default-src 'none'" in html.replace("&#x27;", "'")
    data = _payload(out)
    assert len(data["nodes"]) == info["nodes"] and len(data["edges"]) == info["edges"]
    assert all("x" in n and "y" in n for n in data["nodes"])  # precomputed positions
    assert data["options"]["physics"]["enabled"] is False


def test_render_note_in_page_and_dict(g, tmp_path):
    out = tmp_path / "v.html"
    info = render(g, out, max_nodes=6)
    assert info["nodes"] == 6 and info["omitted_nodes"] > 0 and "left out" in info["note"]
    text = out.read_text(encoding="utf-8")
    assert 'id="kg-note"' in text and "left out" in text


def test_render_center_title_and_error(g, tmp_path):
    info = render(g, tmp_path / "r.html", center="resnet", hops=1)
    assert info["center"] == "Method:resnet" and info["nodes"] == 6
    assert "<title>ResNet \u2014 1-hop neighbourhood</title>" in (tmp_path / "r.html").read_text(encoding="utf-8")
    with pytest.raises(ViewError):
        render(g, tmp_path / "x.html", center="no such thing at all")
    assert not (tmp_path / "x.html").exists()


def test_hostile_text_is_escaped(g, tmp_path):
    out = tmp_path / "v.html"
    render(g, out, title="<script>alert(1)</script>")
    html = out.read_text(encoding="utf-8")
    assert "</script><script>window.__pwned" not in html
    assert '<img src=x onerror' not in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "\u2028" not in html and "\u2029" not in html
    data = _payload(out)  # still round-trips to the exact original text
    assert data["details"]["Paper:evil"]["abstract"].startswith("We show that </script><script>")
    assert data["details"]["Paper:evil"]["links"] == []  # javascript: URL dropped
    # exactly one data block: the abstract did not close it early
    assert html.count('id="kg-data"') == 1


def test_json_for_script():
    s = json_for_script({"a": "</script><!-- \u2028\u2029 & <b>"})
    assert "<" not in s and ">" not in s and "&" not in s and "\u2028" not in s and "\u2029" not in s
    assert json.loads(s) == {"a": "</script><!-- \u2028\u2029 & <b>"}


def test_highlight_offsets_and_fallback():
    s = "We train ResNet on ImageNet."
    assert highlight(s, 9, 15, "ResNet") == ["We train ", "ResNet", " on ImageNet."]
    # offsets relative to something else: fall back to finding the text
    assert highlight(s, 100, 106, "ImageNet") == ["We train ResNet on ", "ImageNet", "."]
    assert highlight(s, 0, 2, "imagenet")[1] == "ImageNet"
    assert highlight(s, None, None, "") == [s, "", ""]
    assert highlight("ÄÖ résumé ResNet", None, None, "resnet")[1] == "ResNet"


def test_paper_links():
    links = paper_links({"arxiv_id": "1512.03385", "doi": "10.1000/x y", "url": "javascript:alert(1)"})
    hrefs = [l["href"] for l in links]
    assert hrefs[0] == "https://arxiv.org/abs/1512.03385"
    assert hrefs[1].startswith("https://doi.org/10.1000/") and " " not in hrefs[1]
    assert len(hrefs) == 2
    assert paper_links({"arxiv_id": "\"><script>", "url": "https://example.org/p"}) == [
        {"label": "https://example.org/p", "href": "https://example.org/p"}]


def test_edge_evidence_in_payload(g, tmp_path):
    out = tmp_path / "v.html"
    render(g, out)
    data = _payload(out)
    ev = [e["kg"] for e in data["edges"] if e["from"] == "Paper:2103.00020" and e["to"] == "Hardware:a100"][0]
    assert ev["type"] == "RUNS_ON" and ev["count"] == 64
    assert ev["sentence"] == ["We train ResNet and ViT on 64 ", "A100", " GPUs"]


def test_big_graph_render_fast_enough(tmp_path):
    import time
    big = synthetic_graph(2000)
    t = time.perf_counter()
    info = render(big, tmp_path / "big.html", max_nodes=2000)
    assert info["nodes"] == 2000
    assert time.perf_counter() - t < 15
    info = render(big, tmp_path / "cut.html")
    assert info["nodes"] == 300 and info["omitted_nodes"] == 1700


# ---- site ----

def test_render_site(g, tmp_path):
    info = render_site(g, tmp_path / "site", per_type=2)
    site = tmp_path / "site"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert info["pages"] == sum(info["entities"].values()) == 10  # 2 per entity type
    for f in info["files"]:
        assert re.fullmatch(r"[a-z0-9-]+\.html", f)
        assert (site / f).exists()
        assert f'href="{f}"' in index
        page = (site / f).read_text(encoding="utf-8")
        assert 'src="assets/vis-network.min.js"' in page
        assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', page)
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', index)
    assert (site / "assets" / "vis-network.min.js").exists()
    assert "ResNet" in index and 'id="q"' in index


def test_slugify_safe_and_unique():
    taken: set[str] = set()
    a = slugify("Method:../../etc/passwd", taken)
    b = slugify("Method:..//etc/passwd", taken)
    c = slugify("Method:\u00fcber<script>", taken)
    d = slugify("Method:\u4e2d\u6587", taken)
    assert a == "method-etc-passwd.html" and b != a and b.startswith("method-etc-passwd-")
    assert c == "method-uber-script.html"
    assert re.fullmatch(r"[a-z0-9-]+\.html", d)
    assert XSS_ABSTRACT  # fixture text is shared with the browser tests
