"""The model card (``README.md``) written beside a trained NER: data, settings, held-out and
cross-validated scores, size and speed, all read from the model's ``scores.json``."""

from __future__ import annotations


def _scierc_line(mode: str) -> str:
    if mode == "none":
        return "* SciERC: not used (setting `none`: it did not help on the held-out papers)."
    how = {"all": "all Material -> Dataset",
           "dataset-like": "Material -> Dataset only for dataset-like names, other Material unannotated (missing)",
           "drop": "Material unannotated (missing)"}.get(mode, mode)
    return (f"* SciERC train+dev (CoNLL IO tags), setting `{mode}`: Method/Task/Metric kept, {how};\n"
            "  OtherScientificTerm and Generic -> O.")


_TEACHER_LINE = {"cnn": "one CNN NER with this config",
                 "ensemble": "the spans at least 2 of 4 NERs agree on: 3 CNN NERs with this config and seeds "
                             "seed..seed+2, and all-MiniLM-L6-v2 fine-tuned as a BIO tagger; kg/extract/teacher.py"}


def model_card(res: dict) -> str:
    s = res["settings"]
    lines = [
        "# kg NER model",
        "",
        "spaCy pipeline (`spacy.blank(\"en\")` tokenizer + `tok2vec` + `ner`), CNN tok2vec trained from",
        ("scratch on top of static word vectors distilled from all-MiniLM-L6-v2 (kg/extract/vectors.py;\n"
         "stored in the vocab, no transformer at run time)." if s.get("static_vectors")
         else "scratch (no pretrained vectors, no transformer)."),
        "Load with `spacy.load(path)`; only spaCy needed.",
        f"Entity labels: {', '.join(res['labels'])}.",
        "",
        "## Data",
        "",
        "* SciREX (100 dev papers, `shared/data/scirex-dev-docs`): all sentences of the full documents,",
        f"  Material -> Dataset; the title+abstract part added {s['abstract_weight']}x (full docs: {s['full_docs']}).",
        _scierc_line(s["scierc"]),
        (f"* Self-training: {s['silver']} unlabelled SciTLDR abstracts tagged by a teacher fitted on the same\n"
         f"  gold data ({_TEACHER_LINE.get(s.get('teacher') or 'cnn')}), added as silver training Docs."
         if s.get("silver") else "* No self-training."),
        *(["* Static vectors: every word seen at least twice in the SciTLDR abstracts, the mean of its contextual",
            "  all-MiniLM-L6-v2 vectors (layers 1-3), PCA to 96 dimensions, keyed by every surface form seen",
            "  (never SciREX text)."] if s.get("static_vectors") else []),
        f"* Config `ner.cfg` (copied here), seed {s['seed']}, overrides {s['overrides']}.",
        "",
    ]
    h = res.get("heldout")
    if h:
        lines += [
            "## Held-out scores (official scorer definitions)",
            "",
            f"Split: {h['split']}; trained on {h['n_train_papers']} papers, scored on the held-out",
            f"papers' title+abstract records ({len(h['test_ids'])} papers). Held-out training took {h['train_seconds']} s.",
            "",
            "| type | strict P | strict R | strict F1 | lenient P | lenient R | lenient F1 | gold |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for t in list(res["labels"]) + ["micro"]:
            a, b = h["scores"]["strict"][t], h["scores"]["lenient"][t]
            lines.append(f"| {t} | {a['P']:.3f} | {a['R']:.3f} | {a['F1']:.3f} | {b['P']:.3f} | {b['R']:.3f} "
                         f"| {b['F1']:.3f} | {a['n_gold']} |")
        lines.append("")
    cv = res.get("crossval")
    if cv:
        lines += ["## Cross-validation of the whole `kg extract` pipeline", "", f"{cv['method']}.", "",
                  "| type | strict P | strict R | strict F1 | lenient F1 | gold |", "| --- | --- | --- | --- | --- | --- |"]
        for t in list(res["labels"]) + ["micro"]:
            a, b = cv["scores"]["strict"][t], cv["scores"]["lenient"][t]
            lines.append(f"| {t} | {a['P']:.3f} | {a['R']:.3f} | {a['F1']:.3f} | {b['F1']:.3f} | {a['n_gold']} |")
        lines += ["", "Per fold (strict micro F1): " + ", ".join(f"fold {f['fold']} {f['strict_micro_F1']:.3f}" for f in cv["folds"]) + ".", ""]
        if cv.get("note"):
            lines += [cv["note"], ""]
    f = res["final"]
    lines += [
        "## Shipped model",
        "",
        f"Trained on all {f['n_train_papers']} SciREX papers{'' if s['scierc'] == 'none' else ' + SciERC'} "
        f"({f['n_train_docs']} training Docs) in",
        f"{f['train_seconds']} s on CPU. Size {f['size_bytes'] / 1e6:.1f} MB. NER speed "
        f"{f['ner_abstracts_per_s_1proc']} abstracts/s (one process, title+abstract per doc).",
        "",
        "Rebuild: `kg train` (or `make model`), see `docs/model.md`.",
        "",
    ]
    if f.get("note"):
        lines += [f["note"], ""]
    return "\n".join(lines)
