"""The embedded store: a directory holding an SQLite database of papers and their extraction
records (the content-hash cache) and the built graph as node-link JSON.

Crash safety: records are committed in SQLite transactions, the graph file is written to a
temporary file and renamed into place, so a kill at any point leaves the previous store readable
and the next ``kg build`` completes the work. Concurrency: an exclusive lock file; a second
writer fails at once with a clear message.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import networkx as nx

from .errors import StoreError, StoreLockedError
from .models import Paper

try:  # parses graph.json and the stored records ~4x faster than json (kg load, stats, export, build)
    from orjson import loads as _fast_loads
except ImportError:  # pragma: no cover - orjson is a dependency; json alone still works
    _fast_loads = json.loads


def loads(data: str | bytes):
    """``json.loads`` via orjson; what orjson refuses but json accepts (NaN, lone surrogates, which
    ``json.dumps`` writes) is parsed by json, so either gives the same values."""
    try:
        return _fast_loads(data)
    except ValueError:
        return json.loads(data)

DEFAULT_STORE = "kg-data"
# node-link field names that cannot clash with node properties (Paper has an "id", nodes a "key")
NODE_LINK = {"edges": "edges", "name": "_id", "key": "_type"}
SCHEMA = """
CREATE TABLE IF NOT EXISTS papers (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    extractor TEXT NOT NULL,
    paper TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Store:
    def __init__(self, path: str | os.PathLike = DEFAULT_STORE, create: bool = False):
        self.path = Path(path)
        if not create and not (self.path / "kg.sqlite").exists():
            raise StoreError(f"no kg store at {self.path}: run `kg build INPUT... --store {self.path}` first")
        self.path.mkdir(parents=True, exist_ok=True)
        self._db: sqlite3.Connection | None = None

    # -- database -------------------------------------------------------------------------
    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                self._db = sqlite3.connect(self.path / "kg.sqlite", timeout=30)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.executescript(SCHEMA)
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{self.path}/kg.sqlite is not a readable kg store ({exc}); "
                                 "move it away and run `kg build` again") from exc
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive writer lock; a second `kg build` on the same store fails clearly."""
        self.path.mkdir(parents=True, exist_ok=True)
        fh = open(self.path / "lock", "w")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            raise StoreLockedError(f"{self.path} is being written by another kg process; "
                                   f"wait for it to finish (or remove a stale {self.path}/lock if none runs)")
        try:
            fh.write(str(os.getpid()))
            fh.flush()
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()

    def known_hashes(self) -> dict[str, tuple[str, str]]:
        """``{paper id: (content hash, extraction fingerprint)}`` of the stored records."""
        return {pid: (h, ex) for pid, h, ex in self.db.execute("SELECT id, hash, extractor FROM papers")}

    def put_records(self, rows: list[tuple[Paper, str, dict]], fingerprint: str) -> None:
        """Insert or replace (paper, hash, record) rows in one transaction. ``fingerprint`` is the
        :func:`kg.fingerprint.extraction_fingerprint` of the extraction that made the records (kept in
        the ``extractor`` column; stores of older kg versions have the record's "kg-<version>" there)."""
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO papers (id, hash, extractor, paper, record) VALUES (?, ?, ?, ?, ?)",
                [(p.id, h, fingerprint, json.dumps(p.to_dict()), json.dumps(r)) for p, h, r in rows],
            )

    def iter_records(self) -> Iterator[tuple[Paper, dict]]:
        for paper, record in self.db.execute("SELECT paper, record FROM papers ORDER BY id"):
            yield Paper.from_dict(loads(paper)), loads(record)

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        """Set (or with None delete) one meta value, committed at once."""
        with self.db:
            if value is None:
                self.db.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM papers").fetchone()[0]

    # -- graph ----------------------------------------------------------------------------
    @property
    def graph_path(self) -> Path:
        return self.path / "graph.json"

    def require_graph(self) -> Path:
        """The graph file, or StoreError saying how to make one."""
        if not self.graph_path.exists():
            raise StoreError(f"{self.path} has no graph yet: run `kg build INPUT... --store {self.path}`")
        return self.graph_path

    def write_graph(self, elements: Iterable[tuple]) -> dict:
        """Stream graph elements (see :func:`kg.graph.build.iter_graph`) into graph.json, atomically,
        without holding the graph: node-link JSON with one node or edge per line (nodes first), so
        readers can stream it too (:meth:`iter_nodes`, :meth:`iter_edges`). Returns the summary
        (the same as :func:`kg.graph.build.summary` of the graph)."""
        labels: Counter = Counter()
        rels: Counter = Counter()
        with atomic_file(self.graph_path) as out, \
                tempfile.TemporaryFile("w+", encoding="utf-8", dir=self.path) as side:
            out.write(_HEADER)
            sep = "\n"
            for el in elements:
                if el[0] == "node":
                    out.write(sep + json.dumps({**el[2], "_id": el[1]}, sort_keys=True))
                    sep = ",\n"
                    labels[el[2].get("label")] += 1
                else:
                    _, u, v, key, attrs = el
                    side.write(json.dumps({"type": key, **attrs, "source": u, "target": v, "_type": key},
                                          sort_keys=True) + "\n")
                    rels[key] += 1
            out.write("\n" + _MIDDLE)
            side.seek(0)
            sep = "\n"
            for line in side:
                out.write(sep + line.rstrip("\n"))
                sep = ",\n"
            out.write("\n" + _FOOTER)
        return {"nodes": sum(labels.values()), "edges": sum(rels.values()),
                "labels": dict(sorted(labels.items())), "relationships": dict(sorted(rels.items()))}

    def _elements(self, section: str) -> Iterator[dict]:
        """The node-link dicts of one section ("nodes" or "edges") of graph.json, streamed when the
        file is in the one-element-per-line layout :meth:`write_graph` writes (else parsed whole)."""
        self.require_graph()
        header, middle, footer = (x.encode() for x in (_HEADER, _MIDDLE, _FOOTER))
        try:
            with open(self.graph_path, "rb") as fh:  # bytes: orjson parses UTF-8 without a str copy
                first = fh.readline()
                if first != header + b"\n":  # another layout (an older kg, a hand-made file)
                    yield from loads(first + fh.read())[section]
                    return
                current, ended = "nodes", False
                for line in fh:
                    line = line.rstrip(b"\n")
                    if line == middle:
                        current = "edges"
                    elif line == footer:
                        ended = True
                    elif current == section:
                        yield loads(line.rstrip(b","))
                if not ended:
                    raise ValueError("the file ends early")
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{self.graph_path} is damaged ({exc}); run `kg build` again to rebuild it") from exc

    def iter_nodes(self) -> Iterator[tuple[str, dict]]:
        """(node id, attributes) of the saved graph, streamed from disk."""
        for d in self._elements("nodes"):
            nid = d.pop(NODE_LINK["name"])
            yield nid, d

    def iter_edges(self) -> Iterator[tuple[str, str, str, dict]]:
        """(source, target, key, attributes) of the saved graph, streamed from disk."""
        for d in self._elements(NODE_LINK["edges"]):
            u, v, k = d.pop("source"), d.pop("target"), d.pop(NODE_LINK["key"])
            yield u, v, k, d

    def load_graph(self) -> nx.MultiDiGraph:
        g = nx.MultiDiGraph()
        for nid, d in self.iter_nodes():
            g.add_node(nid, **d)
        for u, v, k, d in self.iter_edges():
            g.add_edge(u, v, key=k, **d)
        return g


# graph.json layout written by Store.write_graph (valid node-link JSON; one element per line between these)
_HEADER = '{"directed": true, "multigraph": true, "graph": {}, "nodes": ['
_MIDDLE = '], "edges": ['
_FOOTER = ']}'


@contextmanager
def atomic_file(path: Path) -> Iterator[IO[str]]:
    """A text file written under a temporary name in the same folder and renamed into place (after an
    fsync) when the block ends without an error; on any error the old file stays as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    with atomic_file(path) as fh:
        fh.write(text)
