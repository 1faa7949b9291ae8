"""Small realistic and large synthetic graphs for the viewer's tests, demo and benchmark."""

from __future__ import annotations

import random

import networkx as nx

from kg.graph.schema import ENTITY_REL, entity_key

XSS_ABSTRACT = ('We show that </script><script>window.__pwned=1</script> and '
                '<img src=x onerror="window.__pwned=2"> are harmless here. \u2028Line two.')


def _entity(g, label, name, aliases=(), papers=0):
    nid = f"{label}:{entity_key(name)}"
    g.add_node(nid, label=label, key=entity_key(name), name=name, aliases=list(aliases), papers=papers)
    return nid


def _paper(g, pid, title, abstract="", date="", arxiv_id=None, doi=None, url=None, stub=False):
    nid = f"Paper:{pid}"
    g.add_node(nid, label="Paper", key=pid, id=pid, title=title, abstract=abstract, date=date,
               arxiv_id=arxiv_id, doi=doi, url=url, stub=stub)
    return nid


def _mention(g, paper, ent, rel, sentence, text, field="abstract", start=None, end=None):
    if start is None and text in sentence:
        start = sentence.index(text)
        end = start + len(text)
    g.add_edge(paper, ent, key=rel, type=rel, sentence=sentence, field=field, start=start, end=end,
               text=text, extractor="lexicon")


def sample_graph() -> nx.MultiDiGraph:
    """A dozen papers about ResNet/ViT/BERT on ImageNet/COCO/GLUE, A100/TPU v4, with evidence."""
    g = nx.MultiDiGraph()
    resnet = _entity(g, "Method", "ResNet", ["residual network", "ResNet-50"], 5)
    vit = _entity(g, "Method", "ViT", ["Vision Transformer"], 3)
    bert = _entity(g, "Method", "BERT", [], 2)
    resnext = _entity(g, "Method", "ResNeXt", [], 1)
    imagenet = _entity(g, "Dataset", "ImageNet", ["ILSVRC 2012", "ImageNet-1k"], 5)
    coco = _entity(g, "Dataset", "COCO", ["MS COCO"], 2)
    glue = _entity(g, "Dataset", "GLUE", [], 2)
    top1 = _entity(g, "Metric", "top-1 accuracy", ["top-1"], 4)
    f1 = _entity(g, "Metric", "F1", ["F1 score"], 1)
    cls = _entity(g, "Task", "image classification", [], 5)
    det = _entity(g, "Task", "object detection", [], 2)
    a100 = _entity(g, "Hardware", "A100", ["NVIDIA A100"], 2)
    tpu = _entity(g, "Hardware", "TPU v4", [], 1)

    p1 = _paper(g, "1512.03385", "Deep Residual Learning for Image Recognition",
                "We present a residual learning framework (ResNet) to ease the training of deep networks. "
                "On ImageNet we obtain 3.57% top-5 error.", "2015-12-10", arxiv_id="1512.03385")
    p2 = _paper(g, "2010.11929", "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
                "We show that a pure transformer (ViT) applied to image patches performs well on ImageNet "
                "when pre-trained on large data, trained on TPU v4.", "2020-10-22", arxiv_id="2010.11929")
    p3 = _paper(g, "1810.04805", "BERT: Pre-training of Deep Bidirectional Transformers",
                "We introduce BERT, which obtains new state-of-the-art results on GLUE.", "2018-10-11",
                arxiv_id="1810.04805", doi="10.18653/v1/N19-1423")
    p4 = _paper(g, "1611.05431", "Aggregated Residual Transformations for Deep Neural Networks",
                "We present ResNeXt, built on ResNet, evaluated on ImageNet and COCO.", "2016-11-16",
                arxiv_id="1611.05431")
    p5 = _paper(g, "evil", "A Paper With <b>Hostile</b> Text", XSS_ABSTRACT, "2023-01-01",
                url="javascript:alert(1)")
    p6 = _paper(g, "2103.00020", "Scaling Vision Models on A100 GPUs",
                "We train ResNet and ViT on 64 A100 GPUs and report top-1 accuracy on ImageNet.", "2021-03-01",
                arxiv_id="2103.00020")
    p7 = _paper(g, "W2000000001", "Detecting Objects with Residual Features",
                "ResNet backbones improve object detection on COCO (F1).", "2019-05-05", doi="10.1000/xyz123")
    p8 = _paper(g, "stub:1", "Some Cited Work Outside the Corpus", stub=True)

    s = "We present a residual learning framework (ResNet) to ease the training of deep networks."
    _mention(g, p1, resnet, "PROPOSES", s, "ResNet")
    _mention(g, p1, imagenet, "EVALUATES_ON", "On ImageNet we obtain 3.57% top-5 error.", "ImageNet")
    _mention(g, p1, cls, "ADDRESSES", "Deep Residual Learning for Image Recognition", "Image Recognition", "title")
    _mention(g, p2, vit, "PROPOSES", "We show that a pure transformer (ViT) applied to image patches performs well.",
             "ViT")
    _mention(g, p2, imagenet, "EVALUATES_ON", "performs well on ImageNet when pre-trained on large data", "ImageNet")
    _mention(g, p2, tpu, "RUNS_ON", "trained on TPU v4.", "TPU v4")
    _mention(g, p2, cls, "ADDRESSES", "Transformers for Image Recognition at Scale", "Image Recognition", "title")
    _mention(g, p3, bert, "PROPOSES", "We introduce BERT, which obtains new state-of-the-art results on GLUE.", "BERT")
    _mention(g, p3, glue, "EVALUATES_ON", "We introduce BERT, which obtains new state-of-the-art results on GLUE.",
             "GLUE")
    _mention(g, p4, resnext, "PROPOSES", "We present ResNeXt, built on ResNet, evaluated on ImageNet and COCO.",
             "ResNeXt")
    _mention(g, p4, resnet, "USES", "We present ResNeXt, built on ResNet, evaluated on ImageNet and COCO.", "ResNet")
    _mention(g, p4, imagenet, "EVALUATES_ON", "We present ResNeXt, built on ResNet, evaluated on ImageNet and COCO.",
             "ImageNet")
    _mention(g, p4, coco, "EVALUATES_ON", "We present ResNeXt, built on ResNet, evaluated on ImageNet and COCO.",
             "COCO")
    _mention(g, p5, resnet, "USES", XSS_ABSTRACT + " We use ResNet.", "ResNet")
    _mention(g, p5, glue, "EVALUATES_ON", "<script>window.__pwned=3</script> on GLUE", "GLUE")
    _mention(g, p6, resnet, "USES", "We train ResNet and ViT on 64 A100 GPUs", "ResNet")
    _mention(g, p6, vit, "USES", "We train ResNet and ViT on 64 A100 GPUs", "ViT")
    _mention(g, p6, a100, "RUNS_ON", "We train ResNet and ViT on 64 A100 GPUs", "A100")
    g.edges[p6, a100, "RUNS_ON"]["count"] = 64
    _mention(g, p6, top1, "MEASURES", "report top-1 accuracy on ImageNet.", "top-1 accuracy")
    _mention(g, p6, imagenet, "EVALUATES_ON", "report top-1 accuracy on ImageNet.", "ImageNet")
    _mention(g, p6, cls, "ADDRESSES", "report top-1 accuracy on ImageNet.", "ImageNet")
    _mention(g, p7, resnet, "USES", "ResNet backbones improve object detection on COCO (F1).", "ResNet")
    _mention(g, p7, det, "ADDRESSES", "ResNet backbones improve object detection on COCO (F1).", "object detection")
    _mention(g, p7, coco, "EVALUATES_ON", "ResNet backbones improve object detection on COCO (F1).", "COCO")
    _mention(g, p7, f1, "MEASURES", "ResNet backbones improve object detection on COCO (F1).", "F1")
    _mention(g, p4, cls, "ADDRESSES", "evaluated on ImageNet", "ImageNet")
    _mention(g, p3, a100, "RUNS_ON", "fine-tuned on an A100", "A100")
    _mention(g, p2, top1, "MEASURES", "88.55% top-1 accuracy", "top-1 accuracy")
    _mention(g, p4, top1, "MEASURES", "top-1 accuracy of 80.9%", "top-1 accuracy")
    _mention(g, p1, top1, "MEASURES", "top-1 error", "top-1")
    _mention(g, p1, cls, "ADDRESSES", "classification", "classification")
    g.add_edge(p4, p1, key="CITES", type="CITES", extractor="openalex")
    g.add_edge(p6, p2, key="CITES", type="CITES", extractor="openalex")
    g.add_edge(p4, p1, key="BUILDS_ON", type="BUILDS_ON", via=resnet, extractor="inferred")
    g.add_edge(p2, p8, key="CITES", type="CITES", extractor="openalex")
    res = "Result:2010.11929#1"
    g.add_node(res, label="Result", key="2010.11929#1", value=88.55, unit="%", raw="88.55% top-1 accuracy")
    g.add_edge(p2, res, key="REPORTS", type="REPORTS")
    g.add_edge(res, imagenet, key="ON", type="ON")
    g.add_edge(res, top1, key="OF", type="OF")
    g.add_edge(res, vit, key="FOR", type="FOR")
    repo = "Repository:github.com/google-research/vision_transformer"
    g.add_node(repo, label="Repository", key="github.com/google-research/vision_transformer",
               url="https://github.com/google-research/vision_transformer")
    g.add_edge(p2, repo, key="HAS_CODE", type="HAS_CODE")
    return g


