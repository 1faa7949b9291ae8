"""The extraction pipeline on realistic sentences: canonical names, the paper's own method,
acronyms, generic phrases, offsets and the public record format."""

from __future__ import annotations

import pytest

from kg.extract.pipeline import SEAM, build_nlp, extract_papers, make_doc
from kg.models import Paper


def extract_one(title: str, abstract: str) -> dict:
    return next(extract_papers([Paper(id="p1", title=title, abstract=abstract)]))


def names(rec: dict, type_: str, generic: bool = False) -> set[str]:
    return {e["name"] for e in rec["entities"] if e["type"] == type_ and e["generic"] == generic}


def test_pipeline_is_made_of_registered_components():
    nlp = build_nlp()
    for name in ("kg_sentencizer", "kg_lexicon", "kg_rules", "kg_hardware", "kg_resolver"):
        assert name in nlp.pipe_names


@pytest.mark.parametrize("text", [
    "We propose X. It works! Does it? Yes.",
    'He said "stop." Then (again.) more text...',
    "Results improve by 3.5 points (p < 0.05). See Sec. 4 and Fig. 2!\n\nNext paragraph",
    "...", "", "No final punctuation", "A.B.C. is an acronym. e.g. this one.",
])
def test_kg_sentencizer_splits_exactly_like_spacys_sentencizer(text):
    import spacy

    from kg.extract.pipeline import FastSentencizer

    nlp = spacy.blank("en")
    reference = nlp.add_pipe("sentencizer")
    ours = FastSentencizer(nlp.vocab)
    a, b = reference(nlp.make_doc(text)), ours(nlp.make_doc(text))
    assert [t.is_sent_start for t in b] == [t.is_sent_start for t in a]
    assert [s.text for s in b.sents] == [s.text for s in a.sents]


def test_dataset_and_metric_aliases_resolve_to_one_canonical_name():
    rec = extract_one("", "We train on ImageNet-1K and ILSVRC-2012 and report top-1 Acc and top-1 accuracy on CIFAR10.")
    assert {"ImageNet", "CIFAR-10"} <= names(rec, "Dataset")
    assert "Top-1 Accuracy" in names(rec, "Metric")
    assert len([n for n in names(rec, "Dataset") if "ImageNet" in n]) == 1


def test_a_metric_unit_the_ner_tagged_itself_is_not_part_of_the_name():
    from kg.extract.resolve import canonical_name

    assert canonical_name("Metric", "BLEU points") == canonical_name("Metric", "BLEU") == "BLEU"
    assert canonical_name("Metric", "F1 point") == canonical_name("Metric", "F1")
    assert canonical_name("Metric", "points") == "points"  # nothing left: keep the word


def test_offsets_point_into_the_right_field():
    title = "GPipe: Efficient Training of Giant Neural Networks using Pipeline Parallelism"
    abstract = "Scaling up deep neural network capacity improves quality on ImageNet."
    rec = extract_one(title, abstract)
    for e in rec["entities"]:
        text = title if e["field"] == "title" else abstract
        assert text[e["start"]:e["end"]] == e["text"]


@pytest.mark.parametrize("abstract", [
    "Reinforcement learning agents learn a policy and a value function with an actor-critic method.",
    "\n  Model distillation compresses a large network into a small one.",  # a pasted abstract's indent
])
def test_no_entity_crosses_the_title_abstract_seam(abstract):
    nlp = build_nlp()
    doc = make_doc(nlp, Paper(id="p1", title="Actor-Critic Methods", abstract=abstract))
    end = doc.user_data["title_end"]
    seam = [t for t in doc if t.is_space and end <= t.idx < end + len(SEAM)]
    # blocked for the NER (spaCy marks a blocked token as annotated but of no entity type), not missing
    assert seam and all(t.ent_iob_ and not t.ent_type_ for t in seam)
    doc = nlp(doc)
    assert not [e.text for e in doc.ents if e.start_char < end < e.end_char]


def test_title_prefix_is_the_proposed_method():
    rec = extract_one("GPipe: Efficient Training of Giant Neural Networks using Pipeline Parallelism", "We scale models.")
    proposes = [r for r in rec["relations"] if r["type"] == "PROPOSES"]
    assert [r["target"] for r in proposes] == ["GPipe"]


