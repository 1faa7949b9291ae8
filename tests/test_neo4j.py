"""Neo4j loader and named queries against a real server (marked neo4j), plus server-free unit checks."""

from __future__ import annotations

import pytest

from kg.errors import Neo4jError, QueryError
from kg.graph.schema import ENTITY_LABELS, NODE_LABELS, REL_TYPES, node_id
from kg.neo4j import connect, counts, list_queries, load_graph, run_query
from kg.neo4j.lanes import batches
from kg.neo4j.load import (Rows, convert_props, convert_value, node_row, node_statement, rel_row, rel_statement,
                           schema_statements)
from kg.neo4j.queries import check_read_only, resolve_params, get_query, run_read, write_clauses

from neo4j_fixtures import clean_db, graph_counts, neo4j_conn, neo4j_creds, small_graph, wipe  # noqa: F401

EVIL = "x'}) DETACH DELETE n //"

# ------------------------------------------------------------------ no server needed


def test_convert_values():
    assert convert_value(None) is None
    assert convert_value(["a", "b"]) == ["a", "b"]
    assert convert_value([1, None, 2]) == [1, 2]
    assert convert_value({"b": 1, "a": [2]}) == '{"a": [2], "b": 1}'
    assert convert_value([{"x": 1}]) == '[{"x": 1}]'
    assert convert_value([1, "a"]) == '[1, "a"]'
    assert convert_value(True) is True and convert_value(2.5) == 2.5
    assert convert_props({"n": 2**70, "m": -3, "ok": False, "gone": None, 7: 2.5, "label": "Paper"},
                         drop=("label",)) == {"n": str(2**70), "m": -3, "ok": False, "7": 2.5}


def graph_rows(g) -> tuple[dict, dict]:
    """All rows the loader sends, grouped as it groups them: {label: rows}, {(type, start, end): rows}."""
    return (dict(batches(g.nodes(data=True), node_row, 10**9)),
            dict(batches(g.edges(keys=True, data=True), rel_row, 10**9)))


def test_rows_drop_none_and_encode_dicts():
    nodes, rels = graph_rows(small_graph())
    paper = next(r for r in nodes["Paper"] if r["key"] == "2401.00001")
    assert "doi" not in paper["props"] and "label" not in paper["props"]
    assert paper["props"]["authors"] == ["Ada Lovelace", "Alan Turing"]
    addr = rels[("ADDRESSES", "Paper", "Task")]
    assert any(isinstance(r["props"].get("evidence"), str) for r in addr)
    runs = rels[("RUNS_ON", "Paper", "Hardware")]
    assert all("amount" not in r["props"] for r in runs) and {r["props"]["count"] for r in runs} == {8, 64}


def test_rows_parameter_has_a_short_repr_and_is_the_same_list():
    """The driver reprs every RUN's parameters for its debug log even when debug is off; the loader's
    rows must not cost a 5000-row repr per batch, and must still be the plain rows."""
    rows = [{"a": f"p{i}", "b": "bert", "props": {"sentence": "We use BERT. " * 20}} for i in range(5000)]
    param = Rows(rows)
    assert repr({"rows": param}) == "{'rows': <5000 rows>}"
    assert param == rows and isinstance(param, list)


def test_statements_only_from_whitelist():
    assert "MERGE (n:Paper {key: row.key})" in node_statement("Paper")
    assert "MERGE (a)-[r:RUNS_ON]->(b)" in rel_statement("RUNS_ON", "Paper", "Hardware")
    for bad in ("Paper) DETACH DELETE n //", "paper", "Evil"):
        with pytest.raises(Neo4jError):
            node_statement(bad)
    with pytest.raises(Neo4jError):
        rel_statement("KNOWS]->() DELETE r //", "Paper", "Paper")
    text = "\n".join(schema_statements())
    for label in NODE_LABELS:
        assert f"FOR (n:{label}) REQUIRE n.key IS UNIQUE" in text
    assert "paper_text" in text


