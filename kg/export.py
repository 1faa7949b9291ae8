"""Exports of the graph: GraphML, GEXF, node-link JSON, neo4j-admin CSV and a Cypher script.

GraphML/GEXF cannot hold lists or maps, so such values are JSON-encoded and the names of the
encoded attributes are recorded in the graph attribute ``kg_json_attrs``; :func:`read_graphml`
decodes them, so a GraphML export reads back into a graph equal to the original.
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from pathlib import Path

import networkx as nx

from .errors import KgError
from .store import NODE_LINK
from .graph.schema import NODE_LABELS, REL_TYPES, split_node_id

FORMATS = ("graphml", "gexf", "json", "csv", "cypher")


def _flatten(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    h = nx.MultiDiGraph()
    encoded: set[str] = set()

    def conv(d: dict) -> dict:
        out = {}
        for k, v in d.items():
            if v is None:
                continue
            if isinstance(v, (list, dict, tuple)):
                encoded.add(k)
                v = json.dumps(v, ensure_ascii=False, sort_keys=True)
            out[k] = v
        return out

    for n, d in g.nodes(data=True):
        h.add_node(n, **conv(d))
    for u, v, k, d in g.edges(keys=True, data=True):
        h.add_edge(u, v, key=k, **conv(d))
    h.graph["kg_json_attrs"] = json.dumps(sorted(encoded))
    return h


def _unflatten(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    names = set(json.loads(g.graph.pop("kg_json_attrs", "[]")))
    for _, d in list(g.nodes(data=True)) + [(None, d) for *_, d in g.edges(keys=True, data=True)]:
        for k in names & set(d):
            if isinstance(d[k], str):
                d[k] = json.loads(d[k])
    return g


def read_graphml(path: str) -> nx.MultiDiGraph:
    g = nx.read_graphml(path, force_multigraph=True)
    return _unflatten(nx.MultiDiGraph(g))


def read_json(path: str) -> nx.MultiDiGraph:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return nx.node_link_graph(data, directed=True, multigraph=True, **NODE_LINK)


def export(g: nx.MultiDiGraph, fmt: str, out: str) -> Path:
    path = Path(out)
    if fmt not in FORMATS:
        raise KgError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt != "csv":
        path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        nx.write_graphml(_flatten(g), path)
    elif fmt == "gexf":
        h = _flatten(g)
        for _, d in h.nodes(data=True):  # GEXF uses 'label' as the node's display label
            d["kg_label"] = d.pop("label", "")
            d["label"] = d.get("name") or d.get("title") or d.get("key", "")
        nx.write_gexf(h, path)
    elif fmt == "json":
        path.write_text(json.dumps(nx.node_link_data(g, **NODE_LINK), ensure_ascii=False, sort_keys=True))
    elif fmt == "csv":
        write_admin_csv(g, path)
    else:
        path.write_text(to_cypher(g), encoding="utf-8")
    return path


# -- neo4j-admin import CSV --------------------------------------------------------------------
def _csv_type(values: list) -> str:
    if all(isinstance(v, bool) for v in values):
        return "boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "long"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "double"
    if all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in values):
        return "string[]"
    return "string"


# Line breaks inside values become spaces, one for one (character offsets such as an edge's start/end
# into the abstract stay right): a CSV without multi-line fields lets neo4j-admin parse it in parallel
# (--multiline-fields=false, its default). The JSON and GraphML exports keep text exactly.
_NO_BREAKS = str.maketrans({c: " " for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"})


def _csv_value(v, typ: str):
    if v is None:
        return ""
    if typ == "string[]":
        return ";".join(x.replace(";", ",").translate(_NO_BREAKS) for x in v)
    if typ == "boolean":
        return "true" if v else "false"
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, str):
        return v.translate(_NO_BREAKS)
    return v


def write_admin_csv(g: nx.MultiDiGraph, out_dir: Path) -> list[Path]:
    """One nodes_<Label>.csv per label and rels_<TYPE>.csv per relationship type, ready for
    `neo4j-admin database import full --nodes=... --relationships=...` (ID space per label).
    No value spans lines (see ``_NO_BREAKS``), so the import needs no --multiline-fields."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    by_label = defaultdict(list)
    for n, d in g.nodes(data=True):
        by_label[d["label"]].append(d)
    for label, rows in sorted(by_label.items()):
        props = sorted({k for d in rows for k in d if k not in ("label", "key")})
        types = {p: _csv_type([d[p] for d in rows if d.get(p) is not None]) for p in props}
        path = out_dir / f"nodes_{label}.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow([f"key:ID({label})"] + [f"{p}:{types[p]}" for p in props] + [":LABEL"])
            for d in rows:
                w.writerow([d["key"]] + [_csv_value(d.get(p), types[p]) for p in props] + [label])
        written.append(path)
    by_type = defaultdict(list)
    for u, v, k, d in g.edges(keys=True, data=True):
        by_type[k].append((u, v, d))
    for rel, rows in sorted(by_type.items()):
        start, end, _ = REL_TYPES[rel]
        props = sorted({k for *_, d in rows for k in d if k != "type"})
        types = {p: _csv_type([d[p] for *_, d in rows if d.get(p) is not None]) for p in props}
        path = out_dir / f"rels_{rel}.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow([f":START_ID({start})", f":END_ID({end})"] + [f"{p}:{types[p]}" for p in props] + [":TYPE"])
            for u, v, d in rows:
                w.writerow([split_node_id(u)[1], split_node_id(v)[1]]
                           + [_csv_value(d.get(p), types[p]) for p in props] + [rel])
        written.append(path)
    return written


