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

from ..graph.schema import entity_key
from .base import Mention, doc_text, is_codename, mentions, sentence_spans
from .lexicon import alias_index
from .specific import WORD, established_terms, names_a_method, task_like, term_key

NAME = r"[A-Za-z][A-Za-z0-9]*(?:[-+.][A-Za-z0-9]+)*"
TITLE_PREFIX = re.compile(rf"^\s*({NAME}(?:[ -]{NAME}){{0,2}})\s*:\s+\S")
ADVERB = r"(?:(?:first|also|further|then|therefore|thus|hence|here|now|instead|additionally|newly)\s+)?"
VERB = r"\b(?:we|this paper|this work|here we)\s+" + ADVERB + r"(?:propose|introduce|present|develop|design)s?\s+"
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
NAMING_WORD = r"\b(?:called|named|namely|dubbed|termed|coined)[\s,]+"
CALLED_CAPS = re.compile(NAMING_WORD + r"([A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){1,5})(?=[\s,.;:)(]|$)")
DEF_AFTER_VERB = re.compile(VERB + ADJ + r"$", re.I)
# "we propose Rectified Diffusion, which ...", "we introduce a differentiable parameter-free Adaptive Token
# Sampler (ATS) module": a capitalised name of two or more words after the verb and a few lower-case
# words that are not prepositions (so "a method for Neural Architecture Search" is no proposal)
CAP = r"[A-Z][\w\-]*"
PROPOSE_CAPS = re.compile(
    r"\b(?:[Ww]e|[Tt]his (?:paper|work)|[Hh]ere we)\s+" + ADVERB +
    r"(?:propose|introduce|present|develop|design)s?\s+(?:(?:a|an|the|our)\s+)?"
    r"(?:(?!(?:for|to|of|in|on|with|by|from|that|which|and|or|based)\b)[a-z][\w\-]*\s+){0,4}?"
    rf"({CAP}(?:\s+(?:(?:of|and|for|via)\s+)?{CAP}){{1,6}})(?=[\s,.;:)(]|$)")
ACRONYM_DEF = re.compile(r"\b((?:[A-Za-z][\w\-]*\s+){1,7}?[A-Za-z][\w\-]*)\s+\(([A-Z][A-Za-z0-9\-]*[A-Z0-9][a-z]?s?)\)")
# ACRONYM_DEF ends in whitespace + "(ACRO)" and everything before the "(" is in [\w\s-]: a match
# can only start inside the run of such characters that ends at an ACRO_PAREN (see _acronym_matches)
ACRO_PAREN = re.compile(r"\s\(([A-Z][A-Za-z0-9\-]*[A-Z0-9][a-z]?s?)\)")
RUN_BREAK = re.compile(r"[^\w\s\-]")
PROPOSE_VERB = re.compile(r"\b(propose|introduce|present|develop|design)", re.I)
SPACE = re.compile(r"[ ]")
# a sentence that names the paper's own work: "We call ... X", "The resulting algorithm, namely X", "our novel
# algorithm, we call X" (a name after "called" in a sentence about something else may be another paper's)
NAMING = re.compile(r"\b(?:[Oo]ur|[Tt]his (?:paper|work)|[Tt]he (?:proposed|resulting|new)|novel"
                    r"|[Ww]e (?:call|name|dub|term))\b")
NEW_BEFORE = re.compile(r"\b(?:proposed|resulting|novel|new)\b(?:[\s,]+[\w\-]+){0,4}?[\s,]+(?:the\s+)?$", re.I)
PRIOR = re.compile(r"\b(?:recent|existing|prior|previous|popular|well-known|standard|classic|known|original)\b", re.I)
WE_CALL = re.compile(r"\b[Ww]e (?:call|name|dub|term) (?:[\w\-]+\s+){0,6}?"
                     r"([A-Z][A-Za-z]*[A-Z0-9][\w\-]*)(?=[\s,.;:)(]|$)")
DATA_TITLE = re.compile(r"\b(?:[Dd]ataset|[Bb]enchmark|[Cc]orpus|DATASET|BENCHMARK)\b")
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


