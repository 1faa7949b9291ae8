"""Does the graph keep what matters? Recall of SciREX's salient entities as graph links, and of
the contributions papers name as PROPOSES edges.

SciREX marks each paper's main (salient) entities as clusters of mention strings per type. Of the
clusters with a mention in the paper's title or abstract, we count those that the graph links to the
paper: some node of the same type, with an edge from the paper, whose name or one of whose aliases
equals one of the cluster's strings after the official scorer's normalisation. This is what a node
policy must not lose while it drops generic phrases (``kg audit salient``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import networkx as nx

from .errors import InputError
from .evaluate import norm  # the official scorer's normalisation
from .graph.schema import node_id

TYPES = ("Method", "Dataset", "Metric", "Task")


def _in_text(mention: str, text: str) -> bool:
    m = norm(mention)
    return bool(m) and f" {m} " in f" {text} "


def read_gold(path: str | Path) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                out.append({"id": str(rec["id"]), "text": f"{rec.get('title') or ''} {rec.get('abstract') or ''}",
                            "salient": rec.get("salient") or {}})
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(f"{path}:{i}: not a SciREX-style gold record with id and salient ({exc})") from None
    return out


def _linked_names(g: nx.MultiDiGraph, paper_id: str) -> dict[str, set[str]]:
    """Normalised names and aliases of the entity nodes the paper links to, per type."""
    pid = node_id("Paper", paper_id)
    names: dict[str, set[str]] = defaultdict(set)
    if pid not in g:
        return names
    for _, dst in g.out_edges(pid):
        d = g.nodes[dst]
        if d.get("label") in TYPES:
            for s in [d.get("name") or "", *(d.get("aliases") or [])]:
                names[d["label"]].add(norm(s))
    return names


def salient_recall(gold: list[dict], g: nx.MultiDiGraph) -> dict[str, dict]:
    """Per type: salient clusters in title/abstract, how many the graph links, and the share."""
    counts = {t: [0, 0] for t in TYPES}
    missed: dict[str, list[str]] = defaultdict(list)
    for rec in gold:
        text = norm(" ".join(rec["text"].split()))
        linked = _linked_names(g, rec["id"])
        for t in TYPES:
            for cluster in rec["salient"].get(t, []):
                if not any(_in_text(m, text) for m in cluster):
                    continue
                counts[t][0] += 1
                if any(norm(m) in linked.get(t, ()) for m in cluster):
                    counts[t][1] += 1
                else:
                    missed[t].append(min(cluster, key=len))
    out = {}
    for t, (n, hit) in counts.items():
        out[t] = {"clusters": n, "linked": hit, "recall": round(hit / n, 3) if n else 0.0, "missed": missed[t]}
    return out


def read_proposals(path: str | Path) -> list[dict]:
    """Papers labelled with the name of their own contribution (TSV with columns id, own_name; names of
    one paper joined by " | "; an empty own_name: the paper names none)."""
    import csv

    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        if not reader.fieldnames or not {"id", "own_name"} <= set(reader.fieldnames):
            raise InputError(f"{path}: needs the columns id and own_name (tab-separated, with a header row)")
        return [{"id": r["id"], "names": [n.strip() for n in (r["own_name"] or "").split("|") if n.strip()]}
                for r in reader]


def proposes_recall(labels: list[dict], g: nx.MultiDiGraph) -> dict:
    """Of the papers that name their own contribution, how many have a PROPOSES edge to a node whose
    name or an alias is one of those names (the scorer's normalisation); the misses are listed."""
    named = [r for r in labels if r["names"] and node_id("Paper", r["id"]) in g]
    hit, missed = 0, []
    for r in named:
        pid = node_id("Paper", r["id"])
        targets: set[str] = set()
        if pid in g:
            for _, dst, key in g.out_edges(pid, keys=True):
                if key == "PROPOSES":
                    d = g.nodes[dst]
                    targets.update(norm(s) for s in [d.get("name") or "", *(d.get("aliases") or [])])
        if any(norm(n) in targets for n in r["names"]):
            hit += 1
        else:
            missed.append(f"{r['id']}: {r['names'][0]}")
    papers = sum(1 for r in labels if node_id("Paper", r["id"]) in g)
    return {"papers": papers, "naming": len(named), "proposes": hit,
            "recall": round(hit / len(named), 3) if named else 0.0, "missed": missed}
