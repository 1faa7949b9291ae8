"""Rule components: the paper's own method (title prefix, "we propose X") and acronym definitions.

- Title prefix: "GPipe: Efficient Training of ..." -> Method "GPipe", role "proposes", when the
  prefix looks like a coined name (internal capital, digit or all caps; at most three words).
- "we propose / introduce / present X", "called / named / dubbed / termed X" -> Method, "proposes".
- Acronym definitions "Differentiable Search Index (DSI)": the long form and the acronym are one
  entity; recorded in ``doc.user_data["acronyms"]`` (acronym -> long form) for the resolver.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from .base import Mention, mentions

NAME = r"[A-Za-z][A-Za-z0-9]*(?:[-+.][A-Za-z0-9]+)*"
# a coined name: has an internal capital, a digit, or is an acronym (GPipe, PC-DARTS, T5, InstaFlow)
CODENAME = re.compile(r"^(?=.*[A-Z])(?:[A-Za-z]*[a-z][A-Z]|[A-Z0-9][A-Z0-9\-+.]+$|.*\d|[A-Z]{2,})")
TITLE_PREFIX = re.compile(rf"^\s*({NAME}(?:[ -]{NAME}){{0,2}})\s*:\s+\S")
PROPOSE = re.compile(
    r"\b(?:we|this paper|this work|here we)\s+(?:propose|introduce|present|develop|design)s?\b[^.;:]{0,80}?"
    r"(?:\b(?:called|named|dubbed|termed|coined)\s+)?"
    rf"\b({NAME})(?=[\s,.;:)(]|$)",
    re.I,
)
CALLED = re.compile(rf"\b(?:called|named|dubbed|termed|coined)\s+({NAME})(?=[\s,.;:)(]|$)")
ACRONYM_DEF = re.compile(r"\b((?:[A-Za-z][\w\-]*\s+){1,7}?[A-Za-z][\w\-]*)\s+\(([A-Z][A-Za-z0-9\-]*[A-Z0-9][a-z]?s?)\)")
STOP_LEAD = {"a", "an", "the", "of", "and", "for", "to", "in", "on", "with", "we", "our", "this", "that", "by", "via", "is"}


def is_codename(token: str) -> bool:
    return bool(CODENAME.match(token)) and len(token) >= 2


def title_method(title: str) -> tuple[str, int, int] | None:
    m = TITLE_PREFIX.match(title)
    if not m:
        return None
    prefix = m.group(1)
    words = re.split(r"[ ]", prefix)
    if len(words) > 3 or not any(is_codename(w) for w in words):
        return None
    return prefix, m.start(1), m.end(1)


def acronym_definitions(text: str) -> list[tuple[str, int, int, str, int, int]]:
    """(long form, start, end, acronym, start, end) for "Long Form Name (LFN)" patterns."""
    out = []
    for m in ACRONYM_DEF.finditer(text):
        acro = m.group(2)
        letters = [c for c in acro if c.isupper()]
        words = m.group(1).split()
        # take as many trailing words as the acronym has capitals (hyphenated words may count twice)
        n = len(letters)
        take = []
        for w in reversed(words):
            if w.lower() in STOP_LEAD and not take:
                break
            take.insert(0, w)
            if sum(1 + w.count("-") for w in take) >= n or len(take) >= n:
                break
        while take and take[0].lower() in STOP_LEAD:
            take.pop(0)
        if not take or take[0][0].lower() != acro[0].lower():
            continue
        long_form = " ".join(take)
        ls = m.end(1) - len(long_form)
        out.append((long_form, ls, m.end(1), acro, m.start(2), m.end(2)))
    return out


class ProposalRules:
    def __init__(self, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        out = mentions(doc)
        title_end = doc.user_data.get("title_end")
        if title_end:
            tm = title_method(text[:title_end])
            if tm:
                out.append(Mention("Method", tm[0], tm[1], tm[2], confidence=0.85,
                                   component=self.name, role="proposes"))
        acronyms = doc.user_data.setdefault("acronyms", {})
        for long_form, ls, le, acro, as_, ae in acronym_definitions(text):
            acronyms[acro] = long_form
            acronyms[acro.rstrip("s")] = long_form
        for sent in doc.sents:
            st = sent.text
            if not re.search(r"\b(propose|introduce|present|develop|design)", st, re.I):
                continue
            for m in list(PROPOSE.finditer(st)) + list(CALLED.finditer(st)):
                cand = m.group(1)
                if not is_codename(cand) or cand.lower() in STOP_LEAD:
                    continue
                s = sent.start_char + m.start(1)
                out.append(Mention("Method", cand, s, s + len(cand), confidence=0.8,
                                   component=self.name, role="proposes"))
            # "we propose Differentiable Search Index (DSI)": the defined pair is the method
            for long_form, ls, le, acro, as_, ae in acronym_definitions(st):
                if re.search(r"\b(?:we|this paper|this work)\s+(?:propose|introduce|present|develop)", st[:ls], re.I):
                    base = sent.start_char
                    out.append(Mention("Method", long_form, base + ls, base + le, confidence=0.8,
                                       component=self.name, role="proposes"))
                    out.append(Mention("Method", acro, base + as_, base + ae, name=long_form,
                                       confidence=0.8, component=self.name, role="proposes"))
        return doc


@Language.factory("kg_rules")
def make_rules(nlp: Language, name: str) -> ProposalRules:
    return ProposalRules(name)