@pytest.mark.parametrize("title, task", [
    ("Regularizing Face Verification Nets For Pain Intensity Regression", "Pain Intensity Regression"),
    ("Faster R-CNN: Towards Real-Time Object Detection with Region Proposal Networks", "Real-Time Object Detection"),
    ("Full-Resolution Residual Networks for Semantic Segmentation in Street Scenes", "Semantic Segmentation"),
    ("Direct Output Connection for a High-Rank Language Model", None),
    ("Attention Is All You Need", None),
])
def test_what_a_title_says_its_method_is_for_is_the_task(title, task):
    from kg.extract.rules import title_task

    assert (title_task(title) or [None])[0] == task


def test_the_title_task_rule_yields_to_what_the_ner_found_there():
    """Only where the NER tagged nothing: its own mention of the phrase (any type, any boundary) stands."""
    import spacy

    from kg.extract.pipeline import SEAM

    nlp = spacy.blank("en")
    nlp.add_pipe("kg_rules")
    title = "Deep Networks For Pain Intensity Regression"
    for ner, expected in [([], {("Task", "Pain Intensity Regression")}), ([("Method", "Intensity Regression")], set())]:
        doc = nlp.make_doc(title + SEAM + "We regress.")
        doc.user_data["title_end"] = len(title)
        doc.ents = [doc.char_span(title.index(t), title.index(t) + len(t), label=lab) for lab, t in ner]
        doc = nlp.get_pipe("kg_rules")(doc)
        assert {(m.type, m.text) for m in doc._.kg_mentions if m.type == "Task"} == expected


def test_a_catchy_title_phrase_is_not_a_method():
    rec = extract_one("Flow Straight and Fast: Learning to Generate and Transfer Data", "We present a method.")
    assert not [r for r in rec["relations"] if r["type"] == "PROPOSES" and "Flow Straight" in r["target"]]


def test_acronym_definition_gives_one_method_with_alias():
    rec = extract_one("", "We propose the Differentiable Search Index (DSI), a new paradigm. DSI outperforms BM25.")
    dsi = [e for e in rec["entities"] if e["text"] == "DSI"]
    assert dsi and all(e["name"] == "Differentiable Search Index" and e["type"] == "Method" for e in dsi)
    assert len([r for r in rec["relations"] if r["target"] == "Differentiable Search Index"]) == 1


def test_a_defined_acronym_is_one_entity_even_when_the_paper_does_not_propose_it():
    """The NER tags "DSI" and "CNNs" on its own; the definitions make them the long forms' entities."""
    rec = extract_one("", "The Differentiable Search Index (DSI) maps queries to docids. DSI outperforms BM25. "
                          "A convolutional neural network (CNN) encodes the query; we compare two CNNs.")
    names_of = {(e["text"], e["name"]) for e in rec["entities"] if e["type"] == "Method"}
    assert ("DSI", "Differentiable Search Index") in names_of and ("DSI", "DSI") not in names_of
    assert {n for t, n in names_of if t in ("CNN", "CNNs")} == {"convolutional neural network"}
    uses = {r["target"]: r["mentions"] for r in rec["relations"] if r["type"] == "USES"}
    assert uses["Differentiable Search Index"] == 3 and "DSI" not in uses


def test_an_acronym_definition_sets_the_mention_boundaries():
    """The author's "phoneme error rate (PER)" beats the lexicon's shorter "error rate" inside it."""
    text = "The model reaches an 18.7% phoneme error rate (PER) on TIMIT, and a change reduces PER to 17.6%."
    got = _resolve(text, [("Metric", "PER")], components=("kg_lexicon", "kg_rules"))
    assert ("Metric", "phoneme error rate") in got and ("Metric", "error rate") not in got


