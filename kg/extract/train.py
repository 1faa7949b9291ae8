"""Train the statistical NER shipped in ``kg/extract/model`` (labels Method, Dataset, Metric, Task).

Data (found beside the repo in ``shared/data`` or under ``$KG_SHARED/data``):

* SciREX full documents (``scirex-dev-docs/*.json``): every sentence becomes a training Doc with
  the gold ``ner`` spans (``Material`` -> ``Dataset``). The title+abstract part of each document
  (what ``kg extract`` sees at test time) is added ``abstract_weight`` times.
* SciERC (``scierc/train.txt`` + ``dev.txt``, CoNLL IO tags): Method, Task, Metric kept;
  ``Material`` -> ``Dataset`` only when it looks like a dataset name (``scierc="dataset-like"``),
  other Material spans are left *missing* (no O supervision) so they do not teach the model that
  datasets are not entities; OtherScientificTerm and Generic become O.

* Self-training (``silver``): a teacher fitted on the gold Docs above tags the unlabelled SciTLDR
  abstracts (``scitldr-abstracts.jsonl``); the shipped NER is fitted on gold + these silver Docs.
  The default ``ensemble`` teacher keeps the spans at least two of four members agree on: three CNN
  NERs (this config, three seeds) and all-MiniLM-L6-v2 fine-tuned as a BIO tagger
  (:mod:`kg.extract.teacher`, needs ``pip install 'kg[train]'``); ``cnn`` is one CNN NER. The
  teacher sees only the same training papers, so held-out papers stay unseen. The student keeps
  the small CNN architecture, so ``kg extract`` needs neither torch nor transformers.

Honest evaluation: the 100 SciREX papers are split by a hash of the paper id into 80 train / 20
held-out papers (:func:`split_ids`); held-out papers are never trained on (neither the full
document nor the abstract). The held-out title+abstract records of ``scirex-dev.jsonl`` are
tagged by the model and scored with :func:`kg.evaluate.score` (the official scorer definitions).
The shipped model is then trained on all 100 papers + SciERC with the same config and settings.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Iterable

import spacy
from spacy.tokens import Doc, DocBin, Span
from spacy.util import filter_spans

from .card import model_card

LABELS = ("Method", "Dataset", "Metric", "Task")
HERE = Path(__file__).resolve().parent
DEFAULT_CONFIG = HERE / "configs" / "ner.cfg"
DEFAULT_OUTPUT = HERE / "model"
SCIREX_MAP = {"Method": "Method", "Material": "Dataset", "Dataset": "Dataset", "Metric": "Metric",
              "Task": "Task"}
_DATASET_WORDS = re.compile(
    r"\b(data ?sets?|corpus|corpora|benchmarks?|treebanks?|bank|collections?|challenge|"
    r"suite|database|wikipedia|imagenet|coco|mnist|cifar|penn|wsj|timit|switchboard|europarl|"
    r"newswire|trec|conll|semeval|muc|ace|nist|bleu)\b", re.I)


# ---------------------------------------------------------------------------------------- data
def shared_dir() -> Path:
    """``$KG_SHARED`` or the ``shared`` folder beside the repo checkout."""
    env = os.environ.get("KG_SHARED")
    if env:
        return Path(env)
    return HERE.parents[2] / "shared"


def data_dir() -> Path:
    return shared_dir() / "data"


def split_ids(ids: Iterable[str], n_test: int = 20) -> tuple[list[str], list[str]]:
    """Fixed split: order ids by md5(id), the first ``n_test`` are held out. Returns (train, test)."""
    order = sorted(set(ids), key=lambda i: hashlib.md5(i.encode()).hexdigest())
    return sorted(order[n_test:]), sorted(order[:n_test])


def scirex_docs(path: Path | None = None) -> dict[str, dict]:
    path = Path(path) if path else data_dir() / "scirex-dev-docs"
    out = {}
    for f in sorted(path.glob("*.json")):
        d = json.loads(f.read_text())
        out[d["doc_id"]] = d
    return out


def abstract_end(d: dict) -> int:
    """Token index where the title+abstract part of a SciREX document ends."""
    secs = d["sections"]
    w = d["words"]
    end = secs[0][1]
    if len(secs) > 1:
        s, e = secs[1]
        head = " ".join(w[s:s + 4]).lower()
        if "abstract" in head or end <= 40:  # title only in section 0 -> next one is the abstract
            end = e
    return end


_NO_SPACE_BEFORE = {",", ".", ";", ":", ")", "]", "}", "?", "!", "%", "'s", "n't", "'"}
_NO_SPACE_AFTER = {"(", "[", "{"}
_TOKENIZER = None


def detokenize(words: list[str]) -> tuple[str, list[int]]:
    """Text resembling the original (``CIFAR - 10`` -> ``CIFAR-10``, ``( RL )`` -> ``(RL)``) and the
    character offset of each word, so training Docs get the tokenization ``kg`` sees at test time."""
    parts, offs, pos = [], [], 0
    for i, w in enumerate(words):
        if i and not (w in _NO_SPACE_BEFORE or w == "-" or words[i - 1] == "-"
                      or words[i - 1] in _NO_SPACE_AFTER):
            parts.append(" ")
            pos += 1
        offs.append(pos)
        parts.append(w)
        pos += len(w)
    return "".join(parts), offs


def _make_doc(vocab, words, spans, missing=(), retokenize: bool = True) -> Doc:
    """Doc with entity spans (token offsets into ``words``); ``missing`` spans get no supervision.
    retokenize: re-tokenize the detokenized text with spaCy's English tokenizer (as at test time)."""
    global _TOKENIZER
    words = list(words)
    if retokenize:
        if _TOKENIZER is None or _TOKENIZER.vocab is not vocab:
            _TOKENIZER = spacy.blank("en", vocab=vocab).tokenizer
        text, offs = detokenize(words)
        doc = _TOKENIZER(text)

        def span(s, e, label=""):
            return doc.char_span(offs[s], offs[e - 1] + len(words[e - 1]), label=label,
                                 alignment_mode="expand")
    else:
        doc = Doc(vocab, words=words)

        def span(s, e, label=""):
            return Span(doc, s, e, label=label)
    ents = [span(s, e, label) for s, e, label in spans if 0 <= s < e <= len(words)]
    ents = filter_spans([x for x in ents if x is not None and len(x)])
    miss = [span(s, e) for s, e in missing if 0 <= s < e <= len(words)]
    taken = {i for sp in ents for i in range(sp.start, sp.end)}
    miss = [sp for sp in filter_spans([x for x in miss if x is not None and len(x)])
            if not any(i in taken for i in range(sp.start, sp.end))]
    if miss:
        doc.set_ents(ents, default="outside", missing=miss)
    else:
        doc.set_ents(ents, default="outside")
    return doc


