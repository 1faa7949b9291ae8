"""The main jobs as importable functions (the CLI only parses options and calls these)."""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from .extract.pipeline import chunks, extract_papers
from .fingerprint import extraction_fingerprint, graph_fingerprint
from .graph.build import build_graph as _build_graph, iter_graph, summary
from .models import Paper
from .sources import Report, read_papers
from .store import Store, atomic_write_text

log = logging.getLogger("kg")
Progress = Callable[[int], None]


@dataclass
class BuildResult:
    report: Report
    extracted: int = 0
    cached: int = 0
    summary: dict = field(default_factory=dict)


def build(inputs: list[str], store_dir: str, fmt: str | None = None, workers: int = 1,
          batch_size: int = 256, progress: Progress | None = None, keep_generic: bool = False) -> BuildResult:
    """Parse, extract (only new or changed papers), persist records, rebuild and save the graph.

    A paper is extracted again when its content hash or the extraction fingerprint (code, model, data
    files, ``$KG_MODEL``: :mod:`kg.fingerprint`) differs from its stored record's; the graph is rebuilt
    when the graph fingerprint (that one, the graph code and the options, e.g. ``keep_generic``) changed."""
    report = Report()
    store = Store(store_dir, create=True)
    result = BuildResult(report)
    with store.lock():
        known = store.known_hashes()
        extraction_fp = extraction_fingerprint()

        def todo():
            for p in read_papers(inputs, fmt=fmt, report=report):
                h = p.content_hash()
                if known.get(p.id) == (h, extraction_fp):
                    result.cached += 1
                    if progress:
                        progress(1)
                    continue
                yield p

        stamp = graph_fingerprint(extraction_fp, keep_generic=keep_generic)
        fresh = store.graph_path.exists() and store.get_meta("graph_stamp") == _file_stamp(stamp, store.graph_path)
        # one extract_papers stream for the whole run (a new one per batch started a new worker
        # pool, with its pipeline load, every batch_size papers); records are committed per batch
        queue: deque[Paper] = deque()

        def feed():
            for p in todo():
                queue.append(p)
                yield p

        papers = feed()
        first = next(papers, None)  # nothing new: do not even load the pipeline
        stream = extract_papers(itertools.chain([first], papers), workers=workers) if first is not None else ()
        for batch in chunks(stream, batch_size):
            rows = []
            for record in batch:
                paper = queue.popleft()
                rows.append((paper, paper.content_hash(), record))
            if fresh:  # the saved graph no longer matches the records, until it is rebuilt below
                store.set_meta("graph_stamp", None)
                fresh = False
            store.put_records(rows, extraction_fp)  # committed per batch: a killed build loses at most one batch
            result.extracted += len(rows)
            if progress:
                progress(len(rows))
        cached_summary = store.get_meta("graph_summary") if fresh else None
        if cached_summary:  # nothing changed since the graph was built: skip rebuilding it
            result.summary = json.loads(cached_summary)
        else:
            # streamed from the records to graph.json: the graph is never whole in memory here
            result.summary = store.write_graph(iter_graph(store.iter_records, keep_generic=keep_generic))
            store.set_meta("graph_summary", json.dumps(result.summary))
            store.set_meta("graph_stamp", _file_stamp(stamp, store.graph_path))
    store.close()
    return result


def _file_stamp(stamp: str, path: Path) -> str:
    """The graph stamp plus the graph file's size and mtime: a replaced or damaged file is rebuilt."""
    st = path.stat()
    return f"{stamp}:{st.st_size}:{st.st_mtime_ns}"


def build_graph(inputs: list[str], fmt: str | None = None, workers: int = 1) -> nx.MultiDiGraph:
    """In-memory graph for inputs, without a store (tests, one-off exports)."""
    papers = list(read_papers(inputs, fmt=fmt, report=Report()))
    return _build_graph(zip(papers, extract_papers(papers, workers=workers)))


def in_shard(paper_id: str, shard: tuple[int, int] | None) -> bool:
    """True when the paper belongs to shard (i, n): a stable hash of its id, mod n, equals i."""
    if shard is None:
        return True
    i, n = shard
    return int.from_bytes(hashlib.sha1(paper_id.encode("utf-8")).digest()[:8], "big") % n == i


def extract(inputs: list[str], out_path: str | None, fmt: str | None = None, workers: int = 1,
            progress: Progress | None = None, write: Callable[[str], None] | None = None,
            shard: tuple[int, int] | None = None) -> Report:
    """Write one JSON line per paper (the public extraction format) to out_path (or `write`).
    With shard=(i, n) only the papers of shard i of n (see :func:`in_shard`): n machines run shards
    0..n-1 over the same inputs and their outputs together hold every paper exactly once."""
    report = Report()
    papers = (p for p in read_papers(inputs, fmt=fmt, report=report) if in_shard(p.id, shard))
    fh = open(out_path, "w", encoding="utf-8") if out_path and out_path != "-" else None
    try:
        for record in extract_papers(papers, workers=workers):
            line = json.dumps(record, ensure_ascii=False)
            if fh:
                fh.write(line + "\n")
            elif write:
                write(line)
            if progress:
                progress(1)
    finally:
        if fh:
            fh.close()
    return report


def stats(store_dir: str) -> dict:
    store = Store(store_dir)
    g = store.load_graph()
    out = summary(g)
    out["papers_in_store"] = store.count()
    top = {}
    for label in ("Method", "Dataset", "Metric", "Task", "Hardware"):
        nodes = [(d.get("papers", 0), d.get("name", n)) for n, d in g.nodes(data=True) if d.get("label") == label]
        top[label] = [name for _, name in sorted(nodes, key=lambda x: (-x[0], x[1]))[:5]]
    out["top"] = top
    store.close()
    return out


def load_store_graph(store_dir: str) -> nx.MultiDiGraph:
    store = Store(store_dir)
    try:
        return store.load_graph()
    finally:
        store.close()


def write_json(path: str, data) -> None:
    atomic_write_text(Path(path), json.dumps(data, indent=2, ensure_ascii=False))


def graph_size(store_dir: str) -> int:
    """Nodes + edges of a store's saved graph (StoreError when there is none yet)."""
    store = Store(store_dir)
    try:
        store.require_graph()
        cached = store.get_meta("graph_summary")
        if cached:
            s = json.loads(cached)
            return s["nodes"] + s["edges"]
        return sum(1 for _ in store.iter_nodes()) + sum(1 for _ in store.iter_edges())
    finally:
        store.close()


def load_store(store_dir: str, conn, batch_size: int = 5000, progress: Progress | None = None,
               writers: int = 2) -> dict:
    """Load a store's graph into Neo4j, streamed from graph.json (never whole in memory)."""
    from .neo4j import load_stream

    store = Store(store_dir)
    try:
        store.require_graph()  # before load_stream writes the schema
        return load_stream(store.iter_nodes, store.iter_edges, conn, batch_size=batch_size, progress=progress,
                           writers=writers)
    finally:
        store.close()
