"""`kg audit`: a person labels a seeded sample of entity nodes; the labels score any store.

The story of these tests: a small graph with typical faults (a generic phrase, a broken span, a loss
filed as a Metric, an acronym and its long form as two nodes, "Transformer" and "Transformer models"
as two nodes) is sampled and labelled by hand; then a "rebuilt" graph drops the generic phrase and
merges both pairs of duplicates, and the same labels show it.
"""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from kg.audit import (COLUMNS, acronym_letters, loose_key, read_labels, sample_nodes, score,
                      write_sample)
from kg.cli import main
from kg.errors import AuditError
from kg.graph.build import graph_from_elements


def entity(label, name, papers=1, aliases=()):
    key = name.lower()
    return ("node", f"{label}:{key}", {"label": label, "key": key, "name": name, "aliases": list(aliases),
                                       "papers": papers})


def paper(pid, title):
    return ("node", f"Paper:{pid}", {"label": "Paper", "key": pid, "id": pid, "title": title})


def uses(pid, nid, sentence, rel="USES"):
    return ("edge", f"Paper:{pid}", nid, rel, {"sentence": sentence})


def first_graph():
    """The graph as first built: every fault of the module docstring is in it."""
    return graph_from_elements([
        paper("p1", "Recurrent nets\tfor text"), paper("p2", "Another paper"),
        entity("Method", "RNN", papers=2, aliases=["RNNs"]),
        entity("Method", "recurrent neural networks"),
        entity("Method", "learning process"),
        entity("Method", "the art residual"),
        entity("Method", "Transformer", papers=3),
        entity("Method", "Transformer models"),
        entity("Dataset", "ImageNet", papers=2),
        entity("Metric", "cross-entropy loss"),
        uses("p2", "Method:rnn", "A later sentence about RNNs."),
        uses("p1", "Method:rnn", "We train an RNN\non text." + " word" * 60),
        uses("p1", "Dataset:imagenet", "We evaluate on ImageNet.", "EVALUATES_ON"),
    ])


def rebuilt_graph():
    """After a better build: the generic phrase is gone, both duplicate pairs are merged (the long
    forms survive as aliases) and the loss is a Method now."""
    return graph_from_elements([
        paper("p1", "Recurrent nets for text"),
        entity("Method", "RNN", papers=2, aliases=["RNNs", "recurrent neural networks"]),
        entity("Method", "the art residual"),
        entity("Method", "Transformer", papers=3, aliases=["Transformer models"]),
        entity("Dataset", "ImageNet", papers=2),
        entity("Method", "cross-entropy loss"),
    ])


# what a person wrote into the sample of first_graph(): name -> (label, duplicate_of)
HAND_LABELS = {
    "RNN": ("GOOD", ""),
    "recurrent neural networks": ("GOOD", "RNN"),
    "learning process": ("GENERIC", ""),
    "the art residual": ("BROKEN", ""),
    "Transformer": ("GOOD", ""),
    "Transformer models": ("GOOD", "Transformer"),
    "ImageNet": ("GOOD", ""),
    "cross-entropy loss": ("WRONG_TYPE", ""),
}


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def label_file(sample_path, out_path, labels):
    """Play the person: fill label and duplicate_of of each row named in ``labels``."""
    rows = read_tsv(sample_path)
    for row in rows:
        row["label"], row["duplicate_of"] = labels.get(row["name"], ("", ""))
    write_sample(rows, out_path)
    return out_path


def by_type(rows):
    return {r["type"]: r for r in rows}


def run(*args):
    return CliRunner().invoke(main, ["audit", *map(str, args)])


# -- the sample ------------------------------------------------------------------------------------
def test_sample_has_the_columns_to_fill_and_context_to_decide(tmp_path):
    rows = sample_nodes(first_graph(), n=60, seed=0)
    assert [r["type"] for r in rows] == ["Method"] * 6 + ["Dataset", "Metric"]  # all: fewer than n
    write_sample(rows, tmp_path / "a.tsv")
    header = (tmp_path / "a.tsv").read_text().splitlines()[0].split("\t")
    assert header == COLUMNS and header[:5] == ["type", "name", "label", "duplicate_of", "note"]
    rnn = next(r for r in read_tsv(tmp_path / "a.tsv") if r["name"] == "RNN")
    assert rnn["label"] == rnn["duplicate_of"] == rnn["note"] == ""
    assert rnn["node"] == "Method:rnn" and rnn["papers"] == "2" and rnn["aliases"] == "RNNs"
    # the evidence comes from the first paper by id (p1, not p2), on one line, at most 200 characters
    assert rnn["evidence"].startswith("We train an RNN on text. word") and len(rnn["evidence"]) == 200
    assert rnn["paper_title"] == "Recurrent nets for text"