def scirex_training_docs(vocab, docs: dict[str, dict], ids: Iterable[str], abstract_weight: int = 3,
                         full: bool = True) -> list[Doc]:
    """Sentence-level Docs of the full papers + the title/abstract part ``abstract_weight`` times."""
    out = []
    for pid in ids:
        d = docs[pid]
        w = d["words"]
        ner = [(s, e, SCIREX_MAP[t]) for s, e, t in d["ner"] if t in SCIREX_MAP]
        a_end = abstract_end(d)
        for s0, e0 in d["sentences"]:
            if e0 <= s0:
                continue
            if not full and s0 >= a_end:
                continue
            spans = [(s - s0, e - s0, t) for s, e, t in ner if s >= s0 and e <= e0]
            doc = _make_doc(vocab, w[s0:e0], spans)
            out.append(doc)
            if s0 < a_end:
                out.extend(doc.copy() for _ in range(max(0, abstract_weight - 1)))
    return out


def read_scierc(path: Path) -> list[list[tuple[str, str]]]:
    """SciERC CoNLL -> sentences of (token, tag) with the type part of the IO tag ('' = O)."""
    sents, cur = [], []
    for line in Path(path).read_text().splitlines():
        if not line.strip():
            if cur:
                sents.append(cur)
            cur = []
            continue
        parts = line.split()
        if parts[0] == "-DOCSTART-":
            continue
        tag = parts[-1]
        tok = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}.get(parts[0], parts[0])
        cur.append((tok, tag[2:] if tag != "O" else ""))
    if cur:
        sents.append(cur)
    return sents


