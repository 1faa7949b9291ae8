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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import networkx as nx

from .errors import StoreError, StoreLockedError
from .models import Paper

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
        return {pid: (h, ex) for pid, h, ex in self.db.execute("SELECT id, hash, extractor FROM papers")}

    def put_records(self, rows: list[tuple[Paper, str, dict]]) -> None:
        """Insert or replace (paper, hash, record) rows in one transaction."""
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO papers (id, hash, extractor, paper, record) VALUES (?, ?, ?, ?, ?)",
                [(p.id, h, r.get("extractor", ""), json.dumps(p.to_dict()), json.dumps(r)) for p, h, r in rows],
            )

    def iter_records(self) -> Iterator[tuple[Paper, dict]]:
        for paper, record in self.db.execute("SELECT paper, record FROM papers ORDER BY id"):
            yield Paper.from_dict(json.loads(paper)), json.loads(record)

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

    def save_graph(self, g: nx.MultiDiGraph) -> None:
        data = nx.node_link_data(g, **NODE_LINK)
        atomic_write_text(self.graph_path, json.dumps(data, sort_keys=True))

    def load_graph(self) -> nx.MultiDiGraph:
        if not self.graph_path.exists():
            raise StoreError(f"{self.path} has no graph yet: run `kg build INPUT... --store {self.path}`")
        try:
            data = json.loads(self.graph_path.read_text(encoding="utf-8"))
            return nx.node_link_graph(data, directed=True, multigraph=True, **NODE_LINK)
        except (ValueError, KeyError) as exc:
            raise StoreError(f"{self.graph_path} is damaged ({exc}); run `kg build` again to rebuild it") from exc


def atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
