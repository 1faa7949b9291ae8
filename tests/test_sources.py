"""kg.sources: every input format parses into Paper records, and formats are auto-detected."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.models import Paper
from kg.sources import FORMATS, Report, detect_format, read_papers

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
HF_SAMPLE = Path(__file__).parent.parent / "examples" / "hf-daily-papers.txt"
CHROME = {"new", "Get trending papers in your email inbox!", "Subscribe",
          "byAK and the research community", "Apr 14"}


def read(path, fmt=None):
    report = Report()
    papers = list(read_papers([str(path)], fmt=fmt, report=report))
    return papers, report


def by_id(papers):
    return {p.id: p for p in papers}


# ---------------------------------------------------------------- Hugging Face page text

def test_hf_sample_gives_all_59_papers_with_titles_and_full_abstracts():
    papers, report = read(HF_SAMPLE)
    assert len(papers) == 59 and report.read == 59
    assert report.skipped == 0 and report.duplicates == 0 and report.warnings == []
    assert papers[0].title == ("Real-time High-resolution View Synthesis of Complex Scenes "
                               "with Explicit 3D Visibility Reasoning")
    assert papers[0].abstract.startswith("Rendering photo-realistic novel-view images")
    assert papers[-1].title == "Probabilistic Programming with Programmable Variational Inference"
    assert papers[-1].abstract.startswith("Compared to the wide array of advanced Monte Carlo methods")
    titles = {p.title for p in papers}
    for p in papers:
        assert p.title not in CHROME
        assert p.abstract not in titles, "an abstract must never be another paper's title"
        assert len(p.abstract) > 1000
        assert len(p.title) < 150 and not p.title.endswith(".")
        assert p.id.startswith("title:") and p.source.startswith(f"{HF_SAMPLE}:")
    assert papers[0].source == f"{HF_SAMPLE}:11"
    lines = HF_SAMPLE.read_text().split("\n")
    for p in papers:  # the whole abstract: the block two lines below the title, untouched
        n = int(p.source.rsplit(":", 1)[1])
        assert (lines[n - 1], lines[n]) == (p.title, "")
        assert p.abstract == lines[n + 1]
    assert len({p.id for p in papers}) == 59


def test_hf_page_drops_chrome_joins_wrapped_titles_and_keeps_paragraphs():
    papers, report = read(FIXTURES / "hf-page.txt")
    assert [p.title for p in papers] == [
        "Scaling Laws for Neural Language Models",
        "LoRA: Low-Rank Adaptation of Large Language Models",  # wrapped over two lines
        "Denoising Diffusion Probabilistic Models",  # glued to its abstract, no blank line
        "sharpDARTS: Faster and More Accurate Differentiable Architecture Search",
    ]
    scaling, lora = papers[0], papers[1]
    assert "\n\nOther architectural details" in scaling.abstract  # second paragraph kept
    assert "10 authors" not in scaling.abstract and "42" not in scaling.abstract
    assert lora.abstract.endswith("https://github.com/microsoft/LoRA")
    assert not any("Submitted" in p.title or "Upvote" in p.abstract for p in papers)
    assert report.warnings == []


def test_hf_text_with_hard_wrapped_abstracts_and_question_titles(tmp_path):
    f = tmp_path / "wrapped.txt"
    f.write_text("Do Transformers Really Need Positional Encodings?\n\n"
                 "We show that causal language models without any positional\n"
                 "encoding remain competitive with standard ones, and we explain\n"
                 "why by probing their hidden states.\n\n"
                 "Mixture-of-Experts Made Simple\n\n"
                 "Sparse models route each token to a few experts. We give a simple\n"
                 "recipe that trains them stably at scale.\n")
    papers, _ = read(f)
    assert [p.title for p in papers] == ["Do Transformers Really Need Positional Encodings?",
                                        "Mixture-of-Experts Made Simple"]
    assert papers[0].abstract.startswith("We show that causal language models without any positional encoding")  # unwrapped
    assert papers[1].source == f"{f}:7"


# ---------------------------------------------------------------- jsonl / json / csv

def test_jsonl_keeps_input_ids_verbatim_and_reads_optional_fields():
    papers, report = read(FIXTURES / "papers.jsonl")
    ids = [p.id for p in papers]
    assert ids == ["SysEexbRb", "1706.03762", "doi:10.1109/cvpr.2016.90", "H1-nGgWC-"]
    attention = by_id(papers)["1706.03762"]
    assert attention.authors == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]
    assert attention.arxiv_id == "1706.03762"  # found in the url
    assert attention.aliases == ["arxiv:1706.03762"]
    assert attention.references == [
        {"id": "arxiv:1409.0473", "title": "Neural Machine Translation by Jointly Learning to Align and Translate"},
        {"id": "doi:10.1162/neco.1997.9.8.1735", "title": "Long Short-Term Memory"},
    ]
    resnet = papers[2]
    assert resnet.abstract.startswith("Deeper neural networks")  # "summary" is an abstract alias
    assert resnet.date == "2016" and resnet.doi == "10.1109/cvpr.2016.90"
    assert papers[3].title == "" and papers[3].abstract  # abstract-only is still a paper
    assert report.read == 4 and report.skipped == 4 and report.duplicates == 1


def test_json_object_with_papers_list():
    papers, report = read(FIXTURES / "papers.json")
    assert [p.id for p in papers] == ["bert", "adam"]
    bert = papers[0]
    assert bert.arxiv_id == "1810.04805" and "Kristina Toutanova" in bert.authors
    assert [r["id"] for r in bert.references] == ["arxiv:1706.03762", "doi:10.18653/v1/n18-1202"]
    assert papers[1].date == "2014-12-22"
    assert report.warnings == [f"{FIXTURES / 'papers.json'}:18: field 'title' must be a string, got dict"]


def test_json_top_level_array(tmp_path):
    f = tmp_path / "list.json"
    f.write_text('[\n {"id": "a", "title": "First"},\n {"id": "b", "abstract": "Second."}\n]\n')
    papers, _ = read(f)
    assert [(p.id, p.source) for p in papers] == [("a", f"{f}:2"), ("b", f"{f}:3")]


def test_csv_with_quoted_multiline_abstract_and_crlf():
    papers, report = read(FIXTURES / "papers.csv")
    assert [p.id for p in papers] == ["gpt3", "dropout", "gan"]
    gpt3, dropout = papers[0], papers[1]
    assert gpt3.authors == ["Tom B. Brown", "Benjamin Mann", "Nick Ryder"]
    assert gpt3.arxiv_id == "2005.14165"  # from arXiv's own DOI
    assert "\nHowever, overfitting" in dropout.abstract
    assert dropout.authors == ["Nitish Srivastava", "Geoffrey Hinton"]
    assert papers[2].source.endswith(":6")  # line numbers count the wrapped row
    assert report.warnings == [f"{FIXTURES / 'papers.csv'}:5: row has 7 fields but the header has 6 (unquoted comma?)"]


def test_tsv(tmp_path):
    f = tmp_path / "p.tsv"
    f.write_text("id\ttitle\tabstract\nx1\tA Title, With Comma\tAn abstract.\n")
    (paper,), _ = read(f)
    assert (paper.id, paper.title) == ("x1", "A Title, With Comma")


# ---------------------------------------------------------------- arXiv

def test_arxiv_atom_feed():
    papers, report = read(FIXTURES / "arxiv.xml")
    first, old = papers
    assert first.id == "arxiv:2304.01234" and first.arxiv_id == "2304.01234"
    assert first.title == "Efficient Sparse Attention for Long Documents"  # whitespace collapsed
    assert first.abstract.startswith("We present a sparse") and "\n" not in first.abstract
    assert first.authors == ["Jane Doe", "John Smith"] and first.date == "2023-04-03"
    assert first.doi == "10.1000/xyz.2023.1" and first.categories == ["cs.CL", "cs.LG"]
    assert first.url == "http://arxiv.org/abs/2304.01234v2"
    assert old.id == "arxiv:hep-th/9901001"
    assert report.skipped == 1 and "neither a title nor an abstract" in report.warnings[0]


def test_arxiv_snapshot():
    papers, report = read(FIXTURES / "snapshot.jsonl")
    first, second = papers
    assert first.id == "arxiv:0704.0001"
    assert first.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert first.date == "2007-04-02"  # first version's RFC 2822 date
    assert first.authors == ["C. Balázs", "E. L. Berger"] and first.doi == "10.1103/physrevd.76.013009"
    assert second.date == "2023-08-02"  # no versions: update_date
    assert second.authors == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]
    assert second.categories == ["cs.CL", "cs.LG"]
    assert [w.split(": ", 1)[0].rsplit(":", 1)[1] for w in report.warnings] == ["3", "4"]


def test_arxiv_snapshot_as_json_array(tmp_path):
    lines = (FIXTURES / "snapshot.jsonl").read_text().splitlines()[:2]
    f = tmp_path / "snapshot.json"
    f.write_text("[\n" + ",\n".join(lines) + "\n]\n")
    papers, _ = read(f)
    assert [p.id for p in papers] == ["arxiv:0704.0001", "arxiv:1706.03762"]


# ---------------------------------------------------------------- OpenAlex, BibTeX

def test_openalex_api_page():
    papers, report = read(FIXTURES / "openalex.json")
    attention, resnet = papers
    assert attention.id == "arxiv:1706.03762"
    assert attention.abstract == "The dominant sequence transduction models are based on attention."
    assert attention.references == [{"id": "openalex:W2741809807", "title": None},
                                    {"id": "openalex:W1902237438", "title": None}]
    assert attention.authors == ["Ashish Vaswani", "Noam Shazeer"] and attention.date == "2017-06-12"
    assert "openalex:W2963403868" in attention.aliases
    assert resnet.title == "Deep Residual Learning for Image Recognition"  # from display_name
    assert resnet.id == "doi:10.1109/cvpr.2016.90" and resnet.abstract == ""
    assert report.skipped == 1


def test_openalex_single_work(tmp_path):
    f = tmp_path / "work.json"
    f.write_text('{"id": "https://openalex.org/W9", "display_name": "One Work", '
                 '"abstract_inverted_index": {"b": [1], "a": [0]}}')
    (paper,), _ = read(f)
    assert (paper.title, paper.abstract, paper.aliases) == ("One Work", "a b", ["openalex:W9"])


def test_bibtex():
    papers, report = read(FIXTURES / "papers.bib")
    attention, resnet, adam = papers
    assert attention.id == "arxiv:1706.03762" and attention.title == "Attention is All you Need"
    assert attention.authors == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]
    assert attention.date == "2017-12"
    assert attention.abstract.startswith("The dominant") and "\n" not in attention.abstract
    assert resnet.id == "doi:10.1109/cvpr.2016.90" and resnet.date == "2016"
    assert adam.title == "Adam: A Method for Stochastic Optimization" and adam.arxiv_id == "1412.6980"
    assert report.warnings == [f"{FIXTURES / 'papers.bib'}:24: unparseable BibTeX entry (missing key, braces or '=')"]


# ---------------------------------------------------------------- detection, API

@pytest.mark.parametrize("name, fmt", [
    ("hf-page.txt", "hf"), ("papers.jsonl", "jsonl"), ("papers.json", "json"), ("papers.csv", "csv"),
    ("arxiv.xml", "arxiv-atom"), ("snapshot.jsonl", "arxiv-snapshot"), ("openalex.json", "openalex"),
    ("papers.bib", "bibtex"),
])
def test_detects_format_from_extension_and_content(name, fmt, tmp_path):
    assert detect_format(str(FIXTURES / name)) == fmt
    bare = tmp_path / "download"  # no extension: content sniffing alone
    shutil.copy(FIXTURES / name, bare)
    assert detect_format(str(bare)) == fmt
    assert fmt in FORMATS


def test_forced_format_overrides_detection(tmp_path):
    f = tmp_path / "snap.txt"
    shutil.copy(FIXTURES / "snapshot.jsonl", f)
    papers, _ = read(f, fmt="jsonl")
    assert papers[0].id == "0704.0001"  # generic jsonl keeps the id verbatim
    papers, _ = read(f, fmt="arxiv-snapshot")
    assert papers[0].id == "arxiv:0704.0001"


def test_several_files_share_one_report_and_duplicate_check():
    report = Report()
    files = [str(FIXTURES / "snapshot.jsonl"), str(FIXTURES / "arxiv.xml"), str(FIXTURES / "papers.bib")]
    papers = list(read_papers(files, report=report))
    assert all(isinstance(p, Paper) for p in papers)
    assert [p.id for p in papers].count("arxiv:1706.03762") == 1  # in snapshot and bib
    assert report.duplicates == 1 and report.read == len(papers) == 6
    assert report.summary() == "6 papers read, 4 skipped, 1 duplicate"
    assert report.formats[files[1]] == "arxiv-atom"


def test_read_papers_is_lazy_and_accepts_a_single_path():
    gen = read_papers(str(FIXTURES / "papers.jsonl"))
    assert next(gen).id == "SysEexbRb"


def test_unknown_format_name():
    with pytest.raises(InputError, match="--format"):
        list(read_papers([str(FIXTURES / "papers.jsonl")], fmt="pdf"))
