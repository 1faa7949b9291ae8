"""The graph model, the on-disk store (incremental builds), and export round-trips."""

from __future__ import annotations

import json
import shutil

import networkx as nx

from kg.export import export, read_graphml, read_json
from kg.graph.build import summary
from kg.graph.schema import NODE_LABELS, REL_TYPES
from kg.pipeline import build
from kg.store import Store


def graphs_equal(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> bool:
    if dict(a.nodes(data=True)) != dict(b.nodes(data=True)):
        return False
    ea = sorted((u, v, k, json.dumps(d, sort_keys=True)) for u, v, k, d in a.edges(keys=True, data=True))
    eb = sorted((u, v, k, json.dumps(d, sort_keys=True)) for u, v, k, d in b.edges(keys=True, data=True))
    return ea == eb


def test_sample_graph_follows_the_schema(sample_graph):
    g = sample_graph
    papers = [n for n, d in g.nodes(data=True) if d["label"] == "Paper" and not d.get("stub")]
    assert len(papers) == 59
    for n, d in g.nodes(data=True):
        assert d["label"] in NODE_LABELS and n == f"{d['label']}:{d['key']}"
        if d["label"] in ("Method", "Dataset", "Metric", "Task", "Hardware"):
            assert d["name"] and isinstance(d["aliases"], list)
    for u, v, k, d in g.edges(keys=True, data=True):
        start, end, _ = REL_TYPES[k]
        assert g.nodes[u]["label"] == start and g.nodes[v]["label"] == end
        if k in ("USES", "PROPOSES", "EVALUATES_ON", "MEASURES", "ADDRESSES", "RUNS_ON"):
            assert d["sentence"] and d["field"] in ("title", "abstract") and d["extractor"]


def test_entity_paper_counts_match_edges(sample_graph):
    g = sample_graph
    for n, d in g.nodes(data=True):
        if d["label"] in ("Method", "Dataset", "Metric", "Task", "Hardware"):
            papers = {u for u, _, k in g.in_edges(n, keys=True) if g.nodes[u]["label"] == "Paper"}
            assert d["papers"] == len(papers)


def _split_sample(sample_path, tmp_path):
    """The sample page minus its last paper, and the full page."""
    text = sample_path.read_text(encoding="utf-8")
    blocks = text.rstrip().split("\n\n")
    partial = tmp_path / "partial.txt"
    partial.write_text("\n\n".join(blocks[:-2]) + "\n", encoding="utf-8")
    return partial


def test_incremental_build_processes_only_the_new_paper_and_equals_a_full_rebuild(sample_path, tmp_path):
    partial = _split_sample(sample_path, tmp_path)
    inc = tmp_path / "inc"
    first = build([str(partial)], str(inc))
    assert first.extracted == 58 and first.cached == 0
    second = build([str(partial), str(sample_path)], str(inc))
    assert second.extracted == 1 and second.cached == 58
    assert second.report.duplicates == 58  # the same papers again in the full page
    full = tmp_path / "full"
    build([str(sample_path)], str(full))
    assert graphs_equal(Store(inc).load_graph(), Store(full).load_graph())


def test_the_streamed_store_graph_equals_the_graph_built_in_memory(sample_path, sample_graph, tmp_path):
    """`kg build` streams records -> graph.json without holding the graph; reading it back gives exactly
    the graph that build_graph makes in memory, and the file is ordinary node-link JSON."""
    result = build([str(sample_path)], str(tmp_path / "s"))
    store = Store(tmp_path / "s")
    assert graphs_equal(store.load_graph(), sample_graph)
    assert result.summary == summary(sample_graph)
    data = json.loads((tmp_path / "s" / "graph.json").read_text(encoding="utf-8"))
    assert graphs_equal(nx.node_link_graph(data, directed=True, multigraph=True, edges="edges", name="_id",
                                           key="_type"), sample_graph)
    assert sum(1 for _ in store.iter_nodes()) == sample_graph.number_of_nodes()
    assert sum(1 for _ in store.iter_edges()) == sample_graph.number_of_edges()


def test_a_truncated_graph_file_is_reported_not_half_read(sample_path, tmp_path):
    import pytest

    from kg.errors import StoreError

    build([str(sample_path)], str(tmp_path / "s"))
    path = tmp_path / "s" / "graph.json"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[: len(lines) - 3]), encoding="utf-8")  # cut inside the edges
    with pytest.raises(StoreError, match="damaged"):
        Store(tmp_path / "s").load_graph()


