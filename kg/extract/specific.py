"""The node policy: does a mention name one specific entity, worth a node of the graph?

A mention is read as ``[vague modifiers] core [generic heads]`` ("a simple | reinforcement learning |
framework"). It names an entity when it is a lexicon entry, a device, an acronym definition or the
paper's own proposal, or when :func:`explain` finds a rule for it: a coined word ("GPipe", "VQ-VAE"),
an established term of a reference corpus (``data/terms.tsv``, ``data/standalone_terms.tsv``), a
compound of a specific word and a name-making head (``data/compound_heads.tsv``: "tensor
parallelism", "face verification accuracy"), or a name written capitalised. What is malformed (a list,
a cut span, a loss or a vague quality as a Metric, a language as a Dataset) or only a description
("deep methods", "downstream QA model") is flagged ``generic``: still reported by ``kg extract``, never
a node. The rules and their word lists are described in docs/graph-quality.md.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from ..graph.schema import entity_key
from .base import Mention, is_codename
from .lexicon import data_path, alias_index, load_wordlist

WORD = re.compile(r"[A-Za-z0-9][\w'’+.]*(?:-[\w'’+.]+)*")
COORDINATION = re.compile(r"\s(?:and|or|&)\s|[,/;]")
FUNCTION_WORD = re.compile(r"\s(?:of|for|in|on|with|to|from|by|via|using|under|over|through)\s", re.I)
BROKEN_SPAN = re.compile(r"\s--|--\s|\b[A-Za-z]+\+\d{4}\b|\bet al\b|\b[A-Z]\w*[A-Z]\w*i[sz]ed\b")
ADJECTIVE_SUFFIXES = ("-based", "-activated", "-driven", "-like", "-inspired", "-guided", "-conditioned",
                      "-oriented", "-specific", "-agnostic", "-aware", "-free", "-enhanced", "-augmented", "-powered")
NOUN_MODIFIERS = {"learning", "intelligence", "machine", "base", "baseline", "one", "two", "three"}  # may end a name
ADJECTIVE_END = ("al", "ive", "ic", "ous", "ed", "ble", "ine", "ent", "ant", "ary")


def singular(word: str) -> str:
    """The singular of an English noun, by rule (enough for keys: "networks", "strategies", "losses")."""
    w = word.lower()
    if len(w) <= 3 or w.endswith(("ss", "us", "is", "ous")):
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes")):
        return w[:-2]
    if w.endswith("s"):
        return w[:-1]
    return w


def term_key(text: str) -> str:
    """The key under which phrasings of one term meet: lower case, hyphens as spaces, last word singular."""
    words = [w.replace("’", "'") for w in WORD.findall(text)]
    if not words:
        return ""
    words[-1] = singular(words[-1])
    return " ".join(words).lower().replace("-", " ")


@lru_cache(maxsize=None)
def _rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The rows of a TSV data file after its header row; lines starting with # are comments."""
    text = data_path(name).read_text(encoding="utf-8")
    rows = [tuple(r) for r in csv.reader(text.splitlines(), delimiter="\t") if r and not r[0].startswith("#")]
    return tuple(rows[1:])


@lru_cache(maxsize=None)
def _table(name: str) -> dict[str, frozenset[str]]:
    """A TSV data file whose first two columns are a word and its types: key -> set of types."""
    out: dict[str, set[str]] = {}
    for row in _rows(name):
        if len(row) >= 2:
            out.setdefault(term_key(row[0]), set()).update(t.strip() for t in row[1].split(","))
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=None)
def _name_heads() -> frozenset[str]:
    return frozenset(term_key(r[0]) for r in _rows("generic_heads.tsv") if len(r) > 2 and r[2] == "yes")


@lru_cache(maxsize=None)
def established_terms() -> dict[str, int]:
    """Key -> documents tagging it, of the reference corpus's terms (``data/terms.tsv``)."""
    return {term_key(r[0]): int(r[2]) for r in _rows("terms.tsv") if len(r) > 2}


@lru_cache(maxsize=1 << 16)
def _listed(word: str, name: str) -> bool:
    return entity_key(word) in load_wordlist(name)