def test_unknown_label_refused_before_any_write():
    import networkx as nx

    g = nx.MultiDiGraph()
    g.add_node("Evil:1", label="Evil", key="1")
    with pytest.raises(Neo4jError, match="not in the graph schema"):
        graph_rows(g)


def test_batches_group_rows_in_order_and_count_them():
    from collections import Counter

    items = [("Method", i) for i in range(5)] + [("Task", 9), ("Method", 5)]
    tally: Counter = Counter()
    got = list(batches(items, lambda g, i: (g, {"key": i}), 2, tally))
    assert got == [("Method", [{"key": 0}, {"key": 1}]), ("Method", [{"key": 2}, {"key": 3}]),
                   ("Method", [{"key": 4}, {"key": 5}]), ("Task", [{"key": 9}])]
    assert tally == {"Method": 6, "Task": 1}


def rel_rows_of(g):
    return [rel_row(*e) for e in g.edges(keys=True, data=True)]


def many_rels(n_papers=60, n_entities=25):
    """Rows like a real graph's: papers using shared entities, results, citations."""
    rows = []
    for p in range(n_papers):
        for e in range(p % 7, n_entities, 3):
            rows.append((("USES", "Paper", "Method"), {"a": f"p{p}", "b": f"m{e}", "props": {}}))
        rows.append((("REPORTS", "Paper", "Result"), {"a": f"p{p}", "b": f"r{p}", "props": {}}))
        rows.append((("OF", "Result", "Metric"), {"a": f"r{p}", "b": "accuracy", "props": {}}))
        if p:
            rows.append((("CITES", "Paper", "Paper"), {"a": f"p{p}", "b": f"p{p - 1}", "props": {}}))
    return rows


@pytest.mark.parametrize("writers", [1, 2, 3])
def test_parallel_schedule_sends_every_row_once_and_concurrent_batches_share_no_node(writers):
    from kg.neo4j.lanes import plan_rels

    rows = many_rels()
    spools: dict = {}
    steps = {0: list(plan_rels(iter(rows), writers, 4, spools))}
    steps.update({s: list(sp.replay()) for s, sp in spools.items()})
    sent = [(g, r["a"], r["b"]) for batches in steps.values() for _, (g, rs) in batches for r in rs]
    assert sorted(sent) == sorted((g, r["a"], r["b"]) for g, r in rows)
    if writers == 1:
        assert list(steps) == [0]
    for step, batches in steps.items():
        assert all(0 <= lane < writers for lane, _ in batches)
        nodes_of_lane: dict = {}
        for lane, (group, rs) in batches:
            nodes_of_lane.setdefault(lane, set()).update(
                {(group[1], r["a"]) for r in rs} | {(group[2], r["b"]) for r in rs})
        lanes = list(nodes_of_lane.values())
        for i in range(len(lanes)):
            for j in range(i + 1, len(lanes)):
                assert not lanes[i] & lanes[j], f"step {step}: two lanes touch the same node"
    if writers > 1:  # papers citing papers and the Result edges go last, on one lane
        assert {g[0] for _, (g, _) in steps[writers]} == {"OF", "CITES"}
        assert {lane for lane, _ in steps[writers]} == {0}


def test_lanes_keep_order_per_lane_and_raise_the_first_error():
    import threading

    import itertools

    from kg.neo4j.lanes import run_lanes

    seen: dict = {0: [], 1: []}
    run_lanes(((i % 2, (i % 2, i)) for i in range(20)), 2, lambda b: seen[b[0]].append(b[1]))
    assert seen == {0: list(range(0, 20, 2)), 1: list(range(1, 20, 2))}

    def refuse(b):
        if b == 3:
            raise Neo4jError("Neo4j refused USES relationships")

    with pytest.raises(Neo4jError, match="refused"):
        run_lanes(((0, i) for i in itertools.count()), 2, refuse)  # endless input: the error stops it

    def broken():
        yield 0, 1
        raise Neo4jError("graph.json line 7 is not JSON")

    with pytest.raises(Neo4jError, match="line 7"):
        run_lanes(broken(), 2, lambda b: None)
    assert not [t for t in threading.enumerate() if t.name.startswith("kg-load-lane")]


