"""Entity resolution across the corpus, at build time: one entity, one node.

Extraction names each mention inside its paper; here the names of all papers meet. Two names are one
entity when

- their variant keys are equal: case, plural/singular, hyphens and spaces ("auto-encoder" =
  "autoencoder"), "nets"/"networks"/"NNs", a trailing "(ACRONYM)", and leading articles do not matter
  ("Recurrent neural networks" = "recurrent neural network");
- one is the other with generic heads after it ("LSTM network" = "LSTM", "reinforcement learning
  framework" = "reinforcement learning"), when the shorter one is a name of the corpus on its own;
- some paper wrote one for the other ("recurrent neural networks (RNNs)", a lexicon alias): the surface
  form then names that entity in every paper, unless papers tie it to different entities ("DA" for
  domain adaptation and for data augmentation): an ambiguous surface form joins nothing.

Each entity gets one type: the lexicon's when it has one, else the type most of its mentions have
(ties: Method, Task, Dataset, Metric). Its name is the lexicon's canonical name, else the name its
mentions use most, among those the node policy accepts ("recurrent neural network", not a cut-off
"recurrent neural" that the NER tagged more often). Resolution depends only on the set of records, never
on their order, so an incremental build equals a full rebuild.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from functools import lru_cache

from ..extract.lexicon import alias_index, load_lexicon
from ..extract.specific import WORD, judge, singular, task_like, without_heads
from .schema import entity_key

TYPE_ORDER = ("Method", "Task", "Dataset", "Metric", "Hardware")
LEADING = {"the", "a", "an", "our", "their", "its"}
TRAILING_ACRONYM = re.compile(r"\s*\([^()]*\)\s*$")
WORD_SYNONYMS = {"net": "network", "nets": "network", "nn": "neuralnetwork", "nns": "neuralnetwork"}
MODIFIER_SYNONYMS = {"convolution": "convolutional"}  # "convolution neural network", "graph convolution network"


@lru_cache(maxsize=1 << 17)  # asked three times per mention in a build
def variant_key(name: str) -> str:
    """The key under which the phrasings of one name meet (see the module's docstring)."""
    s = unicodedata.normalize("NFKC", TRAILING_ACRONYM.sub("", name) or name)
    words = [w.lower() for w in WORD.findall(s.replace("\u2013", "-").replace("\u2014", "-"))]
    while len(words) > 1 and words[0] in LEADING:
        words.pop(0)
    if not words:
        return entity_key(name)
    words = [WORD_SYNONYMS.get(w, w) for w in words]
    words = [MODIFIER_SYNONYMS.get(w, w) for w in words[:-1]] + words[-1:]
    words[-1] = singular(words[-1])
    return "".join(words).replace("-", "")  # "auto-encoder" = "autoencoder", "Kinetics 400" = "Kinetics-400"


def _short_name(type_: str, name: str) -> str | None:
    """The name without its generic heads ("LSTM network" -> "LSTM"), or None when it has none."""
    words = WORD.findall(TRAILING_ACRONYM.sub("", name) or name)
    short = words[:1] + without_heads(words[1:], type_)  # the first word always stays
    return " ".join(short) if len(short) < len(words) else None


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:  # the smaller key is the root: the result does not depend on the order of unions
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def _lexicon_types() -> dict[str, tuple[str, str]]:
    """variant key of every lexicon name and alias -> (type, canonical name); hardware is its own."""
    out: dict[str, tuple[str, str]] = {}
    for e in load_lexicon():
        for s in (e.name, *e.aliases):
            out.setdefault(variant_key(s), (e.type, e.name))
    return out


class Canon:
    """Collects every paper's names (:meth:`add`), then resolves them (:meth:`finish`, :meth:`resolve`)."""

    def __init__(self) -> None:
        self.types: dict[str, Counter] = defaultdict(Counter)
        self.names: dict[str, Counter] = defaultdict(Counter)
        self.surfaces: dict[str, set[str]] = defaultdict(set)  # surface variant key -> name keys it stood for
        self.heads: dict[str, str] = {}  # name key -> key without generic heads
        self.root: dict[str, tuple[str, str]] = {}

    def add(self, rec: dict, keep_generic: bool = False) -> None:
        for e in rec.get("entities", []):
            if (e.get("generic") and not keep_generic) or e["type"] == "Hardware":
                continue
            key = variant_key(e["name"])
            self.types[key][e["type"]] += 1
            self.names[key][e["name"]] += 1
            text_key = variant_key(e["text"])
            if text_key != key:
                self.surfaces[text_key].add(key)
            short = _short_name(e["type"], e["name"])
            if short:
                self.heads[key] = variant_key(short)

    def finish(self) -> None:
        lexicon = _lexicon_types()
        union = _Union()
        for key in self.names:
            union.find(key)
        for text_key, keys in self.surfaces.items():
            if len({union.find(k) for k in keys}) == 1 and text_key in self.names:
                union.union(text_key, next(iter(keys)))  # "RNN" written for "recurrent neural network"
        for key, short in sorted(self.heads.items()):
            if short in self.names:  # "LSTM network" where the corpus also says "LSTM"
                union.union(key, short)
        groups: dict[str, list[str]] = defaultdict(list)
        for key in self.names:
            groups[union.find(key)].append(key)
        for members in groups.values():
            types, names = Counter(), Counter()
            for k in members:
                types.update(self.types[k])
                names.update(self.names[k])
            lex = next((lexicon[k] for k in sorted(members) if k in lexicon), None)
            if lex:
                type_, name = lex
            else:
                type_ = max(types, key=lambda t: (types[t], -TYPE_ORDER.index(t)))
                usual = max(names, key=names.get)
                if type_ == "Method" and "Task" in types and task_like(WORD.findall(usual)):
                    type_ = "Task"  # "semantic role labeling": named by what is done
                name = min(names.items(), key=lambda kv: (not judge(type_, kv[0])[0], -kv[1], kv[0]))[0]
            for k in members:
                self.root[k] = (type_, name)
        for text_key, keys in self.surfaces.items():  # a form only ever written for one entity ("MHA")
            roots = {self.root[k] for k in keys}
            if text_key not in self.root and len(roots) == 1:
                self.root[text_key] = next(iter(roots))
        self.types, self.surfaces, self.heads = defaultdict(Counter), defaultdict(set), {}

    def is_entity(self, type_: str, name: str) -> bool:
        """A name of the corpus's entities, a lexicon name, or one the node policy would make a node."""
        return (variant_key(name) in self.root or bool(alias_index().get((type_, entity_key(name))))
                or judge(type_, name)[0])

    def resolve(self, type_: str, name: str) -> tuple[str, str]:
        """(type, name) of the entity that a mention's (type, name) belongs to."""
        if type_ == "Hardware":
            return type_, name
        key = variant_key(name)
        if key in self.root:
            return self.root[key]
        return type_, alias_index().get((type_, entity_key(name))) or name
