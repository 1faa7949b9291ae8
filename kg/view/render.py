"""Render a graph selection to one self-contained, offline HTML page (vis-network inlined).

Node/edge records are built with pyvis.network.Network; the page comes from kg/view/templates,
not from pyvis' template (which links Bootstrap and tom-select from a CDN).  All text from the
graph travels as JSON inside ``<script type="application/json">`` with ``<``, ``>``, ``&``,
U+2028 and U+2029 escaped, and the page script only ever puts it into the DOM via textContent.
"""

from __future__ import annotations

import html
import json
import re
import urllib.parse
from importlib import resources
from pathlib import Path

import networkx as nx
from pyvis.network import Network

from kg.errors import ViewError
from kg.view.layout import compute_positions
from kg.view.select import Selection, display_name, node_label, paper_count, select

TYPE_COLORS = {
    "Paper": "#4C78A8",
    "Method": "#F58518",
    "Dataset": "#54A24B",
    "Metric": "#B279A2",
    "Task": "#E45756",
    "Hardware": "#72B7B2",
    "Repository": "#9D755D",
    "Result": "#BAB0AC",
}
LABEL_MAX = 38
ABSTRACT_MAX = 700
CSP = ("default-src 'none'; script-src 'unsafe-inline'{extra}; style-src 'unsafe-inline'{extra}; "
       "img-src data:; font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'")


def _template(name: str) -> str:
    return resources.files("kg.view").joinpath("templates", name).read_text(encoding="utf-8")


