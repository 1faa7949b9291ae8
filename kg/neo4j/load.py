"""Load a kg networkx graph into Neo4j: idempotent MERGE in UNWIND batches.

Statements come from ``cypher/schema.cypher`` and the templates ``cypher/load_nodes.cypher`` /
``cypher/load_rels.cypher``. The only text substituted into a template is a label or relationship type
that is first checked against the whitelist in :mod:`kg.graph.schema`; every value is a parameter.

Property conversion (Neo4j stores scalars and homogeneous lists of scalars only): ``None`` is dropped,
scalars and homogeneous lists of scalars are kept, dicts and any other list (containing dicts, nested
lists, mixed types) become JSON strings.

``SET n += props`` updates changed properties and adds new ones; it never deletes nodes, relationships
or properties that disappeared from the graph (reload into an emptied database for an exact mirror).
Relationships are written by parallel writers that never lock the same node (:mod:`kg.neo4j.lanes`).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from importlib import resources

from ..errors import Neo4jError
from ..graph.schema import NODE_LABELS, REL_TYPES, split_node_id
from .connection import Connection
from .lanes import Spool, batches, plan_rels, quiet_lock_retries, run_lanes

log = logging.getLogger("kg.neo4j")

_IDENT = re.compile(r"^[A-Z][A-Za-z_]*$")
RETRIES = 4  # extra attempts per batch on ServiceUnavailable/SessionExpired, after the driver's own retries


def cypher_text(name: str) -> str:
    """Text of a file in the packaged ``cypher/`` folder (``kg.cypher``)."""
    return resources.files("kg.cypher").joinpath(name).read_text(encoding="utf-8")


def split_statements(text: str) -> list[str]:
    """Statements of a .cypher file: ``//`` comment lines dropped, split at ``;`` ending a line."""
    lines = [ln for ln in text.splitlines() if not ln.strip().startswith("//")]
    parts = re.split(r";[ \t]*(?:\n|$)", "\n".join(lines))
    return [p.strip() for p in parts if p.strip()]


def schema_statements() -> list[str]:
    return split_statements(cypher_text("schema.cypher"))


# names that may be pasted into a statement: in the schema and plain identifiers (checked once, here)
_LABELS = frozenset(x for x in NODE_LABELS if _IDENT.match(x))
_TYPES = frozenset(x for x in REL_TYPES if _IDENT.match(x))


def _check_label(label: str) -> str:
    if label not in _LABELS:
        raise Neo4jError(f"label {label!r} is not in the graph schema (kg.graph.schema.NODE_LABELS)")
    return label


def _check_type(rel: str) -> str:
    if rel not in _TYPES:
        raise Neo4jError(f"relationship type {rel!r} is not in the graph schema (kg.graph.schema.REL_TYPES)")
    return rel


def node_statement(label: str) -> str:
    """The MERGE statement for one whitelisted label."""
    body = "\n".join(split_statements(cypher_text("load_nodes.cypher")))
    return body.replace("__LABEL__", _check_label(label))


def rel_statement(rel: str, start: str, end: str) -> str:
    """The MERGE statement for one whitelisted relationship type between two whitelisted labels."""
    body = "\n".join(split_statements(cypher_text("load_rels.cypher")))
    return (body.replace("__START__", _check_label(start)).replace("__END__", _check_label(end))
            .replace("__TYPE__", _check_type(rel)))


# ---------------------------------------------------------------- property conversion

_SCALARS = (str, bool, int, float)


def _json(v) -> str:
    return json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)


def convert_value(v):
    """A networkx attribute value as a Neo4j property value (None means: drop the property)."""
    if v is None:
        return None
    if isinstance(v, _SCALARS):
        if isinstance(v, int) and not isinstance(v, bool) and not -(2**63) <= v < 2**63:
            return str(v)
        return v
    if isinstance(v, (list, tuple, set, frozenset)):
        items = sorted(v, key=str) if isinstance(v, (set, frozenset)) else list(v)
        items = [x for x in items if x is not None]
        if all(isinstance(x, _SCALARS) for x in items) and len({type(x) for x in items}) <= 1:
            return items
        return _json(items)
    if isinstance(v, dict):
        return _json(v)
    return str(v)


_PLAIN = frozenset({str, bool, float})  # stored as they are (ints too, when they fit in 64 bits)


