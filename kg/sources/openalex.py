"""OpenAlex works: one work, a list of works, an API page ``{"results": [...]}``, or JSON Lines."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.errors import RecordError
from kg.models import Paper

from .common import collapse, normalise_date, opt_str
from .ids import arxiv_id_from_doi, arxiv_id_from_url, normalise_arxiv_id, normalise_doi, paper_id, ref_id
from .tabular import read_json, read_jsonl


def rebuild_abstract(index: object) -> str:
    """Words back in order from ``abstract_inverted_index`` ({word: [positions]})."""
    if index is None:
        return ""
    if not isinstance(index, dict):
        raise RecordError("abstract_inverted_index must be an object {word: [positions]}")
    slots: dict[int, str] = {}
    for word, positions in index.items():
        if not isinstance(positions, list):
            raise RecordError(f"abstract_inverted_index[{str(word)[:30]!r}] must be a list of positions")
        for p in positions:
            if isinstance(p, int) and not isinstance(p, bool) and 0 <= p < 1_000_000:
                slots[p] = str(word)
    return " ".join(slots[k] for k in sorted(slots))


def _arxiv_from_work(work: dict, doi: str | None) -> str | None:
    ids = work.get("ids") if isinstance(work.get("ids"), dict) else {}
    for key in ("arxiv", "arxiv_id"):
        a = normalise_arxiv_id(ids.get(key)) or arxiv_id_from_url(ids.get(key))
        if a:
            return a
    locations = []
    for key in ("primary_location", "best_oa_location"):
        if isinstance(work.get(key), dict):
            locations.append(work[key])
    if isinstance(work.get("locations"), list):
        locations.extend(loc for loc in work["locations"] if isinstance(loc, dict))
    for loc in locations:
        for key in ("landing_page_url", "pdf_url"):
            a = arxiv_id_from_url(loc.get(key))
            if a:
                return a
    return arxiv_id_from_doi(doi)


def work_paper(work: object) -> Paper:
    """One OpenAlex work object."""
    if not isinstance(work, dict):
        raise RecordError(f"expected an OpenAlex work object, got {type(work).__name__}")
    title = opt_str(work, "title") or opt_str(work, "display_name") or ""
    abstract = collapse(rebuild_abstract(work.get("abstract_inverted_index")))
    if not abstract and isinstance(work.get("abstract"), str):
        abstract = work["abstract"]
    ids = work.get("ids") if isinstance(work.get("ids"), dict) else {}
    doi = normalise_doi(opt_str(work, "doi")) or normalise_doi(ids.get("doi"))
    arxiv = _arxiv_from_work(work, doi)
    authors = []
    for a in work.get("authorships") or []:
        name = a.get("author", {}).get("display_name") if isinstance(a, dict) and isinstance(a.get("author"), dict) else None
        if isinstance(name, str) and collapse(name):
            authors.append(collapse(name))
    refs = work.get("referenced_works") or []
    if not isinstance(refs, list):
        raise RecordError("referenced_works must be a list of OpenAlex ids")
    references = [{"id": r, "title": None} for r in (ref_id(x) for x in refs) if r]
    concepts = [c.get("display_name") for c in (work.get("concepts") or [])
                if isinstance(c, dict) and isinstance(c.get("display_name"), str)]
    url = None
    if isinstance(work.get("primary_location"), dict):
        url = work["primary_location"].get("landing_page_url")
    oa_id = ref_id(work.get("id")) if isinstance(work.get("id"), str) else None
    return Paper(
        id=paper_id(arxiv, doi, title, abstract), title=collapse(title), abstract=abstract, authors=authors,
        date=normalise_date(work.get("publication_date")) or normalise_date(work.get("publication_year")),
        url=url if isinstance(url, str) else (f"https://doi.org/{doi}" if doi else None),
        doi=doi, arxiv_id=arxiv, categories=concepts[:10], references=references,
        aliases=[oa_id] if oa_id and oa_id.startswith("openalex:") else [],
    )


def read_openalex(path: str) -> Iterator[tuple[int, Paper | str]]:
    with open(path, "rb") as f:
        head = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    first_line = head.split(b"\n", 1)[0].strip()
    jsonl = first_line.startswith(b"{") and first_line.endswith(b"}") and b"\n{" in head.replace(b"\r", b"")
    yield from (read_jsonl(path, work_paper) if jsonl and re.match(rb"^\{.*\}$", first_line) else
                read_json(path, work_paper))