@pytest.mark.parametrize("text, pair", [
    ("the winning entry from Facebook AI Research (FAIR) to the challenge", ("Facebook AI Research", "FAIR")),
    ("we then use Wasserstein GANs (WGANs) to", ("Wasserstein GANs", "WGANs")),
    ("In this paper we propose Network of GCNs (N-GCN), which", ("Network of GCNs", "N-GCN")),
    ("we train persona-based HRED generator (PHRED) models", ("persona-based HRED generator", "PHRED")),
    ("imaging (fMRI) and magnetoencephalography (MEG) data", ("magnetoencephalography", "MEG")),
])
def test_acronym_long_forms_count_the_capitals_their_words_stand_for(text, pair):
    """An all-caps or camel-case word covers several letters of the acronym ("AI" in FAIR), so the long
    form stops where the letters run out; when the first letters disagree it may take up to one word per
    capital; a long form shorter than the acronym is kept when the sentence offers no more words."""
    from kg.extract.rules import acronym_definitions

    assert [(d[0], d[3]) for d in acronym_definitions(text)] == [pair]


def test_generic_phrases_are_reported_but_flagged():
    rec = extract_one("", "We minimise the objective function during training on MNIST.")
    flagged = {e["text"].lower() for e in rec["entities"] if e["generic"]}
    kept = {r["target"] for r in rec["relations"]}
    assert "MNIST" in kept
    assert not ({"training", "objective function"} & {k.lower() for k in kept})
    assert flagged <= {"training", "objective function"}


def test_lowercase_words_are_not_acronym_entities():
    rec = extract_one("", "We clip the gradients and solve math word problems.")
    assert "CLIP" not in names(rec, "Method")
    assert "MATH" not in names(rec, "Dataset")


def test_hardware_with_count_becomes_runs_on():
    rec = extract_one("", "Training takes 199 A100 GPU days on 2,048 NVIDIA A100 GPUs.")
    runs = [r for r in rec["relations"] if r["type"] == "RUNS_ON"]
    assert [r["target"] for r in runs] == ["A100"]
    assert runs[0]["count"] == 2048


def test_record_format_is_the_public_interface():
    rec = extract_one("A title", "We evaluate BERT on SQuAD.")
    assert set(rec) >= {"id", "title", "entities", "relations"}
    for e in rec["entities"]:
        assert set(e) >= {"type", "text", "name", "field", "start", "end", "confidence", "component"}
        assert e["type"] in {"Method", "Dataset", "Metric", "Task", "Hardware"}
    for r in rec["relations"]:
        assert set(r) >= {"type", "target", "target_type", "sentence", "field", "start", "end", "extractor"}


@pytest.mark.parametrize("workers", [2])
def test_workers_give_the_same_records(workers):
    papers = [Paper(id=f"p{i}", title=f"Model{i}: A Study", abstract="We evaluate ResNet-50 on ImageNet with 8 V100 GPUs.")
              for i in range(6)]
    one = list(extract_papers(papers, workers=1))
    many = list(extract_papers(papers, workers=workers, batch_size=2))
    assert one == many


def test_a_compound_metric_keeps_its_full_name():
    """The NER's "classification accuracy" beats the lexicon's "accuracy" inside it: the compound is the metric."""
    rec = extract_one("", "Our network improves the classification accuracy on CIFAR-10 and the detection accuracy on COCO.")
    metrics = {e["text"] for e in rec["entities"] if e["type"] == "Metric"}
    assert {"classification accuracy", "detection accuracy"} <= metrics
    assert "accuracy" not in metrics


def test_bare_qualities_are_not_metrics():
    rec = extract_one("", "The method improves speed, robustness and memory while keeping the BLEU score and inference speed.")
    metrics = {e["text"].lower() for e in rec["entities"] if e["type"] == "Metric"}
    assert {"bleu score", "inference speed"} <= metrics
    assert not metrics & {"speed", "robustness", "memory"}


def test_a_lexicon_word_inside_a_longer_name_of_another_type_is_not_an_entity():
    rec = extract_one("", "Our GAN improves the Inception Score and the Fréchet Inception Distance on CIFAR-10, "
                          "and we use the Inception network.")
    got = {(e["type"], e["text"]) for e in rec["entities"]}
    assert {("Metric", "Inception Score"), ("Metric", "Fréchet Inception Distance")} <= got
    methods = [(e["text"], e["name"], e["start"]) for e in rec["entities"] if "Inception" in e["text"] and e["type"] == "Method"]
    # the NER's "Inception network" keeps the lexicon's canonical name for "Inception" (GoogLeNet)
    assert methods == [("Inception network", "GoogLeNet", rec_abstract_index("Inception network"))]


