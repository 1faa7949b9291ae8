"""Named read-only Cypher queries from ``cypher/queries/*.cypher``.

Each file starts with a header::

    // name: papers_using_dataset
    // description: Papers that evaluate on a dataset (matched by name, key or alias).
    // params: {dataset: "ImageNet", limit: 25}

The params line is a Cypher map literal, so ``:param {dataset: "ImageNet", limit: 25}`` followed by
the query body runs verbatim in Neo4j Browser. The values are examples and the defaults used for
parameters that are not given. Queries are refused statically when they contain a write clause, and
run in a READ transaction so the server refuses writes too.
"""

from __future__ import annotations

import json
import re
from importlib import resources

from ..errors import QueryError

# write clauses; not when used as a property (`r.set`), parameter ($set) or map key (set: 1)
_WRITE = re.compile(
    r"(?<![.$\w])(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|FOREACH|ALTER|RENAME|GRANT|DENY|REVOKE)\b(?!\s*:)"
    r"|\bLOAD\s+CSV\b|\bIN\s+(\d+\s+CONCURRENT\s+)?TRANSACTIONS\b", re.IGNORECASE)
_HEADER = re.compile(r"^//\s*(name|description|params)\s*:\s*(.*)$")


def _strip_literals(text: str) -> str:
    """Cypher text without comments, string literals and `quoted` names (for the static check)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c in "'\"`":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(" '' ")
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def write_clauses(text: str) -> list[str]:
    """Write clauses found in Cypher text (outside comments and strings); empty when read-only."""
    return sorted({m.group(0).upper() for m in _WRITE.finditer(_strip_literals(text))})


def check_read_only(text: str, name: str = "query") -> None:
    found = write_clauses(text)
    if found:
        raise QueryError(f"{name} is refused: it contains write clause(s) {', '.join(found)}; "
                         f"named queries are read-only")


def parse_params(literal: str) -> dict:
    """Parse the header's Cypher map literal (keys bare or quoted; JSON-like values) into a dict."""
    s = literal.strip()
    if not s:
        return {}
    # quote bare keys outside strings, then turn single-quoted strings into JSON strings
    out, i, n, expect_key = [], 0, len(s), True
    while i < n:
        c = s[i]
        if c in "'\"":
            j = i + 1
            buf = []
            while j < n and s[j] != c:
                if s[j] == "\\" and j + 1 < n:
                    buf.append(s[j + 1])
                    j += 2
                    continue
                buf.append(s[j])
                j += 1
            out.append(json.dumps("".join(buf)))
            i = j + 1
            expect_key = False
        elif c in "{,":
            out.append(c)
            i += 1
            expect_key = True
        elif expect_key and (c.isalpha() or c == "_"):
            m = re.match(r"[A-Za-z_]\w*", s[i:])
            out.append(json.dumps(m.group(0)))
            i += m.end()
            expect_key = False
        else:
            if c == ":":
                expect_key = False
            out.append(c)
            i += 1
    text = "".join(out)
    text = re.sub(r"\btrue\b|\bTRUE\b", "true", text)
    text = re.sub(r"\bfalse\b|\bFALSE\b", "false", text)
    text = re.sub(r"\bnull\b|\bNULL\b", "null", text)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise QueryError(f"cannot parse params header {literal!r}: {e}") from e
    if not isinstance(value, dict):
        raise QueryError(f"params header {literal!r} is not a map")
    return value


class NamedQuery:
    def __init__(self, name: str, description: str, params: dict, text: str, path: str):
        self.name = name
        self.description = description
        self.params = params
        self.text = text  # the full file, header included (comments are fine in Cypher)
        self.path = path

    @property
    def body(self) -> str:
        return "\n".join(ln for ln in self.text.splitlines() if not ln.strip().startswith("//")).strip().rstrip(";")


def _load() -> dict[str, NamedQuery]:
    folder = resources.files("kg.cypher").joinpath("queries")
    found: dict[str, NamedQuery] = {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".cypher"):
            continue
        text = entry.read_text(encoding="utf-8")
        head: dict[str, str] = {}
        for line in text.splitlines():
            m = _HEADER.match(line.strip())
            if m:
                head.setdefault(m.group(1), m.group(2).strip())
        name = head.get("name") or entry.name[:-len(".cypher")]
        if name in found:
            raise QueryError(f"duplicate query name {name!r} in {entry.name}")
        found[name] = NamedQuery(name, head.get("description", ""), parse_params(head.get("params", "")),
                                 text, entry.name)
    return found


_CACHE: dict[str, NamedQuery] | None = None