def title_method(title: str) -> tuple[str, int, int] | None:
    m = TITLE_PREFIX.match(title)
    if not m:
        return None
    prefix = m.group(1)
    words = SPACE.split(prefix)
    single_name = len(words) == 1 and prefix[0].isupper() and prefix.lower() not in TITLE_WORDS
    start = m.start(1)
    if words[0] in ("The", "A", "An") and len(words) > 1:  # "The Monge Gap: ..."
        start += len(words[0]) + 1
        words = words[1:]
    capitalised = len(words) >= 2 and all(w[0].isupper() for w in words)  # "Rectified Diffusion: ..."
    if len(words) > 3 or not (single_name or capitalised or any(is_codename(w) for w in words)):
        return None
    return title[start:m.end(1)], start, m.end(1)


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


CONNECTORS = {"of", "and", "for", "via"}  # lower-case words inside a capitalised name


def title_is_name(title: str) -> bool:
    """A title that is nothing but a method's name: two to six capitalised words ending in a word that
    names a kind of method ("Generative Restricted Kernel Machines", "Multi-scale Attributed Node
    Embedding"), no colon, no verb-like first word ("Learning ...", "Improving ...")."""
    words = title.split()
    return (2 <= len(words) <= 6 and ":" not in title and all(w[0].isupper() for w in words)
            and not words[0].endswith("ing") and names_a_method(words[-1]))


def _new_name(long_form: str, lowercase: bool = False) -> bool:
    """Capitalised like a name (or, with ``lowercase``, a phrase that is no established term) and not a
    lexicon entry (LSTM, SQuAD: other people's work)."""
    words = long_form.split()
    capitalised = all(w[0].isupper() for w in words if w.lower() not in STOP_LEAD)
    if not capitalised and not (lowercase and term_key(long_form) not in established_terms()):
        return False
    return len(words) >= 2 and not any(
        alias_index().get((t, entity_key(long_form))) for t in ("Method", "Dataset", "Metric", "Task"))