def test_similar_lists_acronyms_long_forms_and_head_word_variants():
    rows = {r["name"]: r for r in sample_nodes(first_graph(), n=60, seed=0)}
    assert rows["RNN"]["similar"] == "Method:recurrent neural networks"
    assert rows["recurrent neural networks"]["similar"] == "Method:RNN"
    assert rows["Transformer models"]["similar"] == "Method:Transformer"
    assert rows["ImageNet"]["similar"] == ""
    # the normalisation behind it
    assert loose_key("Recurrent-Neural Network models") == loose_key("recurrent neural networks")
    assert loose_key("loss") == "loss" and loose_key("RNNs") == "rnn"
    assert [acronym_letters(x) for x in ("RNN", "RNNs", "BoW", "mAP", "ResNet", "GloVe", "GPT-2")] == \
        ["rnn", "rnn", "bow", "map", None, None, None]


def test_same_graph_and_seed_give_the_same_file_and_n_per_type(tmp_path):
    g = graph_from_elements([entity("Method", f"method {i:02d}") for i in range(30)]
                            + [entity("Task", f"task {i}") for i in range(3)])
    write_sample(sample_nodes(g, n=5, seed=7), tmp_path / "a.tsv")
    write_sample(sample_nodes(g, n=5, seed=7), tmp_path / "b.tsv")
    assert (tmp_path / "a.tsv").read_bytes() == (tmp_path / "b.tsv").read_bytes()
    rows = read_tsv(tmp_path / "a.tsv")
    assert [r["type"] for r in rows] == ["Method"] * 5 + ["Task"] * 3
    other = [r["name"] for r in sample_nodes(g, n=5, seed=8)]
    assert other != [r["name"] for r in rows]
    assert [r["type"] for r in sample_nodes(g, n=5, seed=7, types=["Task"])] == ["Task"] * 3
    with pytest.raises(AuditError, match="Algorithm.*Method,Dataset"):
        sample_nodes(g, n=5, types=["Algorithm"])


def test_a_rebuild_that_adds_or_drops_nodes_keeps_the_other_draws():
    """Labels are work: after a rebuild most of an earlier sample is drawn again."""
    g = graph_from_elements([entity("Method", f"method {i:02d}") for i in range(40)])
    before = {r["name"] for r in sample_nodes(g, n=10, seed=3)}
    rebuilt = graph_from_elements([entity("Method", f"method {i:02d}") for i in range(40) if i % 7]
                                  + [entity("Method", f"new method {i}") for i in range(5)])
    after = {r["name"] for r in sample_nodes(rebuilt, n=10, seed=3)}
    kept = {name for name in before if int(name.split()[-1]) % 7}  # drawn before and still in the graph
    new = {name for name in after if name.startswith("new")}
    assert len(kept - after) <= len(new)  # only a new node can push an old draw out
    assert len(after - before - new) <= len(before - kept)  # only a dropped node makes room for another


# -- the scores -----------------------------------------------------------------------------------
def test_scores_of_the_hand_labels_on_the_sampled_graph(tmp_path):
    write_sample(sample_nodes(first_graph(), n=60, seed=0), tmp_path / "sample.tsv")
    labels = read_labels(label_file(tmp_path / "sample.tsv", tmp_path / "labelled.tsv", HAND_LABELS))
    rows = by_type(score(labels, first_graph()))
    assert list(rows) == ["Method", "Dataset", "Metric", "all"]
    m = rows["Method"]
    # 4 of the 6 Method nodes are GOOD; nothing is gone yet; both duplicate pairs are two nodes
    assert (m["sampled"], m["present"], m["good_share"], m["good_kept"]) == (6, 6, 0.667, 1.0)
    assert (m["junk"], m["junk_gone"], m["dups"], m["dup_left"], m["dup_share"]) == (2, 0.0, 2, 2, 0.333)
    assert rows["Metric"]["good_share"] == 0.0 and rows["Metric"]["junk_gone"] == 0.0
    a = rows["all"]
    assert (a["sampled"], a["present"], a["good_share"], a["junk_gone"], a["dup_left"]) == (8, 8, 0.625, 0.0, 2)


def test_the_same_labels_show_what_a_rebuild_fixed(tmp_path):
    write_sample(sample_nodes(first_graph(), n=60, seed=0), tmp_path / "sample.tsv")
    labels = read_labels(label_file(tmp_path / "sample.tsv", tmp_path / "labelled.tsv", HAND_LABELS))
    rows = by_type(score(labels, rebuilt_graph()))
    m = rows["Method"]
    # "learning process" is gone; the merged long forms are kept, as aliases (no nodes of their own)
    assert (m["sampled"], m["present"], m["good_share"], m["good_kept"]) == (6, 3, 0.667, 1.0)
    assert (m["junk"], m["junk_gone"]) == (2, 0.5)  # the broken span is still there
    assert (m["dups"], m["dup_left"], m["dup_share"]) == (2, 0, 0.0)
    # the loss is no Metric any more: a WRONG_TYPE row is gone when gone from its labelled type
    assert rows["Metric"]["present"] == 0 and rows["Metric"]["junk_gone"] == 1.0
    assert rows["Metric"]["good_share"] is None  # nothing present to share
    a = rows["all"]
    assert (a["present"], a["good_share"], a["junk_gone"], a["dup_left"]) == (4, 0.75, 0.667, 0)