def json_for_script(obj) -> str:
    """JSON safe to place inside a <script> element: no '<', '>', '&', U+2028/2029 left raw."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str)
    return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _short(s: str, n: int) -> str:
    s = re.sub(r"\s+", " ", s).strip()
    return s if len(s) <= n else s[: n - 1].rstrip() + "\u2026"


def _http(url) -> str | None:
    if isinstance(url, str) and re.match(r"^https?://[^\s<>\"']+$", url.strip(), re.I):
        return url.strip()
    return None


def paper_links(d: dict) -> list[dict]:
    links = []
    arx = str(d.get("arxiv_id") or "").strip()
    if arx and re.fullmatch(r"[A-Za-z.\-]*/?\d{4}\.?\d{3,5}(v\d+)?", arx):
        links.append({"label": f"arXiv:{arx}", "href": f"https://arxiv.org/abs/{arx}"})
    doi = str(d.get("doi") or "").strip()
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi, flags=re.I)
    if doi.startswith("10."):
        links.append({"label": f"doi:{doi}", "href": "https://doi.org/" + urllib.parse.quote(doi, safe="/:;()._-")})
    url = _http(d.get("url"))
    if url and all(url != l["href"] for l in links):
        links.append({"label": url, "href": url})
    return links


def highlight(sentence: str, start=None, end=None, text=None) -> list[str]:
    """Split an evidence sentence into [before, mention, after] (Python offsets, so no UTF-16 drift)."""
    sentence = sentence or ""
    text = text or ""
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(sentence):
        if not text or sentence[start:end].casefold() == text.casefold():
            return [sentence[:start], sentence[start:end], sentence[end:]]
    if text:
        i = sentence.casefold().find(text.casefold())
        if i >= 0 and len(sentence.casefold()) == len(sentence):
            return [sentence[:i], sentence[i:i + len(text)], sentence[i + len(text):]]
        if i >= 0:
            i = sentence.find(text)
            if i >= 0:
                return [sentence[:i], text, sentence[i + len(text):]]
    return [sentence, "", ""]


def _aliases(d: dict) -> list[str]:
    a = d.get("aliases") or []
    if isinstance(a, str):
        try:
            a = json.loads(a)
        except ValueError:
            a = [a]
    return [str(x) for x in a if str(x).strip()][:20]


def node_details(graph: nx.MultiDiGraph, nid: str) -> dict:
    d = graph.nodes[nid]
    label = node_label(graph, nid)
    out: dict = {"type": label, "name": display_name(graph, nid)}
    if label == "Paper":
        out["date"] = str(d.get("date") or "")
        out["pid"] = str(d.get("id") or d.get("key") or "")
        out["abstract"] = _short(str(d.get("abstract") or ""), ABSTRACT_MAX)
        out["links"] = paper_links(d)
        out["stub"] = bool(d.get("stub"))
    elif label == "Result":
        for k in ("value", "unit", "raw"):
            if d.get(k) not in (None, ""):
                out[k] = d.get(k) if isinstance(d.get(k), (int, float)) else str(d.get(k))
    elif label == "Repository":
        url = _http(d.get("url"))
        out["links"] = [{"label": url, "href": url}] if url else []
    else:
        out["aliases"] = _aliases(d)
        out["papers"] = paper_count(graph, nid)
    return out


def _vis_options(n_nodes: int) -> dict:
    big = n_nodes > 500
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 42},
        "nodes": {
            "shape": "dot",
            "borderWidth": 1.5,
            "scaling": {"min": 7, "max": 40,
                        "label": {"enabled": True, "min": 14, "max": 28, "drawThreshold": 6, "maxVisible": 36}},
            "font": {"face": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "color": "#1f2933",
                     "strokeWidth": 3, "strokeColor": "#ffffff"},
        },
        "edges": {
            "smooth": False,
            "width": 1,
            "selectionWidth": 2,
            "hoverWidth": 1.5,
            "color": {"color": "#9aa5b1", "highlight": "#1f2933", "hover": "#3e4c59", "opacity": 0.55},
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "font": {"size": 11, "color": "#3e4c59", "strokeWidth": 3, "strokeColor": "#ffffff", "align": "middle"},
        },
        "physics": {"enabled": False, "solver": "barnesHut",
                    "barnesHut": {"gravitationalConstant": -4000, "springLength": 120, "damping": 0.3},
                    "stabilization": {"enabled": True, "iterations": 150, "fit": False}},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "navigationButtons": False, "keyboard": False},
    }


def build_payload(graph: nx.MultiDiGraph, sel: Selection, title: str, pages: dict | None = None) -> dict:
    pos = compute_positions(sel.nodes, [(u, v) for u, v, _ in sel.edges])
    net = Network(directed=True)
    ids = set(sel.nodes)
    net.get_nodes = lambda: ids  # pyvis scans a list per add_edge; a set keeps 2,000-node views fast
    details = {}
    type_counts: dict[str, int] = {}
    for nid in sel.nodes:
        lab = node_label(graph, nid)
        type_counts[lab] = type_counts.get(lab, 0) + 1
        det = node_details(graph, nid)
        details[nid] = det
        color = TYPE_COLORS.get(lab, "#888888")
        x, y = pos[nid]
        value = 1 if lab in ("Paper", "Result", "Repository") else max(1, det.get("papers", 1))
        net.add_node(nid, label=_short(det["name"], LABEL_MAX), shape="dot", x=x, y=y, value=value,
                     kgType=lab, borderWidth=3 if nid == sel.center else 1.5,
                     color={"background": color, "border": "#1f2933" if nid == sel.center else color,
                            "highlight": {"background": color, "border": "#1f2933"},
                            "hover": {"background": color, "border": "#1f2933"}})
    for i, (u, v, k) in enumerate(sel.edges):
        d = graph.edges[u, v, k]
        rel = str(d.get("type") or k)
        ev = {"type": rel}
        if d.get("sentence"):
            ev["sentence"] = highlight(str(d["sentence"]), d.get("start"), d.get("end"),
                                       str(d.get("text") or ""))
        for f in ("field", "extractor", "count", "via", "text"):
            if d.get(f) not in (None, ""):
                ev[f] = d[f] if isinstance(d[f], (int, float)) else str(d[f])
        net.add_edge(u, v, id=f"e{i}", kgType=rel, kg=ev)
    types = [{"label": lab, "color": TYPE_COLORS.get(lab, "#888888"), "count": c}
             for lab, c in sorted(type_counts.items(), key=lambda x: list(TYPE_COLORS).index(x[0])
                                  if x[0] in TYPE_COLORS else 99)]
    return {
        "title": title,
        "center": sel.center,
        "note": sel.note,
        "nodes": net.nodes,
        "edges": net.edges,
        "details": details,
        "types": types,
        "options": _vis_options(len(sel.nodes)),
        "pages": pages or {},
    }


_MARK = re.compile(r"/\*@@(\w+)@@\*/")


def fill(template: str, values: dict[str, str]) -> str:
    """One-pass placeholder substitution, so text inserted for one marker is never re-scanned."""
    return _MARK.sub(lambda m: values[m.group(1)], template)


def page_html(payload: dict, assets: str | None = None, home: str | None = None) -> str:
    """The page; `assets` = relative folder holding shared JS/CSS (site mode), else all inlined."""
    if assets is None:
        inline = {name: _template(name) for name in ("view.css", "vis-network.min.js", "view.js")}
        for name, text in inline.items():
            _check_assets(text, name)
        css = "<style>" + inline["view.css"] + "</style>"
        scripts = ("<script>" + inline["vis-network.min.js"] + "</script>\n<script>"
                   + inline["view.js"] + "</script>")
        csp = CSP.format(extra="")
    else:
        css = f'<link rel="stylesheet" href="{html.escape(assets)}/view.css">'
        scripts = (f'<script src="{html.escape(assets)}/vis-network.min.js"></script>\n'
                   f'<script src="{html.escape(assets)}/view.js"></script>')
        csp = CSP.format(extra=" 'self' file:")
    home_link = (f'<a class="kg-home" href="{html.escape(home)}">&larr; index</a>' if home else "")
    note = payload.get("note") or ""
    return fill(_template("view.html"), {
        "CSP": html.escape(csp),
        "TITLE": html.escape(payload["title"]),
        "CSS": css,
        "HOME": home_link,
        "NOTE": f'<div id="kg-note" class="kg-note">{html.escape(note)}</div>' if note else "",
        "STATS": html.escape(f'{len(payload["nodes"]):,} nodes \u00b7 {len(payload["edges"]):,} edges'),
        "DATA": json_for_script(payload),
        "SCRIPTS": scripts,
    })


def _check_assets(text: str, name: str) -> None:
    if re.search(r"</(script|style)", text, re.I):
        raise ViewError(f"vendored asset {name} contains a closing tag and cannot be inlined")


def render(graph: nx.MultiDiGraph, out_path, center=None, hops: int = 1, types=None, min_papers: int = 0,
           max_nodes: int = 300, title=None, *, _assets: str | None = None, _home: str | None = None,
           _pages: dict | None = None) -> dict:
    """Write one self-contained interactive HTML view of `graph`.

    center: name/alias/title/id to centre on (fuzzy; ViewError if unknown or ambiguous), with `hops`.
    types: entity labels to keep (Papers kept when connected); min_papers: drop rarer entities;
    max_nodes: cut to the most connected nodes, with a note saying what was left out.
    Returns {"nodes", "edges", "omitted_nodes", "note", "path", "center"}.
    """
    sel = select(graph, center=center, hops=hops, types=types, min_papers=min_papers, max_nodes=max_nodes)
    if title is None:
        title = (f"{display_name(graph, sel.center)} \u2014 {hops}-hop neighbourhood" if sel.center
                 else "Knowledge graph")
    payload = build_payload(graph, sel, str(title), pages=_pages)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page_html(payload, assets=_assets, home=_home), encoding="utf-8")
    return {"nodes": len(sel.nodes), "edges": len(sel.edges), "omitted_nodes": sel.omitted_nodes,
            "note": sel.note, "path": str(out), "center": sel.center}
