"""kg.sources.ids: stable paper ids and identifier normalisation."""

from __future__ import annotations

import pytest

from kg.sources.common import normalise_date, split_authors, year_month
from kg.sources.ids import arxiv_id_from_url, normalise_arxiv_id, normalise_doi, normalise_title, paper_id, ref_id


@pytest.mark.parametrize("raw, bare", [
    ("2304.01234", "2304.01234"), ("arXiv:2304.01234v2", "2304.01234"), ("ARXIV: 1706.03762", "1706.03762"),
    ("http://arxiv.org/abs/2304.01234v2", "2304.01234"), ("https://arxiv.org/pdf/1706.03762v7.pdf", "1706.03762"),
    ("hep-th/9901001", "hep-th/9901001"), ("math.GT/0309136v1", "math.GT/0309136"),
    ("10.48550/arXiv.2005.14165", "2005.14165"), ("not an id", None), ("", None), (None, None), (123, None),
])
def test_normalise_arxiv_id(raw, bare):
    assert normalise_arxiv_id(raw) == bare


def test_arxiv_id_from_url():
    assert arxiv_id_from_url("see https://arxiv.org/abs/1412.6980v9 for details") == "1412.6980"
    assert arxiv_id_from_url("https://example.org/paper") is None


@pytest.mark.parametrize("raw, doi", [
    ("https://doi.org/10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"), ("doi:10.1000/XYZ", "10.1000/xyz"),
    ("http://dx.doi.org/10.1/a", "10.1/a"), ("10.1/a", "10.1/a"), ("nope", None), ("", None), (None, None),
])
def test_normalise_doi(raw, doi):
    assert normalise_doi(raw) == doi


def test_paper_id_prefers_arxiv_then_doi_then_title():
    assert paper_id("arXiv:2304.01234v3", "10.1/x", "T") == "arxiv:2304.01234"
    assert paper_id(None, "https://doi.org/10.1/X", "T") == "doi:10.1/x"
    assert paper_id(None, "10.48550/arXiv.1706.03762") == "arxiv:1706.03762"
    tid = paper_id(title="Attention Is All You Need")
    assert tid.startswith("title:") and len(tid) == len("title:") + 16
    assert paper_id(title="attention is all you need!") == tid  # same normalised title
    assert paper_id(title="", abstract="Some text.") != paper_id(title="", abstract="Other text.")


def test_normalise_title():
    assert normalise_title("  GPipe: Efficient   Training -- of Giant_Nets! ") == "gpipe efficient training of giant nets"


@pytest.mark.parametrize("raw, rid", [
    ("https://openalex.org/W2741809807", "openalex:W2741809807"), ("arXiv:1409.0473", "arxiv:1409.0473"),
    ("1706.03762v2", "arxiv:1706.03762"), ("https://doi.org/10.1/AB", "doi:10.1/ab"), ("10.1/AB", "doi:10.1/ab"),
    ("649def34f8be52c8b66281af98ae884c09aef38b", "649def34f8be52c8b66281af98ae884c09aef38b"),
    ("SysEexbRb", "SysEexbRb"), ("", None), (None, None), (42, "42"),
])
def test_ref_id(raw, rid):
    assert ref_id(raw) == rid


@pytest.mark.parametrize("raw, iso", [
    ("2007-04-02", "2007-04-02"), ("Mon, 2 Apr 2007 19:18:42 GMT", "2007-04-02"), ("2023-04-03T17:59:59Z", "2023-04-03"),
    ("2016", "2016"), (2016, "2016"), ("2020-05", "2020-05"), ("June 12, 2017", "2017-06-12"), ("garbage", None), (None, None),
])
def test_normalise_date(raw, iso):
    assert normalise_date(raw) == iso


def test_year_month():
    assert year_month("2017", "dec") == "2017-12"
    assert year_month("2017", "March") == "2017-03"
    assert year_month(2014, "5") == "2014-05"
    assert year_month("{2016}") == "2016" and year_month("") is None


def test_split_authors():
    assert split_authors("A. One; B. Two") == ["A. One", "B. Two"]
    assert split_authors("A. One, B. Two and C. Three") == ["A. One", "B. Two", "C. Three"]
    assert split_authors(["X", {"name": "Y"}, " "]) == ["X", "Y"]
    assert split_authors(None) == []