def scierc_training_docs(vocab, mode: str = "dataset-like", files=("train.txt", "dev.txt")) -> list[Doc]:
    """mode: 'none' (not used), 'drop' (Material -> missing), 'dataset-like', 'all' (Material -> Dataset)."""
    if mode == "none":
        return []
    out = []
    for fname in files:
        for sent in read_scierc(data_dir() / "scierc" / fname):
            words = [t for t, _ in sent]
            spans, missing = [], []
            i = 0
            while i < len(sent):
                typ = sent[i][1]
                j = i + 1
                while typ and j < len(sent) and sent[j][1] == typ:
                    j += 1
                if typ in ("Method", "Task", "Metric"):
                    spans.append((i, j, typ))
                elif typ == "Material":
                    text = " ".join(words[i:j])
                    if mode == "all" or (mode == "dataset-like" and _DATASET_WORDS.search(text)):
                        spans.append((i, j, "Dataset"))
                    else:
                        missing.append((i, j))
                i = j
            out.append(_make_doc(vocab, words, spans, missing))
    return out


def unlabelled_records(n: int | None = None, path: Path | None = None) -> list[dict]:
    """Title+abstract records without entity labels (SciTLDR), for self-training: the first ``n``
    (None: all; 0: none, without reading the file)."""
    if n == 0:
        return []
    recs = abstract_records(path=Path(path) if path else data_dir() / "scitldr-abstracts.jsonl")
    return recs if n is None else recs[:n]


def silver_texts(records: list[dict]) -> list[str]:
    """Title + abstract of each unlabelled record, as the teacher tags them."""
    return [((r.get("title") or "") + "\n" + (r.get("abstract") or "")).strip() for r in records]


TEACHERS = ("ensemble", "cnn")
CNN_TEACHERS = 3  # CNN members of the ensemble teacher (seeds seed .. seed+2)


def _fit_job(args: tuple) -> Path:
    return _fit(*args)


def teacher_spans(teacher: str, config: Path, train_docs: list[Doc], dev_docs: list[Doc], seed: int,
                  overrides: dict | None, work: Path, texts: list[str], processes: int = 1,
                  log=lambda m: None) -> list[list[tuple[int, int, str]]]:
    """Silver entity spans of ``texts`` from a teacher fitted on ``train_docs`` only.

    ``cnn``: one CNN NER with the shipped config. ``ensemble``: the spans at least two of four members
    agree on (:mod:`kg.extract.teacher`): three CNN NERs (seeds ``seed`` .. ``seed + 2``, ``processes``
    fitted at once) and the fine-tuned MiniLM transformer (needs ``pip install 'kg[train]'``)."""
    from . import teacher as TE

    if teacher not in TEACHERS:
        raise ValueError(f"teacher must be one of {TEACHERS}, not {teacher!r}")
    if teacher == "cnn":
        m = _fit(config, work / "teacher-model", train_docs, dev_docs, seed, overrides, work / "teacher")
        return TE.spacy_spans(spacy.load(m), texts)
    TE.minilm_dir()  # fail before hours of fitting when the training extra is missing
    jobs = [(config, work / f"teacher-cnn{k}-model", train_docs, dev_docs, seed + k, overrides,
             work / f"teacher-cnn{k}") for k in range(CNN_TEACHERS)]
    log(f"ensemble teacher: fitting {CNN_TEACHERS} CNN NERs ({processes} at a time)")
    if processes > 1:
        from multiprocessing import get_context

        with get_context("fork").Pool(min(processes, len(jobs))) as pool:
            cnns = pool.map(_fit_job, jobs, chunksize=1)
    else:
        cnns = [_fit(*job) for job in jobs]
    members = [TE.spacy_spans(spacy.load(m), texts) for m in cnns]
    log("ensemble teacher: fine-tuning the transformer")
    tr = TE.fit_transformer(train_docs, work / "teacher-transformer", seed=seed, threads=processes, log=log)
    members.append(TE.TransformerNER(tr, threads=processes).spans(texts))
    return TE.vote(members, min_votes=2)


