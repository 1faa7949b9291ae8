"""`kg load` and `kg query` as a user runs them, against the real Neo4j server."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.neo4j import counts
from kg.pipeline import build, load_store_graph
from kg.graph.build import summary

from neo4j_fixtures import clean_db, neo4j_conn, neo4j_creds  # noqa: F401  (fixtures)

pytestmark = pytest.mark.neo4j


def env(creds):
    return {"NEO4J_URI": creds["uri"], "NEO4J_USERNAME": creds["user"], "NEO4J_PASSWORD": creds["password"],
            "NEO4J_DATABASE": creds["database"]}


def test_load_sample_twice_then_query(sample_path, tmp_path, clean_db, neo4j_creds):  # noqa: F811
    store = tmp_path / "store"
    build([str(sample_path)], str(store))
    runner = CliRunner()
    created = []
    for _ in range(2):
        r = runner.invoke(main, ["load", "--store", str(store), "--quiet", "--format", "json"], env=env(neo4j_creds))
        assert r.exit_code == 0, r.output
        assert neo4j_creds["password"] not in r.output
        created.append(json.loads(r.output)[0]["created"])
    g = load_store_graph(str(store))
    expected = summary(g)
    assert created == [{"nodes": g.number_of_nodes(), "rels": g.number_of_edges()}, {"nodes": 0, "rels": 0}]
    got = counts(clean_db)
    assert got["nodes"] == expected["labels"]
    assert got["rels"] == expected["relationships"]

    r = runner.invoke(main, ["query", "top_entities", "--param", "type=Dataset", "--param", "limit=3",
                             "--format", "json"], env=env(neo4j_creds))
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert rows and "ImageNet" in json.dumps(rows)

    r = runner.invoke(main, ["query", "--list"], env=env(neo4j_creds))
    assert r.exit_code == 0 and "hardware_usage" in r.output


def test_unknown_query_is_a_clear_error(neo4j_creds):  # noqa: F811
    r = CliRunner().invoke(main, ["query", "no_such_query"], env=env(neo4j_creds))
    assert r.exit_code == 1 and "Traceback" not in r.output
