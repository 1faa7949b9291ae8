"""The resolver: last entity step of the pipeline.

Turns the statistical NER's ``doc.ents`` into Mentions, spreads acronym definitions to every
occurrence, keeps one mention per span and type (higher confidence, then longer, wins),
canonicalises names through the lexicon aliases, and flags generic phrases.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from ..graph.schema import entity_key
from .base import (ENTITY_TYPES, HYPHEN_WORD_START, Mention, doc_text, hyphen_before, hyphen_name_after,
                   mentions)
from .lexicon import alias_index, load_wordlist
from .specific import apply_policy

_DATASET_NOUN = r"(?:data ?sets?|benchmarks?|corpus|corpora)"
DATASET_SUFFIX = re.compile(rf"\s+{_DATASET_NOUN}$", re.I)  # stripped from canonical Dataset names
# "the LFW dataset", "the 300W benchmark": the mention includes the head noun (SciREX marks it so in 27
# of the 41 dev abstracts that have one); the canonical name stays without it (canonical_name)
DATASET_HEAD = re.compile(rf"(?:[ -]{_DATASET_NOUN}){{1,2}}\b", re.I)  # "benchmark dataset" too
# "2.0 BLEU points", "+1.1 F1 points": the unit belongs to the Metric mention (SciREX marks all 4 such
# mentions of the dev abstracts so); the canonical name stays "BLEU"
METRIC_UNIT = re.compile(r" points?\b", re.I)
METRIC_UNIT_END = re.compile(METRIC_UNIT.pattern + "$", re.I)  # the unit ends the mention
TRAILING = {"Dataset": DATASET_HEAD, "Metric": METRIC_UNIT}  # words that join the mention, not the name
# a bare measure word after what is measured is one compound metric: "classification accuracy", "face
# verification accuracy", "generalization error" (SciREX marks the compound)
MEASURE_WORDS = frozenset("accuracy accuracies error errors".split()) | {"error rate", "error rates"}
LAST_WORD = re.compile(r"(?<![\w-])([A-Za-z]+)[ -]$")
LEADING = re.compile(r"^(?:the|a|an|our|their|its)\s+", re.I)
# generic head words: an NER mention "X network" around the lexicon hit X keeps X's canonical name
HEAD_NOUNS = frozenset("network networks model models architecture architectures method approach algorithm "
                       "framework dataset datasets benchmark benchmarks corpus data set score metric".split())


@lru_cache(maxsize=1 << 16)  # a pure function of its arguments, called for most mentions
def canonical_name(type_: str, text: str) -> str:
    """Lexicon canonical name when the text (or a light variant of it) is a known alias."""
    index = alias_index()
    clean = LEADING.sub("", " ".join(text.split()))
    if type_ == "Metric":  # "BLEU points" as one NER mention: the unit is not part of the name
        clean = METRIC_UNIT_END.sub("", clean) or clean
    candidates = [clean]
    if type_ == "Dataset":
        candidates.append(DATASET_SUFFIX.sub("", clean))
    if clean.endswith("s") and len(clean) > 4:
        candidates.append(clean[:-1])
    for c in candidates:
        hit = index.get((type_, entity_key(c)))
        if hit:
            return hit
    return candidates[1] if type_ == "Dataset" and candidates[1] else clean


# quantities ("1B", "2x", "7B", "60%") and bare device words are never Method/Dataset/Task names
NOT_A_NAME = re.compile(r"^(?:[\d.,]+\s*[a-z%×]{0,2}|[gt]pus?|cpus?|devices?|hardware)$", re.I)


def is_generic(m: Mention) -> bool:
    if m.type != "Hardware" and NOT_A_NAME.match(m.text.strip()):
        return True
    return _listed(m.name or m.text, "generic.txt") or _listed(m.text, "generic.txt")


@lru_cache(maxsize=1 << 16)
def _listed(text: str, wordlist: str) -> bool:
    """``text`` is an entry of the data wordlist (``generic.txt``, ``not_metrics.txt``)."""
    return entity_key(text) in load_wordlist(wordlist)


def _task_head(word: str) -> bool:
    """``word`` (lower case) ends a task name (data/task_heads.txt, plurals included)."""
    return _listed(word, "task_heads.txt") or (word.endswith("s") and _listed(word[:-1], "task_heads.txt"))


# "En-De", "En–Fi", "cs-en": two language codes name a translation direction, not a dataset or method
LANGUAGE_PAIR = re.compile(r"^[A-Za-z][a-z]\s*[-\u2013\u2192>]\s*[A-Za-z][a-z]$")
VENUE_YEAR = re.compile(r"\s*['’]?\d{2,4}$")  # "CVPR 2015", "NIPS'17"
WORDISH = re.compile(r"[\w-]")


def _occurrences(text: str, surface: str):
    r"""Starts of ``surface`` in ``text`` outside longer words: the matches of
    ``re.finditer(rf"(?<![\w-]){re.escape(surface)}(?![\w-])", text)`` without compiling a regex
    per surface (acronyms are nearly all new ones). ``surface`` is not empty."""
    n = len(surface)
    i = text.find(surface)
    while i >= 0:
        if not (i and WORDISH.match(text, i - 1)) and not WORDISH.match(text, i + n):
            yield i
            i = text.find(surface, i + n)
        else:
            i = text.find(surface, i + 1)


class Resolver:
    def __init__(self, name: str, ner_confidence: float = 0.7):
        self.name = name
        self.ner_confidence = ner_confidence

    def __call__(self, doc: Doc) -> Doc:
        found = mentions(doc)
        text = doc_text(doc)
        for start, end, label in self._ner_spans(doc.ents, text):
            found.append(Mention(label, text[start:end], start, end,
                                 confidence=self.ner_confidence, component="ner"))
        short, long = self._acronym_mentions(doc, found)
        found = self._yield_to_long_forms(found + short, long) + long
        kept = self._metric_compounds(self._drop_nested_lexicon_hits(self._dedupe(found)), text)
        boundary = doc.user_data.get("title_end")
        out = []
        for m in kept:
            if boundary is not None and m.start < boundary < m.end:
                continue  # never across the title/abstract seam
            if m.type == "Metric" and _listed(m.text, "not_metrics.txt"):
                continue  # "speed", "robustness": a quality, not a metric
            if m.type != "Hardware" and (_listed(VENUE_YEAR.sub("", m.text), "venues.txt")
                                         or LANGUAGE_PAIR.match(m.text)):
                continue  # "CVPR 2015": where a paper appears; "En-De": a translation direction
            if not m.name:
                m.name = canonical_name(m.type, m.text)
            if (tail := TRAILING.get(m.type)) and (hit := tail.match(text, m.end)):
                m.end = hit.end()  # the name (above) stays without the head noun / unit
                m.text = text[m.start:m.end]
            if is_generic(m):
                m.generic = True
                m.confidence = round(m.confidence * 0.5, 3)
            out.append(m)
        # the node policy: only a specific entity becomes a node (kg.extract.specific)
        apply_policy(out, text=text, title_end=boundary, acronyms=doc.user_data.get("acronyms"))
        out.sort(key=lambda m: (m.start, m.end, m.type))
        doc._.kg_mentions = out
        return doc

    @staticmethod
    def _ner_spans(ents, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, label)`` of the NER's entities, corrected three ways:

        - widened to whole hyphenated words: "end-to-end speech recognition", not "end speech
          recognition"; "M-Walk", not "M" (but "BERT" of "BERT-based" stays);
        - a Method or Dataset ending in a task head noun is a Task ("machine translation", "speaker
          verification": named by what is done; "English-to-French translation" is no dataset);
        - two entities of one type with only a space between them are one: no English phrase puts two
          names of one kind side by side without a comma or a word, so the NER broke one name
          ("Click-Through" + "Rate Prediction", "spectral parameterization of" + "dilated convolutional kernels").
        """
        out: list[list] = []
        for ent in ents:
            if (label := ent.label_) not in ENTITY_TYPES:
                continue
            if label in ("Method", "Dataset") and _task_head(ent[-1].lower_):
                label = "Task"
            start, end = ent.start_char, ent.end_char  # text[start:end] == ent.text, built faster
            if hyphen_before(text, start):  # "end-to-|end ..."
                start = HYPHEN_WORD_START.search(text, 0, start - 1).start()
            if m := hyphen_name_after(text, end):  # "M|-Walk"
                end = m.end()
            if out and out[-1][2] == label and out[-1][1] + 1 == start and text[start - 1] == " ":
                out[-1][1] = end
            else:
                out.append([start, end, label])
        return [tuple(x) for x in out]

    @staticmethod
    def _acronym_mentions(doc: Doc, found: list[Mention]) -> tuple[list[Mention], list[Mention]]:
        """Every occurrence of a defined acronym / long form gets the type and name of the pair
        (returned as the acronym mentions and the long-form mentions)."""
        acronyms: dict[str, str] = doc.user_data.get("acronyms", {})
        short: list[Mention] = []
        long: list[Mention] = []
        text = doc_text(doc)
        for acro, long_form in acronyms.items():
            typed = [m for m in found if m.text in (acro, long_form) or m.name == long_form]
            if not typed:
                continue
            best = max(typed, key=lambda m: m.confidence)
            name = best.name if best.text != acro and best.name else canonical_name(best.type, long_form)
            surfaces = [(short, acro), (long, long_form)]
            if not acro.endswith("s"):
                surfaces.append((short, acro + "s"))  # "CNN" defined, "CNNs" used
            for out, surface in surfaces:
                for start in _occurrences(text, surface):
                    out.append(Mention(best.type, surface, start, start + len(surface), name=name,
                                       confidence=min(best.confidence, 0.8), component="acronym",
                                       role=best.role))
        return short, long

    @staticmethod
    def _yield_to_long_forms(found: list[Mention], long: list[Mention]) -> list[Mention]:
        """A same-type mention inside the long form of an acronym definition is part of the name the
        author defined ("phoneme error rate (PER)", not the lexicon's "error rate"; the long form is a dev
        gold string in 55 of the 64 definitions). A longer mention around it ("Gated-Attention Readers")
        stays."""
        return [m for m in found if not any(
            d.type == m.type and d.start <= m.start and m.end <= d.end and d.end - d.start > m.end - m.start
            for d in long)]

    @staticmethod
    def _metric_compounds(kept: list[Mention], text: str) -> list[Mention]:
        """A bare measure word ("accuracy", "error", "error rate") right after a Task mention or a task noun
        (a nominalisation in -tion/-sion or a word of ``task_heads.txt``) names one compound metric: the
        Metric mention starts where that does ("face verification accuracy", "generalization error").
        The Task mention stays an entity of its own; "improving accuracy" and "the accuracy" do not change."""
        task_ends = {m.end: m.start for m in kept if m.type == "Task"}
        metric_spans = {(m.start, m.end) for m in kept if m.type == "Metric"}
        out = []
        for m in kept:
            if m.type == "Metric" and m.text.lower() in MEASURE_WORDS and m.start > 0:
                start = task_ends.get(m.start - 1) if text[m.start - 1] in " -" else None
                if start is None and (w := LAST_WORD.search(text, max(0, m.start - 40), m.start)):
                    word = w.group(1).lower()
                    if word.endswith(("tion", "sion")) or _task_head(word):
                        start = w.start(1)
                if start is not None:
                    if (start, m.end) in metric_spans:
                        continue  # the compound is a mention already
                    m.start, m.text, m.name = start, text[start:m.end], ""
            out.append(m)
        return out

    @staticmethod
    def _drop_nested_lexicon_hits(kept: list[Mention]) -> list[Mention]:
        """A lexicon word inside a longer mention of another type is part of that name, not an entity of
        its own: "Inception" in "Inception Score" (Metric), "ImageNet" in "ImageNet classification" (Task).
        Hardware is always kept."""
        def nested(m: Mention) -> bool:
            return m.component == "kg_lexicon" and m.type != "Hardware" and any(
                k.type != m.type and k.start <= m.start and m.end <= k.end and k.end - k.start > m.end - m.start
                for k in kept)
        return [m for m in kept if not nested(m)]

    @staticmethod
    def _dedupe(found: list[Mention]) -> list[Mention]:
        """One mention per overlapping same-type group and per exact span."""
        # the paper's own coined name beats a lexicon entry inside it ("PC-DARTS" vs "DARTS"), and an NER
        # mention beats the one same-type lexicon hit inside it: the NER saw the whole mention ("classification
        # accuracy" not "accuracy", "deep CNN" not "CNN"); "X network" / "X dataset" keep X's canonical name
        lexicon_hits = [m for m in found if m.component == "kg_lexicon"]
        wider: set[int] = set()
        for m in found:
            if m.component != "ner":
                continue
            inside = [h for h in lexicon_hits if h.type == m.type and m.start <= h.start and h.end <= m.end
                      and h.end - h.start < m.end - m.start]
            if len(inside) == 1:  # two hits: a merged list ("ImageNet-1K and ILSVRC-2012"), keep the hits
                wider.add(id(m))
                rest = (m.text[:inside[0].start - m.start] + " " + m.text[inside[0].end - m.start:]).split()
                if inside[0].name and all(w.lower() in HEAD_NOUNS for w in rest):
                    m.name = inside[0].name
        order = sorted(found, key=lambda m: (-(m.role == "proposes" and m.component == "kg_rules"),
                                             -(id(m) in wider), -m.confidence, -(m.end - m.start), m.start))
        kept: list[Mention] = []
        for m in order:
            clash = False
            for k in kept:
                if k.start == m.start and k.end == m.end:
                    clash = True  # same span, other type or component: the more confident wins
                    if m.role == "proposes" and k.type == m.type:
                        k.role = "proposes"
                    if m.component == "acronym" and k.type == m.type and not k.name:
                        k.name = m.name  # the NER's "DSI" is the defined "Differentiable Search Index"
                    break
                # overlapping same-type mentions are one entity; hardware keeps e.g. "16 and 2,048
                # A100 GPUs" as separate counts
                if k.type == m.type != "Hardware" and m.start < k.end and k.start < m.end:
                    clash = True
                    if m.role == "proposes":
                        k.role = "proposes"
                    break
            if not clash:
                kept.append(m)
        return kept


@Language.factory("kg_resolver", default_config={"ner_confidence": 0.7})
def make_resolver(nlp: Language, name: str, ner_confidence: float) -> Resolver:
    return Resolver(name, ner_confidence)
