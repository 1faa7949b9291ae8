"""The kg commands as a user runs them (CliRunner)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kg.cli import main


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kw)


def test_build_stats_export_view(sample_path, tmp_path):
    store = tmp_path / "store"
    r = run("build", sample_path, "--store", store, "--quiet")
    assert r.exit_code == 0, r.output
    r = run("stats", "--store", store, "--format", "json")
    s = json.loads(r.output)[0]
    assert s["labels"]["Paper"] == 59 and s["edges"] > 100
    r = run("stats", "--store", store)
    assert "Paper" in r.output and "top Dataset" in r.output
    for fmt, name in (("graphml", "g.graphml"), ("gexf", "g.gexf"), ("json", "g.json"), ("cypher", "g.cypher"), ("csv", "csvdir")):
        r = run("export", "--store", store, "--format", fmt, "-o", tmp_path / name)
        assert r.exit_code == 0, r.output
        assert (tmp_path / name).exists()
    r = run("view", "--store", store, "-o", tmp_path / "v.html")
    assert r.exit_code == 0, r.output
    assert "<html" in (tmp_path / "v.html").read_text().lower()


def test_extract_writes_one_line_per_paper_with_input_ids(tmp_path):
    src = tmp_path / "papers.jsonl"
    src.write_text(json.dumps({"id": "abc", "title": "", "abstract": "We evaluate BERT on SQuAD with F1."}) + "\n"
                   + json.dumps({"id": "def", "abstract": "ResNet-50 reaches 76% top-1 accuracy on ImageNet."}) + "\n")
    out = tmp_path / "out.jsonl"
    r = run("extract", src, "-o", out, "--quiet")
    assert r.exit_code == 0, r.output
    recs = [json.loads(line) for line in out.read_text().splitlines()]
    assert [x["id"] for x in recs] == ["abc", "def"]
    assert {"BERT", "SQuAD", "F1"} <= {e["name"] for e in recs[0]["entities"]}


def test_bad_records_are_skipped_with_file_and_line_and_exit_3(tmp_path):
    src = tmp_path / "papers.jsonl"
    src.write_text('{"id": "a", "title": "T", "abstract": "We use BERT."}\n{"id": "b", "title": \n'
                   '{"id": "c", "title": "U", "abstract": "We use GPT-2."}\n')
    out = tmp_path / "out.jsonl"
    r = CliRunner().invoke(main, ["extract", str(src), "-o", str(out)])
    assert r.exit_code == 3
    assert f"{src}:2" in r.output
    assert len(out.read_text().splitlines()) == 2


def test_missing_store_is_a_clear_error_not_a_traceback(tmp_path):
    r = CliRunner().invoke(main, ["stats", "--store", str(tmp_path / "nope")])
    assert r.exit_code == 1
    assert "kg build" in r.output and "Traceback" not in r.output


def test_missing_input_is_a_clear_error(tmp_path):
    r = CliRunner().invoke(main, ["build", str(tmp_path / "missing.jsonl"), "--store", str(tmp_path / "s")])
    assert r.exit_code in (1, 2)
    assert "missing.jsonl" in r.output and "Traceback" not in r.output


def test_usage_error_exits_2():
    r = CliRunner().invoke(main, ["export", "--format", "nope", "-o", "x"])
    assert r.exit_code == 2


def test_kg_model_selects_the_ner_and_a_wrong_one_is_a_clear_error(tmp_path, monkeypatch):
    from kg.extract.pipeline import model_path

    src = tmp_path / "papers.jsonl"
    src.write_text(json.dumps({"id": "abc", "abstract": "We evaluate BERT on SQuAD with F1."}) + "\n")
    shipped = model_path()
    monkeypatch.setenv("KG_MODEL", str(tmp_path / "no-model"))
    r = CliRunner().invoke(main, ["extract", str(src), "-o", str(tmp_path / "out.jsonl"), "--quiet"])
    assert r.exit_code == 1
    assert "KG_MODEL" in r.output and "kg train --output" in r.output and "Traceback" not in r.output
    if shipped is not None:  # the shipped model named explicitly gives the same records as the default
        monkeypatch.setenv("KG_MODEL", str(shipped))
        r = run("extract", src, "-o", tmp_path / "a.jsonl", "--quiet")
        monkeypatch.delenv("KG_MODEL")
        r2 = run("extract", src, "-o", tmp_path / "b.jsonl", "--quiet")
        assert r.exit_code == r2.exit_code == 0
        assert (tmp_path / "a.jsonl").read_text() == (tmp_path / "b.jsonl").read_text()


def test_eval_scores_predictions_lists_errors_and_skips_bad_lines(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "title": "T", "abstract": "We train ResNet on ImageNet.",
         "gold": [{"type": "Method", "text": "ResNet"}, {"type": "Dataset", "text": "ImageNet"}]},
        {"id": "b", "title": "U", "abstract": "Top-1 accuracy.", "gold": [{"type": "Metric", "text": "top-1 accuracy"}]},
    ]) + "\n{broken\n")
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps({"id": "a", "entities": [{"type": "Method", "text": "ResNet"},
                                                        {"type": "Task", "text": "ImageNet"}]}) + "\n")
    r = CliRunner().invoke(main, ["eval", str(gold), "--pred", str(pred), "--format", "json", "--errors"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["papers"] == 2 and out["scores"]["strict"]["Method"]["F1"] == 1.0
    assert out["scores"]["strict"]["micro"] == {"P": 0.5, "R": 0.333, "F1": 0.4, "n_gold": 3, "n_pred": 2}
    [skipped] = out["skipped"]
    assert skipped.startswith(f"{gold}:3: not a JSON object (Expecting property name")
    assert out["errors"]["b"]["fn"] == {"Metric": ["top 1 accuracy"]}
    kinds = {k["kind"]: k["count"] for k in out["error_kinds"]}
    assert kinds == {"type confusion: gold Dataset, predicted Task": 1, "Metric missed": 1}
    assert f"{gold}:3" in r.stderr


def test_eval_without_predictions_runs_extraction(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "a", "title": "Deep residual learning",
                                "abstract": "We evaluate on CIFAR-10 and report top-1 accuracy.",
                                "gold": [{"type": "Dataset", "text": "CIFAR-10"}]}) + "\n")
    r = CliRunner().invoke(main, ["eval", str(gold)])
    assert r.exit_code == 0, r.output
    assert "strict   Dataset  1.0" in r.stdout


def test_eval_refuses_a_file_without_gold(tmp_path):
    bad = tmp_path / "x.jsonl"
    bad.write_text('{"id": "a", "title": "no gold here"}\n')
    r = CliRunner().invoke(main, ["eval", str(bad)])
    assert r.exit_code == 1 and "has no gold records" in r.output and "Traceback" not in r.output
