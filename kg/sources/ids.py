"""Stable paper ids and identifier normalisation.

A paper's id is, in order of preference:

* ``arxiv:2304.01234`` when its arXiv id is known (prefix and version stripped),
* ``doi:10.1234/abc`` (lower-cased) when it has a DOI,
* ``title:<16 hex>`` -- sha1 of the normalised title (or of the abstract when untitled).

Inputs that carry their own ``id`` (jsonl / json / csv) keep it verbatim instead.
"""

from __future__ import annotations

import hashlib
import re

_ARXIV_NEW = re.compile(r"^(\d{4}\.\d{4,5})(?:v\d+)?$")
_ARXIV_OLD = re.compile(r"^([a-z][a-z\-]*(?:\.[a-z]{2})?/\d{7})(?:v\d+)?$", re.I)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf|html)/([A-Za-z\-.]*/?\d{4,7}(?:\.\d{4,5})?(?:v\d+)?)", re.I)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.I)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_OPENALEX = re.compile(r"^(?:https?://openalex\.org/|openalex:)(W\d+)$", re.I)


def normalise_arxiv_id(value: object) -> str | None:
    """``"arXiv:2304.01234v2"``, an abs/pdf URL or ``"hep-th/9901001"`` -> bare id; else None."""
    if not isinstance(value, str):
        return None
    s = value.strip()
    m = _ARXIV_URL.search(s)
    if m:
        s = m.group(1)
    s = re.sub(r"^arxiv:\s*", "", s, flags=re.I).removesuffix(".pdf")
    m = _ARXIV_DOI.match(s)
    if m:
        s = m.group(1)
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        m = pattern.match(s)
        if m:
            return m.group(1)
    return None


def arxiv_id_from_url(url: object) -> str | None:
    """The arXiv id inside an ``arxiv.org/abs/...`` or ``/pdf/...`` URL, if any."""
    if not isinstance(url, str):
        return None
    m = _ARXIV_URL.search(url)
    return normalise_arxiv_id(m.group(1)) if m else None


def normalise_doi(value: object) -> str | None:
    """``"https://doi.org/10.1/AbC"`` or ``"doi:10.1/AbC"`` -> ``"10.1/abc"``; None if not a DOI."""
    if not isinstance(value, str):
        return None
    s = _DOI_PREFIX.sub("", value.strip()).strip().lower()
    return s if s.startswith("10.") and "/" in s and " " not in s else None


def arxiv_id_from_doi(doi: str | None) -> str | None:
    """arXiv's own DOIs (``10.48550/arXiv.2304.01234``) carry the arXiv id."""
    m = _ARXIV_DOI.match(doi or "")
    return normalise_arxiv_id(m.group(1)) if m else None


def normalise_title(title: str) -> str:
    """Lower-case, alphanumerics only, single spaces: the key two spellings of one title share."""
    return " ".join(re.sub(r"[\W_]+", " ", (title or "").lower()).split())


def paper_id(arxiv_id: str | None = None, doi: str | None = None, title: str = "", abstract: str = "") -> str:
    """Stable id: ``arxiv:…`` else ``doi:…`` else ``title:<sha1[:16]>`` (abstract if no title)."""
    a = normalise_arxiv_id(arxiv_id) if arxiv_id else None
    if a:
        return f"arxiv:{a}"
    d = normalise_doi(doi) if doi else None
    if d:
        a = arxiv_id_from_doi(d)
        return f"arxiv:{a}" if a else f"doi:{d}"
    key = normalise_title(title) or normalise_title(abstract[:2000])
    return "title:" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def ref_id(value: object) -> str | None:
    """Normalise one cited-work identifier.

    arXiv ids/URLs -> ``arxiv:…``, DOIs/doi.org URLs -> ``doi:…``, OpenAlex URLs -> ``openalex:W…``;
    anything else (e.g. a Semantic Scholar paperId) is kept verbatim so it can match verbatim ids.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        return None
    s = value.strip()
    m = _OPENALEX.match(s)
    if m:
        return f"openalex:{m.group(1).upper()}"
    if re.match(r"^(arxiv:|https?://(www\.)?arxiv\.org/)", s, re.I) or _ARXIV_NEW.match(s):
        a = normalise_arxiv_id(s)
        if a:
            return f"arxiv:{a}"
    d = normalise_doi(s)
    if d and (s.lower().startswith(("doi:", "10.", "http"))):
        a = arxiv_id_from_doi(d)
        return f"arxiv:{a}" if a else f"doi:{d}"
    return s
