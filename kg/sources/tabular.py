"""Record-oriented inputs: JSON Lines, JSON documents, CSV/TSV and the arXiv metadata snapshot.

Every reader yields ``(line, Paper)`` for a good record and ``(line, "reason")`` for a bad one;
``line`` is the 1-based line the record starts on.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator

from kg.errors import InputError, RecordError
from kg.models import Paper

from .common import (collapse, normalise_date, open_text, opt_str, parse_references, read_text,
                     split_authors, str_list)
from .ids import arxiv_id_from_doi, arxiv_id_from_url, normalise_arxiv_id, normalise_doi, paper_id

Item = tuple[int, "Paper | str"]
Converter = Callable[[object], Paper]

SNAPSHOT_KEYS = {"versions", "update_date", "categories", "authors_parsed", "submitter", "journal-ref"}
LIST_KEYS = ("papers", "results", "data", "works", "items", "records")

csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))


# ---------------------------------------------------------------- record converters

def generic_paper(rec: object) -> Paper:
    """A ``{id, title, abstract|summary, authors, date, url, doi, references, …}`` record."""
    if not isinstance(rec, dict):
        raise RecordError(f"expected a JSON object, got {type(rec).__name__}")
    rec = {str(k).strip(): v for k, v in rec.items()}
    title = opt_str(rec, "title") or ""
    abstract = opt_str(rec, "abstract", "summary", "abstractText") or ""
    url = opt_str(rec, "url", "link")
    doi = normalise_doi(opt_str(rec, "doi", "DOI"))
    arxiv = (normalise_arxiv_id(opt_str(rec, "arxiv_id", "arxivId", "arxiv", "eprint"))
             or arxiv_id_from_url(url) or arxiv_id_from_doi(doi))
    explicit = opt_str(rec, "id", "paper_id", "paperId")
    pid = explicit.strip() if explicit and explicit.strip() else paper_id(arxiv, doi, title, abstract)
    return Paper(
        id=pid, title=title, abstract=abstract,
        authors=split_authors(rec.get("authors") or rec.get("author")),
        date=normalise_date(rec.get("date") or rec.get("published") or rec.get("publication_date")
                            or rec.get("year")),
        url=url, doi=doi, arxiv_id=arxiv,
        categories=str_list(rec.get("categories"), "categories"),
        references=parse_references(rec.get("references")),
    )


def snapshot_paper(rec: object) -> Paper:
    """One line of the arXiv metadata snapshot (Kaggle ``arxiv-metadata-oai-snapshot.json``)."""
    if not isinstance(rec, dict):
        raise RecordError(f"expected a JSON object, got {type(rec).__name__}")
    raw_id = opt_str(rec, "id")
    arxiv = normalise_arxiv_id(raw_id)
    if raw_id and not arxiv:
        raise RecordError(f"not an arXiv id: {raw_id[:60]!r}")
    title = collapse(opt_str(rec, "title") or "")
    abstract = collapse(opt_str(rec, "abstract") or "")
    doi = normalise_doi(opt_str(rec, "doi"))
    parsed = rec.get("authors_parsed")
    if isinstance(parsed, list) and parsed and all(isinstance(a, list) for a in parsed):
        authors = [collapse(" ".join(str(x) for x in (a[1:2] + a[:1] + a[2:3]) if x)) for a in parsed]
        authors = [a for a in authors if a]
    else:
        authors = split_authors(rec.get("authors"))
    date = None
    versions = rec.get("versions")
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        date = normalise_date(versions[0].get("created"))
    return Paper(
        id=paper_id(arxiv, doi, title, abstract), title=title, abstract=abstract, authors=authors,
        date=date or normalise_date(rec.get("update_date")),
        url=f"https://arxiv.org/abs/{arxiv}" if arxiv else None, doi=doi, arxiv_id=arxiv,
        categories=str_list(rec.get("categories"), "categories"),
        references=parse_references(rec.get("references")),
    )


def convert(conv: Converter, line: int, rec: object) -> Item:
    try:
        return line, conv(rec)
    except RecordError as e:
        return line, str(e)
    except (TypeError, ValueError, AttributeError, KeyError) as e:  # defensive: odd shapes
        return line, f"malformed record ({type(e).__name__}: {e})"


# ---------------------------------------------------------------- readers

def read_jsonl(path: str, conv: Converter = generic_paper) -> Iterator[Item]:
    """One JSON object a line; streamed, so any size is fine."""
    decoder = json.JSONDecoder(strict=False)
    with open_text(path) as f:
        for n, line in enumerate(f, start=1):
            s = line.strip()
            if not s:
                continue
            try:
                rec = decoder.decode(s)
            except (json.JSONDecodeError, RecursionError) as e:
                yield n, f"invalid JSON ({getattr(e, 'msg', 'too deeply nested')})"
                continue
            yield convert(conv, n, rec)


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\n\r":
        i += 1
    return i


class BadJson(str):
    """Marks a reason string yielded in place of a JSON value that could not be decoded."""


def _iter_array(text: str, i: int, decoder: json.JSONDecoder) -> Iterator[tuple[int, object]]:
    """Elements of the JSON array starting at ``text[i] == "["`` with their line numbers.

    A syntax error yields ``(line, BadJson)`` and stops (the rest cannot be trusted).
    """
    line, last = 1 + text.count("\n", 0, i), i
    pos = _skip_ws(text, i + 1)
    if pos < len(text) and text[pos] == "]":
        return
    while True:
        line, last = line + text.count("\n", last, pos), pos
        try:
            value, end = decoder.raw_decode(text, pos)
        except (json.JSONDecodeError, RecursionError) as e:
            yield line, BadJson(f"invalid JSON ({getattr(e, 'msg', 'too deeply nested')}); rest of the file skipped")
            return
        yield line, value
        pos = _skip_ws(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            return
        yield line + text.count("\n", last, pos), BadJson("invalid JSON (expected ',' or ']' after a record); "
                                                           "rest of the file skipped")
        return


def _iter_values(text: str, i: int, decoder: json.JSONDecoder) -> Iterator[tuple[int, object]]:
    """Top-level values one after another (one object, JSON Lines, concatenated JSON).

    After a syntax error, reading resumes at the next line that starts with ``{``.
    """
    line, last = 1 + text.count("\n", 0, i), i
    while i < len(text):
        line, last = line + text.count("\n", last, i), i
        try:
            value, end = decoder.raw_decode(text, i)
        except (json.JSONDecodeError, RecursionError) as e:
            yield line, BadJson(f"invalid JSON ({getattr(e, 'msg', 'too deeply nested')})")
            m = re.compile(r"\n[ \t]*\{").search(text, i + 1)
            if not m:
                return
            i = m.start() + 1
            continue
        yield line, value
        i = _skip_ws(text, end)


def iter_json_document(path: str) -> Iterator[tuple[int, object]]:
    """Records of a JSON array, of a list under ``papers``/``results``/``data``, or of top-level
    objects (one, or several one after another)."""
    text = read_text(path)
    decoder = json.JSONDecoder(strict=False)
    i = _skip_ws(text, 0)
    if i >= len(text):
        raise InputError(f"{path}: file is empty; give a file with at least one paper record")
    if text[i] == "[":
        try:
            _, end = decoder.raw_decode(text, i)
        except (json.JSONDecodeError, RecursionError):
            end = len(text)
        if _skip_ws(text, end) >= len(text):
            yield from _iter_array(text, i, decoder)
            return
        # an array followed by more values (e.g. "[]" then JSON Lines): concatenated values
        for line, value in _iter_values(text, i, decoder):
            if isinstance(value, list):
                yield from ((line, x) for x in value)
            else:
                yield line, value
        return
    values = _iter_values(text, i, decoder)
    line, obj = next(values)
    if isinstance(obj, dict):
        for key in LIST_KEYS:
            if isinstance(obj.get(key), list):
                items = obj[key]
                m = re.search(r'"%s"\s*:\s*\[' % key, text)
                located = list(_iter_array(text, m.end() - 1, decoder)) if m else []
                if len(located) == len(items) and all(v == x for (_, v), x in zip(located, items)):
                    yield from located
                else:
                    yield from ((line, x) for x in items)
                return
    yield line, obj
    yield from values


def read_json(path: str, conv: Converter = generic_paper) -> Iterator[Item]:
    for line, rec in iter_json_document(path):
        yield (line, str(rec)) if isinstance(rec, BadJson) else convert(conv, line, rec)


def read_snapshot(path: str) -> Iterator[Item]:
    """The arXiv snapshot is JSON Lines; a JSON array of the same records is accepted too."""
    with open_text(path) as f:
        head = f.read(256).lstrip()
    yield from (read_json if head.startswith("[") else read_jsonl)(path, snapshot_paper)


def read_csv(path: str) -> Iterator[Item]:
    """CSV or TSV with a header row naming at least ``title`` or ``abstract``; streamed."""
    with open_text(path, newline="") as f:
        first = f.readline()
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        f.seek(0)
        lines = (line.replace("\0", "") for line in f)
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            header = next(reader)
        except (StopIteration, csv.Error):
            raise InputError(f"{path}: no CSV header row; the first line must name the columns "
                             "(id,title,abstract,...)") from None
        header = [h.strip().lstrip("\ufeff").lower() for h in header]
        if not {"title", "abstract", "summary"} & set(header):
            raise InputError(f"{path}: CSV header {header[:8]} has no 'title' or 'abstract' column; "
                             "rename the columns or use --format for another format")
        start = reader.line_num + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                yield start, f"unreadable CSV row ({e})"
                start = reader.line_num + 1
                continue
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                yield line, f"row has {len(row)} fields but the header has {len(header)} (unquoted comma?)"
                continue
            rec = {h: v for h, v in zip(header, row) if h and v.strip()}
            for key in ("references", "authors"):
                if key in rec and rec[key].lstrip().startswith("["):
                    try:
                        rec[key] = json.loads(rec[key])
                    except json.JSONDecodeError:
                        pass
            if isinstance(rec.get("references"), str):
                rec["references"] = [r for r in re.split(r"[;\s]+", rec["references"]) if r]
            yield convert(generic_paper, line, rec)