VECTORS_FLAG = "components.tok2vec.model.embed.include_static_vectors"


def with_static_vectors(config: Path, overrides: dict | None, work: Path, silver: int | None = None,
                        log=lambda m: None) -> dict:
    """``overrides`` plus ``paths.vectors`` when the config (or ``overrides``) turns the tok2vec's static
    vectors on: the table of :mod:`kg.extract.vectors`, built into ``work/vectors`` (once, then reused
    whatever ``silver`` a later call in the same ``work`` gives)
    from the unlabelled SciTLDR abstracts the model self-trains on (all of them when ``silver`` is 0),
    never from SciREX papers, so held-out papers stay unseen."""
    ov = dict(overrides or {})
    cfg = spacy.util.load_config(config)
    on = ov.get(VECTORS_FLAG, cfg["components"]["tok2vec"]["model"]["embed"].get("include_static_vectors"))
    if not on or ov.get("paths.vectors"):
        return ov
    out = work / "vectors"
    if not (out / "meta.json").exists():
        from .vectors import build_vectors

        log("static vectors: encoding the unlabelled abstracts with all-MiniLM-L6-v2")
        build_vectors(silver_texts(unlabelled_records(silver or None)), out, log=log)
    ov["paths.vectors"] = str(out)
    return ov


def fit_self_trained(config: Path, out: Path, train_docs: list[Doc], dev_docs: list[Doc], seed: int,
                     overrides: dict | None, work: Path, silver: list[dict], vocab, teacher: str = "ensemble",
                     processes: int = 1, log=lambda m: None) -> int:
    """Fit the NER into ``out``; with ``silver`` records, first let a teacher fitted on ``train_docs``
    tag them (:func:`teacher_spans`) and fit on gold + silver Docs. Returns the number of training Docs."""
    if silver:
        texts = silver_texts(silver)
        spans = teacher_spans(teacher, config, train_docs, dev_docs, seed, overrides, work, texts,
                              processes=processes, log=log)
        from .teacher import silver_docs

        train_docs = train_docs + silver_docs(vocab, texts, spans)
        random.Random(seed).shuffle(train_docs)
    _fit(config, out, train_docs, dev_docs, seed, overrides, work)
    return len(train_docs)


def write_docbin(docs: list[Doc], path: Path) -> Path:
    DocBin(docs=docs, store_user_data=False).to_disk(path)
    return path


# ------------------------------------------------------------------------------- predictions
def abstract_records(ids: Iterable[str] | None = None, path: Path | None = None) -> list[dict]:
    path = Path(path) if path else data_dir() / "scirex-dev.jsonl"
    keep = set(ids) if ids is not None else None
    recs = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [r for r in recs if keep is None or r["id"] in keep]


def predict(nlp, records: list[dict], batch_size: int = 64) -> list[dict]:
    """Tag title and abstract of each record -> ``{"id", "entities": [{type, text}]}``."""
    texts, owners = [], []
    for k, r in enumerate(records):
        for field in ("title", "abstract"):
            if r.get(field):
                texts.append(r[field])
                owners.append(k)
    ents = [[] for _ in records]
    for k, doc in zip(owners, nlp.pipe(texts, batch_size=batch_size)):
        ents[k].extend({"type": e.label_, "text": e.text} for e in doc.ents)
    return [{"id": r["id"], "entities": e} for r, e in zip(records, ents)]