# -- Cypher script ------------------------------------------------------------------------------
def cypher_literal(v) -> str:
    """A Cypher literal for a JSON-like value; strings are escaped, never pasted raw."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else "null"
    if isinstance(v, (list, tuple)):
        if any(isinstance(x, (dict, list)) for x in v):
            return cypher_literal(json.dumps(v, ensure_ascii=False))
        return "[" + ", ".join(cypher_literal(x) for x in v) + "]"
    if isinstance(v, dict):
        return cypher_literal(json.dumps(v, ensure_ascii=False))
    s = str(v).replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
    return "'" + s + "'"


def _map(d: dict) -> str:
    return "{" + ", ".join(f"`{k.replace('`', '')}`: {cypher_literal(v)}" for k, v in sorted(d.items())
                           if v is not None) + "}"


def to_cypher(g: nx.MultiDiGraph, batch: int = 500) -> str:
    """An idempotent Cypher script (MERGE on label + key) that recreates the graph."""
    lines = ["// kg export: run with cypher-shell -f or paste into the Neo4j Browser (multi-statement)."]
    for label in NODE_LABELS:
        lines.append(f"CREATE CONSTRAINT {label.lower()}_key IF NOT EXISTS FOR (n:{label}) REQUIRE n.key IS UNIQUE;")
    by_label = defaultdict(list)
    for _, d in g.nodes(data=True):
        by_label[d["label"]].append(d)
    for label, rows in sorted(by_label.items()):
        if label not in NODE_LABELS:
            continue
        for i in range(0, len(rows), batch):
            chunk = ", ".join(f"{{key: {cypher_literal(d['key'])}, props: {_map({k: v for k, v in d.items() if k != 'label'})}}}"
                              for d in rows[i:i + batch])
            lines.append(f"UNWIND [{chunk}] AS row MERGE (n:{label} {{key: row.key}}) SET n += row.props;")
    by_type = defaultdict(list)
    for u, v, k, d in g.edges(keys=True, data=True):
        by_type[k].append((u, v, d))
    for rel, rows in sorted(by_type.items()):
        if rel not in REL_TYPES:
            continue
        start, end, _ = REL_TYPES[rel]
        for i in range(0, len(rows), batch):
            chunk = ", ".join(f"{{a: {cypher_literal(split_node_id(u)[1])}, b: {cypher_literal(split_node_id(v)[1])}, "
                              f"props: {_map({k: x for k, x in d.items() if k != 'type'})}}}" for u, v, d in rows[i:i + batch])
            lines.append(f"UNWIND [{chunk}] AS row MATCH (a:{start} {{key: row.a}}) MATCH (b:{end} {{key: row.b}}) "
                         f"MERGE (a)-[r:{rel}]->(b) SET r += row.props;")
    return "\n".join(lines) + "\n"
