"""arXiv API responses (Atom XML, ``http://export.arxiv.org/api/query?...``)."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from kg.errors import InputError
from kg.models import Paper

from .common import collapse, normalise_date
from .ids import normalise_arxiv_id, normalise_doi, paper_id

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"


def _text(entry, tag: str) -> str:
    el = entry.find(tag)
    return collapse("".join(el.itertext())) if el is not None else ""


def entry_paper(entry) -> Paper | str:
    """One ``<entry>``: a Paper, or the reason it cannot be one."""
    raw_id = _text(entry, ATOM + "id")
    title = _text(entry, ATOM + "title")
    summary = _text(entry, ATOM + "summary")
    if "/api/errors" in raw_id or (title == "Error" and summary):
        return f"arXiv API error entry: {summary[:200]}"
    arxiv = normalise_arxiv_id(raw_id)
    doi = normalise_doi(_text(entry, ARXIV + "doi"))
    authors = [collapse("".join(a.itertext())) for a in entry.findall(f"{ATOM}author/{ATOM}name")]
    categories = []
    for el in entry.findall(ARXIV + "primary_category") + entry.findall(ATOM + "category"):
        term = (el.get("term") or "").strip()
        if term and term not in categories:
            categories.append(term)
    url = None
    for link in entry.findall(ATOM + "link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            url = link.get("href")
            break
    if url is None and raw_id.startswith("http"):
        url = raw_id
    return Paper(
        id=paper_id(arxiv, doi, title, summary), title=title, abstract=summary,
        authors=[a for a in authors if a],
        date=normalise_date(_text(entry, ATOM + "published") or _text(entry, ATOM + "updated")),
        url=url, doi=doi, arxiv_id=arxiv, categories=categories,
    )


def read_atom(path: str) -> Iterator[tuple[int, Paper | str]]:
    """Each ``<entry>`` of an Atom feed; broken XML is recovered as far as possible."""
    parser = etree.XMLParser(recover=True, huge_tree=True, resolve_entities=False, no_network=True)
    try:
        tree = etree.parse(path, parser)
    except (etree.XMLSyntaxError, OSError, ValueError) as e:
        raise InputError(f"{path}: not readable as XML ({e}); use --format to pick another format") from None
    root = tree.getroot() if tree is not None else None
    if root is None:
        raise InputError(f"{path}: no XML content; is it really an arXiv Atom feed? (use --format)")
    entries = [root] if root.tag == ATOM + "entry" else root.iter(ATOM + "entry")
    for n, entry in enumerate(entries, start=1):
        yield entry.sourceline or n, entry_paper(entry)