def is_head(word: str, type_: str) -> bool:
    types = _table("generic_heads.tsv").get(singular(word))
    return bool(types) and (type_ in types or "*" in types)


def _gerund(word: str) -> bool:
    """"Scaling", "processing", "countering": an -ing word long enough not to be "thing" or "ring"."""
    return word.endswith("ing") and len(word) > 5


def _standalone(words: list[str]) -> bool:
    return len(words) == 1 and term_key(words[0]) in _table("standalone_terms.tsv")


def _established(words: list[str]) -> bool:
    if not words:
        return False
    tagged = established_terms().get(term_key(" ".join(words)), 0)
    if len(words) == 2 and singular(words[1]) in _name_heads() and (
            _listed(words[0], "weak_modifiers.txt") or words[0].lower().endswith(ADJECTIVE_END)):
        return False  # "teacher model", "dense model", "probabilistic model": descriptions
    return bool(tagged) or _standalone(words)


LETTER_PART = re.compile(r"(?:^|-)[A-Z](?:-|$)")  # "Q-learning", "K-means", "t-SNE" has one in its acronym


def _coined_word(w: str) -> bool:
    if w.isupper() and any(len(p) >= 7 and p.isalpha() for p in w.split("-")):
        return False  # a word of an all-capitals title ("CONTINUOUS-TIME"), not an acronym
    return bool(is_codename(w) or LETTER_PART.search(w) or any(is_codename(p) for p in w.split("-")[1:]))


def _coined(words: list[str]) -> bool:
    """A coined word: an acronym, an internal capital or a digit ("GPipe", "VQ-VAE", "Meta-BiLSTM",
    "Q-learning"), other than a generic acronym (generic.txt: DNN, AI). In a phrase in capitals
    ("GATED FAST WEIGHTS") no word is an acronym."""
    shouted = [w for w in words if w.isalpha() and w.isupper()]
    if len(shouted) >= 2 and any(len(w) >= 5 for w in shouted):
        return False
    return any(_coined_word(w) and not _listed(w, "generic.txt") for w in words)


def task_like(words: list[str]) -> bool:
    """The words name a task ("speech synthesis", "QA"): a model *for* it is no method of its own."""
    last = singular(words[-1])
    if _listed(last, "task_heads.txt") or _table("standalone_terms.tsv").get(last) == {"Task"} \
            or _table("compound_heads.tsv").get(last) == {"Task"}:
        return True
    return alias_index().get(("Task", entity_key(" ".join(words)))) is not None


def split_phrase(type_: str, text: str) -> tuple[list[str], list[str], list[str]]:
    """The mention's words read three ways: (name: without leading vague words, checked: also without
    leading plain modifiers, core: ``checked`` without trailing generic heads). "a novel deep Q-network
    model" -> ("deep Q-network model", "Q-network model", "Q-network")."""
    words = WORD.findall(text)
    while words and _listed(words[0], "vague_words.txt"):  # "SOTA vision transformers" too
        words.pop(0)
    checked = list(words)
    while checked and (_listed(checked[0], "vague_words.txt") or _listed(checked[0], "plain_modifiers.txt")) \
            and not is_codename(checked[0]):
        checked.pop(0)
    core = list(checked)
    while core and is_head(core[-1], type_):
        core.pop()
    return words, checked, core


def without_heads(words: list[str], type_: str) -> list[str]:
    """``words`` without the generic heads of ``type_`` at their end ("LSTM network" -> "LSTM")."""
    out = list(words)
    while out and is_head(out[-1], type_):
        out.pop()
    return out


def _compound_head(type_: str, word: str) -> bool:
    last = word.lower().split("-")[-1] if word.lower() not in _table("compound_heads.tsv") else word.lower()
    return type_ in _table("compound_heads.tsv").get(last, ()) or type_ in _table("compound_heads.tsv").get(
        singular(last), ())


def names_a_method(word: str) -> bool:
    """The word ends names of methods: a name head ("Network") or a Method compound head ("Embedding")."""
    return singular(word) in _name_heads() or _compound_head("Method", word)


