"""A small static site: index.html of the top entities per type + one neighbourhood page each."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from pathlib import Path

import networkx as nx

from kg.errors import ViewError
from kg.graph.schema import ENTITY_LABELS
from kg.view.render import CSP, TYPE_COLORS, _template, fill, json_for_script, render
from kg.view.select import display_name, node_label, paper_count

ASSETS = "assets"
PAGE_MAX_NODES = 150
PAGE_HOPS = 2  # the papers and what those papers also mention


def slugify(nid: str, taken: set[str]) -> str:
    """Safe file name for a node page: ascii [a-z0-9-], bounded length, unique, never hidden or a path."""
    s = unicodedata.normalize("NFKD", nid).encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")[:60].strip("-") or "node"
    name = s
    if name in taken or name == "index":
        name = f"{s}-{hashlib.sha1(nid.encode('utf-8')).hexdigest()[:8]}"
    taken.add(name)
    return name + ".html"


def top_entities(graph: nx.MultiDiGraph, per_type: int) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for lab in ENTITY_LABELS:
        nids = [n for n in graph.nodes if node_label(graph, n) == lab]
        nids.sort(key=lambda n: (-paper_count(graph, n), display_name(graph, n).casefold(), n))
        if nids:
            out[lab] = nids[:per_type]
    return out


def render_site(graph: nx.MultiDiGraph, out_dir, per_type: int = 25) -> dict:
    """Write out_dir/index.html plus one offline page per top entity (per_type per entity type).

    Pages share out_dir/assets/ (vis-network + the viewer script/CSS) rather than inlining 0.5 MB each.
    Returns {"pages", "index", "entities": {label: n}, "out_dir"}.
    """
    if per_type < 1:
        raise ViewError(f"per_type must be at least 1, got {per_type}")
    top = top_entities(graph, per_type)
    if not top:
        raise ViewError("the graph has no Method/Dataset/Metric/Task/Hardware nodes to build a site from")
    out = Path(out_dir)
    (out / ASSETS).mkdir(parents=True, exist_ok=True)
    for name in ("vis-network.min.js", "view.js", "view.css"):
        (out / ASSETS / name).write_text(_template(name), encoding="utf-8")
    taken: set[str] = set()
    pages = {nid: slugify(nid, taken) for lab in top for nid in top[lab]}
    rows = []
    for lab, nids in top.items():
        for nid in nids:
            info = render(graph, out / pages[nid], center=nid, hops=PAGE_HOPS, max_nodes=PAGE_MAX_NODES,
                          title=f"{display_name(graph, nid)} ({lab})", _assets=ASSETS, _home="index.html",
                          _pages=pages)
            rows.append((lab, nid, info))
    sections = []
    for lab, nids in top.items():
        items = []
        for nid in nids:
            d = graph.nodes[nid]
            aliases = d.get("aliases") or []
            if isinstance(aliases, str):
                aliases = [aliases]
            search_text = " ".join([display_name(graph, nid)] + [str(a) for a in aliases]).lower()
            items.append(
                f'<li data-search="{html.escape(search_text)}"><a href="{html.escape(pages[nid])}">'
                f'{html.escape(display_name(graph, nid))}</a> <span class="n">'
                f'{paper_count(graph, nid):,} papers</span></li>')
        sections.append(
            f'<section data-type="{html.escape(lab)}"><h2><span class="sw" style="background:'
            f'{TYPE_COLORS.get(lab, "#888")}"></span>{html.escape(lab)}</h2><ol>{"".join(items)}</ol></section>')
    stats = {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(), "pages": len(pages)}
    index_html = fill(_template("site_index.html"), {
        "CSP": html.escape(CSP.format(extra="")),
        "SECTIONS": "\n".join(sections),
        "STATS": html.escape(f'{stats["nodes"]:,} nodes \u00b7 {stats["edges"]:,} edges \u00b7 '
                             f'{stats["pages"]:,} entity pages'),
        "DATA": json_for_script(stats),
    })
    (out / "index.html").write_text(index_html, encoding="utf-8")
    return {"pages": len(pages), "index": str(out / "index.html"), "out_dir": str(out),
            "entities": {lab: len(n) for lab, n in top.items()}, "files": sorted(pages.values())}
