"""Build the networkx graph from papers and their extraction records.

Deterministic: the same (paper, record) pairs in any order give the same graph, which is what
makes an incremental ``kg build`` equal to a full rebuild.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable

import networkx as nx

from ..models import Paper
from .schema import ENTITY_LABELS, entity_key, node_id

log = logging.getLogger("kg.graph")

EVIDENCE_KEYS = ("text", "field", "start", "end", "sentence", "sentence_start", "confidence", "extractor",
                 "mentions", "count", "counts", "amount", "amount_unit")


def _alias_map(records: list[dict]) -> dict[tuple[str, str], str]:
    """Corpus-wide aliases: a surface form that some paper tied to a canonical name (e.g. an acronym
    defined as "Differentiable Search Index (DSI)") resolves to that name in every paper,
    unless the surface form is ambiguous (tied to two different names)."""
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rec in records:
        for e in rec.get("entities", []):
            if e.get("generic"):
                continue
            if entity_key(e["text"]) != entity_key(e["name"]):
                seen[(e["type"], entity_key(e["text"]))].add(e["name"])
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


def build_graph(items: Iterable[tuple[Paper, dict]]) -> nx.MultiDiGraph:
    pairs = sorted(items, key=lambda pr: pr[0].id)
    records = [r for _, r in pairs]
    aliases = _alias_map(records)
    g = nx.MultiDiGraph()
    names: dict[str, Counter] = defaultdict(Counter)
    surfaces: dict[str, set[str]] = defaultdict(set)
    papers_of: dict[str, set[str]] = defaultdict(set)

    def resolve(type_: str, name: str) -> str:
        return aliases.get((type_, entity_key(name)), name)

    for paper, rec in pairs:
        pid = node_id("Paper", paper.id)
        props = {k: v for k, v in paper.to_dict().items() if k not in ("references", "source") and v not in (None, [], "")}
        props.pop("id", None)
        g.add_node(pid, label="Paper", key=paper.id, id=paper.id, stub=False, **props)
    for paper, rec in pairs:
        pid = node_id("Paper", paper.id)
        for e in rec.get("entities", []):
            if e.get("generic") or e["type"] not in ENTITY_LABELS:
                continue
            name = resolve(e["type"], e["name"])
            nid = node_id(e["type"], entity_key(name))
            names[nid][name] += 1
            surfaces[nid].add(e["text"])
        for r in rec.get("relations", []):
            name = resolve(r["target_type"], r["target"])
            nid = node_id(r["target_type"], entity_key(name))
            names[nid][name] += 0  # make sure the node exists even if all mentions were aliases
            papers_of[nid].add(paper.id)
            attrs = {k: r[k] for k in EVIDENCE_KEYS if k in r and r[k] is not None}
            if g.has_edge(pid, nid, key=r["type"]):
                continue
            g.add_edge(pid, nid, key=r["type"], type=r["type"], **attrs)
    for nid, counter in names.items():
        label, key = nid.split(":", 1)
        name = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        aliases_ = sorted(s for s in surfaces[nid] if s != name)
        g.add_node(nid, label=label, key=key, name=name, aliases=aliases_, papers=len(papers_of[nid]))
    _add_links(g, pairs, records)
    _add_results(g, pairs, resolve)
    return g


def _add_links(g: nx.MultiDiGraph, pairs: list[tuple[Paper, dict]], records: list[dict]) -> None:
    try:
        from . import links
    except ImportError:  # pragma: no cover - during development only
        return
    known = {}  # any id a corpus paper is known by -> its node
    for paper, _ in pairs:
        ids = [paper.id, *(paper.aliases or [])]
        if paper.arxiv_id:
            ids.append(f"arxiv:{paper.arxiv_id}")
        if paper.doi:
            ids.append(f"doi:{paper.doi.lower()}")
        for alias in ids:
            known.setdefault(alias, node_id("Paper", paper.id))
    for paper, _ in pairs:
        pid = node_id("Paper", paper.id)
        for c in links.citations(paper):
            tid = known.get(c["id"], node_id("Paper", c["id"]))
            if tid == pid:
                continue
            if tid not in g:
                g.add_node(tid, label="Paper", key=c["id"], id=c["id"], stub=True,
                           **({"title": c["title"]} if c.get("title") else {}))
            g.add_edge(pid, tid, key="CITES", type="CITES", evidence=c.get("evidence") or "")
        for link in links.code_links(paper):
            rid = node_id("Repository", link["url"])
            g.add_node(rid, label="Repository", key=link["url"], url=link["url"])
            g.add_edge(pid, rid, key="HAS_CODE", type="HAS_CODE", sentence=link.get("evidence") or "")
    for b in links.builds_on(records):
        src, dst = node_id("Paper", b["src"]), node_id("Paper", b["dst"])
        if src in g and dst in g and src != dst:
            g.add_edge(src, dst, key="BUILDS_ON", type="BUILDS_ON", via=b["via"], sentence=b.get("evidence") or "")


def _add_results(g: nx.MultiDiGraph, pairs: list[tuple[Paper, dict]], resolve) -> None:
    from ..extract.resolve import canonical_name

    for paper, rec in pairs:
        pid = node_id("Paper", paper.id)
        for i, res in enumerate(rec.get("results", [])):
            if res.get("value") is None:
                continue
            rkey = f"{paper.id}#r{i}"
            rid = node_id("Result", rkey)
            props = {k: res[k] for k in ("value", "unit", "raw", "kind", "lower_is_better", "field", "start", "end")
                     if res.get(k) is not None}
            g.add_node(rid, label="Result", key=rkey, id=rkey, paper=paper.id, **props)
            g.add_edge(pid, rid, key="REPORTS", type="REPORTS", sentence=res.get("raw", ""))
            for slot, label, rel in (("dataset", "Dataset", "ON"), ("metric", "Metric", "OF"), ("method", "Method", "FOR")):
                surface = res.get(slot)
                if not surface:
                    continue
                name = resolve(label, canonical_name(label, surface))
                tid = node_id(label, entity_key(name))
                if tid not in g:
                    g.add_node(tid, label=label, key=entity_key(name), name=name, aliases=[], papers=0)
                g.nodes[rid][slot] = g.nodes[tid]["name"]
                g.add_edge(rid, tid, key=rel, type=rel, text=surface)


def summary(g: nx.MultiDiGraph) -> dict:
    labels = Counter(d.get("label") for _, d in g.nodes(data=True))
    rels = Counter(k for _, _, k in g.edges(keys=True))
    return {"nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
            "labels": dict(sorted(labels.items())), "relationships": dict(sorted(rels.items()))}