def _compound(type_: str, words: list[str]) -> bool:
    """Named by what it is about and a head word (``data/compound_heads.tsv``): "pain intensity
    regression", "tensor parallelism", "face verification accuracy", "hit-rate"; the words before the
    head must not all be vague or plain ("deep learning", "model predictions": no)."""
    if not words or not _compound_head(type_, words[-1]):
        return False
    if type_ in ("Task", "Metric") and words[-1].lower().endswith("s") and singular(words[-1]) != words[-1].lower() \
            and _compound_head(type_, singular(words[-1])):
        return False  # "long-term predictions", "estimation errors": outputs, not a task or a measure
    before = words[:-1] or words[-1].split("-")[:-1]
    return any(not (_listed(w, "vague_words.txt") or _listed(w, "plain_modifiers.txt") or is_head(w, type_)
                    or _listed(w, "weak_modifiers.txt")) for w in before)


def _measure(words: list[str]) -> bool:
    """Not a vague quality ("translation quality", "computational cost"), a loss, bound, objective or
    hyper-parameter ("ELBO objective", "learning rate") nor an activity ("Conditional Score Estimation");
    a measure word after a specific one stays ("processing speed", "peak memory usage")."""
    last, last2 = words[-1], " ".join(words[-2:])
    if _listed(" ".join(words), "not_metrics.txt") or any(_listed(x, "non_metric_heads.txt") for x in (last, last2)):
        return False
    if any(_listed(x, "vague_qualities.txt") for x in (last, singular(last), " ".join(words))):
        return False
    if _compound_head("Metric", last):
        return len(words) > 1 or not _listed(last, "not_metrics.txt")
    return not (_listed(last, "not_metrics.txt") or _listed(singular(last), "not_metrics.txt")
                or last.lower().endswith(("tion", "sion", "ing")))


def _not_a_dataset(core: list[str]) -> bool:
    """A language on its own ("French"), or a company's or library's product ("Microsoft DeepSpeed")."""
    return bool(core) and (_listed(core[0], "not_datasets.txt")
                           or (len(core) == 1 and _listed(core[0], "languages.txt")))


@dataclass(frozen=True)
class Where:
    """Where a phrasing stands in its paper: whether it is in the title, starts a sentence, and is
    written more than once in the paper (the same case for one word, any case for several)."""

    in_title: bool = False
    sentence_start: bool = False
    repeated: bool = False


@lru_cache(maxsize=1 << 16)  # a pure function of its arguments, asked for most mentions
def _generic_name(type_: str, text: str) -> bool:
    """The name is a generic phrase even when a paper defines an acronym for it."""
    _, words, core = split_phrase(type_, text)
    return bool(words) and any(_listed(" ".join(part), "generic.txt") for part in (words, core) if part)


@lru_cache(maxsize=1 << 16)  # a pure function of its arguments, asked for most mentions
def judge(type_: str, text: str, where: Where = Where()) -> tuple[bool, str | None]:
    """(specific, better name or None) for one phrasing of a mention that no lexicon entry, acronym
    definition or proposal names (see the module's docstring)."""
    name, words, core = split_phrase(type_, text)
    if _reason(type_, text, words, core, where) is None:
        return False, None
    # a generic head goes from the name when what is left is the term: "object detection task", "RNN
    # approaches", "BERT model"; a name head stays unless a coined word is left: "latent variable model"
    dropped = words[len(core):]
    headless = core != words and core and (_coined(core[-1:]) or (
        (_established(core) or _compound(type_, core)) and not any(singular(w) in _name_heads() for w in dropped)))
    better = without_heads(name, type_) if headless else name  # "RNN approaches", "object detection task"
    if headless and _malformed(type_, better, " ".join(better)):
        better = name  # "LSTM-based model" keeps its head
    return True, " ".join(better) if len(better) < len(WORD.findall(text)) else None


def explain(type_: str, text: str, where: Where = Where()) -> str | None:
    """Which rule makes a phrasing specific ("coined", "established", "compound", "name", "title"), or
    None when it is a description."""
    _, words, core = split_phrase(type_, text)
    return _reason(type_, text, words, core, where)


def _reason(type_: str, text: str, words: list[str], core: list[str], where: Where) -> str | None:
    if not words or _malformed(type_, words, text) or (type_ == "Dataset" and _not_a_dataset(core)):
        return None
    return _specific(type_, words, core, where)


