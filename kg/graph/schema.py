"""The graph schema, defined once. Documented in docs/schema.md; Neo4j, exports and the viewer read it.

networkx model: a ``MultiDiGraph`` whose node ids are ``"<Label>:<key>"`` and whose edge keys are
the relationship type, so there is at most one edge of a given type between two nodes.
Every node has ``label`` and ``key``; every edge has ``type`` and, for extracted edges, evidence.
"""

from __future__ import annotations

import re
import unicodedata

# label -> (key property, description)
NODE_LABELS: dict[str, str] = {
    "Paper": "A paper (or a stub for a cited work outside the corpus, stub=true).",
    "Method": "A model, algorithm or technique.",
    "Dataset": "A dataset or benchmark.",
    "Metric": "An evaluation metric.",
    "Task": "A research task or problem.",
    "Hardware": "An accelerator/processor family (vendor-free canonical name, e.g. A100, TPU v4).",
    "Repository": "A code repository URL found in an abstract.",
    "Result": "One numeric result a paper reports (value, unit, raw text).",
}
ENTITY_LABELS = ("Method", "Dataset", "Metric", "Task", "Hardware")

# relationship type -> (start label, end label, description)
REL_TYPES: dict[str, tuple[str, str, str]] = {
    "PROPOSES": ("Paper", "Method", "The paper introduces this method (title prefix, 'we propose X')."),
    "USES": ("Paper", "Method", "The paper mentions/uses this method."),
    "EVALUATES_ON": ("Paper", "Dataset", "The paper uses or evaluates on this dataset."),
    "MEASURES": ("Paper", "Metric", "The paper reports this metric."),
    "ADDRESSES": ("Paper", "Task", "The paper addresses this task."),
    "RUNS_ON": ("Paper", "Hardware", "The paper's compute: count (devices), amount + amount_unit (e.g. 199 GPU days)."),
    "CITES": ("Paper", "Paper", "Explicit citation (OpenAlex referenced_works, references lists, ids/URLs in text)."),
    "BUILDS_ON": ("Paper", "Paper", "Inferred: the paper mentions a method another corpus paper proposes (via)."),
    "HAS_CODE": ("Paper", "Repository", "A code URL written in the abstract."),
    "REPORTS": ("Paper", "Result", "The paper reports this numeric result."),
    "ON": ("Result", "Dataset", "The dataset a result was obtained on."),
    "OF": ("Result", "Metric", "The metric a result measures."),
    "FOR": ("Result", "Method", "The method a result is for."),
}

# entity type -> relationship type from Paper
ENTITY_REL = {
    "Method": "USES",
    "Dataset": "EVALUATES_ON",
    "Metric": "MEASURES",
    "Task": "ADDRESSES",
    "Hardware": "RUNS_ON",
}

# Properties (for docs and exports); list-valued ones are JSON-encoded in GraphML/GEXF/CSV.
NODE_PROPERTIES = {
    "Paper": ["id", "title", "abstract", "authors", "date", "url", "doi", "arxiv_id", "categories", "stub"],
    "entity": ["name", "aliases", "papers"],
    "Repository": ["url"],
    "Result": ["id", "value", "unit", "raw", "lower_is_better"],
}
EVIDENCE_PROPERTIES = ["sentence", "field", "start", "end", "text", "extractor"]
LIST_PROPERTIES = {"authors", "aliases", "categories", "evidence"}


def entity_key(name: str) -> str:
    """Normalised key for an entity's canonical name: case-, dash- and space-insensitive."""
    s = unicodedata.normalize("NFKC", name).lower()
    s = s.replace("\u2013", "-").replace("\u2014", "-")
    s = re.sub(r"[\s_]+", " ", s).strip()
    return s


def node_id(label: str, key: str) -> str:
    if label not in NODE_LABELS:
        raise ValueError(f"unknown label {label!r}")
    return f"{label}:{key}"


def split_node_id(nid: str) -> tuple[str, str]:
    label, _, key = nid.partition(":")
    return label, key
