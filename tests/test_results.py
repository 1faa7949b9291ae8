"""Numeric results: patterns, linking to pre-populated mentions, and numbers that are not results."""

import pytest
import spacy

from kg.extract.base import Mention, mentions, results
from kg.extract.results import find_results, metric_direction

NLP = spacy.blank("en")
NLP.add_pipe("sentencizer")


def make_doc(text, ents=()):
    """ents: (type, surface[, role]) -- the first occurrence of surface becomes a Mention."""
    doc = NLP(text)
    for e in ents:
        typ, surface = e[0], e[1]
        i = text.index(surface)
        mentions(doc).append(Mention(typ, surface, i, i + len(surface), name=surface,
                                     role=e[2] if len(e) > 2 else ""))
    return doc


def one(text, ents=()):
    rs = find_results(make_doc(text, ents))
    assert len(rs) == 1, rs
    r = rs[0]
    assert text[r["start"]:r["end"]] == r["raw"]
    return r


def test_fid_on_dataset_with_method_subject():
    r = one("InstaFlow achieves an FID of 23.3 on MS COCO 2017-5k, improving upon the previous state-of-the-art.",
            [("Method", "InstaFlow", "proposes"), ("Metric", "FID"), ("Dataset", "MS COCO 2017-5k")])
    assert (r["value"], r["unit"], r["metric"], r["dataset"], r["method"]) == (23.3, "", "FID", "MS COCO 2017-5k",
                                                                              "InstaFlow")
    assert r["lower_is_better"] is True and r["kind"] == "absolute"
    assert r["raw"] == "FID of 23.3 on MS COCO 2017-5k"


def test_accuracy_percent_metric_after():
    r = one("AmoebaNet reaches 84.4% top-1 accuracy on ImageNet.", [("Method", "AmoebaNet"), ("Dataset", "ImageNet")])
    assert r["raw"] == "84.4% top-1 accuracy on ImageNet"
    assert (r["value"], r["unit"], r["metric"], r["dataset"], r["method"]) == (84.4, "%", "top-1 accuracy",
                                                                              "ImageNet", "AmoebaNet")
    assert r["lower_is_better"] is False


def test_metric_from_text_when_no_metric_mention():
    r = one("We train a 557-million-parameter AmoebaNet model and attain a top-1 accuracy of 84.4% on ImageNet-2012.")
    assert (r["value"], r["metric"], r["dataset"]) == (84.4, "top-1 accuracy", "ImageNet-2012")


def test_error_rate_uses_proposed_method_for_we():
    text = "We propose PC-DARTS. We achieve an error rate of 2.57% on CIFAR10 with merely 0.1 GPU-days for search."
    r = one(text, [("Method", "PC-DARTS", "proposes"), ("Dataset", "CIFAR10")])
    assert (r["value"], r["unit"], r["metric"], r["dataset"], r["method"]) == (2.57, "%", "error rate", "CIFAR10",
                                                                              "PC-DARTS")
    assert r["lower_is_better"] is True


def test_relative_memory_reduction():
    r = one("Superpipeline reduces GPU memory usage by up to 60% while maintaining model accuracy.",
            [("Method", "Superpipeline", "proposes")])
    assert (r["value"], r["unit"], r["kind"], r["method"]) == (60.0, "%", "relative", "Superpipeline")
    assert r["metric"] == "GPU memory usage" and r["lower_is_better"] is True


def test_speedup_factor_coordinated():
    text = "Flex delivers 4.96x and 5.75x speedup of a single MoE layer over 16 and 2,048 A100 GPUs."
    rs = find_results(make_doc(text, [("Method", "Flex")]))
    assert [(r["value"], r["unit"], r["kind"], r["metric"], r["method"]) for r in rs] == [
        (4.96, "x", "relative", "speedup", "Flex"), (5.75, "x", "relative", "speedup", "Flex")]
    assert all(r["lower_is_better"] is False for r in rs)