def test_query_files_have_headers_and_are_read_only():
    qs = list_queries()
    assert len(qs) >= 10
    for name, description, params in qs:
        q = get_query(name)
        assert description and isinstance(params, dict), name
        assert q.text.lstrip().startswith("// name:"), name
        assert not write_clauses(q.text), name
        for p in params:
            assert f"${p}" in q.body, (name, p)


def test_static_write_refusal():
    for text in ("MATCH (n) DETACH DELETE n", "CREATE (:Paper {key: 'x'})", "MATCH (n) SET n.x = 1",
                 "MERGE (n:Paper {key: 'x'})", "DROP INDEX paper_text",
                 "LOAD CSV FROM 'file:///x' AS r RETURN r",
                 "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS RETURN 1",
                 "MATCH (n) REMOVE n.key"):
        with pytest.raises(QueryError, match="write clause"):
            check_read_only(text)
    # words inside strings, comments and property names are not clauses
    check_read_only("MATCH (n) WHERE n.name = 'CREATE DELETE' RETURN n.set, n.start // SET")


def test_param_coercion():
    q = get_query("results_on_limited_hardware")
    p = resolve_params(q, {"max_devices": "8", "dataset": "123"})
    assert p["max_devices"] == 8 and p["dataset"] == "123" and p["hardware"] == "A100"
    with pytest.raises(QueryError, match="expected int"):
        resolve_params(q, {"max_devices": "eight"})
    with pytest.raises(QueryError, match="no parameter"):
        resolve_params(q, {"datset": "x"})
    with pytest.raises(QueryError, match="expected one of"):
        resolve_params(get_query("top_entities"), {"type": "Evil"})
    with pytest.raises(QueryError, match="unknown query"):
        get_query("no_such_query")


# ------------------------------------------------------------------ real server



@pytest.mark.neo4j
def test_counts_equal_graph(clean_db):
    g = small_graph()
    out = load_graph(g, clean_db, batch_size=2)
    expected = graph_counts(g)
    assert counts(clean_db) == expected
    assert out["nodes"] == expected["nodes"] and out["rels"] == expected["rels"]
    assert out["created"] == {"nodes": g.number_of_nodes(), "rels": g.number_of_edges()}


@pytest.mark.neo4j
def test_load_twice_is_idempotent(clean_db):
    g = small_graph()
    load_graph(g, clean_db)
    first = counts(clean_db)
    out = load_graph(g, clean_db, batch_size=1)
    assert counts(clean_db) == first == graph_counts(g)
    assert out["created"] == {"nodes": 0, "rels": 0}


@pytest.mark.neo4j
def test_growing_graph_adds_new_and_updates_changed(clean_db):
    g = small_graph()
    load_graph(g, clean_db)
    p4 = node_id("Paper", "2404.00004")
    g.add_node(p4, label="Paper", key="2404.00004", id="2404.00004", title="A Fourth Paper", date="2024-04-01",
               abstract="We use ResNet.", authors=["Someone"], stub=False)
    g.add_edge(p4, node_id("Method", "resnet"), key="USES", type="USES", sentence="We use ResNet.", start=7, end=13)
    g.nodes[node_id("Method", "resnet")]["papers"] = 3
    ticks = []
    out = load_graph(g, clean_db, progress=ticks.append)
    assert out["created"] == {"nodes": 1, "rels": 1}
    assert sum(ticks) == g.number_of_nodes() + g.number_of_edges()
    assert counts(clean_db) == graph_counts(g)
    with clean_db.session() as s:
        rec = s.run("MATCH (m:Method {key: 'resnet'}) RETURN m.papers AS p, m.aliases AS a").single()
    assert rec["p"] == 3 and rec["a"] == ["ResNets"]


