"""kg build's caches notice a change of extraction (data files, model, $KG_MODEL) and of build options.

Changes are made to copies in tmp_path ($KG_DATA_DIR, $KG_MODEL), never to the package's files."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.extract import hardware, lexicon, pipeline, resolve, results
from kg.fingerprint import clear_cache, extraction_fingerprint, graph_fingerprint
from kg.pipeline import build
from kg.store import Store

DATA = (Path(lexicon.__file__).parent / "data").resolve()
PAPERS = [
    {"id": "p1", "title": "Sparse Mixture-of-Experts Transformers for Low-Resource Machine Translation",
     "abstract": "We propose SparseMT, a sparse mixture-of-experts Transformer for low-resource machine "
                 "translation. Trained on 8 NVIDIA A100 GPUs, SparseMT improves BLEU by 2.1 points over a dense "
                 "baseline on WMT14 English-German and on the Quokka-MT corpus. Training is 1.8x faster at the "
                 "same perplexity."},
    {"id": "p2", "title": "Contrastive Pretraining Improves Open-Domain Question Answering",
     "abstract": "We study contrastive pretraining of dense retrievers for open-domain question answering. Our "
                 "retriever, trained with an InfoNCE objective, reaches 68.2% exact match on Natural Questions "
                 "and 71.0% on TriviaQA, outperforming BM25 and DPR (ICLR 2024)."},
    {"id": "p3", "title": "Efficient Image Classification with Vision Transformers",
     "abstract": "We train ViT-B/16 on ImageNet-1K and reach 84.4% top-1 accuracy, using a cosine learning rate "
                 "schedule and the AdamW optimizer on TPU v3 pods. The model improves robustness and reduces "
                 "cost compared with ResNet-50."},
]


def clear_caches() -> None:
    """Every cache of data read by the extraction, so the next pipeline reads $KG_DATA_DIR again."""
    for f in (lexicon.load_lexicon, lexicon.load_wordlist, lexicon.alias_index, resolve.canonical_name,
              resolve._listed, pipeline._build_nlp, hardware._lexicon, results._lexicon):
        f.cache_clear()
    clear_cache()


@pytest.fixture
def fresh(monkeypatch):
    """Caches cleared before and after (the next test must not see another test's data files)."""
    monkeypatch.delenv("KG_DATA_DIR", raising=False)
    monkeypatch.delenv("KG_MODEL", raising=False)
    clear_caches()
    yield monkeypatch
    monkeypatch.undo()
    clear_caches()


@pytest.fixture
def corpus(tmp_path) -> Path:
    src = tmp_path / "papers.jsonl"
    src.write_text("".join(json.dumps(p) + "\n" for p in PAPERS), encoding="utf-8")
    return src


def data_copy(tmp_path: Path) -> Path:
    out = tmp_path / "data"
    shutil.copytree(DATA, out)
    return out


def names(store_dir: Path, label: str) -> set[str]:
    store = Store(store_dir)
    try:
        return {d.get("name") for _, d in store.iter_nodes() if d.get("label") == label}
    finally:
        store.close()


def meta(store_dir: Path, key: str) -> str | None:
    store = Store(store_dir)
    try:
        return store.get_meta(key)
    finally:
        store.close()


def test_a_lexicon_change_re_extracts_and_rebuilds_then_nothing_more(fresh, corpus, tmp_path):
    data = data_copy(tmp_path)
    fresh.setenv("KG_DATA_DIR", str(data))  # an exact copy: same fingerprint as the package's data
    store = tmp_path / "store"
    first = build([str(corpus)], str(store))
    assert (first.extracted, first.cached) == (3, 0)
    assert "Quokka-MT" not in names(store, "Dataset")
    before = extraction_fingerprint()

    with open(data / "lexicon.tsv", "a", encoding="utf-8") as fh:
        fh.write("Quokka-MT\tDataset\tQuokka-MT corpus|Quokka MT\n")
    clear_caches()
    assert extraction_fingerprint() != before
    second = build([str(corpus)], str(store))
    # the fingerprint is the whole extraction's: every record is redone, not only p1's
    assert (second.extracted, second.cached) == (3, 0)
    assert "Quokka-MT" in names(store, "Dataset")
    graph = (store / "graph.json").stat().st_mtime_ns

    third = build([str(corpus)], str(store))
    assert (third.extracted, third.cached) == (0, 3)
    assert (store / "graph.json").stat().st_mtime_ns == graph  # reused, not rebuilt
    assert third.summary == second.summary


def test_an_old_store_is_re_extracted_once(fresh, corpus, tmp_path):
    store = tmp_path / "store"
    build([str(corpus)], str(store))
    s = Store(store)
    with s.db:  # what kg <= 0.1.0 kept in the extractor column
        s.db.execute("UPDATE papers SET extractor = 'kg-0.1.0'")
    s.close()
    assert build([str(corpus)], str(store)).extracted == 3
    assert build([str(corpus)], str(store)).extracted == 0


def test_every_data_file_is_read_from_kg_data_dir(fresh, tmp_path):
    """No module reads kg/extract/data behind $KG_DATA_DIR's back: the extraction opens the same data
    files with and without it, and with it none of the package's."""
    from kg.models import Paper

    papers = [Paper(id=p["id"], title=p["title"], abstract=p["abstract"]) for p in PAPERS]
    package = data_files_opened(lambda: list(pipeline.extract_papers(papers)), DATA)
    assert {"lexicon.tsv", "hardware.tsv", "metrics_direction.tsv", "ner_bias.tsv", "generic.txt"} <= package
    data = data_copy(tmp_path)
    fresh.setenv("KG_DATA_DIR", str(data))
    clear_caches()
    opened = []
    assert data_files_opened(lambda: list(pipeline.extract_papers(papers)), data, opened) == package
    assert not [p for p in opened if p.is_relative_to(DATA)]


_OPENED: list[Path] | None = None  # the files opened while a data_files_opened call runs


def _audit(event: str, args: tuple) -> None:
    if event == "open" and _OPENED is not None and isinstance(args[0], (str, os.PathLike)):
        _OPENED.append(Path(args[0]).resolve())


sys.addaudithook(_audit)  # a hook cannot be removed; it costs one comparison per event when idle


def data_files_opened(run, folder: Path, every: list[Path] | None = None) -> set[str]:
    """Names of the files directly in folder that run() opened (clear_caches first); all opened
    paths are appended to every."""
    global _OPENED
    _OPENED = []
    try:
        run()
    finally:
        opened, _OPENED = _OPENED, None
    if every is not None:
        every.extend(opened)
    folder = folder.resolve()
    return {p.name for p in opened if p.parent == folder}


def test_kg_model_changes_the_extraction_fingerprint(fresh, tmp_path):
    shipped = pipeline.model_path()
    if shipped is None:
        pytest.skip("no shipped model in kg/extract/model")
    default = extraction_fingerprint()
    assert extraction_fingerprint() == default  # deterministic
    copy = tmp_path / "model"
    shutil.copytree(shipped, copy)
    fresh.setenv("KG_MODEL", str(copy))
    named = extraction_fingerprint()
    assert named != default  # another model directory, even with the same bytes
    with open(copy / "meta.json", "a", encoding="utf-8") as fh:
        fh.write("\n")  # the same directory with one file changed
    assert extraction_fingerprint() != named
    fresh.delenv("KG_MODEL")
    assert extraction_fingerprint() == default


def test_graph_fingerprint_depends_on_extraction_and_options():
    fp = extraction_fingerprint()
    assert graph_fingerprint(fp, keep_generic=False) == graph_fingerprint(fp, keep_generic=False)
    assert graph_fingerprint(fp, keep_generic=False) != graph_fingerprint(fp, keep_generic=True)
    assert graph_fingerprint(fp, keep_generic=False) != graph_fingerprint(fp + "x", keep_generic=False)


def test_keep_generic_rebuilds_the_graph_without_re_extracting(fresh, corpus, tmp_path):
    store = tmp_path / "store"

    def kg_build(*flags: str) -> str:
        r = CliRunner().invoke(main, ["build", str(corpus), "--store", str(store), *flags],
                               catch_exceptions=False)
        assert r.exit_code == 0, r.output
        return r.output

    assert "3 papers extracted, 0 unchanged" in kg_build()
    plain = meta(store, "graph_stamp")
    graph = (store / "graph.json").stat().st_mtime_ns
    assert "0 papers extracted, 3 unchanged" in kg_build("--keep-generic")
    generic = meta(store, "graph_stamp")
    assert generic.split(":")[0] != plain.split(":")[0]  # another graph fingerprint ...
    assert (store / "graph.json").stat().st_mtime_ns != graph  # ... and the graph was written again
    graph = (store / "graph.json").stat().st_mtime_ns
    assert "0 papers extracted, 3 unchanged" in kg_build("--keep-generic")
    assert meta(store, "graph_stamp") == generic and (store / "graph.json").stat().st_mtime_ns == graph
    kg_build()
    assert meta(store, "graph_stamp").split(":")[0] == plain.split(":")[0]


def test_keep_generic_is_documented_in_the_help():
    r = CliRunner().invoke(main, ["build", "--help"])
    text = " ".join(r.output.split())
    assert "--keep-generic" in text and '("training", "objective function") as nodes too' in text
