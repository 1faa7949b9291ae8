"""Fixtures for the Neo4j tests (real server; skipped only when NEO4J_URI/NEO4J_PASSWORD are unset)."""

from __future__ import annotations

import os

import networkx as nx
import pytest

from kg.graph.schema import entity_key, node_id

NEEDS = "NEO4J_URI and NEO4J_PASSWORD are not set (CI sets them; locally: `make neo4j-start` and export them)"


def neo4j_env() -> dict | None:
    uri, pw = os.environ.get("NEO4J_URI"), os.environ.get("NEO4J_PASSWORD")
    if not uri or not pw:
        return None
    return {"uri": uri, "user": os.environ.get("NEO4J_USERNAME", "neo4j"), "password": pw,
            "database": os.environ.get("NEO4J_DATABASE", "neo4j")}


@pytest.fixture(scope="session")
def neo4j_creds() -> dict:
    env = neo4j_env()
    if env is None:
        pytest.skip(NEEDS)
    return env


@pytest.fixture(scope="session")
def neo4j_conn(neo4j_creds):
    from kg.neo4j import connect

    conn = connect(**neo4j_creds)
    yield conn
    conn.close()


def wipe(conn) -> None:
    """Empty the database in bounded transactions: relationships first, so a dense node (an entity
    with 100k relationships after a benchmark) never lands whole in one transaction."""
    with conn.session() as s:
        s.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS").consume()
        s.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


@pytest.fixture
def clean_db(neo4j_conn):
    wipe(neo4j_conn)
    return neo4j_conn


def ev(sentence: str, text: str, field: str = "abstract", start: int = 0, extractor: str = "lexicon") -> dict:
    return {"sentence": sentence, "field": field, "start": start, "end": start + len(text), "text": text,
            "extractor": extractor}


def _entity(g, label: str, name: str, papers: int, aliases=()) -> str:
    nid = node_id(label, entity_key(name))
    g.add_node(nid, label=label, key=entity_key(name), name=name, aliases=list(aliases), papers=papers)
    return nid


def small_graph() -> nx.MultiDiGraph:
    """3 papers, ImageNet, ResNet, top-1 accuracy, A100 x 8, one Result; follows kg.graph.schema."""
    g = nx.MultiDiGraph()
    papers = [
        ("2401.00001", "Deep Residual Learning Revisited", "We train ResNet on ImageNet with 8 A100 GPUs "
         "and reach 80.1% top-1 accuracy.", "2024-01-15", ["Ada Lovelace", "Alan Turing"]),
        ("2402.00002", "Scaling Vision Transformers", "We compare ViT with ResNet on ImageNet and report "
         "top-1 accuracy.", "2024-02-03", ["Grace Hopper"]),
        ("2403.00003", "Efficient Language Models", "We train a transformer on 64 A100 GPUs.", "2024-03-20",
         ["Edsger Dijkstra"]),
    ]
    for pid, title, abstract, date, authors in papers:
        g.add_node(node_id("Paper", pid), label="Paper", key=pid, id=pid, title=title, abstract=abstract,
                   authors=authors, date=date, url=f"https://arxiv.org/abs/{pid}", stub=False, doi=None)
    p1, p2, p3 = (node_id("Paper", p[0]) for p in papers)
    resnet = _entity(g, "Method", "ResNet", 2, aliases=["ResNets"])
    vit = _entity(g, "Method", "ViT", 1, aliases=["Vision Transformer"])
    tr = _entity(g, "Method", "Transformer", 1)
    imagenet = _entity(g, "Dataset", "ImageNet", 2, aliases=["ImageNet-1k"])
    top1 = _entity(g, "Metric", "top-1 accuracy", 2)
    a100 = _entity(g, "Hardware", "A100", 2)
    task = _entity(g, "Task", "image classification", 2)
    s1 = papers[0][2]
    g.add_edge(p1, resnet, key="USES", type="USES", **ev(s1, "ResNet", start=9))
    g.add_edge(p1, imagenet, key="EVALUATES_ON", type="EVALUATES_ON", **ev(s1, "ImageNet", start=19))
    g.add_edge(p1, top1, key="MEASURES", type="MEASURES", **ev(s1, "top-1 accuracy", start=60))
    g.add_edge(p1, a100, key="RUNS_ON", type="RUNS_ON", count=8, amount=None, **ev(s1, "8 A100 GPUs", start=33,
               extractor="hardware"))
    g.add_edge(p1, task, key="ADDRESSES", type="ADDRESSES", **ev(s1, "image classification"),
               evidence=[{"sentence": s1, "start": 0}])
    s2 = papers[1][2]
    g.add_edge(p2, vit, key="PROPOSES", type="PROPOSES", **ev(s2, "ViT", start=11, extractor="rules"))
    g.add_edge(p2, resnet, key="USES", type="USES", **ev(s2, "ResNet", start=20))
    g.add_edge(p2, imagenet, key="EVALUATES_ON", type="EVALUATES_ON", **ev(s2, "ImageNet", start=30))
    g.add_edge(p2, top1, key="MEASURES", type="MEASURES", **ev(s2, "top-1 accuracy", start=50))
    g.add_edge(p2, task, key="ADDRESSES", type="ADDRESSES", **ev(s2, "image classification"))
    g.add_edge(p2, p1, key="CITES", type="CITES", evidence="arXiv:2401.00001")
    g.add_edge(p2, p1, key="BUILDS_ON", type="BUILDS_ON", via="ResNet", sentence=s2)
    s3 = papers[2][2]
    g.add_edge(p3, tr, key="USES", type="USES", **ev(s3, "transformer", start=11))
    g.add_edge(p3, a100, key="RUNS_ON", type="RUNS_ON", count=64, **ev(s3, "64 A100 GPUs", start=26,
               extractor="hardware"))
    repo = node_id("Repository", "https://github.com/example/resnet")
    g.add_node(repo, label="Repository", key="https://github.com/example/resnet",
               url="https://github.com/example/resnet")
    g.add_edge(p1, repo, key="HAS_CODE", type="HAS_CODE", sentence="Code: https://github.com/example/resnet")
    rid = node_id("Result", "2401.00001#r0")
    g.add_node(rid, label="Result", key="2401.00001#r0", id="2401.00001#r0", paper="2401.00001", value=80.1,
               unit="%", raw="80.1% top-1 accuracy", lower_is_better=False, dataset="ImageNet",
               metric="top-1 accuracy", method="ResNet")
    g.add_edge(p1, rid, key="REPORTS", type="REPORTS", sentence=s1)
    g.add_edge(rid, imagenet, key="ON", type="ON", text="ImageNet")
    g.add_edge(rid, top1, key="OF", type="OF", text="top-1 accuracy")
    g.add_edge(rid, resnet, key="FOR", type="FOR", text="ResNet")
    return g


def graph_counts(g) -> dict:
    from collections import Counter

    nodes = Counter(d["label"] for _, d in g.nodes(data=True))
    rels = Counter(k for _, _, k in g.edges(keys=True))
    return {"nodes": dict(nodes), "rels": dict(rels)}
