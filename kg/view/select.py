"""Choosing what a view shows: fuzzy centre lookup, neighbourhood, filters, and the cut to max_nodes."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

from kg.errors import ViewError
from kg.graph.schema import ENTITY_LABELS, NODE_LABELS, split_node_id


def node_label(graph: nx.MultiDiGraph, nid: str) -> str:
    return graph.nodes[nid].get("label") or split_node_id(nid)[0]


def display_name(graph: nx.MultiDiGraph, nid: str) -> str:
    """Human-readable name of a node (entity name, paper title, result raw text, repo url)."""
    d = graph.nodes[nid]
    label = node_label(graph, nid)
    if label == "Paper":
        return str(d.get("title") or d.get("id") or d.get("key") or nid)
    if label == "Result":
        raw = d.get("raw")
        if raw:
            return str(raw)
        return " ".join(str(x) for x in (d.get("value"), d.get("unit")) if x not in (None, "")) or nid
    if label == "Repository":
        return str(d.get("url") or d.get("key") or nid)
    return str(d.get("name") or d.get("key") or nid)


def paper_count(graph: nx.MultiDiGraph, nid: str) -> int:
    """Number of papers an entity appears in (the `papers` attribute, else its Paper neighbours)."""
    d = graph.nodes[nid]
    if node_label(graph, nid) == "Paper":
        return 1
    p = d.get("papers")
    if isinstance(p, (int, float)) and not isinstance(p, bool):
        return int(p)
    neigh = set(graph.predecessors(nid)) | set(graph.successors(nid))
    return sum(1 for n in neigh if node_label(graph, n) == "Paper")


def _names(graph: nx.MultiDiGraph, nid: str) -> list[str]:
    """All strings a user may type to mean this node."""
    d = graph.nodes[nid]
    out = [nid, str(d.get("key") or "")]
    label = node_label(graph, nid)
    if label == "Paper":
        out += [str(d.get(k) or "") for k in ("title", "id", "arxiv_id", "doi")]
    else:
        out.append(display_name(graph, nid))
        aliases = d.get("aliases") or []
        if isinstance(aliases, str):
            aliases = [aliases]
        out += [str(a) for a in aliases]
    return [s.strip() for s in out if s and s.strip()]


def _describe(graph: nx.MultiDiGraph, nid: str) -> str:
    return f"{display_name(graph, nid)} [{nid}]"


def match_center(graph: nx.MultiDiGraph, query: str) -> str:
    """Resolve a user-typed name to one node id: exact > prefix > difflib close match.

    Raises ViewError (listing up to 5 candidates) when nothing matches or the match is ambiguous.
    """
    q = (query or "").strip().casefold()
    if not q:
        raise ViewError("empty centre name; give an entity name, paper title or node id")
    if query in graph:
        return query
    index: dict[str, set[str]] = {}
    for nid in graph.nodes:
        if node_label(graph, nid) not in ENTITY_LABELS and node_label(graph, nid) != "Paper":
            continue
        for s in _names(graph, nid):
            index.setdefault(s.casefold(), set()).add(nid)

    def rank(nids: set[str]) -> list[str]:
        return sorted(nids, key=lambda n: (-paper_count(graph, n), n))

    def ambiguous(nids: set[str], how: str) -> ViewError:
        shown = ", ".join(_describe(graph, n) for n in rank(nids)[:5])
        more = f" (and {len(nids) - 5} more)" if len(nids) > 5 else ""
        return ViewError(f"{query!r} is ambiguous ({how}): {shown}{more}; "
                         "repeat with a longer name or the node id in brackets")

    exact = index.get(q, set())
    if len(exact) == 1:
        return next(iter(exact))
    if exact:
        raise ambiguous(exact, "exact matches")
    prefix: set[str] = set()
    for s, nids in index.items():
        if s.startswith(q):
            prefix |= nids
    if len(prefix) == 1:
        return next(iter(prefix))
    if prefix:
        raise ambiguous(prefix, "prefix matches")
    keys = list(index)
    close = difflib.get_close_matches(q, keys, n=10, cutoff=0.8)
    close_nodes: list[str] = []
    for s in close:
        for n in rank(index[s]):
            if n not in close_nodes:
                close_nodes.append(n)
    if len(close_nodes) == 1:
        return close_nodes[0]
    if close_nodes:
        raise ambiguous(set(close_nodes), "close matches")
    loose = difflib.get_close_matches(q, keys, n=20, cutoff=0.5)
    loose += [s for s in keys if q in s and s not in loose]
    cands: list[str] = []
    for s in loose:
        for n in rank(index[s]):
            if n not in cands:
                cands.append(n)
    hint = ("; close names: " + ", ".join(_describe(graph, n) for n in cands[:5])) if cands else ""
    raise ViewError(f"no node matches {query!r}{hint}")


@dataclass
class Selection:
    nodes: list[str]
    edges: list[tuple[str, str, str]]
    center: str | None = None
    omitted_nodes: int = 0
    omitted_edges: int = 0
    omitted_by_label: dict[str, int] = field(default_factory=dict)
    note: str = ""


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def select(graph: nx.MultiDiGraph, center: str | None = None, hops: int = 1,
           types=None, min_papers: int = 0, max_nodes: int = 300) -> Selection:
    """Pick the nodes and edges of a view (see kg.view.render for the meaning of the arguments)."""
    if graph.number_of_nodes() == 0:
        raise ViewError("the graph is empty; build it first (kg build) before viewing")
    if max_nodes is None or max_nodes < 1:
        raise ViewError(f"max_nodes must be at least 1, got {max_nodes!r}")
    if hops is None or hops < 0:
        raise ViewError(f"hops must be 0 or more, got {hops!r}")
    allowed: set[str] | None = None
    if types:
        if isinstance(types, str):
            types = [t for t in types.replace(";", ",").split(",")]
        canon = {k.casefold(): k for k in NODE_LABELS}
        allowed = set()
        for t in types:
            t = str(t).strip()
            if not t:
                continue
            if t.casefold() not in canon:
                raise ViewError(f"unknown node type {t!r}; choose from {', '.join(NODE_LABELS)}")
            allowed.add(canon[t.casefold()])
        papers_asked = "Paper" in allowed
        allowed.add("Paper")
    else:
        papers_asked = True

    cid = match_center(graph, center) if center else None
    if cid is not None:
        cand = set(nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), cid,
                                                         cutoff=hops))
    else:
        cand = set(graph.nodes)

    def keep(n: str) -> bool:
        if n == cid:
            return True
        lab = node_label(graph, n)
        if allowed is not None and lab not in allowed:
            return False
        if min_papers and lab in ENTITY_LABELS and paper_count(graph, n) < min_papers:
            return False
        return True

    kept = {n for n in cand if keep(n)}
    # With filters on, Papers stay only if linked to a non-Paper node that stays (or are the centre),
    # so types=["Dataset"] shows papers with their datasets, not every paper of the citation graph;
    # types=["Paper", ...] (or only min_papers) also keeps papers linked to other papers.
    if allowed is not None or min_papers:
        def connected(n):
            return any(m in kept and m != n and (papers_asked or node_label(graph, m) != "Paper")
                       for m in (*graph.successors(n), *graph.predecessors(n)))
        kept = {n for n in kept if n == cid or node_label(graph, n) != "Paper" or connected(n)}
    if not kept:
        raise ViewError("nothing left to show after the filters (types/min_papers); loosen them")

    sub = graph.subgraph(kept)
    all_edges = [(u, v, k) for u, v, k in sub.edges(keys=True)]
    nodes = sorted(kept)
    omitted_by_label: Counter = Counter()
    if len(nodes) > max_nodes:
        deg = {n: len(set(sub.successors(n)) | set(sub.predecessors(n))) for n in nodes}
        order = sorted(nodes, key=lambda n: (n != cid, -deg[n], -paper_count(graph, n), n))
        chosen = set(order[:max_nodes])
        for n in order[max_nodes:]:
            omitted_by_label[node_label(graph, n)] += 1
        nodes = [n for n in order[:max_nodes]]
    else:
        chosen = kept
        order = nodes
    edges = [(u, v, k) for u, v, k in all_edges if u in chosen and v in chosen]
    sel = Selection(nodes=nodes, edges=edges, center=cid,
                    omitted_nodes=len(kept) - len(nodes), omitted_edges=len(all_edges) - len(edges),
                    omitted_by_label=dict(omitted_by_label))
    if sel.omitted_nodes:
        parts = ", ".join(f"{c:,} {lab}" for lab, c in sorted(omitted_by_label.items(), key=lambda x: -x[1]))
        sel.note = (f"Showing the {len(nodes):,} most connected of {len(kept):,} nodes; "
                    f"left out {_plural(sel.omitted_nodes, 'node')} ({parts}) and "
                    f"{_plural(sel.omitted_edges, 'edge')}. Raise max_nodes, narrow types or "
                    f"raise min_papers to see more.")
    return sel
