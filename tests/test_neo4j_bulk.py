"""The bulk path: `kg export --format csv` + `scripts/neo4j.sh import` (neo4j-admin database import full).

Runs the real import tool from the jars `make neo4j-start` fetched (CI always has them) into a scratch
Neo4j home, so the running server is not touched.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kg.export import export

ROOT = Path(__file__).resolve().parents[1]
LIB = Path(os.environ.get("NEO4J_LIB") or Path(os.environ.get("KG_NEO4J_DIR") or ROOT / ".neo4j") / "lib")

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def jars() -> Path:
    if not any(LIB.glob("neo4j-import-tool-*.jar")):
        pytest.skip(f"no Neo4j jars in {LIB}: run `make neo4j-start` once (CI does) to fetch them")
    if not shutil.which("java"):
        pytest.skip("java not found (CI installs Java 17)")
    return LIB


def test_csv_export_has_no_multiline_values_but_keeps_offsets(sample_graph, tmp_path):
    export(sample_graph, "csv", str(tmp_path / "csv"))
    with open(tmp_path / "csv" / "nodes_Paper.csv", newline="", encoding="utf-8") as fh:
        rows = {r["key:ID(Paper)"]: r for r in csv.DictReader(fh)}
    for path in (tmp_path / "csv").glob("*.csv"):
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                assert not any("\n" in v or "\r" in v for v in row), path.name
    # line breaks became spaces one for one: evidence offsets still point at the same text
    title_edges = [(u, d) for u, _, d in sample_graph.edges(data=True) if d.get("field") == "title" and "\n" in d.get("sentence", "")]
    assert title_edges, "the sample has title evidence that ends in the title/abstract seam"
    checked = 0
    for u, _, d in sample_graph.edges(data=True):
        if d.get("field") == "abstract" and d.get("text") and "start" in d:
            abstract = rows[sample_graph.nodes[u]["key"]]["abstract:string"]
            assert abstract[d["start"]:d["end"]] == d["text"].replace("\n", " ")
            checked += 1
    assert checked > 300  # the seed graph's extracted edges with abstract offsets (461 on 2026-12-05)


def test_neo4j_admin_imports_the_csv_export_completely(jars, sample_graph, tmp_path):
    export(sample_graph, "csv", str(tmp_path / "csv"))
    env = {**os.environ, "KG_NEO4J_DIR": str(tmp_path / "home"), "NEO4J_LIB": str(jars)}
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "neo4j.sh"), "import", str(tmp_path / "csv")],
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    out = proc.stdout
    assert "IMPORT DONE" in out
    nodes = int(re.search(r"^\s*(\d+) nodes$", out, re.M).group(1))
    rels = int(re.search(r"^\s*(\d+) relationships$", out, re.M).group(1))
    assert (nodes, rels) == (sample_graph.number_of_nodes(), sample_graph.number_of_edges())
    assert not (tmp_path / "home" / "import.report").exists() or not (tmp_path / "home" / "import.report").read_text().strip()


def test_import_refuses_a_directory_that_is_not_a_csv_export(jars, tmp_path):
    (tmp_path / "empty").mkdir()
    env = {**os.environ, "KG_NEO4J_DIR": str(tmp_path / "home"), "NEO4J_LIB": str(jars)}
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "neo4j.sh"), "import", str(tmp_path / "empty")],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "kg export --format csv" in proc.stderr


def test_import_passes_kg_import_java_opts_to_the_jvm(jars, sample_graph, tmp_path):
    """The importer's JVM options come from KG_IMPORT_JAVA_OPTS when it is set (the serial-GC default on
    small machines is only a default): an unknown option makes the JVM refuse to start."""
    export(sample_graph, "csv", str(tmp_path / "csv"))
    env = {**os.environ, "KG_NEO4J_DIR": str(tmp_path / "home"), "NEO4J_LIB": str(jars),
           "KG_IMPORT_JAVA_OPTS": "-XX:+KgNoSuchOption"}
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "neo4j.sh"), "import", str(tmp_path / "csv")],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "KgNoSuchOption" in proc.stdout + proc.stderr


def test_import_works_on_a_machine_with_more_cpus(jars, sample_graph, tmp_path):
    """Above 2 CPUs the JVM keeps its default collector (no options at all); a fake `nproc` says 8."""
    export(sample_graph, "csv", str(tmp_path / "csv"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "nproc").write_text("#!/bin/sh\necho 8\n")
    (bin_dir / "nproc").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "KG_IMPORT_JAVA_OPTS"}
    env.update({"KG_NEO4J_DIR": str(tmp_path / "home"), "NEO4J_LIB": str(jars),
                "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"})
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "neo4j.sh"), "import", str(tmp_path / "csv")],
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "IMPORT DONE" in proc.stdout