def test_bleu_score_of():
    r = one("Our model achieves a BLEU score of 28.4 on WMT14 English-German.",
            [("Dataset", "WMT14 English-German")])
    assert (r["value"], r["metric"], r["dataset"], r["lower_is_better"]) == (28.4, "BLEU", "WMT14 English-German",
                                                                            False)


def test_map_state_of_the_art():
    r = one("DETR obtains state-of-the-art 45.2 mAP on COCO.", [("Method", "DETR"), ("Dataset", "COCO")])
    assert (r["value"], r["metric"], r["dataset"], r["method"]) == (45.2, "mAP", "COCO", "DETR")


def test_perplexity_of():
    r = one("The model reaches a perplexity of 20.5.")
    assert (r["value"], r["metric"], r["lower_is_better"], r["kind"]) == (20.5, "perplexity", True, "absolute")


def test_drop_in_perplexity_is_relative():
    r = one("Layer skipping experiences a drop in perplexity of only 7% when running half the model.")
    assert (r["value"], r["unit"], r["metric"], r["kind"]) == (7.0, "%", "perplexity", "relative")


def test_compared_method_is_not_the_subject():
    text = "Compared to DARTS, our PC-DARTS reaches 97.4% accuracy on CIFAR-10."
    r = one(text, [("Method", "DARTS"), ("Method", "PC-DARTS", "proposes"), ("Dataset", "CIFAR-10")])
    assert r["method"] == "PC-DARTS" and r["dataset"] == "CIFAR-10"


def test_outperformed_method_not_subject():
    text = "It outperforms BERT by 2.1 points in F1 on SQuAD."
    r = one(text, [("Method", "BERT"), ("Dataset", "SQuAD")])
    assert r["method"] is None and r["kind"] == "relative" and r["unit"] == "points"


def test_faster_latency():
    r = one("ProxylessNAS is 1.2x faster with measured GPU latency.", [("Method", "ProxylessNAS", "proposes")])
    assert (r["value"], r["unit"], r["metric"], r["kind"], r["method"]) == (1.2, "x", "speedup", "relative",
                                                                           "ProxylessNAS")


@pytest.mark.parametrize("text", [
    "We train LLaMa models from 500M to 8B parameters on up to 20 nodes.",
    "See Section 4 and Table 2 for the 7B model trained on 1.4T tokens.",
    "The dataset has 3,700 images and 120 classes collected in 2019.",
    "Trained with ResNet-50 on CIFAR-10, the top-1 error drops.",
    "We use a batch size of 256 and train for 90 epochs.",
    "The corpus contains 100 languages and 6 billion words.",
    "In 2017, accuracy was reported on 1000 categories.",
    "Our 128-layer Transformer has 6 billion parameters.",
    "Training takes 3 days on 8 V100 GPUs.",
    "Superpipeline maintains 100% of the original model quality.",
])
def test_not_results(text):
    doc = make_doc(text, [("Method", "ResNet-50"), ("Dataset", "CIFAR-10")] if "ResNet-50" in text else [])
    assert find_results(doc) == []


def test_metric_direction_lookup():
    assert metric_direction("FID") is True
    assert metric_direction("word error rate") is True
    assert metric_direction("ImageNet top-1 accuracy") is False
    assert metric_direction("mIoU") is False
    assert metric_direction("Inception Score") is False
    assert metric_direction("GPU memory usage") is True
    assert metric_direction("banana") is None


def test_component_appends_to_doc_results():
    import kg.extract.results  # noqa: F401

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kg_results")
    doc = nlp("The model reaches a perplexity of 20.5. It was trained in 2020.")
    assert [r["value"] for r in results(doc)] == [20.5]


def test_factor_is_relative():
    r = one("Tutel achieves 1.5x throughput over Fairseq.", [("Method", "Tutel", "proposes")])
    assert (r["value"], r["unit"], r["kind"], r["metric"], r["method"]) == (1.5, "x", "relative", "throughput",
                                                                           "Tutel")
