"""What every extraction component shares: the Doc extensions it writes and the Mention record.

Each component of the kg pipeline appends :class:`Mention` objects to ``doc._.kg_mentions``
(character offsets relative to ``doc.text``); the resolver at the end of the pipeline merges
overlaps, canonicalises names and flags generic phrases. Results go to ``doc._.kg_results``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

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
