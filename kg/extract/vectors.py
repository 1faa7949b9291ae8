"""Static word vectors for the NER's tok2vec, distilled from a sentence encoder at training time.

The shipped NER is a small CNN trained from scratch on 100 papers, so it knows a word only from those
papers (and the self-training abstracts). These vectors give it what all-MiniLM-L6-v2 (the transformer
of the ensemble teacher, :mod:`kg.extract.teacher`) knows of each word *as used in ML abstracts*: every
word of the unlabelled abstracts (SciTLDR, ``train.unlabelled_records``) that occurs at least
``min_count`` times gets the average of its contextual vectors over up to ``cap`` occurrences (mean of
the encoder's ``layers``, over the word's word pieces), reduced to ``dims`` dimensions by PCA and
normalised. The encoder's input embeddings, tried as vectors earlier, did not help (docs/model.md);
these averaged contextual ones gave +0.8 strict micro F1 in the cross-validation there. Every surface form seen
("ImageNet", "imagenet") is a key of its lower-cased word's row, because spaCy looks vectors up by the
token's exact text.

The table ships inside the model (``vocab/vectors``, about 4 MB for 10,000 words x 96), so ``kg
extract`` needs neither torch nor the encoder; building it does (``pip install 'kg[train]'``).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy

# (words of a chunk) -> one vector per word: the contextual encoder, see :func:`minilm_encoder`
Encoder = Callable[[list[list[str]]], list[numpy.ndarray]]


def words_of(texts: Sequence[str]) -> list[list[str]]:
    """The texts as the NER sees them: spaCy English tokens, without whitespace tokens."""
    import spacy

    nlp = spacy.blank("en")
    return [[t.text for t in doc if not t.is_space] for doc in nlp.tokenizer.pipe(texts)]


def average_vectors(chunks: list[list[str]], encode: Encoder, min_count: int = 2, cap: int = 40,
                    batch_size: int = 16, log=lambda m: None) -> tuple[list[str], numpy.ndarray, dict[str, set]]:
    """Per lower-cased word with at least ``min_count`` occurrences (and a letter): the mean of its first
    ``cap`` contextual vectors. Returns the words (sorted), their vectors, and each word's surface forms."""
    counts = Counter(w.lower() for ws in chunks for w in ws)
    wanted = {w for w, c in counts.items() if c >= min_count and any(ch.isalpha() for ch in w)}
    forms: dict[str, set] = defaultdict(set)
    sums: dict[str, numpy.ndarray] = {}
    seen: Counter = Counter()
    t0 = time.time()
    for b in range(0, len(chunks), batch_size):
        batch = chunks[b:b + batch_size]
        for ws, vecs in zip(batch, encode(batch)):
            for w, v in zip(ws, vecs):
                key = w.lower()
                if key not in wanted:
                    continue
                forms[key].add(w)
                if seen[key] < cap and not numpy.isnan(v[0]):  # NaN: cut off by the encoder's length limit
                    sums[key] = sums[key] + v if key in sums else v.astype("float64")
                    seen[key] += 1
        if b % (batch_size * 50) == 0:
            log(f"vectors: {b}/{len(chunks)} chunks encoded ({time.time() - t0:.0f}s)")
    words = sorted(sums)
    return words, numpy.stack([sums[w] / seen[w] for w in words]), forms


def reduce(matrix: numpy.ndarray, dims: int) -> numpy.ndarray:
    """Centre, project on the first ``dims`` principal components (signs fixed so that each component's
    largest coordinate is positive: the same input gives the same table), and normalise each row."""
    m = matrix - matrix.mean(0)
    _, _, vt = numpy.linalg.svd(m, full_matrices=False)
    vt = vt[:dims]
    vt *= numpy.sign(vt[numpy.arange(len(vt)), numpy.abs(vt).argmax(1)])[:, None]
    r = m @ vt.T
    r /= numpy.linalg.norm(r, axis=1, keepdims=True) + 1e-8
    return r.astype("float32")


def save_vectors(words: list[str], rows: numpy.ndarray, forms: dict[str, set], out: Path) -> Path:
    """A spaCy pipeline directory whose vocab holds the table: every surface form (and the lower-cased
    word) is a key of the word's row. ``[initialize] vectors`` takes this path."""
    import spacy
    from spacy.vectors import Vectors

    nlp = spacy.blank("en")
    table = Vectors(strings=nlp.vocab.strings, shape=rows.shape)
    table.data[:] = rows
    for i, w in enumerate(words):
        for form in sorted(forms.get(w, set()) | {w}):
            table.add(nlp.vocab.strings.add(form), row=i)
    nlp.vocab.vectors = table
    Path(out).mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    return out


def minilm_encoder(layers: Sequence[int] = (1, 2, 3), threads: int = 2, max_pieces: int = 256) -> Encoder:
    """all-MiniLM-L6-v2 as an :data:`Encoder`: per word, the mean over its word pieces of the mean of the
    hidden ``layers`` (1-3, the only setting measured)."""
    from .teacher import _torch, minilm_dir

    torch, transformers = _torch()
    base = minilm_dir()
    torch.set_num_threads(threads)
    tok = transformers.AutoTokenizer.from_pretrained(base)
    model = transformers.AutoModel.from_pretrained(base).eval()

    def encode(batch: list[list[str]]) -> list[numpy.ndarray]:
        enc = tok(batch, is_split_into_words=True, truncation=True, max_length=max_pieces, padding=True,
                  return_tensors="pt")
        with torch.no_grad():
            hidden = model(**enc, output_hidden_states=True).hidden_states
        h = torch.stack([hidden[k] for k in layers]).mean(0).numpy()
        out = []
        for j, ws in enumerate(batch):
            pieces: dict[int, list[int]] = defaultdict(list)
            for p, w in enumerate(enc.word_ids(j)):
                if w is not None:
                    pieces[w].append(p)
            # a word cut off by truncation gets NaN, which average_vectors skips
            out.append(numpy.stack([h[j, pieces[w]].mean(0) if w in pieces else numpy.full(h.shape[-1], numpy.nan)
                                    for w in range(len(ws))]))
        return out

    return encode


def build_vectors(texts: Sequence[str], out: Path, dims: int = 96, min_count: int = 2, cap: int = 40,
                  chunk_words: int = 150, encode: Encoder | None = None, log=lambda m: None) -> Path:
    """Build the table from ``texts`` into the pipeline directory ``out`` (see the module docstring)."""
    words = words_of(texts)
    chunks = [ws[i:i + chunk_words] for ws in words for i in range(0, len(ws), chunk_words)]
    encode = encode or minilm_encoder()
    vocab, matrix, forms = average_vectors(chunks, encode, min_count=min_count, cap=cap, log=log)
    rows = reduce(matrix, min(dims, len(vocab), matrix.shape[1]))
    log(f"vectors: {len(vocab)} words x {rows.shape[1]}")
    return save_vectors(vocab, rows, forms, Path(out))
