"""Entity resolution across the corpus: one entity, one node; never one node with two meanings.

The records here are what `kg extract` writes for the abstracts described in each test (only the fields
the graph reads), so the tests pin the build-time resolution without depending on the NER model.
"""

import random

from kg.graph.build import build_graph
from kg.graph.canon import variant_key
from kg.models import Paper


def ent(type_, text, name=None, generic=False, role=None):
    e = {"type": type_, "text": text, "name": name or text, "generic": generic, "field": "abstract",
         "start": 0, "end": len(text), "confidence": 0.7, "component": "ner"}
    if role:
        e["role"] = role
    return e


def rel(e):
    kind = {"Method": "USES", "Dataset": "EVALUATES_ON", "Metric": "MEASURES", "Task": "ADDRESSES"}[e["type"]]
    if e.get("role") == "proposes":
        kind = "PROPOSES"
    return {"type": kind, "target_type": e["type"], "target": e["name"], "text": e["text"], "field": "abstract",
            "start": 0, "end": len(e["text"]), "sentence": f"... {e['text']} ...", "confidence": 0.7}


def paper(pid, *entities):
    return (Paper(id=pid, title=f"Paper {pid}", abstract="..."),
            {"id": pid, "entities": list(entities), "relations": [rel(e) for e in entities if not e["generic"]],
             "results": []})


def nodes(g, label):
    return {d["name"]: d for _, d in g.nodes(data=True) if d.get("label") == label}


def named(g, label, name):
    return next(d for _, d in g.nodes(data=True) if d.get("label") == label and d["name"].lower() == name)


RNN_PAPERS = [
    # "... recurrent neural networks (RNNs) ...": the definition ties RNNs to the long form
    paper("a", ent("Method", "recurrent neural networks"), ent("Method", "RNNs", "recurrent neural networks")),
    paper("b", ent("Method", "RNN")),                          # a bare use in another paper
    paper("c", ent("Method", "Recurrent neural nets")),        # nets, capital R
    paper("d", ent("Method", "recurrent neural network")),     # singular
    paper("e", ent("Method", "LSTM network"), ent("Method", "LSTM")),
]


def test_the_phrasings_of_one_entity_are_one_node():
    g = build_graph(RNN_PAPERS)
    methods = nodes(g, "Method")
    rnn = [d for d in methods.values() if "RNN" in [d["name"], *d["aliases"]]]
    assert len(rnn) == 1
    assert {"RNN", "RNNs", "Recurrent neural nets"} <= set(rnn[0]["aliases"]) | {rnn[0]["name"]}
    assert rnn[0]["papers"] == 4
    assert "LSTM network" not in methods and "LSTM network" in methods["LSTM"]["aliases"]


def test_resolution_does_not_depend_on_the_order_of_papers():
    """What makes an incremental build equal a rebuild."""
    shuffled = list(RNN_PAPERS)
    random.Random(1).shuffle(shuffled)
    a, b = build_graph(RNN_PAPERS), build_graph(shuffled)
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert sorted(a.edges(keys=True)) == sorted(b.edges(keys=True))


def test_versions_are_not_merged():
    g = build_graph([paper("a", ent("Dataset", "Kinetics-400")), paper("b", ent("Dataset", "Kinetics-600")),
                     paper("c", ent("Method", "ResNet-50")), paper("d", ent("Method", "ResNet-101"))])
    assert {"Kinetics-400", "Kinetics-600"} <= set(nodes(g, "Dataset"))
    assert {"ResNet-50", "ResNet-101"} <= set(nodes(g, "Method"))


def test_an_acronym_defined_two_ways_joins_neither_meaning():
    g = build_graph([
        paper("a", ent("Method", "domain adaptation"), ent("Method", "DA", "domain adaptation")),
        paper("b", ent("Method", "data augmentation"), ent("Method", "DA", "data augmentation")),
        paper("c", ent("Method", "DA")),  # which one? the graph does not guess
    ])
    methods = nodes(g, "Method")  # (the lexicon files domain adaptation as a Task)
    assert named(g, "Task", "domain adaptation")["papers"] == 1 and methods["data augmentation"]["papers"] == 1
    assert "DA" in methods and methods["DA"]["papers"] == 1


def test_one_type_per_entity_by_majority_and_lexicon_first():
    g = build_graph([paper("a", ent("Task", "semi-supervised learning")),
                     paper("b", ent("Task", "semi-supervised learning")),
                     paper("c", ent("Method", "semi-supervised learning")),
                     paper("d", ent("Dataset", "ResNet-50"))])  # an NER slip: ResNet-50 is a lexicon Method
    assert "semi-supervised learning" in nodes(g, "Task") and "semi-supervised learning" not in nodes(g, "Method")
    assert "ResNet-50" in nodes(g, "Method") and not nodes(g, "Dataset")
    paper_c = [(k, v) for _, v, k in g.out_edges("Paper:c", keys=True)]
    assert paper_c == [("ADDRESSES", "Task:semi-supervised learning")]  # the edge follows the label


def test_a_paper_proposes_what_it_proposes_and_does_not_also_use_it():
    g = build_graph([paper("a", ent("Method", "GPipe", role="proposes"), ent("Method", "GPipe pipeline"))])
    assert sorted(k for _, _, k in g.out_edges("Paper:a", keys=True)) == ["PROPOSES"]


def test_variant_keys():
    assert variant_key("Recurrent Neural Nets") == variant_key("recurrent neural networks")
    assert variant_key("the Transformer (TF)") == variant_key("transformer")
    assert variant_key("Kinetics-400") != variant_key("Kinetics-600")