def rec_abstract_index(phrase: str) -> int:
    return ("Our GAN improves the Inception Score and the Fréchet Inception Distance on CIFAR-10, "
            "and we use the Inception network.").index(phrase)


def test_a_dataset_mention_includes_its_head_noun_but_the_name_does_not():
    rec = extract_one("", "We evaluate on the LFW dataset and the 300W benchmark, and train on CIFAR-10 "
                          "and the Gigaword benchmark dataset.")
    got = {(e["text"], e["name"]) for e in rec["entities"] if e["type"] == "Dataset"}
    assert {("LFW dataset", "LFW"), ("300W benchmark", "300W"), ("CIFAR-10", "CIFAR-10"),
            ("Gigaword benchmark dataset", "Gigaword")} <= got


def test_the_ner_mention_around_one_lexicon_hit_wins_but_a_merged_list_does_not():
    rec = extract_one("", "We fine-tune a deep CNN and a ResNet model, and train on ImageNet-1K and ILSVRC-2012.")
    got = {(e["type"], e["text"], e["name"]) for e in rec["entities"]}
    assert ("Method", "ResNet model", "ResNet") in got and ("Method", "deep CNN", "deep CNN") in got
    assert ("Dataset", "ImageNet-1K", "ImageNet") in got and ("Dataset", "ILSVRC-2012", "ImageNet") in got
    assert not any(" and " in e["text"] for e in rec["entities"] if e["type"] == "Dataset")


def _resolve(text: str, ner: list[tuple[str, str]], components: tuple[str, ...] = ()) -> set[tuple[str, str]]:
    """Run the resolver on a Doc whose NER output is given: (label, surface) pairs; ``components``
    (e.g. the lexicon and the rules) run first."""
    import spacy
    from spacy.tokens import Span

    from kg.extract.resolve import Resolver

    nlp = spacy.blank("en")
    for name in components:
        nlp.add_pipe(name)
    doc = nlp.make_doc(text)
    spans = []
    for label, surface in ner:
        start = text.index(surface)
        spans.append(doc.char_span(start, start + len(surface), label=label))
    doc.ents = [s for s in spans if isinstance(s, Span)]
    assert len(doc.ents) == len(ner)
    for _, component in nlp.pipeline:
        doc = component(doc)
    Resolver("kg_resolver")(doc)
    return {(m.type, m.text) for m in doc._.kg_mentions}


def test_an_ner_method_named_by_what_is_done_is_a_task():
    """A phrase ending in a task head noun ("translation", "verification", "the X task") names a task; method
    heads and ambiguous heads ("maximum likelihood estimation") keep the NER's type."""
    text = ("We apply the Transformer to machine translation and speaker verification, "
            "and train it by maximum likelihood estimation on the parsing tasks.")
    got = _resolve(text, [("Method", "Transformer"), ("Method", "machine translation"),
                          ("Method", "speaker verification"), ("Method", "maximum likelihood estimation"),
                          ("Method", "parsing tasks")])
    assert got == {("Method", "Transformer"), ("Task", "machine translation"), ("Task", "speaker verification"),
                   ("Method", "maximum likelihood estimation"), ("Task", "parsing tasks")}


def test_an_ner_dataset_named_by_what_is_done_is_a_task_and_modeling_is_done():
    """"English-to-French translation" and "the TIMIT phoneme recognition task" are tasks even when the NER
    calls them datasets; "language modeling" is a task; "TIMIT" and a "benchmark" stay datasets."""
    text = ("We report English-to-French translation, language modeling and the TIMIT phoneme recognition task "
            "results on TIMIT and the WikiQA benchmark.")
    got = _resolve(text, [("Dataset", "English-to-French translation"), ("Method", "language modeling"),
                          ("Dataset", "TIMIT phoneme recognition task"), ("Dataset", "WikiQA benchmark")])
    assert got == {("Task", "English-to-French translation"), ("Task", "language modeling"),
                   ("Task", "TIMIT phoneme recognition task"), ("Dataset", "WikiQA benchmark")}