def _malformed(type_: str, words: list[str], text: str) -> bool:
    """A description or a broken span rather than a name."""
    joined = " ".join(words)
    lower = [w.lower() for w in words]
    return bool(
        (type_ == "Metric" and not _measure(words))
        or any(a == b or b.startswith(a + "-") for a, b in zip(lower, lower[1:]))  # "neural neural-based"
        or (type_ in ("Method", "Task") and len(words) >= 2 and words[0].islower() and _gerund(words[0])
            and not (_standalone(words[:1]) or _compound_head(type_, words[0])))  # "processing word embeddings"
        or _listed(joined, "generic.txt")
        or COORDINATION.search(joined)  # "evolutionary and gradient-based methods": a list, not a name
        or text.count("(") != text.count(")")  # "TD) learning": cut inside a parenthesis
        or words[-1].lower().endswith(ADJECTIVE_SUFFIXES)  # "SVD-based", "ReLU-activated": cut before the noun
        or BROKEN_SPAN.search(text)  # "I -- Optimal Hyperparameter Scaling Law", "Amos+2017", "ACMized"
        or (len(words) >= 2 and len(words[0]) == 1 and words[0].isalpha())  # "M pruning" of "N:M pruning"
        or (words[-1].lower() not in NOUN_MODIFIERS and (_listed(words[-1], "plain_modifiers.txt")
                                                         or _listed(words[-1], "vague_words.txt")))  # an adjective
        or (len(words) >= 2 and words[-1].islower()
            and words[-1].endswith(("ive", "ic", "ous")))  # "implicit generative"
        or (type_ in ("Method", "Task") and FUNCTION_WORD.search(joined) and not _coined(words))  # "Generation of X"
    )


def _wrong_head(type_: str, words: list[str]) -> bool:
    """The last word says the phrase is something else: an activity for a Method ("MoE training", "DPM
    customization"), a measure for a Method or a Task ("cross-GPU routing latency", "end-to-end training
    time"), a gerund phrase from a title ("Scaling Deep GNN Training")."""
    last = words[-1]
    if len(words) >= 2 and words[0][0].isupper() and _gerund(words[0]) and singular(last) not in _name_heads():
        return True
    if type_ in ("Method", "Task") and _compound_head("Metric", last) and not _compound_head(type_, last):
        return True
    core_last = next((w for w in reversed(words) if not is_head(w, type_)), last)  # "SNN training pipeline"
    return any(type_ == "Method" and len(words) >= 2 and w.islower() and w.endswith(("ing", "tion", "sion", "ment"))
               and not (_compound_head("Method", w) or _standalone([w])) for w in {last, core_last})


def _specific(type_: str, words: list[str], core: list[str], where: Where) -> str | None:
    if not core or _listed(" ".join(core), "generic.txt"):
        return None  # "network architecture", "DNN models": nothing but heads and generic words
    if _wrong_head(type_, words) and not _established(words):
        return None  # "MoE training" (but the established "adversarial training")
    if type_ == "Task" and _coined(words) and not (task_like(core) or (len(core) == 1 and core[0].isupper())):
        return None  # "SVM problem", "3B tokens": a coined word does not make a task
    if _coined(words):
        if type_ == "Method" and core != words and task_like(core):
            return None  # "downstream QA model": a model for a task
        return None if core != words and not _coined(core) else "coined"  # "DNN models": a generic acronym
    weak_head = core != words and singular(words[-1]) not in _name_heads()
    if weak_head and len(core) == 1 and not _established(core):
        return None  # "Rehearsal Strategies", "clustering algorithm": the word before the head decides
    if len(words) >= 2 and type_ in ("Method", "Dataset") and _written_as_name(words, where):
        # in a title every word is capitalised: there a name ends in a head word and is written again
        if not where.in_title or where.repeated:
            return "name"
        if len(core) >= 2 and (singular(words[-1]) in _name_heads() or _compound_head(type_, words[-1])
                               or _standalone(words[-1:])):
            return "title"
    if type_ == "Method" and core != words and task_like(core):
        return None  # "speech synthesis network", "classification models": a model for a task
    if (_established(words) and not (weak_head and len(core) == 1)) or (core != words and _established(core)):
        return "established"
    if (_compound(type_, words) or _compound(type_, core)) and (
            not where.in_title or where.repeated or len(words) == 3):
        return "compound"  # a phrase only in a title: of three words ("Pain Intensity Regression")
    return "name" if len(words) == 1 and type_ in ("Method", "Dataset") and _written_as_name(words, where) else None


