"""Faults during `kg load` against the real Neo4j server: the loader killed with SIGKILL mid-way, and the
server restarted under it. Either way a rerun must leave the graph identical to an uninterrupted load."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.neo4j import counts
from kg.pipeline import build

from neo4j_fixtures import clean_db, neo4j_conn, neo4j_creds, wipe  # noqa: F401  (fixtures)

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parents[1]
N_PAPERS = 300


def shared_abstracts() -> Path:
    base = Path(os.environ["KG_SHARED"]) if os.environ.get("KG_SHARED") else ROOT.parent / "shared"
    for p in (base / "data" / "scitldr-abstracts.jsonl", base / "scitldr-abstracts.jsonl"):
        if p.exists():
            return p
    pytest.skip(f"SciTLDR abstracts not found under {base} (set KG_SHARED)")


def kg_cmd(*args: str) -> list[str]:
    exe = Path(sys.executable).with_name("kg")
    base = [str(exe)] if exe.exists() else [sys.executable, "-c", "from kg.cli import main; main()"]
    return base + list(args)


def kg_env(creds: dict) -> dict:
    env = dict(os.environ)
    env.update({"NEO4J_URI": creds["uri"], "NEO4J_USERNAME": creds["user"], "NEO4J_PASSWORD": creds["password"],
                "NEO4J_DATABASE": creds["database"]})
    return env


def total_nodes(conn) -> int:
    with conn.session() as s:
        return s.run("MATCH (n) RETURN count(n) AS n").single()["n"]


def snapshot(conn) -> dict:
    """Counts per label/type, a checksum of every node and relationship (with properties), duplicates."""

    def work(tx):
        nodes = sorted(json.dumps([sorted(r["labels"]), r["key"], r["props"]], sort_keys=True, default=str)
                       for r in tx.run("MATCH (n) RETURN labels(n) AS labels, n.key AS key, "
                                       "properties(n) AS props"))
        rels = sorted(json.dumps([r["type"], r["a"], r["b"], r["props"]], sort_keys=True, default=str)
                      for r in tx.run("MATCH (a)-[r]->(b) RETURN type(r) AS type, labels(a)[0] + ':' + a.key AS a, "
                                      "labels(b)[0] + ':' + b.key AS b, properties(r) AS props"))
        dups = {r["label"]: (r["n"], r["keys"]) for r in tx.run(
            "MATCH (n) UNWIND labels(n) AS label RETURN label, count(n) AS n, count(DISTINCT n.key) AS keys")}
        return nodes, rels, dups

    with conn.session() as s:
        nodes, rels, dups = s.execute_read(work)
    h = hashlib.sha256()
    for line in nodes + ["--"] + rels:
        h.update(line.encode("utf-8") + b"\n")
    return {"counts": counts(conn), "checksum": h.hexdigest(), "n_nodes": len(nodes), "n_rels": len(rels),
            "dups": {label: n - keys for label, (n, keys) in dups.items() if n != keys}}


def run_load(store: Path, creds: dict, batch_size: int = 50, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(kg_cmd("load", "--store", str(store), "--batch-size", str(batch_size), "--quiet"),
                          env=kg_env(creds), capture_output=True, text=True, timeout=timeout)


def neo4j_sh(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(ROOT / "scripts" / "neo4j.sh"), *args], cwd=ROOT, env=dict(os.environ),
                          capture_output=True, text=True, timeout=timeout)


def wait_up(conn, deadline_s: float = 150) -> None:
    """Wait until the server answers through `conn` (this also drops the driver's dead pooled connections)."""
    t_end = time.monotonic() + deadline_s
    while True:
        try:
            conn.driver.execute_query("RETURN 1", database_=conn.database)
            return
        except Exception:  # noqa: BLE001  (server still starting)
            if time.monotonic() > t_end:
                raise
            time.sleep(0.5)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, neo4j_conn, neo4j_creds):  # noqa: F811
    """A store from 300 SciTLDR abstracts and a snapshot of its uninterrupted load into an empty database."""
    tmp = tmp_path_factory.mktemp("faults")
    src = shared_abstracts()
    lines = []
    with open(src, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                lines.append(line)
            if len(lines) == N_PAPERS:
                break
    papers = tmp / "papers.jsonl"
    papers.write_text("".join(lines), encoding="utf-8")
    store = tmp / "store"
    build([str(papers)], str(store))
    wipe(neo4j_conn)
    r = run_load(store, neo4j_creds)
    assert r.returncode == 0, r.stderr
    snap = snapshot(neo4j_conn)
    assert snap["n_nodes"] > 500 and snap["n_rels"] > 500, snap["counts"]
    assert not snap["dups"], snap["dups"]
    wipe(neo4j_conn)
    return store, snap


def assert_same(got: dict, want: dict) -> None:
    assert got["counts"] == want["counts"]
    assert got["n_nodes"] == want["n_nodes"] and got["n_rels"] == want["n_rels"]
    assert not got["dups"], f"duplicate nodes per label: {got['dups']}"
    assert got["checksum"] == want["checksum"]


def test_sigkill_mid_load_then_rerun_matches_uninterrupted(baseline, clean_db, neo4j_creds):  # noqa: F811
    store, want = baseline
    proc = subprocess.Popen(kg_cmd("load", "--store", str(store), "--batch-size", "50", "--quiet"),
                            env=kg_env(neo4j_creds), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        t_end = time.monotonic() + 60
        partial = 0
        while time.monotonic() < t_end and proc.poll() is None:
            partial = total_nodes(clean_db)
            if partial > 0:
                break
            time.sleep(0.01)
        assert proc.poll() is None, f"kg load finished before it could be killed: {proc.stderr.read()}"
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    after_kill = snapshot(clean_db)
    assert 0 < after_kill["n_nodes"] < want["n_nodes"], (after_kill["n_nodes"], want["n_nodes"])
    assert after_kill["n_rels"] < want["n_rels"]

    r = run_load(store, neo4j_creds)
    assert r.returncode == 0, r.stderr
    assert_same(snapshot(clean_db), want)


def test_server_restart_during_load_then_rerun_matches_uninterrupted(baseline, clean_db, neo4j_creds):  # noqa: F811
    store, want = baseline
    assert (ROOT / "scripts" / "neo4j.sh").exists()
    assert "restart)" in (ROOT / "scripts" / "neo4j.sh").read_text()
    proc = None
    try:
        # batch size 10: ~600 transactions, several seconds, so the server goes down in the middle of them
        proc = subprocess.Popen(kg_cmd("load", "--store", str(store), "--batch-size", "10", "--quiet"),
                                env=kg_env(neo4j_creds), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        t_end = time.monotonic() + 60
        while time.monotonic() < t_end and proc.poll() is None and total_nodes(clean_db) == 0:
            time.sleep(0.02)
        assert proc.poll() is None, f"kg load finished before the restart: {proc.communicate()}"
        t0 = time.monotonic()
        r = neo4j_sh("restart")
        assert r.returncode == 0, r.stdout + r.stderr
        print(f"restart took {time.monotonic() - t0:.1f} s")
        out, err = proc.communicate(timeout=150)
        print(f"kg load exit {proc.returncode} {time.monotonic() - t0:.1f} s after the restart began: {err[-400:]}")
        assert "Traceback" not in err, err
        if proc.returncode != 0:
            assert proc.returncode == 1, (proc.returncode, err)
            assert "loaded so far:" in err or "cannot reach Neo4j" in err, err
            assert "Error:" in err, err
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.communicate()
        if neo4j_sh("status", timeout=30).returncode != 0:  # leave the server running for the next tests
            neo4j_sh("start")
        wait_up(clean_db)

    r = run_load(store, neo4j_creds)
    assert r.returncode == 0, r.stderr
    assert_same(snapshot(clean_db), want)
