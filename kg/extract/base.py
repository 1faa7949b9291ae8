"""What every extraction component shares: the Doc extensions it writes and the Mention record.

Each component of the kg pipeline appends :class:`Mention` objects to ``doc._.kg_mentions``
(character offsets relative to ``doc.text``); the resolver at the end of the pipeline merges
overlaps, canonicalises names and flags generic phrases. Results go to ``doc._.kg_results``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import asdict, dataclass, field

from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.tokens import Doc

ENTITY_TYPES = ("Method", "Dataset", "Metric", "Task", "Hardware")

if not Doc.has_extension("kg_mentions"):
    Doc.set_extension("kg_mentions", default=None)
if not Doc.has_extension("kg_results"):
    Doc.set_extension("kg_results", default=None)


@dataclass
class Mention:
    type: str  # one of ENTITY_TYPES
    text: str  # surface string as in the text
    start: int  # char offset in doc.text
    end: int
    name: str = ""  # canonical name ("" = resolver decides)
    confidence: float = 0.5
    component: str = ""  # which component found it
    generic: bool = False  # generic phrase: reported, kept out of the graph
    role: str = ""  # "proposes" for the paper's own method, else ""
    attrs: dict = field(default_factory=dict)  # e.g. hardware count / amount / amount_unit

    def to_dict(self) -> dict:
        return asdict(self)


def mentions(doc: Doc) -> list[Mention]:
    """The doc's mention list, created on first use."""
    if doc._.kg_mentions is None:
        doc._.kg_mentions = []
    return doc._.kg_mentions


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc: spaCy joins every token's text on each ``doc.text`` access,
    and four components read it. A Doc's text never changes, so the cached copy stays valid."""
    text = doc.user_data.get("kg_text")
    if text is None:
        text = doc.user_data["kg_text"] = doc.text
    return text


def results(doc: Doc) -> list[dict]:
    if doc._.kg_results is None:
        doc._.kg_results = []
    return doc._.kg_results


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """``[(s.start_char, s.end_char) for s in doc.sents]``, read once per Doc from the token arrays
    (doc.sents builds a Span and walks the tokens per sentence; rules, results and the evidence
    sentences all need the boundaries)."""
    spans = doc.user_data.get("kg_sents")
    if spans is None:
        if len(doc) == 0:
            spans = []
        else:
            arr = doc.to_array([SENT_START, IDX, LENGTH])
            firsts = [0] + [i for i in (arr[1:, 0] == 1).nonzero()[0] + 1]
            lasts = [f - 1 for f in firsts[1:]] + [len(doc) - 1]
            spans = [(int(arr[f, 1]), int(arr[e, 1] + arr[e, 2])) for f, e in zip(firsts, lasts)]
        doc.user_data["kg_sents"] = spans
    return spans


def sentence_around(doc: Doc, start: int, end: int) -> tuple[str, int]:
    """The text of the sentence(s) holding chars [start, end) and its start offset; the same as
    ``span = doc.char_span(start, end, alignment_mode="expand"); span.sent.text, span.sent.start_char``
    (``Span.text``: from the first token to the end of the last one, its trailing space left out)."""
    text = doc_text(doc)
    spans = sentence_spans(doc)
    if not spans or not 0 <= start < end <= len(text):
        return text[max(0, start - 100):end + 100], max(0, start - 100)
    starts = [s for s, _ in spans]
    a = max(0, bisect_right(starts, start) - 1)
    b = max(a, bisect_right(starts, end - 1) - 1)
    return text[starts[a]:spans[b][1]], starts[a]


# Names joined by hyphens ("CornerNet-Squeeze", "end-to-end", "M-Walk") are one word to a reader but several
# tokens to spaCy; the lexicon and the resolver ask the same two questions about a span's edges.
HYPHEN_WORD_START = re.compile(r"[\w-]*$")  # the rest of a hyphenated word before a position
HYPHEN_NAME_END = re.compile(r"(?:-[A-Z0-9]\w*)+")  # "-Squeeze", "-Walk", "-101"; not "-based"


def hyphen_before(text: str, start: int) -> bool:
    """A hyphen joins the span starting at ``start`` to the word before it ("end-to-|end")."""
    return start > 1 and text[start - 1] == "-" and text[start - 2].isalnum()


def hyphen_name_after(text: str, end: int):
    """The capitalised or numbered hyphenated parts right after ``end`` ("M|-Walk"), as a match, else None."""
    return HYPHEN_NAME_END.match(text, end)


# a coined name: has an internal capital, a digit, or is an acronym (GPipe, PC-DARTS, T5, InstaFlow)
CODENAME = re.compile(r"^(?=.*[A-Z])(?:[A-Za-z]*[a-z][A-Z]|[A-Z0-9][A-Z0-9\-+.]+$|.*\d|[A-Z]{2,})")


def is_codename(token: str) -> bool:
    return bool(CODENAME.match(token)) and len(token) >= 2
