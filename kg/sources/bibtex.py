"""BibTeX files (bibtexparser v1 API).  Entries are parsed one at a time so a broken entry only
costs itself, and every warning can name the line the entry starts on."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from kg.errors import RecordError
from kg.models import Paper

from .common import collapse, read_text, split_authors, year_month
from .ids import arxiv_id_from_doi, arxiv_id_from_url, normalise_arxiv_id, normalise_doi, paper_id

_ENTRY_START = re.compile(r"^[ \t]*@", re.M)
_ACCENTS = {"\"": "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "c": "\u0327",
            "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b"}


def _parser():
    from bibtexparser.bparser import BibTexParser

    return BibTexParser(common_strings=True, ignore_nonstandard_types=False, interpolate_strings=True)


def detex(value: str) -> str:
    """Braces off, common accents and escapes to Unicode, ``--`` to a dash, whitespace collapsed."""
    import unicodedata

    s = re.sub(r"\\([\"'`^~=.]|[cuvH](?=[{ ]))\s*\{?\s*\\?([A-Za-z])\}?",
               lambda m: unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)]), value)
    s = re.sub(r"\\(?:textit|textbf|emph|mathrm|texttt|textsc|mathcal|mathbf)\s*", "", s)
    s = re.sub(r"\\([&%$#_{}])", r"\1", s)
    s = s.replace("{", "").replace("}", "").replace("---", "\u2014").replace("--", "\u2013").replace("~", " ")
    return collapse(s)


def _first_last(name: str) -> str:
    """``"Vaswani, Ashish"`` -> ``"Ashish Vaswani"`` (BibTeX's "Last, First" order)."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2 and all(parts):
        return f"{parts[1]} {parts[0]}"
    if len(parts) == 3 and parts[0] and parts[2]:  # "Last, Jr, First"
        return f"{parts[2]} {parts[0]} {parts[1]}".strip()
    return name


def entry_paper(entry: dict) -> Paper:
    """One bibtexparser entry dict (lower-case field names, ``ID``, ``ENTRYTYPE``)."""
    title = detex(entry.get("title", ""))
    abstract = detex(entry.get("abstract", ""))
    url = collapse(entry.get("url", "")) or None
    doi = normalise_doi(detex(entry.get("doi", "")))
    arxiv = None
    eprint = collapse(entry.get("eprint", ""))
    prefix = entry.get("archiveprefix", entry.get("eprinttype", "")).lower()
    if eprint and (prefix == "arxiv" or not prefix or eprint.lower().startswith("arxiv:")):
        arxiv = normalise_arxiv_id(eprint)
    arxiv = arxiv or arxiv_id_from_url(url) or arxiv_id_from_doi(doi)
    if not arxiv and "arxiv" in entry.get("journal", "").lower():
        m = re.search(r"(\d{4}\.\d{4,5})", entry["journal"])
        arxiv = m.group(1) if m else None
    authors = split_authors(detex(entry.get("author", "")).replace(" AND ", " and "))
    if re.search(r"\s+and\s+", entry.get("author", "")) or "," in entry.get("author", ""):
        authors = [_first_last(detex(a)) for a in re.split(r"\s+and\s+", entry["author"]) if detex(a)]
    categories = [c for c in re.split(r"[,;]\s*", entry.get("keywords", "")) if c.strip()]
    return Paper(
        id=paper_id(arxiv, doi, title, abstract), title=title, abstract=abstract,
        authors=authors, date=year_month(entry.get("year"), entry.get("month")),
        url=url or (f"https://arxiv.org/abs/{arxiv}" if arxiv else None), doi=doi, arxiv_id=arxiv,
        categories=[collapse(c) for c in categories][:20],
    )


def read_bibtex(path: str) -> Iterator[tuple[int, Paper | str]]:
    text = read_text(path)
    parser = _parser()
    parser.expect_multiple_parse = True
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    starts = [m.start() for m in _ENTRY_START.finditer(text)]
    for k, pos in enumerate(starts):
        chunk = text[pos: starts[k + 1] if k + 1 < len(starts) else len(text)]
        line = 1 + text.count("\n", 0, pos)
        kind = re.match(r"\s*@\s*(\w*)", chunk).group(1).lower()
        if kind in ("comment", "preamble"):
            continue
        before = len(parser.bib_database.entries)
        try:
            parser.parse(chunk, partial=False)
        except Exception as e:  # pyparsing raises many kinds on garbage
            yield line, f"unparseable BibTeX entry ({type(e).__name__})"
            continue
        new = parser.bib_database.entries[before:]
        del parser.bib_database.entries[:]  # keep @string macros, not every entry, in memory
        if kind == "string":
            continue
        if not new:
            yield line, "unparseable BibTeX entry (missing key, braces or '=')"
            continue
        for entry in new:
            try:
                yield line, entry_paper(entry)
            except RecordError as e:
                yield line, str(e)
