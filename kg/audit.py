"""Graph-quality audit: a seeded sample of entity nodes for a person to label, and scores of the
labelled files against any store (the one sampled or a rebuilt one). Documented in docs/audit.md.

A labelled row names an entity by its surface form (``type``, ``name``), not by node id, so the same
file scores a later graph whose resolver merged, renamed or dropped nodes.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

import networkx as nx

from .errors import AuditError
from .graph.schema import ENTITY_LABELS, entity_key

# label -> what it means (the command help and docs/audit.md say the same)
LABELS: dict[str, str] = {
    "GOOD": "names one specific entity and the type is right",
    "GENERIC": "a generic phrase, not a nameable entity (\"learning process\", \"SOTA\", \"efficiency\")",
    "WRONG_TYPE": "a specific entity under the wrong label (a loss as Metric, a model as Dataset)",
    "BROKEN": "a truncated or garbled span, or not an entity at all (\"the art residual\", \"et al\")",
}
JUNK = ("GENERIC", "BROKEN", "WRONG_TYPE")
COLUMNS = ["type", "name", "label", "duplicate_of", "note", "papers", "aliases", "evidence", "paper_title",
           "similar", "node"]
REQUIRED = ("type", "name", "label", "duplicate_of")
SCORE_COLUMNS = ["type", "sampled", "present", "good_share", "good", "good_kept", "junk", "junk_gone",
                 "dups", "dup_left", "dup_share"]
HEAD_WORDS = {"model", "models", "network", "networks", "method", "methods", "algorithm", "algorithms",
              "approach", "approaches", "framework", "frameworks"}
STOP_WORDS = {"a", "an", "and", "the", "of", "for", "from", "in", "on", "to", "with", "by", "via"}
EVIDENCE_CHARS = 200
MAX_SIMILAR = 5


# -- sampling -------------------------------------------------------------------------------------
def sample_nodes(graph: nx.MultiDiGraph, n: int, seed: int = 0, types: Iterable[str] | None = None) -> list[dict]:
    """``n`` entity nodes per type (all of them when fewer): those whose ids hash lowest with ``seed``.
    The same graph and seed give the same rows, and a rebuild that adds or drops some nodes keeps the
    others' draws, so most labels of an earlier sample carry over. Each row has the columns of
    :data:`COLUMNS`, the ones the person fills (label, duplicate_of, note) empty."""
    types = check_types(types)
    similar = SimilarIndex(graph)
    rows = []
    for label in types:
        candidates = [nid for nid, d in graph.nodes(data=True) if d.get("label") == label]
        picked = sorted(candidates, key=lambda nid: _draw(seed, nid))[:n]
        rows += [_row(graph, nid, similar) for nid in sorted(picked)]
    return rows


def _draw(seed: int, nid: str) -> str:
    """A node's place in the seeded draw: a hash of the seed and its id alone."""
    return hashlib.sha1(f"{seed}\0{nid}".encode("utf-8")).hexdigest()


def check_types(types: Iterable[str] | None) -> list[str]:
    """The entity types asked for, in schema order; AuditError naming the allowed ones otherwise."""
    if not types:
        return list(ENTITY_LABELS)
    wanted = [t.strip() for t in types if t.strip()]
    unknown = [t for t in wanted if t not in ENTITY_LABELS]
    if unknown:
        raise AuditError(f"unknown entity type(s) {', '.join(unknown)}: use {','.join(ENTITY_LABELS)}")
    return [t for t in ENTITY_LABELS if t in wanted]


def _row(graph: nx.MultiDiGraph, nid: str, similar: SimilarIndex) -> dict:
    d = graph.nodes[nid]
    name = _name(nid, d)
    sentence, title = _evidence(graph, nid)
    return {"type": d["label"], "name": _clean(name), "label": "", "duplicate_of": "", "note": "",
            "papers": d.get("papers", 0), "aliases": " | ".join(_clean(a) for a in _aliases(d)),
            "evidence": _clean(sentence)[:EVIDENCE_CHARS], "paper_title": _clean(title),
            "similar": " | ".join(_clean(s) for s in similar.of(nid, name)), "node": nid}


def _evidence(graph: nx.MultiDiGraph, nid: str) -> tuple[str, str]:
    """The evidence sentence of the node's first incoming Paper edge (in paper id order) that has one,
    and that paper's title."""
    edges = sorted((u, k, d.get("sentence")) for u, _, k, d in graph.in_edges(nid, keys=True, data=True)
                   if graph.nodes[u].get("label") == "Paper")
    for u, _, sentence in edges:
        if sentence:
            return sentence, graph.nodes[u].get("title") or ""
    return "", ""


