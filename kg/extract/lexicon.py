"""Lexicons as data: canonical names, types and aliases from ``data/lexicon.tsv``.

Matching rule: an alias that looks like an acronym or a coined name (two or more capitals, e.g.
``ImageNet``, ``BLEU``, ``CLIP``) matches case-sensitively, so "clip" or "math" in running text
is not an entity; every other alias matches case-insensitively.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from ..errors import ModelError
from .base import ENTITY_TYPES, Mention, doc_text, hyphen_before, hyphen_name_after, mentions
from ..graph.schema import entity_key


@dataclass
class Entry:
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)


def data_dir():
    """The folder of the extraction's data files: ``$KG_DATA_DIR`` when set (a whole copy of
    ``kg/extract/data``, e.g. to try a lexicon change without touching the package), else the package's.
    Every data file of the extraction is read through :func:`data_path`, and ``kg build``'s
    fingerprint (:mod:`kg.fingerprint`) hashes this folder, so records made with other data are redone."""
    env = os.environ.get("KG_DATA_DIR")
    if env:
        if not Path(env).is_dir():
            raise ModelError(f"KG_DATA_DIR={env} is not a directory; point it at a copy of kg/extract/data "
                             f"or unset it to use the package's data files")
        return Path(env)
    return resources.files("kg.extract") / "data"


def data_path(name: str):
    """A data file of the extraction, in :func:`data_dir`."""
    return data_dir() / name


@lru_cache(maxsize=None)
def load_lexicon(name: str = "lexicon.tsv") -> tuple[Entry, ...]:
    """Read a lexicon TSV (canonical, type, aliases|...). Lines starting with # are comments."""
    entries = []
    text = data_path(name).read_text(encoding="utf-8")
    for lineno, row in enumerate(csv.reader(text.splitlines(), delimiter="\t"), 1):
        if not row or not row[0].strip() or row[0].startswith("#"):
            continue
        if len(row) < 2 or row[1] not in ENTITY_TYPES:
            raise ModelError(f"{name}:{lineno}: expected 'canonical<TAB>type<TAB>aliases' with a type in {ENTITY_TYPES}")
        aliases = [a.strip() for a in (row[2] if len(row) > 2 else "").split("|") if a.strip()]
        entries.append(Entry(row[0].strip(), row[1], aliases))
    return tuple(entries)


@lru_cache(maxsize=None)
def load_wordlist(name: str) -> frozenset[str]:
    lines = data_path(name).read_text(encoding="utf-8").splitlines()
    return frozenset(entity_key(x) for x in lines if x.strip() and not x.startswith("#"))


def is_case_sensitive(alias: str) -> bool:
    return sum(c.isupper() for c in alias) >= 2


@lru_cache(maxsize=None)
def alias_index() -> dict[tuple[str, str], str]:
    """(type, alias key) -> canonical name, for canonicalising mentions found by other components."""
    index = {}
    for e in load_lexicon():
        for a in [e.name, *e.aliases]:
            index.setdefault((e.type, entity_key(a)), e.name)
    return index


class LexiconMatcher:
    """Adds a Mention for every lexicon alias in the text (longest match wins); an alias written with
    an apostrophe also matches with the typographic one ("WMT'15", "WMT\u201915")."""

    def __init__(self, nlp: Language, name: str, lexicon: str = "lexicon.tsv",
                 emit_types: tuple[str, ...] = ("Method", "Dataset", "Metric")):
        self.name = name
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.entries: dict[str, Entry] = {}
        for i, e in enumerate(load_lexicon(lexicon)):
            if e.type not in emit_types:
                continue  # still used to canonicalise names the NER finds (alias_index)
            key = f"{e.type}|{i}"
            self.entries[key] = e
            exact, lower = [], []
            for alias in {v for a in (e.name, *e.aliases) for v in (a, a.replace("'", "\u2019"))}:
                (exact if is_case_sensitive(alias) else lower).append(nlp.make_doc(alias))
            if exact:
                self.exact.add(key, exact)
            if lower:
                self.lower.add(key, lower)

    def __call__(self, doc: Doc) -> Doc:
        found = [(s, e, doc.vocab.strings[k]) for k, s, e in self.exact(doc)]
        found += [(s, e, doc.vocab.strings[k]) for k, s, e in self.lower(doc)]
        # longest first; drop matches inside a longer match of the same type
        found.sort(key=lambda m: (m[0] - m[1], m[0]))
        taken: dict[str, list[tuple[int, int]]] = {}
        out = mentions(doc)
        text = doc_text(doc)
        for s, e, key in found:
            entry = self.entries[key]
            spans = taken.setdefault(entry.type, [])
            if any(s < te and ts < e for ts, te in spans):
                continue
            span = doc[s:e]
            if hyphen_before(text, span.start_char) or hyphen_name_after(text, span.end_char):
                continue  # "CornerNet" of "CornerNet-Squeeze" is not CornerNet; "BERT" of "BERT-based" is
            spans.append((s, e))
            out.append(Mention(entry.type, span.text, span.start_char, span.end_char, name=entry.name,
                               confidence=0.9, component=self.name))
        return doc


# Task entries only canonicalise: task phrases are where the lexicon and the trained NER disagree
# most on boundaries ("image classification" vs "image classification task"); measured on the
# held-out SciREX papers, emitting them cost 0.06 strict micro F1 (see docs/model.md).
@Language.factory("kg_lexicon", default_config={"lexicon": "lexicon.tsv",
                                                "emit_types": ["Method", "Dataset", "Metric"]})
def make_lexicon_matcher(nlp: Language, name: str, lexicon: str, emit_types: list[str]) -> LexiconMatcher:
    return LexiconMatcher(nlp, name, lexicon, tuple(emit_types))