def test_unchanged_rebuild_extracts_nothing(sample_path, tmp_path):
    build([str(sample_path)], str(tmp_path / "s"))
    again = build([str(sample_path)], str(tmp_path / "s"))
    assert again.extracted == 0 and again.cached == 59


def test_graphml_round_trip(sample_graph, tmp_path):
    path = export(sample_graph, "graphml", str(tmp_path / "g.graphml"))
    assert graphs_equal(read_graphml(str(path)), sample_graph)


def test_json_round_trip(sample_graph, tmp_path):
    path = export(sample_graph, "json", str(tmp_path / "g.json"))
    assert graphs_equal(read_json(str(path)), sample_graph)


def test_gexf_is_readable(sample_graph, tmp_path):
    path = export(sample_graph, "gexf", str(tmp_path / "g.gexf"))
    h = nx.read_gexf(path)
    assert h.number_of_nodes() == sample_graph.number_of_nodes()
    assert h.number_of_edges() == sample_graph.number_of_edges()


def test_admin_csv_has_one_file_per_label_and_type(sample_graph, tmp_path):
    export(sample_graph, "csv", str(tmp_path / "csv"))
    files = {p.name for p in (tmp_path / "csv").iterdir()}
    labels = {d["label"] for _, d in sample_graph.nodes(data=True)}
    assert {f"nodes_{label}.csv" for label in labels} <= files
    header = (tmp_path / "csv" / "nodes_Paper.csv").read_text().splitlines()[0]
    assert header.startswith("key:ID(Paper)") and header.endswith(":LABEL")
    rows = sum(len(p.read_text().splitlines()) - 1 for p in (tmp_path / "csv").glob("nodes_*.csv"))
    assert rows == sample_graph.number_of_nodes()


def test_cypher_export_escapes_quotes(tmp_path):
    from kg.export import to_cypher

    g = nx.MultiDiGraph()
    g.add_node("Method:x", label="Method", key="x", name="x'}) DETACH DELETE n //", aliases=[], papers=0)
    script = to_cypher(g)
    assert "x\\'}) DETACH DELETE n //" in script
    assert "MERGE (n:Method {key: row.key})" in script


def test_store_survives_a_damaged_graph_file_with_a_clear_error(sample_path, tmp_path):
    import pytest

    from kg.errors import StoreError

    build([str(sample_path)], str(tmp_path / "s"))
    (tmp_path / "s" / "graph.json").write_text("{not json")
    with pytest.raises(StoreError, match="run `kg build` again"):
        Store(tmp_path / "s").load_graph()
    shutil.rmtree(tmp_path / "s")


def test_graph_values_json_writes_but_orjson_refuses_still_read_back(tmp_path):
    """graph.json is parsed with orjson; NaN and lone surrogates (json.dumps writes both, orjson
    refuses them) fall back to json, so every value written is read back as it was."""
    import math

    store = Store(tmp_path / "s", create=True)
    store.db  # creates kg.sqlite: an (empty) store
    store.write_graph([
        ("node", "Paper:p1", {"label": "Paper", "key": "p1", "title": "caf\u00e9 \ud800 broken", "score": float("nan")}),
        ("node", "Method:bert", {"label": "Method", "key": "bert", "name": "BERT", "aliases": ["bert", "BERT-base"]}),
        ("edge", "Paper:p1", "Method:bert", "USES", {"confidence": 0.7, "start": 3, "sentence": "We use BERT."}),
    ])
    nodes = dict(Store(tmp_path / "s").iter_nodes())
    assert nodes["Paper:p1"]["title"] == "caf\u00e9 \ud800 broken"
    assert math.isnan(nodes["Paper:p1"]["score"])
    assert nodes["Method:bert"]["aliases"] == ["bert", "BERT-base"]
    [(u, v, k, d)] = list(Store(tmp_path / "s").iter_edges())
    assert (u, v, k, d["confidence"], d["start"], d["sentence"]) == ("Paper:p1", "Method:bert", "USES", 0.7, 3, "We use BERT.")