def synthetic_graph(n_nodes: int = 2000, seed: int = 7) -> nx.MultiDiGraph:
    """A paper/entity graph of about n_nodes nodes with a long-tailed entity popularity."""
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    n_ent = max(5, n_nodes // 4)
    n_pap = n_nodes - n_ent
    labels = list(ENTITY_REL)
    ents = []
    for i in range(n_ent):
        lab = labels[i % len(labels)]
        nid = _entity(g, lab, f"{lab[:3]}-{i:04d}", [f"{lab.lower()} {i}"], 0)
        ents.append(nid)
    weights = [1.0 / (i + 1) ** 0.9 for i in range(n_ent)]
    for j in range(n_pap):
        pid = f"2401.{j:05d}"
        p = _paper(g, pid, f"Synthetic study {j} of scalable learning", "An abstract. " * 20,
                   "2024-01-01", arxiv_id=pid)
        for ent in set(rng.choices(ents, weights=weights, k=rng.randint(1, 4))):
            rel = ENTITY_REL[g.nodes[ent]["label"]]
            name = g.nodes[ent]["name"]
            _mention(g, p, ent, rel, f"We study {name} at scale.", name)
            g.nodes[ent]["papers"] += 1
        if j > 10 and rng.random() < 0.3:
            g.add_edge(p, f"Paper:2401.{rng.randrange(j):05d}", key="CITES", type="CITES")
    return g