def convert_props(attrs: dict, drop: tuple[str, ...] = ()) -> dict:
    out = {}
    for k, v in attrs.items():
        if k in drop:
            continue
        t = type(v)
        if t in _PLAIN or (t is int and -(2**63) <= v < 2**63):  # the common case, without the checks below
            out[k if type(k) is str else str(k)] = v
            continue
        c = convert_value(v)
        if c is not None:
            out[str(k)] = c
    return out


def node_row(nid: str, d: dict) -> tuple[str, dict]:
    """(label, row) for one networkx node."""
    id_label, id_key = split_node_id(str(nid))
    label = d.get("label") or id_label
    key = d.get("key", id_key)
    _check_label(label)
    if key is None or key == "":
        raise Neo4jError(f"node {nid!r} has no key")
    key = str(key)
    return label, {"key": key, "props": convert_props(d, drop=("label",)) | {"key": key}}


def rel_row(u: str, v: str, k, d: dict) -> tuple[tuple[str, str, str], dict]:
    """((type, start label, end label), row) for one networkx edge. The end labels come from the node
    ids (``"<Label>:<key>"``, kg.graph.schema), so edges can be converted without the node table."""
    rel = k if isinstance(k, str) and k in REL_TYPES else d.get("type", k)
    _check_type(str(rel))
    (sl, sk), (el, ek) = split_node_id(str(u)), split_node_id(str(v))
    _check_label(sl)
    _check_label(el)
    return (rel, sl, el), {"a": sk, "b": ek, "props": convert_props(d, drop=("type",))}


# ---------------------------------------------------------------- writing


