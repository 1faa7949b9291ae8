"""Property tests: whatever bytes a file holds, kg.sources either yields well-formed Papers or
raises InputError (file unreadable as a whole) -- never any other exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.models import Paper
from kg.sources import Report, read_papers

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
SEEDS = {
    "jsonl": (FIXTURES / "papers.jsonl").read_bytes(),
    "csv": (FIXTURES / "papers.csv").read_bytes(),
    "hf": (FIXTURES / "hf-page.txt").read_bytes(),
    "bibtex": (FIXTURES / "papers.bib").read_bytes(),
    "json": (FIXTURES / "papers.json").read_bytes(),
    "arxiv-atom": (FIXTURES / "arxiv.xml").read_bytes(),
    "arxiv-snapshot": (FIXTURES / "snapshot.jsonl").read_bytes(),
    "openalex": (FIXTURES / "openalex.json").read_bytes(),
}
EXT = {"jsonl": ".jsonl", "csv": ".csv", "hf": ".txt", "bibtex": ".bib", "json": ".json", "arxiv-atom": ".xml",
       "arxiv-snapshot": ".jsonl", "openalex": ".json"}
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(data: bytes, fmt: str, forced: bool) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / ("input" + EXT[fmt])
        path.write_bytes(data)
        report = Report()
        try:
            papers = list(read_papers([str(path)], fmt=fmt if forced else None, report=report))
        except InputError as e:
            assert str(e)
            return
    assert papers, "a file without papers must raise InputError"
    assert report.read == len(papers)
    assert len({p.id for p in papers}) == len(papers)
    for p in papers:
        assert isinstance(p, Paper)
        assert isinstance(p.id, str) and p.id
        assert isinstance(p.title, str) and isinstance(p.abstract, str) and (p.title or p.abstract)
        assert all(isinstance(a, str) for a in p.authors)
        assert all(isinstance(x, (str, type(None))) for x in (p.date, p.url, p.doi, p.arxiv_id))
        assert not any(c in p.title for c in "\x00\x07\x1b\n")
        assert p.source.startswith(str(path) + ":")
    for w in report.warnings:
        assert w.startswith(str(path) + ":")


@st.composite
def mutated(draw, seed: bytes):
    """The seed file with a few byte-level edits: flips, deletions, insertions, truncation."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "dup"]))
        if op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "delete":
            del data[i: i + draw(st.integers(1, 40))]
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=20))
        elif op == "truncate":
            del data[i:]
        else:
            j = draw(st.integers(i, min(len(data), i + 200)))
            data[j:j] = data[i:j]
    return bytes(data)


def _tests_for(fmt: str):
    @FUZZ
    @given(data=st.binary(max_size=2000), forced=st.booleans())
    def random_bytes(data, forced):
        check(data, fmt, forced)

    @FUZZ
    @given(data=mutated(SEEDS[fmt]), forced=st.booleans())
    def mutated_file(data, forced):
        check(data, fmt, forced)

    @FUZZ
    @given(text=st.text(max_size=600), forced=st.booleans())
    def random_text(text, forced):
        check(text.encode("utf-8", "surrogatepass"), fmt, forced)

    return random_bytes, mutated_file, random_text


test_jsonl_random_bytes, test_jsonl_mutated, test_jsonl_random_text = _tests_for("jsonl")
test_csv_random_bytes, test_csv_mutated, test_csv_random_text = _tests_for("csv")
test_hf_random_bytes, test_hf_mutated, test_hf_random_text = _tests_for("hf")
test_bibtex_random_bytes, test_bibtex_mutated, test_bibtex_random_text = _tests_for("bibtex")
test_json_random_bytes, test_json_mutated, test_json_random_text = _tests_for("json")
test_atom_random_bytes, test_atom_mutated, test_atom_random_text = _tests_for("arxiv-atom")
test_snapshot_random_bytes, test_snapshot_mutated, test_snapshot_random_text = _tests_for("arxiv-snapshot")
test_openalex_random_bytes, test_openalex_mutated, test_openalex_random_text = _tests_for("openalex")


@FUZZ
@given(records=st.lists(st.dictionaries(
    st.sampled_from(["id", "title", "abstract", "summary", "authors", "date", "doi", "url", "references", "categories"]),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
                 lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                 max_leaves=6)), min_size=1, max_size=6))
def test_jsonl_records_of_any_shape(records):
    import json

    check("\n".join(json.dumps(r) for r in records).encode(), "jsonl", True)
