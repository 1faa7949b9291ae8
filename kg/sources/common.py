"""Helpers every reader shares: decoding, text cleaning, field coercion, dates, references."""

from __future__ import annotations

import codecs
import email.utils
import io
import re
from datetime import datetime

from kg.errors import RecordError

from .ids import normalise_doi, ref_id

MAX_ABSTRACT = 100_000

# Control characters (C0 except tab/newline, DEL, C1), BOM/zero-width no-break space.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\u200b]")
_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}


# ---------------------------------------------------------------- decoding

def _encoding_for(head: bytes) -> str:
    """Encoding from a byte-order mark; UTF-8 (errors replaced) when there is none."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8"


def open_text(path: str, newline: str | None = None) -> io.TextIOWrapper:
    """Open for streaming text; never raises on bad bytes (they become U+FFFD)."""
    with open(path, "rb") as f:
        head = f.read(4)
    return open(path, encoding=_encoding_for(head), errors="replace", newline=newline)


def read_text(path: str) -> str:
    """Whole file as text with line endings normalised to ``\\n``."""
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode(_encoding_for(data[:4]), errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------- cleaning

def clean_text(value: str) -> str:
    """Strip control characters, collapse spaces, keep line and (single) paragraph breaks."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    if "\n" not in value:
        return " ".join(value.split())
    lines: list[str] = []
    for raw in value.split("\n"):
        line = " ".join(raw.split())
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def collapse(value: str) -> str:
    """Control characters out, all whitespace runs to one space."""
    return " ".join(_CONTROL.sub("", value).split())


def opt_str(record: dict, *keys: str) -> str | None:
    """First present key's value as a string; RecordError when it has the wrong type."""
    for key in keys:
        if key not in record or record[key] is None:
            continue
        value = record[key]
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool) and key not in ("title", "abstract", "summary"):
            return str(value)
        raise RecordError(f"field {key!r} must be a string, got {type(value).__name__}")
    return None


def split_authors(value: object) -> list[str]:
    """A list (of names or ``{"name": …}``) or a ``;`` / `` and `` / ``,`` separated string."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        if ";" in value:
            parts = value.split(";")
        elif re.search(r"\sand\s", value):
            parts = re.split(r",\s*|\s+and\s+", value)
        else:
            parts = value.split(",")
        return [collapse(p) for p in parts if collapse(p)]
    if isinstance(value, list):
        names = []
        for a in value:
            if isinstance(a, dict):
                a = a.get("name") or a.get("display_name") or ""
            if not isinstance(a, str):
                raise RecordError(f"authors must be names, got {type(a).__name__}")
            if collapse(a):
                names.append(collapse(a))
        return names
    raise RecordError(f"authors must be a list or a string, got {type(value).__name__}")


def str_list(value: object, field: str) -> list[str]:
    """A list of strings or a whitespace-separated string (categories, keywords)."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise RecordError(f"{field} must be a list of strings or a string")


# ---------------------------------------------------------------- dates

def normalise_date(value: object) -> str | None:
    """ISO ``yyyy-mm-dd`` / ``yyyy-mm`` / ``yyyy`` from common spellings; None if unparseable."""
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 2999:
        return str(value)
    if not isinstance(value, str) or not value.strip():
        return None
    s = value.strip()
    m = re.match(r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?(?:[T ]|$)", s)
    if m:
        y, mo, d = m.groups()
        if mo and not 1 <= int(mo) <= 12:
            return y
        if d and 1 <= int(d) <= 31:
            return f"{y}-{int(mo):02d}-{int(d):02d}"
        return f"{y}-{int(mo):02d}" if mo else y
    try:
        return email.utils.parsedate_to_datetime(s).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %Y", "%b %Y"):
        try:
            dt = datetime.strptime(s, fmt)
            return dt.strftime("%Y-%m") if "%d" not in fmt else dt.date().isoformat()
        except ValueError:
            continue
    return None


def year_month(year: object, month: object = None) -> str | None:
    """BibTeX-style year + month (``"mar"``, ``"March"``, ``3``) -> ``yyyy`` or ``yyyy-mm``."""
    y = re.search(r"\d{4}", str(year or ""))
    if not y:
        return None
    m = str(month or "").strip().lower()
    num = int(m) if m.isdigit() else _MONTHS.get(m[:3])
    return f"{y.group()}-{num:02d}" if num and 1 <= num <= 12 else y.group()


# ---------------------------------------------------------------- references

def parse_references(value: object) -> list[dict]:
    """Semantic-Scholar style ``[{"paperId"|"id"|"arxivId"|"doi", "title"}]`` or a list of ids."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"references must be a list, got {type(value).__name__}")
    refs = []
    for r in value:
        if isinstance(r, dict):
            title = r.get("title") if isinstance(r.get("title"), str) else None
            rid = None
            for key in ("paperId", "id", "arxivId", "arxiv_id", "doi", "DOI"):
                raw = r.get(key)
                if raw:
                    rid = ref_id(f"arxiv:{raw}" if key.startswith("arxiv") and isinstance(raw, str)
                                 else f"doi:{normalise_doi(raw)}" if key.lower() == "doi" and normalise_doi(raw)
                                 else raw)
                    if rid:
                        break
            if rid is None and title:
                from .ids import paper_id
                rid = paper_id(title=title)
            if rid:
                refs.append({"id": rid, "title": collapse(title) if title else None})
        else:
            rid = ref_id(r)
            if rid:
                refs.append({"id": rid, "title": None})
    return refs