def write_sample(rows: list[dict], path: str | Path) -> None:
    """The rows as a tab-separated file with a header row (columns of :data:`COLUMNS`)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, delimiter="\t", extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


# -- "looks like the same entity" -----------------------------------------------------------------
def _words(name: str) -> list[str]:
    return re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", name).lower())


def loose_key(name: str) -> str:
    """``entity_key`` made looser: no case, hyphens, spaces or punctuation, trailing head words
    (model, network, method, algorithm, approach, framework) dropped, a trailing "s" singularised.
    "Recurrent Neural Network models" and "recurrent-neural network" both give "recurrentneural"."""
    words = _words(name)
    while len(words) > 1 and words[-1] in HEAD_WORDS:
        words.pop()
    s = "".join(words)
    if len(s) > 3 and s.endswith("s") and not s.endswith("ss"):
        s = s[:-1]
    return s


def acronym_letters(name: str) -> str | None:
    """The letters of an acronym ("RNN", "RNNs", "BoW", "mAP"), lower-cased; None for other names."""
    s = name.strip()
    if len(s) > 2 and s.endswith("s") and s[-2].isupper():
        s = s[:-1]
    if not re.fullmatch(r"[A-Za-z]{2,10}", s):
        return None
    upper = sum(c.isupper() for c in s)
    return s.lower() if upper >= 2 and upper * 2 >= len(s) else None


def initials(name: str) -> set[str]:
    """Initials of a name of two or more words, with and without small words ("bag of words": bow, bw)."""
    words = re.findall(r"[^\W\d_]+", unicodedata.normalize("NFKC", name).lower())
    if len(words) < 2:
        return set()
    out = {"".join(w[0] for w in words)}
    content = [w for w in words if w not in STOP_WORDS]
    if len(content) >= 2:
        out.add("".join(w[0] for w in content))
    return out


class SimilarIndex:
    """Entity nodes that look like the same entity as a given one (same :func:`loose_key`, or an
    acronym of the other's words, either way round), built once for a graph."""

    def __init__(self, graph: nx.MultiDiGraph):
        self.graph = graph
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.by_initials: dict[str, set[str]] = defaultdict(set)
        self.by_acronym: dict[str, set[str]] = defaultdict(set)
        for nid, d in graph.nodes(data=True):
            if d.get("label") not in ENTITY_LABELS:
                continue
            name = _name(nid, d)
            key = loose_key(name)
            if key:
                self.by_key[key].add(nid)
            for ini in initials(name):
                self.by_initials[ini].add(nid)
            letters = acronym_letters(name)
            if letters:
                self.by_acronym[letters].add(nid)

    def of(self, nid: str, name: str) -> list[str]:
        """Up to five "Type:name" strings, most papers first."""
        found = set(self.by_key.get(loose_key(name), ()))
        letters = acronym_letters(name)
        if letters:
            found |= self.by_initials.get(letters, set())
        for ini in initials(name):
            found |= self.by_acronym.get(ini, set())
        found.discard(nid)
        nodes = self.graph.nodes
        best = sorted(found, key=lambda x: (-(nodes[x].get("papers") or 0), x))[:MAX_SIMILAR]
        return [f"{nodes[x]['label']}:{_name(x, nodes[x])}" for x in best]


# -- reading labels -------------------------------------------------------------------------------
def read_labels(path: str | Path, warnings: list[str] | None = None) -> list[dict]:
    """The labelled rows of an audit TSV as dicts (type, name, label, duplicate_of, note, file, line).

    Rows without a label, with an unknown label or type, or without a name are skipped; each adds a
    "FILE:LINE: ..." message to ``warnings``. Labels are read case-insensitively ("wrong type" and
    "wrong-type" are WRONG_TYPE). AuditError when the file cannot be read or lacks a required column."""
    warnings = [] if warnings is None else warnings
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh, delimiter="\t")
            _check_header(path, reader.fieldnames)
            rows = []
            for raw in reader:
                row = _label_row(path, reader.line_num, raw, warnings)
                if row:
                    rows.append(row)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise AuditError(f"cannot read labels file {path} ({exc}): give the TSV written by "
                         "`kg audit sample`, saved as UTF-8 text with tabs") from exc
    return rows


def _check_header(path, fieldnames) -> None:
    missing = [c for c in REQUIRED if c not in (fieldnames or [])]
    if missing:
        raise AuditError(f"{path}: no column(s) {', '.join(missing)} in the header row; give the TSV written "
                         f"by `kg audit sample` (tab-separated, header row with {', '.join(REQUIRED)})")