@pytest.mark.neo4j
def test_two_writers_load_the_same_graph_as_one(clean_db):
    g = small_graph()
    load_graph(g, clean_db, batch_size=1, writers=1)
    one = dump(clean_db)
    wipe(clean_db)
    out = load_graph(g, clean_db, batch_size=1, writers=2)
    assert dump(clean_db) == one
    assert out["created"] == {"nodes": g.number_of_nodes(), "rels": g.number_of_edges()}


def dump(conn) -> list:
    """Every node and relationship with its properties, sorted."""
    with conn.session() as s:
        nodes = [(r["l"], sorted(r["p"].items())) for r in s.run(
            "MATCH (n) RETURN labels(n) AS l, properties(n) AS p")]
        rels = [(r["a"], r["t"], r["b"], sorted(r["p"].items())) for r in s.run(
            "MATCH (a)-[r]->(b) RETURN a.key AS a, type(r) AS t, b.key AS b, properties(r) AS p")]
    return sorted(nodes, key=repr) + sorted(rels, key=repr)


EXPECTED = {  # query -> (params, column, a value that must appear in that column)
    "top_entities": ({"type": "Method"}, "name", "ResNet"),
    "papers_using_dataset": ({"dataset": "imagenet-1k"}, "paper", "2401.00001"),
    "methods_on_dataset": ({"dataset": "ImageNet"}, "method", "ViT"),
    "hardware_usage": ({}, "max_devices", 64),
    "dataset_metric_pairs": ({}, "metric", "top-1 accuracy"),
    "entity_neighbourhood": ({"name": "ImageNet"}, "neighbour", "Scaling Vision Transformers"),
    "search_papers": ({"q": "transformer"}, "paper", "2403.00003"),
    "similar_papers": ({"paper": "2401.00001"}, "paper", "2402.00002"),
    "new_entities": ({"type": "Method", "since": "2024-02-01"}, "name", "Transformer"),
    "leaderboard": ({"dataset": "ImageNet", "metric": "top-1 accuracy"}, "value", 80.1),
    "results_on_limited_hardware": ({"dataset": "ImageNet", "hardware": "A100", "max_devices": "8"}, "devices", 8),
    "trends_by_month": ({"type": "Dataset"}, "month", "2024-02"),
    "cited_papers": ({}, "paper", "2401.00001"),
}


@pytest.fixture
def loaded(clean_db):
    load_graph(small_graph(), clean_db)
    return clean_db


@pytest.mark.neo4j
@pytest.mark.parametrize("name", [q[0] for q in list_queries()])
def test_every_query_runs_with_expected_rows(loaded, name):
    assert name in EXPECTED, f"add an expectation for new query {name}"
    params, column, value = EXPECTED[name]
    columns, rows = run_query(loaded, name, params)
    assert rows, name
    values = [r[columns.index(column)] for r in rows]
    assert value in values, (name, values)
    # the header's example params run as well
    run_query(loaded, name, {})


@pytest.mark.neo4j
def test_limited_hardware_excludes_bigger_runs(loaded):
    cols, rows = run_query(loaded, "results_on_limited_hardware", {"max_devices": "4"})
    assert rows == []
    cols, rows = run_query(loaded, "hardware_usage", {"limit": "1"})
    assert rows[0][cols.index("device_counts")] == [8, 64]


@pytest.mark.neo4j
def test_server_refuses_write_in_read_path(loaded):
    before = counts(loaded)
    with pytest.raises(QueryError, match="write"):
        run_read(loaded, "CREATE (:Paper {key: 'written'})", check=False)
    with pytest.raises(QueryError, match="write"):
        run_read(loaded, "MATCH (n) DETACH DELETE n", check=False)
    with pytest.raises(QueryError, match="write clause"):
        run_read(loaded, "MATCH (n) DETACH DELETE n")
    assert counts(loaded) == before