def ner_speed(nlp, records: list[dict], repeats: int = 2) -> float:
    """Abstracts (title+abstract) per second, one process."""
    texts = [(r.get("title") or "") + "\n" + (r.get("abstract") or "") for r in records]
    list(nlp.pipe(texts[:10]))
    t0 = time.perf_counter()
    for _ in range(repeats):
        for _doc in nlp.pipe(texts, batch_size=64):
            pass
    return repeats * len(texts) / (time.perf_counter() - t0)


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


# ---------------------------------------------------------------------------------- training
def _fit(config: Path, out: Path, train_docs: list[Doc], dev_docs: list[Doc], seed: int,
         overrides: dict | None, work: Path) -> Path:
    from spacy.cli.train import train as spacy_train

    work.mkdir(parents=True, exist_ok=True)
    tr = write_docbin(train_docs, work / "train.spacy")
    dv = write_docbin(dev_docs, work / "dev.spacy")
    ov = {"paths.train": str(tr), "paths.dev": str(dv), "system.seed": seed,
          "training.seed": seed}
    ov.update(overrides or {})
    run_dir = work / "run"
    spacy_train(str(config), run_dir, use_gpu=-1, overrides=ov)
    final = run_dir / "model-last"
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(final, out)
    cfg = spacy.util.load_config(out / "config.cfg", interpolate=False)
    cfg["paths"]["train"] = cfg["paths"]["dev"] = None  # no temp paths in the shipped model
    cfg["paths"]["vectors"] = None  # the table itself is in the model's vocab
    cfg.to_disk(out / "config.cfg")
    return out


def build_training_docs(vocab, docs, ids, scierc: str, abstract_weight: int, full: bool = True,
                        seed: int = 0) -> list[Doc]:
    train_docs = scirex_training_docs(vocab, docs, ids, abstract_weight, full=full)
    train_docs += scierc_training_docs(vocab, scierc)
    random.Random(seed).shuffle(train_docs)
    return train_docs