def _label_row(path, line: int, raw: dict, warnings: list[str]) -> dict | None:
    cell = {k: (raw.get(k) or "").strip() for k in (*REQUIRED, "note")}
    label = re.sub(r"[\s-]+", "_", cell["label"]).upper()
    allowed = ", ".join(LABELS)
    problem = None
    if not cell["label"]:
        problem = f"no label (one of {allowed})"
    elif label not in LABELS:
        problem = f"unknown label {cell['label']!r}: use one of {allowed}"
    elif cell["type"] not in ENTITY_LABELS:
        problem = f"unknown type {cell['type']!r}: use one of {', '.join(ENTITY_LABELS)}"
    elif not cell["name"]:
        problem = "no name"
    if problem:
        warnings.append(f"{path}:{line}: {problem}; row skipped")
        return None
    return {**cell, "label": label, "file": str(path), "line": line}


# -- scoring --------------------------------------------------------------------------------------
class SurfaceIndex:
    """Entity nodes by ``entity_key`` of their name and of each alias."""

    def __init__(self, graph: nx.MultiDiGraph):
        self.nodes: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.named: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for nid, d in graph.nodes(data=True):
            label = d.get("label")
            if label not in ENTITY_LABELS:
                continue
            self.named[entity_key(_name(nid, d))].add((label, nid))
            for surface in (_name(nid, d), *_aliases(d)):
                key = entity_key(surface)
                if key:
                    self.nodes[key].add((label, nid))

    def lookup(self, name: str, label: str | None = None, names_only: bool = False) -> set[str]:
        """Ids of the nodes (of ``label``, or of any entity type) that name ``name`` or, unless
        ``names_only``, have it as an alias."""
        index = self.named if names_only else self.nodes
        return {nid for lab, nid in index.get(entity_key(name), ()) if label is None or lab == label}


def score(labels: list[dict], graph: nx.MultiDiGraph) -> list[dict]:
    """One row per entity type present in ``labels`` (schema order) and an "all" row; columns
    :data:`SCORE_COLUMNS`. Shares are None when nothing was there to share (docs/audit.md)."""
    index = SurfaceIndex(graph)
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in labels:
        _count(counts[row["type"]], row, index)
    total = sum(counts.values(), Counter())
    order = [t for t in ENTITY_LABELS if t in counts]
    return [_shares(t, counts[t]) for t in order] + [_shares("all", total)]


def _count(c: Counter, row: dict, index: SurfaceIndex) -> None:
    label, name = row["label"], row["name"]
    same = index.lookup(name, row["type"])
    node = index.lookup(name, row["type"], names_only=True)  # a node of its own, not an alias
    c["sampled"] += 1
    c["present"] += bool(node)
    if label == "GOOD":
        c["good"] += 1
        c["good_kept"] += bool(same)
        c["good_present"] += bool(node)
    else:  # GENERIC and BROKEN must name no node of any type; WRONG_TYPE none of its labelled type. As
        c["junk"] += 1  # an alias of a good node ("LSTM network" of LSTM) a phrasing is no junk node
        c["junk_gone"] += not (node if label == "WRONG_TYPE" else index.lookup(name, names_only=True))
    if row.get("duplicate_of"):
        c["dups"] += 1
        other = index.lookup(row["duplicate_of"])
        c["dup_left"] += bool(same and other and not same & other)


def _shares(type_: str, c: Counter) -> dict:
    def share(num: int, den: int) -> float | None:
        return round(num / den, 3) if den else None

    return {"type": type_, "sampled": c["sampled"], "present": c["present"],
            "good_share": share(c["good_present"], c["present"]), "good": c["good"],
            "good_kept": share(c["good_kept"], c["good"]), "junk": c["junk"],
            "junk_gone": share(c["junk_gone"], c["junk"]), "dups": c["dups"], "dup_left": c["dup_left"],
            "dup_share": share(c["dup_left"], c["present"])}


# -- helpers --------------------------------------------------------------------------------------
def _name(nid: str, d: dict) -> str:
    return d.get("name") or d.get("key") or nid.partition(":")[2]


def _aliases(d: dict) -> list[str]:
    a = d.get("aliases") or []
    return [a] if isinstance(a, str) else [str(x) for x in a]


def _clean(text) -> str:
    """One line of text: tabs, newlines and runs of spaces become one space."""
    return re.sub(r"\s+", " ", str(text or "")).strip()