def queries() -> dict[str, NamedQuery]:
    global _CACHE
    if _CACHE is None:
        _CACHE = _load()
    return _CACHE


def list_queries() -> list[tuple[str, str, dict]]:
    """``[(name, description, example params)]`` sorted by name."""
    return [(q.name, q.description, dict(q.params)) for q in sorted(queries().values(), key=lambda q: q.name)]


def get_query(name: str) -> NamedQuery:
    qs = queries()
    if name not in qs:
        raise QueryError(f"unknown query {name!r}; known: {', '.join(sorted(qs))} (see `kg query --list`)")
    return qs[name]


def _coerce(key: str, value, example):
    """CLI values arrive as strings: coerce to the example's type (or int/float when it looks numeric)."""
    if not isinstance(value, str):
        return value
    v = value.strip()
    try:
        if isinstance(example, bool):
            if v.lower() in ("true", "1", "yes"):
                return True
            if v.lower() in ("false", "0", "no"):
                return False
            raise ValueError(v)
        if isinstance(example, int):
            return int(v)
        if isinstance(example, float):
            return float(v)
    except ValueError as e:
        raise QueryError(f"parameter {key}={value!r}: expected {type(example).__name__} "
                         f"(example: {example!r})") from e
    if isinstance(example, list):
        return [_coerce(key, x, example[0] if example else None) for x in v.split(",") if x.strip()] if v else []
    if isinstance(example, str):
        return value
    if re.fullmatch(r"[+-]?\d+", v):
        return int(v)
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?", v):
        return float(v)
    return value


def resolve_params(q: NamedQuery, params: dict | None) -> dict:
    params = dict(params or {})
    unknown = sorted(set(params) - set(q.params))
    if unknown:
        raise QueryError(f"query {q.name!r} has no parameter(s) {', '.join(unknown)}; "
                         f"it takes {', '.join(sorted(q.params)) or 'none'}")
    out = dict(q.params)
    for k, v in params.items():
        out[k] = _coerce(k, v, q.params.get(k))
    if "type" in out:
        from ..graph.schema import NODE_LABELS

        if out["type"] not in NODE_LABELS:
            raise QueryError(f"parameter type={out['type']!r}: expected one of {', '.join(NODE_LABELS)}")
    return out


def _plain(v):
    """Driver values -> JSON-friendly Python values."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(v, Node):
        return {"labels": sorted(v.labels), **{k: _plain(x) for k, x in v.items()}}
    if isinstance(v, Relationship):
        return {"type": v.type, **{k: _plain(x) for k, x in v.items()}}
    if isinstance(v, Path):
        return {"nodes": [_plain(n) for n in v.nodes], "relationships": [_plain(r) for r in v.relationships]}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if hasattr(v, "iso_format"):
        return v.iso_format()
    return v


def run_read(conn, text: str, params: dict | None = None, check: bool = True) -> tuple[list[str], list[list]]:
    """Run Cypher in a READ transaction; ``check`` also refuses write clauses before sending.
    Returns ``(columns, rows)`` with rows as lists of plain Python values."""
    from neo4j import READ_ACCESS
    from neo4j import exceptions as nx

    from ..errors import Neo4jError

    if check:
        check_read_only(text)

    def work(tx):
        result = tx.run(text, params or {})
        keys = list(result.keys())
        rows = [[_plain(v) for v in rec.values()] for rec in result]
        return keys, rows

    try:
        with conn.session(default_access_mode=READ_ACCESS) as s:
            return s.execute_read(work)
    except nx.ClientError as e:
        code = e.code or ""
        if "AccessMode" in code or "Forbidden" in code:
            raise QueryError(f"refused by Neo4j: the query tries to write in a READ transaction ({code})") from e
        raise QueryError(f"Neo4j rejected the query: {code}: {e.message}") from e
    except nx.Neo4jError as e:
        raise QueryError(f"query failed in Neo4j: {e.code}: {e.message}") from e
    except (nx.ServiceUnavailable, nx.SessionExpired) as e:
        raise Neo4jError(f"Neo4j at {conn.uri} is unavailable: {e}") from e
    except nx.DriverError as e:
        raise Neo4jError(f"Neo4j driver error: {e}") from e


def run_query(conn, name: str, params: dict | None = None) -> tuple[list[str], list[list]]:
    """Run the named query read-only; returns ``(columns, rows)`` (rows are lists, one value per column)."""
    q = get_query(name)
    check_read_only(q.text, f"query {name!r}")
    return run_read(conn, q.body, resolve_params(q, params), check=False)
