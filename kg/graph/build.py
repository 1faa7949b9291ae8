"""Build the networkx graph from papers and their extraction records.

Deterministic: the same (paper, record) pairs in any order give the same graph, which is what
makes an incremental ``kg build`` equal to a full rebuild.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator

import networkx as nx

from ..models import Paper
from .canon import Canon
from .schema import ENTITY_LABELS, ENTITY_REL, entity_key, node_id

log = logging.getLogger("kg.graph")

EVIDENCE_KEYS = ("text", "field", "start", "end", "sentence", "sentence_start", "confidence", "extractor",
                 "mentions", "count", "counts", "amount", "amount_unit")


def _paper_ids(paper: Paper) -> list[str]:
    """Every id a corpus paper is known by (citations to any of them resolve to its node)."""
    ids = [paper.id, *(paper.aliases or [])]
    if paper.arxiv_id:
        ids.append(f"arxiv:{paper.arxiv_id}")
    if paper.doi:
        ids.append(f"doi:{paper.doi.lower()}")
    return ids


def iter_graph(pairs: Callable[[], Iterable[tuple[Paper, dict]]], *, keep_generic: bool = False) -> Iterator[tuple]:
    """The graph as a stream of elements: ``("node", id, attrs)`` and ``("edge", u, v, key, attrs)``.

    ``pairs()`` must return a fresh iterable of (paper, record) sorted by paper id each time it is
    called; it is read twice (pass 1: corpus-wide aliases, paper ids and BUILDS_ON statistics; pass 2:
    everything else), so a store can stream its records instead of holding them. Memory is the
    per-entity aggregates, not the edges: those are yielded as they are made. A node may be yielded
    before or after its edges; each node and each (u, v, key) edge is yielded once.
    ``keep_generic`` keeps the mentions flagged generic as nodes (``kg build --keep-generic``).
    """
    from . import links

    canon, known, builds = Canon(), {}, links.BuildsOn()
    for paper, rec in pairs():  # pass 1
        canon.add(rec, keep_generic)
        builds.add(rec)
        for alias in _paper_ids(paper):
            known.setdefault(alias, node_id("Paper", paper.id))
    canon.finish()
    resolve = canon.resolve
    corpus = set(known.values())

    names: dict[str, Counter] = defaultdict(Counter)
    surfaces: dict[str, set[str]] = defaultdict(set)
    n_papers: Counter = Counter()
    stubs: dict[str, dict] = {}
    repos: set[str] = set()
    results: list[tuple[str, dict, list[tuple[str, str]]]] = []

    for paper, rec in pairs():  # pass 2
        pid = node_id("Paper", paper.id)
        props = {k: v for k, v in paper.to_dict().items() if k not in ("references", "source") and v not in (None, [], "")}
        props.pop("id", None)
        yield ("node", pid, {"label": "Paper", "key": paper.id, "id": paper.id, "stub": False, **props})
        for e in rec.get("entities", []):
            if (e.get("generic") and not keep_generic) or e["type"] not in ENTITY_LABELS:
                continue
            label, name = resolve(e["type"], e["name"])
            nid = node_id(label, entity_key(name))
            names[nid][name] += 1
            surfaces[nid].update((e["text"], e["name"]))
        targets: set[tuple[str, str]] = set()
        counted: set[str] = set()
        shared: dict[str, str] = {}  # one string object per distinct evidence sentence of this paper
        for nid, rel, r, name in _paper_relations(rec, resolve, keep_generic):
            names[nid][name] += 0  # make sure the node exists even if all mentions were aliases
            if nid not in counted:
                counted.add(nid)
                n_papers[nid] += 1
            if (nid, rel) in targets:
                continue
            targets.add((nid, rel))
            attrs = {k: r[k] for k in EVIDENCE_KEYS if k in r and r[k] is not None}
            if "sentence" in attrs:
                attrs["sentence"] = shared.setdefault(attrs["sentence"], attrs["sentence"])
            yield ("edge", pid, nid, rel, attrs)
        cites: list[tuple[str, dict]] = []
        for c in links.citations(paper):
            tid = known.get(c["id"], node_id("Paper", c["id"]))
            if tid == pid:
                continue
            if tid not in corpus and tid not in stubs:
                stubs[tid] = {"label": "Paper", "key": c["id"], "id": c["id"], "stub": True,
                              **({"title": c["title"]} if c.get("title") else {})}
            cites.append((tid, {"type": "CITES", "evidence": c.get("evidence") or ""}))
        yield from _last_wins(pid, "CITES", cites)
        code: list[tuple[str, dict]] = []
        for link in links.code_links(paper):
            rid = node_id("Repository", link["url"])
            if rid not in repos:
                repos.add(rid)
                yield ("node", rid, {"label": "Repository", "key": link["url"], "url": link["url"]})
            code.append((rid, {"type": "HAS_CODE", "sentence": link.get("evidence") or ""}))
        yield from _last_wins(pid, "HAS_CODE", code)
        built: list[tuple[str, dict]] = []
        for b in builds.links(rec):
            dst = node_id("Paper", b["dst"])
            if dst in corpus and dst != pid:
                built.append((dst, {"type": "BUILDS_ON", "via": b["via"], "sentence": b.get("evidence") or ""}))
        yield from _last_wins(pid, "BUILDS_ON", built)
        yield from _result_edges(paper, rec, canon, results)

    yield from (("node", tid, attrs) for tid, attrs in stubs.items())
    final: dict[str, str] = {}
    for nid, counter in names.items():
        label, key = nid.split(":", 1)
        name = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        final[nid] = name
        yield ("node", nid, {"label": label, "key": key, "name": name,
                             "aliases": sorted(s for s in surfaces[nid] if s != name), "papers": n_papers[nid]})
    for rid, props, slots in results:  # result nodes carry the final names of their targets
        for slot, tid, name in slots:
            if tid not in final:
                final[tid] = name
                label, key = tid.split(":", 1)
                yield ("node", tid, {"label": label, "key": key, "name": name, "aliases": [], "papers": 0})
            props[slot] = final[tid]
        yield ("node", rid, props)


def _paper_relations(rec: dict, resolve, keep_generic: bool) -> list[tuple[str, str, dict, str]]:
    """(node id, relationship type, relation, entity name) of one paper's relations, each to the node of
    its resolved entity; the type follows the node's label (a Method resolved to a Task is ADDRESSED),
    and a paper that proposes an entity does not also use it (two of its names may resolve to one)."""
    rels = list(rec.get("relations", []))
    if keep_generic:  # generic mentions have no relation of their own in the record
        seen = {(r["target_type"], r["target"]) for r in rels}
        for e in rec.get("entities", []):
            if e.get("generic") and e["type"] in ENTITY_LABELS and (e["type"], e["name"]) not in seen:
                seen.add((e["type"], e["name"]))
                rels.append({"type": ENTITY_REL[e["type"]], "target_type": e["type"], "target": e["name"],
                             **{k: e[k] for k in ("text", "field", "start", "end", "confidence") if k in e}})
    out = []
    for r in rels:
        label, name = resolve(r["target_type"], r["target"])
        rel = "PROPOSES" if r["type"] == "PROPOSES" and label == "Method" else ENTITY_REL[label]
        out.append((node_id(label, entity_key(name)), rel, r, name))
    proposed = {nid for nid, rel, _, _ in out if rel == "PROPOSES"}
    return [x for x in out if not (x[1] == "USES" and x[0] in proposed)]


def _last_wins(src: str, rel: str, targets: Iterable[tuple[str, dict]]) -> Iterator[tuple]:
    """``rel`` edges from ``src`` to each target; for a target named twice the last attributes win (in
    the place it was first named), as networkx ``add_edge`` would do for a repeated (u, v, key)."""
    for dst, attrs in dict(targets).items():
        yield ("edge", src, dst, rel, attrs)


def _result_edges(paper: Paper, rec: dict, canon: Canon, results: list) -> Iterator[tuple]:
    """REPORTS/ON/OF/FOR edges of one paper's results; the Result nodes go to ``results`` (their
    slot properties need the final entity names, known only at the end). A slot names an entity of
    the graph or a specific one (the node policy), never a node of its own for "loss"."""
    from ..extract.resolve import canonical_name
    from ..extract.specific import judge

    pid = node_id("Paper", paper.id)
    for i, res in enumerate(rec.get("results", [])):
        if res.get("value") is None:
            continue
        rkey = f"{paper.id}#r{i}"
        rid = node_id("Result", rkey)
        props = {"label": "Result", "key": rkey, "id": rkey, "paper": paper.id}
        props.update({k: res[k] for k in ("value", "unit", "raw", "kind", "lower_is_better", "field", "start", "end")
                      if res.get(k) is not None})
        yield ("edge", pid, rid, "REPORTS", {"type": "REPORTS", "sentence": res.get("raw", "")})
        slots, edges = [], {}
        for slot, label, rel in (("dataset", "Dataset", "ON"), ("metric", "Metric", "OF"), ("method", "Method", "FOR")):
            surface = res.get(slot)
            if not surface:
                continue
            name = canonical_name(label, surface)
            name = judge(label, name)[1] or name  # "PPO algorithm" is the entity PPO, as in the mentions
            node_label, name = canon.resolve(label, name)
            if node_label != label or not canon.is_entity(label, name):
                continue  # of another type ("ResNet152" as a dataset), or no entity ("loss")
            tid = node_id(node_label, entity_key(name))
            slots.append((slot, tid, name))
            edges[(tid, rel)] = {"type": rel, "text": surface}
        for (tid, rel), attrs in edges.items():
            yield ("edge", rid, tid, rel, attrs)
        results.append((rid, props, slots))


def build_graph(items) -> nx.MultiDiGraph:
    """The networkx graph of (paper, record) pairs: a list, or a callable returning a fresh iterable
    sorted by paper id (see :func:`iter_graph`)."""
    if callable(items):
        source = items
    else:
        pairs = sorted(items, key=lambda pr: pr[0].id)
        source = lambda: pairs  # noqa: E731
    return graph_from_elements(iter_graph(source))


def graph_from_elements(elements: Iterable[tuple]) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for el in elements:
        if el[0] == "node":
            g.add_node(el[1], **el[2])
        else:
            _, u, v, key, attrs = el
            g.add_edge(u, v, key=key, **({"type": key} | attrs))
    return g


def summary(g: nx.MultiDiGraph) -> dict:
    labels = Counter(d.get("label") for _, d in g.nodes(data=True))
    rels = Counter(k for _, _, k in g.edges(keys=True))
    return {"nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
            "labels": dict(sorted(labels.items())), "relationships": dict(sorted(rels.items()))}
