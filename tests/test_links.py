"""Citations, code links and inferred BUILDS_ON links."""

from kg.graph.links import builds_on, canonical_code_url, citations, code_links
from kg.models import Paper


def test_citations_from_references_and_text():
    p = Paper(
        id="arxiv:2309.06380", arxiv_id="2309.06380",
        abstract=("InstaFlow builds on Rectified Flow (arXiv:2209.03003v1). See also "
                  "https://arxiv.org/abs/2304.01234v2 and https://doi.org/10.1145/3292500.3330701. "
                  "Our own preprint is arxiv.org/abs/2309.06380."),
        references=[{"id": "https://openalex.org/W2963403868", "title": "Attention is all you need"},
                    {"id": "10.48550/arXiv.1706.03762", "title": "Attention"},
                    {"id": "arXiv:2209.03003", "title": "Flow Straight and Fast"}],
    )
    got = {c["id"]: c for c in citations(p)}
    assert set(got) == {"openalex:W2963403868", "arxiv:1706.03762", "arxiv:2209.03003", "arxiv:2304.01234",
                        "doi:10.1145/3292500.3330701"}
    assert got["openalex:W2963403868"]["evidence"] == "references"
    assert got["openalex:W2963403868"]["title"] == "Attention is all you need"
    assert got["arxiv:2209.03003"]["evidence"] == "references"  # first seen wins
    assert got["arxiv:2304.01234"]["evidence"].startswith("See also")
    assert got["arxiv:2304.01234"]["title"] is None


def test_citations_exclude_own_doi_and_handle_empty():
    p = Paper(id="doi:10.1/abc", doi="10.1/ABC", abstract="Published at doi:10.1/ABC.")
    assert citations(p) == []
    assert citations(Paper(id="x")) == []


def test_code_links_canonical():
    p = Paper(id="x", abstract=(
        "Our code is available at https://github.com/gensyn-ai/skippipe. "
        "Project page:~https://github.com/gnobitab/InstaFlow/tree/main/code. "
        "Mirror: github.com/gensyn-ai/skippipe.git; weights at https://huggingface.co/XCLiu/instaflow_0_9B. "
        "Data at https://huggingface.co/datasets/org/data-set), "
        "and (https://gitlab.com/group/proj). Docs at https://gnobitab.github.io/ ."))
    got = [c["url"] for c in code_links(p)]
    assert got == ["https://github.com/gensyn-ai/skippipe", "https://github.com/gnobitab/InstaFlow",
                   "https://huggingface.co/XCLiu/instaflow_0_9B", "https://huggingface.co/datasets/org/data-set",
                   "https://gitlab.com/group/proj"]
    assert code_links(p)[0]["evidence"] == "Our code is available at https://github.com/gensyn-ai/skippipe."


def test_canonical_code_url_edge_cases():
    assert canonical_code_url("https://github.com/Owner/Repo.git") == "https://github.com/Owner/Repo"
    assert canonical_code_url("http://www.github.com/a/b/blob/main/x.py") == "https://github.com/a/b"
    assert canonical_code_url("https://bitbucket.org/team/tool/src") == "https://bitbucket.org/team/tool"
    assert canonical_code_url("https://example.com/a/b") is None


def _rec(pid, title, *ents):
    return {"id": pid, "title": title, "entities": [
        {"type": t, "text": n, "name": n, "role": r, "generic": g, "sentence": f"... {n} ..."}
        for t, n, r, g in ents]}


def _m(name, role="", generic=False, typ="Method"):
    return (typ, name, role, generic)


def test_builds_on_instaflow_rectified_flow():
    recs = [
        _rec("arxiv:2209.03003", "Flow Straight and Fast: ... Rectified Flow", _m("Rectified Flow", "proposes"),
             _m("diffusion", generic=True)),
        _rec("arxiv:2309.06380", "InstaFlow", _m("InstaFlow", "proposes"), _m("Rectified Flow"), _m("Stable Diffusion")),
    ]
    assert builds_on(recs) == [{"src": "arxiv:2309.06380", "dst": "arxiv:2209.03003", "via": "Rectified Flow",
                                "evidence": "... Rectified Flow ..."}]


def test_builds_on_case_insensitive_and_no_self_links():
    recs = [_rec("a", "GPipe", _m("GPipe", "proposes"), _m("gpipe")),
            _rec("b", "Other", _m("GPIPE"))]
    assert [(l["src"], l["dst"], l["via"]) for l in builds_on(recs)] == [("b", "a", "GPipe")]


def test_builds_on_family_matches():
    recs = [
        _rec("darts", "DARTS", _m("DARTS", "proposes")),
        _rec("pc", "PC-DARTS", _m("PC-DARTS", "proposes")),
        _rec("sharp", "sharpDARTS", _m("sharpDARTS", "proposes")),
        _rec("rarts", "RARTS", _m("RARTS", "proposes"), _m("DARTS")),
        _rec("user", "Uses PC-DARTS", _m("PC-DARTS")),
        _rec("nodarts", "Unrelated", _m("DARTSY"), _m("Method D")),
    ]
    got = {(l["src"], l["dst"], l["via"]) for l in builds_on(recs)}
    assert got == {("pc", "darts", "DARTS"), ("sharp", "darts", "DARTS"), ("rarts", "darts", "DARTS"),
                   ("user", "pc", "PC-DARTS")}


def test_builds_on_precision_rules():
    recs = [
        _rec("p1", "A", _m("Transformer", "proposes"), _m("LoRA", "proposes"), _m("XYZ-Net", "proposes")),
        _rec("p2", "B", _m("Transformer"), _m("LoRA", "proposes"), _m("XYZ-Net", generic=True), _m("ab", "proposes")),
        _rec("p3", "C", _m("LoRA"), _m("ab"), _m("Flow", "proposes")),
        _rec("p4", "D", _m("InstaFlow")),
    ]
    # Transformer: stoplist; LoRA: proposed by two papers; XYZ-Net only mentioned generically;
    # "ab" too short; "Flow" not acronym-like so no family match with "InstaFlow".
    assert builds_on(recs) == []


def test_builds_on_frequency_stoplist():
    recs = [_rec("p0", "ResNet", _m("ResNet", "proposes"))]
    recs += [_rec(f"p{i}", "x", _m("ResNet")) for i in range(1, 10)]
    assert builds_on(recs) == []  # mentioned by 9 of 10 papers: not specific
    few = recs[:3] + [_rec(f"q{i}", "x", _m("Other")) for i in range(7)]
    assert len(builds_on(few)) == 2  # 2 of 10 papers: specific