def _written_as_name(words: list[str], where: Where) -> bool:
    """Capitalised like a name: every long word of two or more ("Sparse Multidimensional Scaling"), or one
    word of four letters or more, written so more than once and not only at the start of a sentence
    ("Reactor")."""
    long_words = [w for w in words if len(w) > 3 and w.isalpha()]
    if len(words) >= 2:  # not a gerund phrase ("Countering Adversarial Images")
        return bool(long_words) and all(w[0].isupper() for w in long_words) and not _gerund(words[0])
    return (not where.sentence_start and where.repeated and len(words[0]) >= 4 and words[0][0].isupper()
            and words[0][1:].islower() and not words[0].lower().endswith(ADJECTIVE_END))


def _where(m: Mention, text: str, title_end: int | None, lower: str) -> Where:
    j = m.start  # the end of the text before the mention, spaces left out
    while j > 0 and text[j - 1].isspace():
        j -= 1
    in_title = title_end is not None and m.end <= title_end
    start = j == 0 or text[j - 1] in ".!?:;" or (title_end is not None and j <= title_end < m.start)
    # a name the authors capitalise is written so again; a lower-case phrase in any case
    haystack, needle = (text, m.text) if m.text[:1].isupper() else (lower, m.text.lower())
    return Where(in_title, start, haystack.count(needle) > 1)


def apply_policy(found: list[Mention], *, text: str, title_end: int | None = None,
                 acronyms: dict[str, str] | None = None) -> None:
    """Flag as ``generic`` the mentions that name no specific entity. One name is one entity in a paper:
    when any mention of a (type, name) qualifies, all of them do ("DRCN" makes "Deeply-Recursive
    Convolutional Network" a name), and a better name found for one ("object detection" for "object
    detection task") is given to all."""
    defined = {entity_key(x) for pair in (acronyms or {}).items() for x in pair}
    lower = text.lower()
    groups: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for m in found:
        if not m.generic and m.type != "Hardware":
            groups[(m.type, entity_key(m.name or m.text))].append(m)
    devices = [(m.start, m.end) for m in found if m.type == "Hardware"]
    for (type_, key), ms in groups.items():
        if any(s < m.end and m.start < e for m in ms for s, e in devices):
            for m in ms:  # "NVIDIA A100 GPU" as a Method: the device is the entity, a Hardware node
                m.generic = True
            continue
        if _generic_name(type_, ms[0].name or ms[0].text):
            pass  # "Artificial Neural Network (ANN)": defined, and still generic
        elif key in defined or alias_index().get((type_, key)) or any(
                m.component in ("kg_lexicon", "acronym") or m.role == "proposes" or entity_key(m.text) in defined
                for m in ms):
            if not (ms[0].name or ms[0].text).lower().endswith(ADJECTIVE_SUFFIXES):
                continue  # (a proposal cut before its noun, "Universal RPE-based", is no name either)
        pairs = [(m, s) for m in ms for s in dict.fromkeys((m.text, m.name or m.text))]
        texts = [s for _, s in pairs]
        verdicts = [judge(type_, s, _where(m, text, title_end, lower)) for m, s in pairs]
        if any(ok for ok, _ in verdicts):
            # the name of the first phrasing that qualifies, for every mention of the group
            ok_texts = [(b or s) for (ok, b), s in zip(verdicts, texts) if ok]
            better = next((b for ok, b in verdicts if ok and b), None)
            if better and not any(ok and not b for ok, b in verdicts):
                for m in ms:
                    m.name = better
            elif not judge(type_, ms[0].name or ms[0].text, _where(ms[0], text, title_end, lower))[0]:
                for m in ms:
                    m.name = ok_texts[0]  # "Deep Recurrent Neural" is named "Deep Recurrent Neural Network"
            continue
        for m in ms:
            m.generic = True
            m.confidence = round(m.confidence * 0.5, 3)
