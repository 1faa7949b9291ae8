"""The kg spaCy pipeline and the extraction entry point used by ``kg extract`` and ``kg build``.

Pipeline (all real spaCy components, batched with ``nlp.pipe``):
    [tok2vec, ner]  trained statistical NER shipped in kg/extract/model (if present)
    kg_sentencizer  sentence boundaries (for evidence sentences): spaCy's rule-based sentencizer, read
                    from the token arrays
    kg_fields       title and abstract are one Doc; the seam is a sentence boundary
    kg_lexicon      lexicon aliases -> canonical Dataset / Metric / Task / Method
    kg_rules        the paper's own method (title prefix, "we propose X"), the title's task ("... for X"),
                    acronym definitions
    kg_hardware     GPUs/TPUs/CPUs with counts and compute amounts
    kg_resolver     NER spans + acronyms, dedupe, canonical names, generic flag
    kg_results      numeric results tied to metric / dataset / method
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy
import spacy
from spacy.attrs import IS_PUNCT, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from .. import __version__
from ..errors import ModelError
from ..graph.schema import ENTITY_REL
from ..models import Paper
from . import lexicon as _lexicon  # noqa: F401  (registers kg_lexicon)
from . import resolve as _resolve  # noqa: F401  (registers kg_resolver)
from . import rules as _rules  # noqa: F401  (registers kg_rules)
from .base import mentions, results, sentence_around
from .calibrate import apply_bias, load_bias

log = logging.getLogger("kg.extract")
EXTRACTOR = f"kg-{__version__}"
SEAM = "\n\n"

try:  # optional components written in their own modules
    from . import hardware as _hardware  # noqa: F401
except ImportError:  # pragma: no cover - during development only
    _hardware = None
try:
    from . import results as _results  # noqa: F401
except ImportError:  # pragma: no cover
    _results = None


class FastSentencizer:
    """The boundaries of spaCy's ``sentencizer`` with its default punctuation, computed from the token
    arrays: a new sentence starts at the first token that is neither punctuation nor a sentence-final
    character after a sentence-final character. Same output; the built-in one creates a Token object per
    token (measured alone on 3,000 abstracts: 0.13 ms per abstract, this one 0.08 ms)."""

    def __init__(self, vocab) -> None:
        self.final = frozenset(vocab.strings.add(c) for c in Sentencizer.default_punct_chars)

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        starts = numpy.full(len(doc), -1, dtype="int64")
        starts[0] = 1
        final, seen = self.final, False
        for i, (orth, punct) in enumerate(doc.to_array([ORTH, IS_PUNCT]).tolist()):
            if orth in final:
                seen = True
            elif seen and not punct:
                starts[i] = 1
                seen = False
        doc.from_array([SENT_START], starts.astype("uint64"))  # -1 (not a start) wraps, as in to_array
        return doc


@Language.factory("kg_sentencizer")
def make_sentencizer(nlp: Language, name: str) -> FastSentencizer:
    return FastSentencizer(nlp.vocab)


@Language.component("kg_fields")
def mark_fields(doc: Doc) -> Doc:
    """Start a new sentence where the abstract begins, so no sentence spans title and abstract."""
    end = doc.user_data.get("title_end")
    if end:
        tok = doc.char_span(end + len(SEAM), end + len(SEAM) + 1, alignment_mode="expand")
        if tok is not None and tok.start > 0:
            doc[tok.start].is_sent_start = True
    return doc


def model_path() -> Path | None:
    """The NER model directory: ``$KG_MODEL`` when set (e.g. a model from ``kg train --output``),
    else the one shipped in the package (None when it is missing: rules and lexicons only)."""
    env = os.environ.get("KG_MODEL")
    if env:
        if not (Path(env) / "meta.json").exists():
            raise ModelError(f"KG_MODEL={env} is not a spaCy model directory (no meta.json); point it at the "
                             f"output of `kg train --output DIR`, or unset it to use the shipped model")
        return Path(env)
    p = Path(str(resources.files("kg.extract") / "model"))
    return p if (p / "meta.json").exists() else None


def build_nlp(use_model: bool = True) -> Language:
    """The full pipeline; the trained NER (``$KG_MODEL`` or the shipped one) is used when there is one,
    with the per-label start biases of ``data/ner_bias.tsv`` (:mod:`kg.extract.calibrate`).
    One pipeline per model directory is kept for the process."""
    return _build_nlp(model_path() if use_model else None, use_model)


@lru_cache(maxsize=4)
def _build_nlp(path: Path | None, use_model: bool, calibrated: bool = True) -> Language:
    if path is not None:
        nlp = spacy.load(path, exclude=["senter", "parser", "tagger", "lemmatizer", "attribute_ruler"])
        if calibrated:
            apply_bias(nlp, load_bias())
    else:
        if use_model:
            log.warning("no trained NER model in %s; using rules and lexicons only", "kg/extract/model")
        nlp = spacy.blank("en")
    nlp.add_pipe("kg_sentencizer")
    nlp.add_pipe("kg_fields")
    nlp.add_pipe("kg_lexicon")
    nlp.add_pipe("kg_rules")
    if "kg_hardware" in spacy.registry.factories:
        nlp.add_pipe("kg_hardware")
    nlp.add_pipe("kg_resolver")
    if "kg_results" in spacy.registry.factories:
        nlp.add_pipe("kg_results")
    return nlp


def make_doc(nlp: Language, paper: Paper) -> Doc:
    title = " ".join((paper.title or "").split())
    abstract = paper.abstract or ""
    text = f"{title}{SEAM}{abstract}" if title else abstract
    doc = nlp.make_doc(text)
    if title:
        # the NER must not tag an entity across the seam: its token is rare in the training text, and
        # fold models did in up to 30% of abstracts ("Dataset Distillation\n\nModel distillation"), which
        # the resolver then dropped whole. Blocked tokens are outside every entity (Doc.set_ents).
        seam = doc.char_span(len(title), len(title) + len(SEAM), alignment_mode="expand")
        blocked = [doc[t.i:t.i + 1] for t in seam or () if t.is_space]
        if blocked:
            doc.set_ents([], blocked=blocked, default="unmodified")
    doc.user_data["title_end"] = len(title) if title else None
    doc.user_data["kg_text"] = text  # == doc.text (the tokenizer keeps every character); see base.doc_text
    return doc


def _locate(doc: Doc, start: int, end: int) -> tuple[str, int, int]:
    title_end = doc.user_data.get("title_end")
    if title_end is not None and end <= title_end:
        return "title", start, end
    off = title_end + len(SEAM) if title_end is not None else 0
    return "abstract", start - off, end - off


def doc_to_record(doc: Doc, paper: Paper) -> dict:
    """The public per-paper extraction record (documented in README: it is an interface)."""
    entities, relations, rel_index = [], [], {}
    for m in mentions(doc):
        field, s, e = _locate(doc, m.start, m.end)
        ent = {"type": m.type, "text": m.text, "name": m.name, "field": field, "start": s, "end": e,
               "confidence": m.confidence, "component": m.component, "generic": m.generic}
        if m.role:
            ent["role"] = m.role
        for k, v in (m.attrs or {}).items():
            if v is not None:
                ent["device_type" if k == "type" else k] = v  # attrs never override the core keys
        entities.append(ent)
        if m.generic:
            continue
        rel = "PROPOSES" if m.role == "proposes" and m.type == "Method" else ENTITY_REL[m.type]
        key = (rel, m.type, m.name)
        if key in rel_index:
            r = rel_index[key]
            r["mentions"] += 1
            if m.type == "Hardware":
                _merge_compute(r, m.attrs or {})
            continue
        sentence, sent_start = sentence_around(doc, m.start, m.end)
        r = {"type": rel, "target_type": m.type, "target": m.name, "text": m.text, "field": field,
             "start": s, "end": e, "sentence": sentence, "sentence_start": m.start - sent_start,
             "confidence": m.confidence, "extractor": EXTRACTOR, "mentions": 1}
        if m.type == "Hardware":
            _merge_compute(r, m.attrs or {})
        rel_index[key] = r
        relations.append(r)
    # a method the paper proposes is not also "used" by it
    proposed = {r["target"] for r in relations if r["type"] == "PROPOSES"}
    relations = [r for r in relations if not (r["type"] == "USES" and r["target"] in proposed)]
    out_results = []
    for res in results(doc):
        res = dict(res)
        if "start" in res and "end" in res:
            res["field"], res["start"], res["end"] = _locate(doc, res["start"], res["end"])
        out_results.append(res)
    return {"id": paper.id, "title": paper.title, "entities": entities, "relations": relations,
            "results": out_results, "extractor": EXTRACTOR}


def _merge_compute(rel: dict, attrs: dict) -> None:
    count = attrs.get("count")
    if count:
        counts = sorted(set(rel.get("counts", []) + [count]))
        rel["counts"] = counts
        rel["count"] = max(counts)
    if attrs.get("amount") and "amount" not in rel:
        rel["amount"] = attrs["amount"]
        rel["amount_unit"] = attrs.get("amount_unit")


def _records(nlp: Language, papers: list[Paper], batch_size: int) -> list[dict]:
    docs = (make_doc(nlp, p) for p in papers)
    return [doc_to_record(doc, p) for doc, p in zip(nlp.pipe(docs, batch_size=batch_size), papers)]


_worker_nlp: Language | None = None


def _worker_init() -> None:
    global _worker_nlp
    _worker_nlp = build_nlp()


def _worker_run(args: tuple[list[Paper], int]) -> list[dict]:
    papers, batch_size = args
    return _records(_worker_nlp, papers, batch_size)


def chunks(items: Iterable, size: int) -> Iterator[list]:
    """Lists of up to ``size`` consecutive items."""
    chunk: list = []
    for p in items:
        chunk.append(p)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def extract_papers(papers: Iterable[Paper], workers: int = 1, batch_size: int = 64,
                   nlp: Language | None = None) -> Iterator[dict]:
    """Stream extraction records for papers, in input order.

    With ``workers > 1`` chunks of papers go to a pool of processes, each with its own pipeline;
    only plain records travel back (cheaper than shipping spaCy Docs).
    """
    if workers <= 1:
        nlp = nlp or build_nlp()
        for chunk in chunks(papers, batch_size):
            yield from _records(nlp, chunk, batch_size)
        return
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    with ctx.Pool(workers, initializer=_worker_init) as pool:
        jobs = ((chunk, batch_size) for chunk in chunks(papers, batch_size))
        for records in pool.imap(_worker_run, jobs):
            yield from records