class ProposalRules:
    def __init__(self, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        out = mentions(doc)
        title_end = doc.user_data.get("title_end")
        definitions = acronym_definitions(text)
        acronyms = doc.user_data.setdefault("acronyms", {})
        for long_form, ls, le, acro, as_, ae in definitions:
            acronyms[acro] = long_form
            acronyms[acro.rstrip("s")] = long_form
        if title_end:
            out += self._title(doc, text, title_end, definitions)
        for base, sent_end in sentence_spans(doc):
            out += self._sentence(doc, text[base:sent_end], base)  # text[base:sent_end] == sent.text
        return doc

    def _proposal(self, kind: str, text: str, start: int, end: int, **kw) -> Mention:
        return Mention(kind, text, start, end, confidence=kw.pop("confidence", 0.8), component=self.name,
                       role="proposes", **kw)

    def _title(self, doc: Doc, text: str, title_end: int, definitions: list) -> list[Mention]:
        """The title's own name ("GPipe: ..."), its task ("... for X"), a title that is a method's name
        ("Generative Restricted Kernel Machines"), and an acronym the abstract defines for a phrase of
        the title ("Continual Learning via Neural Pruning" ... "(CLNP)"): the paper's contribution."""
        out, title = [], text[:title_end]
        tm = title_method(title)
        if tm:  # "SentiHood: ... Dataset for ...": the paper's contribution is a data set
            kind = "Dataset" if DATA_TITLE.search(text[tm[2]:title_end]) else "Method"
            out.append(self._proposal(kind, tm[0], tm[1], tm[2], confidence=0.85))
        tt = title_task(title)
        if tt and not any(e.start_char < tt[2] and tt[1] < e.end_char for e in doc.ents):
            out.append(Mention("Task", tt[0], tt[1], tt[2], confidence=0.6, component=self.name))
        whole = title.rstrip(" .")
        lead = len(whole.split()[0]) + 1 if whole.split()[0] in ("The", "A", "An") and " " in whole else 0
        ner_name = any(e.label_ == "Method" and e.start_char == lead and e.end_char == len(whole)
                       and len(whole.split()) > 1 for e in doc.ents)
        if (title_is_name(whole[lead:]) or ner_name) and self._may_propose(doc, lead, len(whole), parts_ok=True):
            out.append(self._proposal("Method", whole[lead:], lead, len(whole)))
        for long_form, ls, le, acro, as_, ae in definitions:
            if ls >= title_end and long_form.lower() in title.lower() and _new_name(long_form, lowercase=True) \
                    and self._may_propose(doc, ls, le):
                out.append(self._proposal("Method", long_form, ls, le))
                out.append(self._proposal("Method", acro, as_, ae, name=long_form))
        return out

    @staticmethod
    def _may_propose(doc: Doc, start: int, end: int, parts_ok: bool = False) -> bool:
        """A name found by a looser rule is the paper's method only where the NER did not see a task, a
        data set or a metric there (``parts_ok``: except in a part of it, as in a title that is a name),
        and it does not name a task ("Neural Machine Translation (NMT)")."""
        if any(e.start_char < end and start < e.end_char and e.label_ != "Method"
               and not (parts_ok and start <= e.start_char and e.end_char <= end) for e in doc.ents):
            return False
        words = WORD.findall(doc_text(doc)[start:end])
        return bool(words) and not task_like(words)

    def _sentence(self, doc: Doc, st: str, base: int) -> list[Mention]:
        """"we propose GPipe", "we present rectified flow, a simple approach", "called Flat Trajectory
        Distillation", "we propose the Differentiable Search Index (DSI)"."""
        out: list[Mention] = []
        verb = PROPOSE_VERB.search(st)
        if not (verb or NAMING.search(st)):
            return out
        # after the verb, a coined name and "called X" are the paper's; the looser patterns must also
        # pass _may_propose. Without the verb only the naming patterns ("namely X", "we call X") count.
        strong = [*PROPOSE.finditer(st), *CALLED.finditer(st)] if verb else []
        loose = [*CALLED_CAPS.finditer(st), *WE_CALL.finditer(st),
                 *(PROPOSE_CAPS.finditer(st) if verb else CALLED.finditer(st))]
        for m, checked in [(m, False) for m in strong] + [(m, True) for m in loose]:
            cand = m.group(1)
            if PRIOR.search(st, 0, m.start(1)) and not PROPOSE_VERB.search(st, 0, m.start(1)):
                continue  # "we explore a recent method called Rectified Flow": somebody else's
            if checked and not self._may_propose(doc, base + m.start(1), base + m.end(1)):
                continue
            words = SPACE.split(cand)
            named = any(is_codename(w) for w in words) or (
                len(words) >= 2 and all(w[0].isupper() for w in words if w not in CONNECTORS))
            if named and cand.lower() not in STOP_LEAD:
                out.append(self._proposal("Method", cand, base + m.start(1), base + m.end(1)))
        for m in APPOSITION.finditer(st) if verb else ():
            cand = m.group(1)
            if cand.split()[0].lower() not in STOP_LEAD:
                out.append(self._proposal("Method", cand, base + m.start(1), base + m.end(1), confidence=0.75))
        # "we propose the Differentiable Search Index (DSI)": the defined pair is the method; so is a
        # capitalised pair that no lexicon knows in a sentence about the paper's own work ("The proposed
        # architecture, the Gated Transformer-XL (GTrXL), ...")
        for long_form, ls, le, acro, as_, ae in acronym_definitions(st):
            if DEF_AFTER_VERB.search(st[:ls]) or (NEW_BEFORE.search(st[:ls]) and _new_name(long_form)
                                                   and self._may_propose(doc, base + ls, base + le)):
                out.append(self._proposal("Method", long_form, base + ls, base + le))
                out.append(self._proposal("Method", acro, base + as_, base + ae, name=long_form))
        return out


@Language.factory("kg_rules")
def make_rules(nlp: Language, name: str) -> ProposalRules:
    return ProposalRules(name)
