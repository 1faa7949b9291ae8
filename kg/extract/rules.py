"""Rule components: the paper's own method (title prefix, "we propose X"), the title's task and acronym
definitions.

- Title prefix: "GPipe: Efficient Training of ..." -> Method "GPipe", role "proposes", when the
  prefix looks like a coined name (internal capital, digit or all caps; at most three words).
- Title task: "Deep Residual Learning for Image Recognition", "Faster R-CNN: Towards Real-Time Object
  Detection with ..." -> Task "Image Recognition" / "Real-Time Object Detection", where the NER tagged
  nothing in that phrase (its mention, of whatever type and boundary, stands).
- "we propose / introduce / present X", "called / named / dubbed / termed X" -> Method, "proposes".
- Acronym definitions "Differentiable Search Index (DSI)": the long form and the acronym are one
  entity; recorded in ``doc.user_data["acronyms"]`` (acronym -> long form) for the resolver.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from spacy.language import Language
from spacy.tokens import Doc

from .base import Mention, doc_text, mentions, sentence_spans

NAME = r"[A-Za-z][A-Za-z0-9]*(?:[-+.][A-Za-z0-9]+)*"
# a coined name: has an internal capital, a digit, or is an acronym (GPipe, PC-DARTS, T5, InstaFlow)
CODENAME = re.compile(r"^(?=.*[A-Z])(?:[A-Za-z]*[a-z][A-Z]|[A-Z0-9][A-Z0-9\-+.]+$|.*\d|[A-Z]{2,})")
TITLE_PREFIX = re.compile(rf"^\s*({NAME}(?:[ -]{NAME}){{0,2}})\s*:\s+\S")
VERB = r"\b(?:we|this paper|this work|here we)\s+(?:(?:first|also|further|then)\s+)?(?:propose|introduce|present|develop|design)s?\s+"
ADJ = r"(?:(?:a|an|the|our)\s+)?(?:(?:novel|new|simple|efficient|effective|general|unified|lightweight|scalable|principled|first|generic|fast|practical)\s+){0,3}"
# "we propose GPipe", "we introduce a novel PC-DARTS": a coined name right after the verb
PROPOSE = re.compile(VERB + ADJ + rf"({NAME})(?=[\s,.;:)(]|$)", re.I)
# "we present rectified flow, a simple approach ...": any short name followed by an apposition
APPOSITION = re.compile(
    VERB + r"([A-Za-z][\w\-]*(?:\s[A-Za-z][\w\-]*){0,3}),\s+(?:a|an)\s+(?:[\w\-()]+\s+){0,6}?"
    r"(?:approach|method|framework|model|algorithm|technique|architecture|pipeline|system|network|paradigm|strategy)\b",
    re.I,
)
CALLED = re.compile(rf"\b(?:called|named|namely|dubbed|termed|coined)[\s,]+({NAME}(?:[ -]{NAME}){{0,2}}?)(?=[\s,.;:)(]|$)")
DEF_AFTER_VERB = re.compile(VERB + ADJ + r"$", re.I)
ACRONYM_DEF = re.compile(r"\b((?:[A-Za-z][\w\-]*\s+){1,7}?[A-Za-z][\w\-]*)\s+\(([A-Z][A-Za-z0-9\-]*[A-Z0-9][a-z]?s?)\)")
# ACRONYM_DEF ends in whitespace + "(ACRO)" and everything before the "(" is in [\w\s-]: a match
# can only start inside the run of such characters that ends at an ACRO_PAREN (see _acronym_matches)
ACRO_PAREN = re.compile(r"\s\(([A-Z][A-Za-z0-9\-]*[A-Z0-9][a-z]?s?)\)")
RUN_BREAK = re.compile(r"[^\w\s\-]")
PROPOSE_VERB = re.compile(r"\b(propose|introduce|present|develop|design)", re.I)
SPACE = re.compile(r"[ ]")
# one-word title prefixes that are not names ("Rethinking: ...", "Survey: ...")
TITLE_WORDS = {"rethinking", "revisiting", "review", "survey", "position", "overview", "tutorial", "introduction",
               "perspective", "commentary", "correction", "erratum", "retraction", "abstract", "editorial"}
STOP_LEAD = {"a", "an", "the", "of", "and", "for", "to", "in", "on", "with", "we", "our", "this", "that", "by", "via", "is"}


# "Deep Residual Learning for Image Recognition", "... Towards Real-Time Object Detection with ...": what a
# title says its method is for is the paper's task
TITLE_FOR = re.compile(r"\b(?:[Ff]or|FOR|[Tt]owards|TOWARDS)\s+((?:[A-Za-z0-9][\w\-]*\s+){0,5}?[A-Za-z0-9][\w\-]*)\s*"
                       r"(?=[:(]|$|\s(?i:with|using|via|by|on|in|from|through|and|without|based)\s)")


def title_task(title: str) -> tuple[str, int, int] | None:
    """The phrase after the title's last "for" / "towards" up to its end, a colon or a preposition (at most
    six words, not led by a determiner or pronoun)."""
    found = None
    for m in TITLE_FOR.finditer(title):
        found = m
    if found is None or found.group(1).split()[0].lower() in STOP_LEAD:
        return None
    return found.group(1), found.start(1), found.end(1)


def is_codename(token: str) -> bool:
    return bool(CODENAME.match(token)) and len(token) >= 2


def title_method(title: str) -> tuple[str, int, int] | None:
    m = TITLE_PREFIX.match(title)
    if not m:
        return None
    prefix = m.group(1)
    words = SPACE.split(prefix)
    single_name = len(words) == 1 and prefix[0].isupper() and prefix.lower() not in TITLE_WORDS
    if len(words) > 3 or not (single_name or any(is_codename(w) for w in words)):
        return None
    return prefix, m.start(1), m.end(1)


def _acronym_matches(text: str):
    """The matches of ``ACRONYM_DEF.finditer(text)``, without running the slow regex over all the text.

    A match ends at an ACRO_PAREN and starts inside the run of [\\w\\s-] characters before its "(",
    so the regex is only searched there (from where the previous match ended, as finditer does).
    """
    pos = 0
    breaks = None
    for c in ACRO_PAREN.finditer(text):
        if breaks is None:
            breaks = [b.start() for b in RUN_BREAK.finditer(text)]
        paren = c.start() + 1
        i = bisect_left(breaks, paren)  # breaks[i - 1] is the last break before the run
        run_start = breaks[i - 1] + 1 if i else 0
        m = ACRONYM_DEF.search(text, max(pos, run_start), c.end())
        if m:
            yield m
            pos = m.end()


def _letters_covered(word: str, acro: str) -> int:
    """How many capitals of ``acro`` a long-form word stands for: its own capitals when there are two or
    more and they are part of the acronym ("AI" in FAIR, "GANs" in WGANs, "AutoEncoder" in CWAE), else one
    per hyphen-separated part ("signal-to-noise")."""
    caps = "".join(c for c in word if c.isupper())
    if len(caps) > 1 and caps in acro.replace("-", ""):
        return len(caps)
    return 1 + word.count("-")


def acronym_definitions(text: str) -> list[tuple[str, int, int, str, int, int]]:
    """(long form, start, end, acronym, start, end) for "Long Form Name (LFN)" patterns."""
    out = []
    for m in _acronym_matches(text):
        acro = m.group(2)
        letters = [c for c in acro if c.isupper()]
        words = m.group(1).split()
        # take as many trailing words as the acronym has capitals (hyphenated words may count twice,
        # an all-caps word inside the acronym counts its letters: "Facebook AI Research (FAIR)")
        n = len(letters)
        take: list[str] = []
        found = None
        for w in reversed(words):
            if w.lower() in STOP_LEAD and not take:
                break
            take.insert(0, w)
            if sum(_letters_covered(w, acro) for w in take) >= n or len(take) >= n:
                lead = list(take)
                while lead and lead[0].lower() in STOP_LEAD:
                    lead.pop(0)
                if lead and lead[0][0].lower() == acro[0].lower():
                    found = lead
                    break
                if len(take) >= n:  # up to one word per capital: "persona-based HRED generator (PHRED)"
                    break
        else:  # the words ran out before the capitals did ("magnetoencephalography (MEG)")
            while take and take[0].lower() in STOP_LEAD:
                take.pop(0)
            if take and take[0][0].lower() == acro[0].lower():
                found = take
        if not found:
            continue
        take = found
        long_form = " ".join(take)
        ls = m.end(1) - len(long_form)
        out.append((long_form, ls, m.end(1), acro, m.start(2), m.end(2)))
    return out


class ProposalRules:
    def __init__(self, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        out = mentions(doc)
        title_end = doc.user_data.get("title_end")
        if title_end:
            tm = title_method(text[:title_end])
            if tm:
                out.append(Mention("Method", tm[0], tm[1], tm[2], confidence=0.85,
                                   component=self.name, role="proposes"))
            tt = title_task(text[:title_end])
            if tt and not any(e.start_char < tt[2] and tt[1] < e.end_char for e in doc.ents):
                out.append(Mention("Task", tt[0], tt[1], tt[2], confidence=0.6, component=self.name))
        acronyms = doc.user_data.setdefault("acronyms", {})
        for long_form, ls, le, acro, as_, ae in acronym_definitions(text):
            acronyms[acro] = long_form
            acronyms[acro.rstrip("s")] = long_form
        for base, sent_end in sentence_spans(doc):
            st = text[base:sent_end]  # == sent.text
            if not PROPOSE_VERB.search(st):
                continue
            for m in list(PROPOSE.finditer(st)) + list(CALLED.finditer(st)):
                cand = m.group(1)
                if not any(is_codename(w) for w in SPACE.split(cand)) or cand.lower() in STOP_LEAD:
                    continue
                out.append(Mention("Method", cand, base + m.start(1), base + m.end(1), confidence=0.8,
                                   component=self.name, role="proposes"))
            for m in APPOSITION.finditer(st):
                cand = m.group(1)
                if cand.split()[0].lower() in STOP_LEAD:
                    continue
                out.append(Mention("Method", cand, base + m.start(1), base + m.end(1), confidence=0.75,
                                   component=self.name, role="proposes"))
            # "we propose the Differentiable Search Index (DSI)": the defined pair is the method
            for long_form, ls, le, acro, as_, ae in acronym_definitions(st):
                if DEF_AFTER_VERB.search(st[:ls]):
                    out.append(Mention("Method", long_form, base + ls, base + le, confidence=0.8,
                                       component=self.name, role="proposes"))
                    out.append(Mention("Method", acro, base + as_, base + ae, name=long_form,
                                       confidence=0.8, component=self.name, role="proposes"))
        return doc


@Language.factory("kg_rules")
def make_rules(nlp: Language, name: str) -> ProposalRules:
    return ProposalRules(name)