class Rows(list):
    """The ``$rows`` parameter: a list whose repr is short. The driver formats ``repr`` of every RUN's
    parameters for a debug log line *before* checking the log level (neo4j 6.4, ``Bolt5x5.run``):
    30 ms per 5000-row batch, ~6 s of client CPU per 1M relationships, holding the GIL the reading
    thread needs. A list subclass packs to the same bytes (Rust and Python packstream)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def _write(conn: Connection, statement: str, params: dict, what: str, done: Callable[[], str]):
    """Run one write in a managed transaction (driver retries transient errors), with bounded extra
    retries and backoff when the server is unavailable. Returns the summary counters."""
    from neo4j import exceptions as nx

    def work(tx):
        return tx.run(statement, params).consume().counters

    delay = 1.0
    for attempt in range(RETRIES + 1):
        try:
            with conn.session() as s:
                return s.execute_write(work)
        except (nx.ServiceUnavailable, nx.SessionExpired) as e:
            if attempt == RETRIES:
                raise Neo4jError(f"Neo4j at {conn.uri} became unavailable while loading {what} ({e}); "
                                 f"{done()}. Loading is idempotent: rerun once the server is back") from e
            log.warning("Neo4j unavailable (%s); retrying %s in %.0f s", e, what, delay)
            time.sleep(delay)
            delay = min(delay * 2, 16.0)
        except nx.Neo4jError as e:
            raise Neo4jError(f"Neo4j refused {what}: {e.code}: {e.message}; {done()}") from e
        except nx.DriverError as e:
            raise Neo4jError(f"Neo4j driver error while loading {what}: {e}; {done()}") from e
    raise AssertionError("unreachable")


def apply_schema(conn: Connection) -> int:
    """Create constraints and indexes (idempotent); returns the number of statements run."""
    stmts = schema_statements()
    for st in stmts:
        _write(conn, st, {}, "the schema (constraints/indexes)", lambda: "nothing was loaded yet")
    with conn.session() as s:  # wait so the full-text index is usable right after loading
        s.run("CALL db.awaitIndexes(300)").consume()
    return len(stmts)


def load_graph(graph, conn: Connection, batch_size: int = 5000,
               progress: Callable[[int], None] | None = None, writers: int = 2) -> dict:
    """Load ``graph`` (networkx MultiDiGraph following kg.graph.schema) into Neo4j; see :func:`load_stream`."""
    return load_stream(lambda: graph.nodes(data=True), lambda: graph.edges(keys=True, data=True), conn,
                       batch_size=batch_size, progress=progress, writers=writers)


def load_stream(nodes: Callable[[], Iterable[tuple[str, dict]]],
                edges: Callable[[], Iterable[tuple[str, str, str, dict]]], conn: Connection,
                batch_size: int = 5000, progress: Callable[[int], None] | None = None,
                writers: int = 2) -> dict:
    """Load a graph given as streams of ``(id, attrs)`` nodes and ``(u, v, key, attrs)`` edges (e.g.
    :meth:`kg.store.Store.iter_nodes` / ``iter_edges``, read from disk): all nodes first, then the
    relationships, each in UNWIND batches of ``batch_size`` rows per label / (type, start, end).

    Nodes are written by one writer; relationships by ``writers`` at once, scheduled so that concurrent
    transactions share no node (:mod:`kg.neo4j.lanes`). Reading and converting rows overlaps with the
    server's work. Memory stays flat: a few unfinished batches per group, two queued per writer;
    relationship rows of later steps wait in a temporary file.

    Returns ``{"nodes": {label: n}, "rels": {type: n}, "created": {"nodes": n, "rels": n},
    "properties_set": n, "seconds": s, "rels_seconds": s}`` where nodes/rels count what the graph holds
    (and Neo4j now has at least that), created/properties_set come from the server's counters and
    rels_seconds is the time spent on relationships alone.
    Raises :class:`Neo4jError` saying how much was loaded when it fails part-way.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    if writers < 1:
        raise ValueError("writers must be >= 1")
    t0 = time.perf_counter()
    state = {"nodes": 0, "rels": 0, "nodes_created": 0, "rels_created": 0, "props": 0}
    lock = threading.Lock()
    n_nodes: Counter = Counter()  # per label
    n_groups: Counter = Counter()  # per (type, start label, end label)

    def done() -> str:
        return f"loaded so far: {state['nodes']} nodes and {state['rels']} relationships"

    def writer(kind: str, statement_of, what_of, created):
        def write(batch) -> None:
            group, rows = batch
            c = _write(conn, statement_of(group), {"rows": Rows(rows)}, what_of(group), done)
            with lock:
                state[kind] += len(rows)
                state[f"{kind}_created"] += created(c)
                state["props"] += c.properties_set
                if progress:
                    progress(len(rows))
        return write

    apply_schema(conn)
    node_batches = batches(nodes(), node_row, batch_size, n_nodes)
    run_lanes(((0, b) for b in node_batches), 1,  # one lane: concurrent node writes were slower
              writer("nodes", node_statement, lambda label: f"{label} nodes", lambda c: c.nodes_created))
    t_rels = time.perf_counter()

    def rel_rows():
        for item in edges():
            group, row = rel_row(*item)
            n_groups[group] += 1
            yield group, row

    write_rel = writer("rels", lambda g: rel_statement(*g), lambda g: f"{g[0]} relationships",
                       lambda c: c.relationships_created)
    spools: dict[int, Spool] = {}
    try:
        with quiet_lock_retries():
            run_lanes(plan_rels(rel_rows(), writers, batch_size, spools), writers, write_rel)
            for step in sorted(spools):  # later steps, then the single-lane rest (step == writers)
                run_lanes(spools[step].replay(), writers if step < writers else 1, write_rel)
    finally:
        for sp in spools.values():
            sp.close()
    end = time.perf_counter()
    n_rels: Counter = Counter()
    for (rel, _, _), n in n_groups.items():
        n_rels[rel] += n
    out = {
        "nodes": dict(sorted(n_nodes.items())),
        "rels": dict(sorted(n_rels.items())),
        "created": {"nodes": state["nodes_created"], "rels": state["rels_created"]},
        "properties_set": state["props"],
        "seconds": round(end - t0, 2),
        "rels_seconds": round(end - t_rels, 2),
    }
    log.info("loaded %d nodes, %d relationships into %s", state["nodes"], state["rels"], conn.uri)
    return out


def counts(conn: Connection) -> dict:
    """``{"nodes": {label: n}, "rels": {type: n}}`` as stored in Neo4j (labels/types with n > 0)."""
    from neo4j import exceptions as nx

    def work(tx):
        nodes = {r["label"]: r["n"] for r in tx.run(
            "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY label")}
        rels = {r["type"]: r["n"] for r in tx.run(
            "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type")}
        return {"nodes": nodes, "rels": rels}

    try:
        with conn.session() as s:
            return s.execute_read(work)
    except nx.Neo4jError as e:
        raise Neo4jError(f"counting in Neo4j failed: {e.code}: {e.message}") from e
    except nx.DriverError as e:
        raise Neo4jError(f"counting in Neo4j failed: {e}") from e
