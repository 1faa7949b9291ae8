"""Read papers from input files: format detection, streaming, per-record error handling.

    report = Report()
    for paper in read_papers(["a.jsonl", "page.txt"], fmt=None, report=report):
        ...
    print(report.summary())   # "59 papers read, 2 skipped, 1 duplicate"

A file that cannot be read at all raises :class:`kg.errors.InputError`; one bad record only adds a
``"path:line: reason"`` warning, is counted in ``report.skipped`` and the run goes on.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from kg.errors import InputError
from kg.models import Paper

from .arxiv import read_atom
from .bibtex import read_bibtex
from .common import MAX_ABSTRACT, clean_text, collapse
from .openalex import read_openalex
from .tabular import SNAPSHOT_KEYS, read_csv, read_json, read_jsonl, read_snapshot
from .text import looks_like_hf, read_hf

__all__ = ["FORMATS", "Report", "detect_format", "read_papers"]

FORMATS = ("hf", "jsonl", "json", "csv", "arxiv-atom", "arxiv-snapshot", "openalex", "bibtex")
log = logging.getLogger("kg.sources")

READERS: dict[str, Callable[[str], Iterator[tuple[int, Paper | str]]]] = {
    "hf": read_hf,
    "jsonl": read_jsonl,
    "json": read_json,
    "csv": read_csv,
    "arxiv-atom": read_atom,
    "arxiv-snapshot": read_snapshot,
    "openalex": read_openalex,
    "bibtex": read_bibtex,
}
_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "csv",
               ".xml": "arxiv-atom", ".atom": "arxiv-atom", ".bib": "bibtex", ".bibtex": "bibtex",
               ".txt": "hf", ".md": "hf", ".text": "hf"}
_HOW = "pass --format with one of: " + ", ".join(FORMATS)


@dataclass
class Report:
    """What one or more ``read_papers`` calls did."""

    read: int = 0
    skipped: int = 0
    duplicates: int = 0
    warnings: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)  # path -> format used

    def warn(self, where: str, reason: str) -> None:
        message = f"{where}: {reason}"
        self.warnings.append(message)
        log.warning(message)

    def summary(self) -> str:
        s = "" if self.read == 1 else "s"
        d = "" if self.duplicates == 1 else "s"
        return f"{self.read} paper{s} read, {self.skipped} skipped, {self.duplicates} duplicate{d}"


# ---------------------------------------------------------------- detection

def _head(path: str, size: int = 65536) -> str:
    with open(path, "rb") as f:
        data = f.read(size)
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="ignore").lstrip("\ufeff")
    return data.decode("utf-8", errors="replace")


def _json_kind(head: str) -> str | None:
    """openalex / arxiv-snapshot when the keys say so, else None (generic)."""
    if "abstract_inverted_index" in head or re.search(r'"id"\s*:\s*"https://openalex\.org/W', head):
        return "openalex"
    keys = set(re.findall(r'"([A-Za-z_\-]+)"\s*:', head[:8000]))
    if len(SNAPSHOT_KEYS & keys) >= 2 and "abstract" in keys:
        return "arxiv-snapshot"
    return None


def _sniff(head: str) -> str | None:
    s = head.lstrip()
    if not s:
        return None
    if s[0] in "[{":
        kind = _json_kind(head)
        lines = [ln.strip() for ln in s.split("\n", 3)[:3] if ln.strip()]
        one_a_line = len(lines) >= 2 and lines[0][:1] == lines[1][:1] == "{" and lines[0].endswith("}")
        return kind or ("jsonl" if one_a_line else "json")
    if s.startswith("<"):
        return "arxiv-atom" if re.search(r"<feed|<entry|2005/Atom", s[:4000]) else None
    if re.match(r"@\s*\w+\s*[{(]", s) or re.search(r"^\s*@(article|inproceedings|misc|book|techreport)\s*\{", s, re.M | re.I):
        return "bibtex"
    header = s.split("\n", 1)[0].lower()
    if re.search(r"(^|[,\t\"])\s*(title|abstract)\s*\"?\s*($|[,\t])", header) and re.search(r"[,\t]", header):
        return "csv"
    if "\ufffd" * 4 in s[:4000] or s.count("\x00") > 10:
        return None
    return "hf" if looks_like_hf(head) else None


def detect_format(path: str) -> str:
    """Format of one file from its extension, refined (or found) by sniffing its content."""
    head = _head(path)
    ext = os.path.splitext(path)[1].lower()
    guess = _EXTENSIONS.get(ext)
    sniffed = _sniff(head)
    if guess == "jsonl":  # trust the name unless the content is plainly something else
        return sniffed if sniffed in ("openalex", "arxiv-snapshot") or head.lstrip()[:1] == "[" else guess
    if guess == "json":
        return sniffed if sniffed in ("openalex", "arxiv-snapshot", "jsonl") else guess
    if guess == "hf" and sniffed not in (None, "csv"):
        return sniffed  # a .txt that is really JSON, XML or BibTeX
    if guess:
        return guess
    if sniffed:
        return sniffed
    if not head.strip():
        raise InputError(f"{path}: file is empty; give a file with at least one paper record")
    raise InputError(f"{path}: cannot tell the input format from the name or content; {_HOW}")


# ---------------------------------------------------------------- reading

def _check(path: str, fmt: str | None) -> str:
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; {_HOW}")
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file; check the path")
    if os.path.isdir(path):
        raise InputError(f"{path}: is a directory; pass the paper files inside it")
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: not readable; check its permissions")
    if os.path.getsize(path) == 0:
        raise InputError(f"{path}: file is empty; give a file with at least one paper record")
    return fmt or detect_format(path)


def _finish(paper: Paper, where: str, report: Report) -> Paper | None:
    """Clean text fields; None (with a warning) when nothing is left of the paper."""
    paper.title = collapse(paper.title or "")
    abstract = clean_text(paper.abstract or "")
    if len(abstract) > MAX_ABSTRACT:
        report.warn(where, f"abstract truncated from {len(abstract)} to {MAX_ABSTRACT} characters")
        abstract = abstract[:MAX_ABSTRACT]
    paper.abstract = abstract
    if not paper.title and not paper.abstract:
        report.skipped += 1
        report.warn(where, "record has neither a title nor an abstract")
        return None
    paper.id = collapse(paper.id)
    paper.authors = [collapse(a) for a in paper.authors if collapse(a)]
    for name in ("url", "doi", "arxiv_id", "date"):
        value = getattr(paper, name)
        setattr(paper, name, collapse(value) or None if isinstance(value, str) else None)
    for alias in (f"arxiv:{paper.arxiv_id}" if paper.arxiv_id else None,
                  f"doi:{paper.doi}" if paper.doi else None):
        if alias and alias != paper.id and alias not in paper.aliases:
            paper.aliases.append(alias)
    paper.source = where
    return paper


def _read_file(path: str, fmt: str, report: Report, seen: dict[str, str]) -> Iterator[Paper]:
    yielded = dups = 0
    try:
        for line, item in READERS[fmt](path):
            where = f"{path}:{line}"
            if isinstance(item, str):
                report.skipped += 1
                report.warn(where, item)
                continue
            paper = _finish(item, where, report)
            if paper is None:
                continue
            if paper.id in seen:
                dups += 1
                report.duplicates += 1
                report.warn(where, f"duplicate id {paper.id} (first read at {seen[paper.id]}); skipped")
                continue
            seen[paper.id] = where
            yielded += 1
            report.read += 1
            yield paper
    except (OSError, MemoryError, RecursionError) as e:
        raise InputError(f"{path}: cannot read ({type(e).__name__}: {e}); check the file") from None
    if yielded == 0 and dups == 0:
        raise InputError(f"{path}: no parseable {fmt} record found; check the file, or {_HOW} "
                         f"if it is not {fmt}")


def read_papers(paths: Iterable[str] | str, fmt: str | None = None, report: Report | None = None) -> Iterator[Paper]:
    """Yield each paper of each file once (by id), streaming line-based formats.

    ``fmt`` forces one format for every file; None detects each file's format.  All files are
    checked (exist, readable, detectable) before the first paper is yielded.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = [os.fspath(p) for p in paths]
    report = report if report is not None else Report()
    plan = [(p, _check(p, fmt)) for p in paths]
    seen: dict[str, str] = {}
    for path, f in plan:
        report.formats[path] = f
        yield from _read_file(path, f, report, seen)
