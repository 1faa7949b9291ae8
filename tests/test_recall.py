"""What the graph keeps: SciREX salient entities linked to their paper, and PROPOSES edges for papers that
name their own contribution (`kg audit salient`, `kg audit proposes`)."""

import json

from click.testing import CliRunner

from kg.cli import main

PAPERS = [
    {"id": "p1", "title": "GPipe: Efficient Training of Giant Neural Networks using Pipeline Parallelism",
     "abstract": "We introduce GPipe, a pipeline parallelism library. GPipe trains a 557-million-parameter "
                 "AmoebaNet model and attains 84.4% top-1 accuracy on ImageNet.",
     # a SciREX-style record: the paper's salient entities, each a cluster of its mention strings
     "salient": {"Method": [["GPipe"], ["AmoebaNet", "AmoebaNet model"]], "Dataset": [["ImageNet"]],
                 "Metric": [["top-1 accuracy"]], "Task": [["speech recognition"]]}},  # not in the abstract
    {"id": "p2", "title": "Learning with noisy labels",
     "abstract": "We study how deep networks memorise noisy labels on CIFAR-10.",
     "salient": {"Dataset": [["CIFAR-10"]]}},
]


def build(tmp_path):
    src = tmp_path / "papers.jsonl"
    src.write_text("\n".join(json.dumps(p) for p in PAPERS) + "\n")
    store = tmp_path / "store"
    r = CliRunner().invoke(main, ["build", str(src), "--store", str(store), "-q"])
    assert r.exit_code == 0, r.output
    return src, store


def test_salient_entities_in_the_abstract_are_counted_and_found(tmp_path):
    src, store = build(tmp_path)
    r = CliRunner().invoke(main, ["audit", "salient", str(src), "--store", str(store), "--format", "json",
                                  "--missed"])
    assert r.exit_code == 0, r.output
    rows = {row["type"]: row for row in json.loads(r.output)}
    # "speech recognition" is salient but never written in the title or abstract: not counted
    assert rows["Task"]["clusters"] == 0
    assert (rows["Dataset"]["clusters"], rows["Dataset"]["linked"]) == (2, 2)
    assert rows["Method"]["clusters"] == 2 and rows["Method"]["linked"] >= 1
    assert rows["Metric"]["recall"] == 1.0


def test_proposes_recall_counts_the_papers_that_name_their_contribution(tmp_path):
    _, store = build(tmp_path)
    labels = tmp_path / "proposes.tsv"
    labels.write_text("id\town_name\np1\tGPipe\np2\t\n")  # p2 names no contribution of its own
    r = CliRunner().invoke(main, ["audit", "proposes", str(labels), "--store", str(store), "--format", "json"])
    assert r.exit_code == 0, r.output
    row = json.loads(r.output)[0]
    assert (row["papers"], row["naming"], row["proposes"], row["recall"]) == (2, 1, 1, 1.0)


def test_a_label_file_without_the_columns_says_what_it_needs(tmp_path):
    _, store = build(tmp_path)
    bad = tmp_path / "bad.tsv"
    bad.write_text("paper,name\np1,GPipe\n")
    r = CliRunner().invoke(main, ["audit", "proposes", str(bad), "--store", str(store)])
    assert r.exit_code == 1 and "needs the columns id and own_name" in r.output