def test_an_ner_mention_that_starts_or_stops_inside_a_hyphenated_word_takes_all_of_it():
    text = "We scale up end-to-end speech recognition with M-Walk and BERT-based rankers."
    got = _resolve(text, [("Task", "end speech recognition"), ("Method", "M"), ("Method", "BERT")])
    assert got == {("Task", "end-to-end speech recognition"), ("Method", "M-Walk"), ("Method", "BERT")}


def test_a_lexicon_name_inside_a_longer_hyphenated_name_is_not_matched():
    rec = extract_one("", "CornerNet-Squeeze and Fast-CornerNet beat CornerNet; BERT-based rankers use BERT.")
    lex = {e["text"] for e in rec["entities"] if e["component"] == "kg_lexicon"}
    assert lex == {"CornerNet", "BERT"}
    assert [e["start"] for e in rec["entities"] if e["component"] == "kg_lexicon" and e["text"] == "CornerNet"] == [42]


def test_two_ner_names_of_one_type_side_by_side_are_one_name():
    """The NER broke "Click-Through Rate Prediction" in two; a comma or a word between two names keeps both."""
    text = "Deep Interest Network for Click-Through Rate Prediction, on Criteo and Avazu, with BERT, ELMo."
    got = _resolve(text, [("Method", "Deep Interest Network"), ("Task", "Click-Through"),
                          ("Method", "Rate Prediction"), ("Dataset", "Criteo"), ("Dataset", "Avazu"),
                          ("Method", "BERT"), ("Method", "ELMo")])
    assert got == {("Method", "Deep Interest Network"), ("Task", "Click-Through Rate Prediction"),
                   ("Dataset", "Criteo"), ("Dataset", "Avazu"), ("Method", "BERT"), ("Method", "ELMo")}


@pytest.mark.parametrize("ner", [("Dataset", "CVPR 2015"), ("Method", "NIPS'17"), ("Dataset", "arXiv"),
                                 ("Dataset", "En-De"), ("Dataset", "En\u2013Fi")])
def test_venues_and_language_pairs_are_not_entities(ner):
    text = f"The work extends our {ner[1]} paper."
    assert _resolve(text, [ner]) == set()


def test_a_longer_name_with_a_venue_in_it_stays():
    text = "We evaluate on the EMNLP RepEval shared task data and CVPR."
    assert _resolve(text, [("Dataset", "EMNLP RepEval")]) == {("Dataset", "EMNLP RepEval")}


def test_a_lexicon_alias_with_an_apostrophe_matches_the_typographic_one_too():
    rec = extract_one("", "We use the parallel corpora from WMT\u201915 and WMT'17 and report 42 fps.")
    got = {(e["type"], e["text"], e["name"]) for e in rec["entities"]}
    assert {("Dataset", "WMT\u201915", "WMT15"), ("Dataset", "WMT'17", "WMT17"), ("Metric", "fps", "FPS")} <= got


def test_a_metric_unit_belongs_to_the_mention_but_not_to_the_name():
    rec = extract_one("", "Our model improves over the baseline by 2.1 BLEU points on WMT 2014 English-German "
                          "and reaches a BLEU of 41.0 on English-French.")
    bleu = [(e["text"], e["name"]) for e in rec["entities"] if e["type"] == "Metric"]
    assert ("BLEU points", "BLEU") in bleu and ("BLEU", "BLEU") in bleu


def test_a_measure_word_after_what_is_measured_is_one_compound_metric():
    """"accuracy" / "error" right after a Task mention or a task noun is one Metric ("face verification
    accuracy", "generalization error"); the Task stays an entity of its own, and a verb, an article or an
    adjective before the measure word does not join it."""
    text = ("It improves face verification accuracy and lowers the generalization error, without sacrificing "
            "accuracy; the accuracy of detection improves.")
    got = _resolve(text, [("Task", "face verification"), ("Metric", "error")], components=("kg_lexicon",))
    assert got == {("Task", "face verification"), ("Metric", "face verification accuracy"),
                   ("Metric", "generalization error"), ("Metric", "accuracy")}