def test_bad_rows_are_reported_with_file_and_line_and_skipped(tmp_path):
    path = tmp_path / "labels.tsv"
    path.write_text("type\tname\tlabel\tduplicate_of\tnote\n"
                    "Method\tRNN\tgood\t\t\n"              # line 2: case does not matter
                    "Method\tlearning process\t\t\t\n"     # line 3: not labelled yet
                    "Method\tTransformer\tMAYBE\t\t\n"     # line 4: unknown label
                    "Algorithm\tSGD\tGOOD\t\t\n"           # line 5: unknown type
                    "Metric\tcross-entropy loss\twrong type\t\t\n")
    warnings = []
    rows = read_labels(path, warnings)
    assert [(r["name"], r["label"], r["line"]) for r in rows] == [("RNN", "GOOD", 2),
                                                                  ("cross-entropy loss", "WRONG_TYPE", 6)]
    assert [w.split(": ")[0] for w in warnings] == [f"{path}:3", f"{path}:4", f"{path}:5"]
    assert "'MAYBE': use one of GOOD, GENERIC, WRONG_TYPE, BROKEN" in warnings[1]


def test_a_file_without_the_columns_says_what_it_needs(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text("name,label\nRNN,GOOD\n")
    with pytest.raises(AuditError, match="no column.*kg audit sample"):
        read_labels(path)


# -- the commands on a real store -----------------------------------------------------------------
def test_kg_audit_sample_and_score_on_a_built_store(tmp_path):
    corpus = tmp_path / "papers.jsonl"
    corpus.write_text("".join(json.dumps(p) + "\n" for p in [
        {"id": "a", "title": "Recurrent nets", "abstract": "We train recurrent neural networks (RNNs) on "
         "the Penn Treebank and report perplexity. Our LSTM beats a Transformer."},
        {"id": "b", "title": "Vision", "abstract": "ResNet-50 reaches 76% top-1 accuracy on ImageNet."},
    ]))
    store = tmp_path / "store"
    r = CliRunner().invoke(main, ["build", str(corpus), "--store", str(store), "--quiet"])
    assert r.exit_code == 0, r.output
    out = tmp_path / "audit.tsv"
    r = run("sample", "--store", store, "-n", 60, "-o", out, "--seed", 1)
    assert r.exit_code == 0, r.output
    assert "fill the label column" in r.stderr
    rows = read_tsv(out)
    assert {"ImageNet", "ResNet-50"} <= {r["name"] for r in rows}
    assert all(r["node"] == f"{r['type']}:{r['node'].split(':', 1)[1]}" for r in rows)
    again = run("sample", "--store", store, "-o", out)
    assert again.exit_code == 1 and "--force" in again.output  # labels are never overwritten silently

    labels = {r["name"]: ("GOOD", "") for r in rows[1:]} | {rows[0]["name"]: ("GENERIC", "")}
    label_file(out, out, labels)
    r = run("score", out, "--store", store, "--format", "json")
    assert r.exit_code == 0, r.output
    overall = by_type(json.loads(r.stdout))["all"]
    n = len(rows)
    assert (overall["sampled"], overall["present"], overall["good"]) == (n, n, n - 1)
    assert overall["good_share"] == round((n - 1) / n, 3) and overall["junk_gone"] == 0.0
    r = run("score", out, "--store", store)
    assert r.exit_code == 0 and "good_share" in r.stdout.splitlines()[0]


def test_commands_fail_cleanly(tmp_path):
    r = run("sample", "--store", tmp_path / "nope", "-o", tmp_path / "a.tsv")
    assert r.exit_code == 1 and "kg build" in r.output and "Traceback" not in r.output
    r = run("sample", "--store", tmp_path / "nope", "-o", tmp_path / "a.tsv", "--types", "Model")
    assert r.exit_code == 1 and "unknown entity type(s) Model" in r.output
    empty = tmp_path / "empty.tsv"
    empty.write_text("type\tname\tlabel\tduplicate_of\nMethod\tRNN\t\t\n")
    r = run("score", empty, "--store", tmp_path / "nope")
    assert r.exit_code == 1 and f"{empty}:2: no label" in r.stderr and "no labelled rows" in r.output
    bad = tmp_path / "bad.tsv"
    bad.write_text("just text\n")
    r = run("score", bad, "--store", tmp_path / "nope")
    assert r.exit_code == 1 and "no column(s) type, name, label, duplicate_of" in r.output