@pytest.mark.neo4j
def test_injection_text_is_data(clean_db):
    g = small_graph()
    nid = node_id("Method", EVIL.lower())
    g.add_node(nid, label="Method", key=EVIL.lower(), name=EVIL, aliases=[EVIL], papers=1)
    g.add_edge(node_id("Paper", "2401.00001"), nid, key="USES", type="USES", sentence=EVIL, text=EVIL)
    load_graph(g, clean_db)
    assert counts(clean_db) == graph_counts(g)
    for name, param in (("entity_neighbourhood", "name"), ("papers_using_dataset", "dataset"),
                        ("search_papers", "q"), ("similar_papers", "paper")):
        try:
            run_query(clean_db, name, {param: EVIL})
        except QueryError as e:  # Lucene may reject the syntax; it must never write
            assert name == "search_papers", e
    cols, rows = run_query(clean_db, "entity_neighbourhood", {"name": EVIL})
    assert [r[cols.index("entity")] for r in rows] == [EVIL]
    assert counts(clean_db) == graph_counts(g)
    with clean_db.session() as s:
        assert s.run("MATCH (m:Method {name: $n}) RETURN count(m) AS c", n=EVIL).single()["c"] == 1


@pytest.mark.neo4j
def test_wrong_password(neo4j_creds):
    with pytest.raises(Neo4jError, match="wrong username or password"):
        connect(**{**neo4j_creds, "password": "not-the-password"})
    connect(**neo4j_creds).close()  # a success resets the server's failed-attempt counter


@pytest.mark.neo4j
def test_unreachable(neo4j_creds):
    with pytest.raises(Neo4jError, match="(?s)cannot reach Neo4j.*neo4j-start"):
        connect(**{**neo4j_creds, "uri": "bolt://127.0.0.1:1"}, timeout=3)


@pytest.mark.neo4j
def test_missing_database(neo4j_creds):
    with pytest.raises(Neo4jError, match="no database 'nosuchdb'"):
        connect(**{**neo4j_creds, "database": "nosuchdb"})


@pytest.mark.neo4j
def test_sample_corpus_counts_match(neo4j_conn):
    try:
        from kg.pipeline import build_graph
    except ImportError as e:  # importorskip-like: the pipeline is written by another engineer
        pytest.skip(f"kg.pipeline.build_graph not importable yet: {e}")
    from pathlib import Path

    sample = Path(__file__).resolve().parents[1] / "examples" / "hf-daily-papers.txt"
    g = build_graph([str(sample)])
    assert g.number_of_nodes() > 0
    wipe(neo4j_conn)
    load_graph(g, neo4j_conn, batch_size=200)
    assert counts(neo4j_conn) == graph_counts(g)
    for label in ENTITY_LABELS:
        assert label in NODE_LABELS
    assert set(graph_counts(g)["rels"]) <= set(REL_TYPES)


def test_style_covers_every_label():
    from importlib import resources

    grass = resources.files("kg.cypher").joinpath("style.grass").read_text(encoding="utf-8")
    for label in NODE_LABELS:
        assert f"node.{label} {{" in grass and "caption" in grass, label


def test_password_in_uri_is_refused_and_not_echoed():
    secret = "s3cret-in-uri"
    with pytest.raises(Neo4jError) as ei:
        connect(f"bolt://neo4j:{secret}@127.0.0.1:1", "neo4j", "x")
    assert secret not in str(ei.value) and "bolt://127.0.0.1:1" in str(ei.value)


def test_deadlock_retries_of_the_driver_are_counted_not_printed(caplog):
    import logging

    from kg.neo4j.lanes import quiet_lock_retries

    driver_log = logging.getLogger("neo4j.session")
    with caplog.at_level(logging.WARNING, logger="neo4j.session"):
        with quiet_lock_retries() as retries:
            driver_log.warning("Transaction failed and will be retried in %ss (%s)", 0.9,
                               "{neo4j_code: Neo.TransientError.Transaction.DeadlockDetected}")
            driver_log.warning("Transaction failed and will be retried in %ss (%s)", 0.9, "ServiceUnavailable")
        driver_log.warning("after the load: %s", "DeadlockDetected")
    assert retries.retries == 1
    assert [r.getMessage() for r in caplog.records] == [
        "Transaction failed and will be retried in 0.9s (ServiceUnavailable)", "after the load: DeadlockDetected"]
