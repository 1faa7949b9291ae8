"""Questions answered on the embedded graph: leaderboards and trends."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from .errors import KgError
from .graph.schema import entity_key


def find_entity(g: nx.MultiDiGraph, label: str, name: str) -> str:
    """Node id of the entity with this name or alias (case-insensitive)."""
    from .extract.resolve import canonical_name

    for candidate in (name, canonical_name(label, name)):
        if f"{label}:{entity_key(candidate)}" in g:
            return f"{label}:{entity_key(candidate)}"
    key = entity_key(name)
    for n, d in g.nodes(data=True):
        if d.get("label") == label and key in {entity_key(a) for a in d.get("aliases", [])}:
            return n
    names = sorted(d.get("name", "") for _, d in g.nodes(data=True) if d.get("label") == label)
    close = [x for x in names if key[:3] in x.lower()][:8]
    raise KgError(f"no {label} named {name!r}" + (f"; did you mean: {', '.join(close)}" if close else ""))


def leaderboard(g: nx.MultiDiGraph, dataset: str, metric: str) -> list[dict]:
    ds, mt = find_entity(g, "Dataset", dataset), find_entity(g, "Metric", metric)
    rows = []
    for rid in g.predecessors(ds):
        d = g.nodes[rid]
        if d.get("label") != "Result" or not g.has_edge(rid, mt, key="OF"):
            continue
        paper = next((p for p in g.predecessors(rid) if g.nodes[p].get("label") == "Paper"), None)
        method = next((g.nodes[t].get("name") for _, t, k in g.out_edges(rid, keys=True) if k == "FOR"), None)
        rows.append({"value": d.get("value"), "unit": d.get("unit", ""), "method": method,
                     "paper": g.nodes[paper].get("key") if paper else None,
                     "title": g.nodes[paper].get("title") if paper else None, "raw": d.get("raw"),
                     "lower_is_better": d.get("lower_is_better")})
    lower = any(r["lower_is_better"] for r in rows)
    rows.sort(key=lambda r: (r["value"] if lower else -r["value"]))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return rows


def trends(g: nx.MultiDiGraph, label: str) -> list[dict]:
    months: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    first: dict[str, str] = {}
    for n, d in g.nodes(data=True):
        if d.get("label") != label:
            continue
        for p in g.predecessors(n):
            date = g.nodes[p].get("date")
            if g.nodes[p].get("label") != "Paper" or not date:
                continue
            month = str(date)[:7]
            months[d["name"]][month] += 1
            first[d["name"]] = min(first.get(d["name"], str(date)), str(date))
    rows = []
    for name in sorted(months, key=lambda x: (first[x], x)):
        for month in sorted(months[name]):
            rows.append({"entity": name, "month": month, "papers": months[name][month], "first_seen": first[name]})
    return rows