def train(output_dir: str | Path | None = None, config: str | Path | None = None, seed: int = 0,
          scierc: str = "none", abstract_weight: int = 3, heldout: bool | dict = True,
          n_test: int = 20, max_steps: int | None = None, max_docs: int | None = None,
          full: bool = True, overrides: dict | None = None, work_dir: str | Path | None = None,
          final: bool = True, verbose: bool = True, silver: int | None = None, teacher: str = "ensemble",
          processes: int = 2) -> dict:
    """Train the NER; write the pipeline, ``scores.json`` and a model-card ``README.md``.

    heldout: True -> first train on the 80 train papers and score the 20 held-out abstracts
    (2 trainings); a dict -> reuse those held-out scores (from a previous run); False -> skip.
    max_docs limits the SciREX papers (for quick tests). silver: how many unlabelled SciTLDR abstracts
    to self-train on (None: all, 0: no self-training); teacher: who tags them (:func:`teacher_spans`);
    processes: CNN teacher fits at once (and the transformer's threads). Returns the scores dict.
    """
    t_start = time.time()
    output_dir = Path(output_dir) if output_dir else DEFAULT_OUTPUT
    config = Path(config) if config else DEFAULT_CONFIG
    ov = dict(overrides or {})
    if max_steps is not None:
        ov["training.max_steps"] = max_steps
    work = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="kg-train-"))
    docs = scirex_docs()
    all_ids = sorted(docs)
    if max_docs:
        all_ids = all_ids[:max_docs]
    records = {r["id"]: r for r in abstract_records()}
    vocab = spacy.blank("en").vocab
    silver_recs = unlabelled_records(silver)
    settings = {"seed": seed, "scierc": scierc, "abstract_weight": abstract_weight, "full_docs": full,
                "overrides": ov, "config": str(config.name), "silver": len(silver_recs),
                "teacher": teacher if silver_recs else None}
    result: dict = {"settings": settings, "labels": list(LABELS)}

    def log(msg):
        if verbose:
            print(f"[kg train {time.time() - t_start:6.0f}s] {msg}", flush=True)

    ov = with_static_vectors(config, ov, work, silver, log)
    settings["static_vectors"] = "paths.vectors" in ov

    # 1. honest held-out run
    if heldout is True:
        tr_ids, te_ids = split_ids(all_ids, n_test=min(n_test, max(1, len(all_ids) // 5)))
        log(f"held-out run: {len(tr_ids)} train papers, {len(te_ids)} held-out papers")
        t0 = time.time()
        tdocs = build_training_docs(vocab, docs, tr_ids, scierc, abstract_weight, full, seed)
        ddocs = scirex_training_docs(vocab, docs, tr_ids[:8], 1, full=False)
        m = work / "heldout-model"
        fit_self_trained(config, m, tdocs, ddocs, seed, ov, work / "heldout", silver_recs, vocab, teacher,
                         processes, log)
        nlp = spacy.load(m)
        recs = [records[i] for i in te_ids if i in records]
        preds = predict(nlp, recs)
        from kg.evaluate import score
        result["heldout"] = {"split": "md5(paper id) order, first 20 of the 100 SciREX dev papers held out",
                             "test_ids": te_ids, "n_train_papers": len(tr_ids),
                             "train_seconds": round(time.time() - t0, 1), "settings": dict(settings),
                             "scores": score(recs, preds)}
        log(f"held-out strict micro F1 = {result['heldout']['scores']['strict']['micro']['F1']}")
    elif isinstance(heldout, dict):
        result["heldout"] = heldout

    if not final:
        (work / "scores.json").write_text(json.dumps(result, indent=1) + "\n")
        return result
    # 2. final model on everything
    log(f"final run: {len(all_ids)} papers")
    t0 = time.time()
    tdocs = build_training_docs(vocab, docs, all_ids, scierc, abstract_weight, full, seed)
    ddocs = scirex_training_docs(vocab, docs, all_ids[:8], 1, full=False)
    n_docs = fit_self_trained(config, output_dir, tdocs, ddocs, seed, ov, work / "final", silver_recs, vocab,
                              teacher, processes, log)
    result["final"] = {"n_train_papers": len(all_ids), "n_train_docs": n_docs,
                       "train_seconds": round(time.time() - t0, 1)}
    shutil.copy(config, output_dir / "ner.cfg")
    nlp = spacy.load(output_dir)
    result["final"]["size_bytes"] = dir_size(output_dir)
    result["final"]["ner_abstracts_per_s_1proc"] = round(ner_speed(nlp, list(records.values())), 1)
    result["total_seconds"] = round(time.time() - t_start, 1)
    (output_dir / "scores.json").write_text(json.dumps(result, indent=1) + "\n")
    (output_dir / "README.md").write_text(model_card(result))
    log(f"wrote {output_dir} ({result['final']['size_bytes'] / 1e6:.1f} MB)")
    if not work_dir:
        shutil.rmtree(work, ignore_errors=True)
    return result


if __name__ == "__main__":  # pragma: no cover
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", default=None)
    ap.add_argument("--config", default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--scierc", default="none")
    ap.add_argument("--abstract-weight", type=int, default=3)
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--silver", type=int, default=None, help="unlabelled abstracts to self-train on (0: none)")
    ap.add_argument("--teacher", default="ensemble", choices=TEACHERS)
    ap.add_argument("--no-heldout", action="store_true")
    ap.add_argument("--heldout-only", action="store_true")
    ap.add_argument("--work-dir", default=None)
    ap.add_argument("--heldout-from", default=None,
                    help="scores.json of a --heldout-only run with the same settings: reuse its held-out scores")
    a = ap.parse_args()
    ho = json.loads(Path(a.heldout_from).read_text())["heldout"] if a.heldout_from else not a.no_heldout
    r = train(a.output, a.config, a.seed, a.scierc, a.abstract_weight, heldout=ho,
              max_steps=a.max_steps, work_dir=a.work_dir, final=not a.heldout_only, silver=a.silver,
              teacher=a.teacher)
    print(json.dumps(r.get("heldout", {}).get("scores", {}), indent=1))
