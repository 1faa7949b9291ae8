"""Plain text copied or saved from a Hugging Face papers page (``hf`` format).

Layout: some page chrome (``new``, ``Subscribe``, ``byAK and the research community``, a date),
then blank-line separated blocks: a title, then its abstract (one or more paragraphs), then the
next title.  Per-paper chrome (``· Submitted by X``, upvote counts, ``· 12 authors``) is dropped.

A block is a *title* when it is short, has no sentence-final period and no URL; otherwise it is
abstract text and belongs to the latest title.  Title lines that wrap are joined; a title glued to
its abstract without a blank line is split off.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.models import Paper

from .common import clean_text, collapse, read_text
from .ids import paper_id

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_CHROME_LINE = re.compile(
    r"^(?:"
    r"new|subscribe|daily papers|papers|trending|collections|search|upvote|upvoted|"
    r"get trending papers in your email inbox!?|by\s*ak and the research community|"
    r"(?:published|submitted)(?: on)?:? .*\d.*|"
    r"[·•]?\s*submitted by\b.*|"
    r"[·•]?\s*\d+\s+authors?|"
    r"[▲△⬆↑]?\s*\d+(?:\.\d+)?k?\s*(?:upvotes?|comments?)?|"
    r"(?:view|open) (?:pdf|arxiv page|paper)|arxiv page|github|project page|"
    r"(?:previous|next|see all|load more|show more)(?: papers| page)?|"
    + _MONTH + r" \d{1,2}(?:,? \d{4})?|\d{1,2} " + _MONTH + r"(?: \d{4})?|"
    r"\d{4}-\d{2}-\d{2}|" + _MONTH + r" \d{4}|"
    r"[·•|\-–—]+"
    r")$",
    re.I,
)
_URL = re.compile(r"https?://|www\.", re.I)
MAX_TITLE_CHARS = 300
MAX_TITLE_WORDS = 40


def is_chrome(line: str) -> bool:
    """A line of page furniture rather than paper text."""
    return bool(_CHROME_LINE.match(line.strip()))


def is_title(text: str) -> bool:
    """Short, single sentence, no final period, no URL: looks like a paper title."""
    t = text.strip()
    if not t or len(t) > MAX_TITLE_CHARS or len(t.split()) > MAX_TITLE_WORDS or _URL.search(t):
        return False
    if t.endswith((".", ";", ",", ":")) and not t.endswith("..."):
        return False
    # Several sentences ("... results. We ...") mean prose, not a title.
    return not re.search(r"[a-z0-9)][.!?] [A-Z][a-z]+ [a-z]", t)


def _blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines) for each run of non-blank, non-chrome lines."""
    start, lines, drop_next = 0, [], False
    for n, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if drop_next and line:
            drop_next = False
            continue
        if not line:
            if lines:
                yield start, lines
            lines = []
            continue
        if is_chrome(line):
            drop_next = bool(re.match(r"^[·•]?\s*submitted by$", line, re.I))
            continue
        if not lines:
            start = n
        lines.append(line)
    if lines:
        yield start, lines


def _split_block(start: int, lines: list[str], expect_title: bool) -> list[tuple[int, str, bool]]:
    """Turn a block into (line, text, is_title) pieces.

    Where a title is due (start of page, or after an abstract), a title line glued to the
    abstract below it is split off: first line title-like, next line starting a sentence.
    """
    joined = " ".join(lines)
    if len(lines) == 1 or is_title(joined):
        return [(start, joined, is_title(joined))]
    rest = " ".join(lines[1:])
    if (expect_title and is_title(lines[0]) and not is_title(rest) and lines[1][:1].isupper()
            and (len(rest) > 150 or len(lines) > 2)):
        return [(start, lines[0], True), (start + 1, rest, False)]
    return [(start, joined, False)]


def _pieces(text: str) -> list[tuple[int, str, bool]]:
    pieces: list[tuple[int, str, bool]] = []
    for start, lines in _blocks(text):
        pieces.extend(_split_block(start, lines, not pieces or not pieces[-1][2]))
    return pieces


def read_hf(path: str) -> Iterator[tuple[int, Paper | str]]:
    """Papers from a saved/pasted Hugging Face papers page."""
    pieces = _pieces(read_text(path))
    seen_abstract = False
    i = 0
    while i < len(pieces):
        line, text, title_like = pieces[i]
        if not title_like:
            # Prose with no title before it (e.g. page intro text): not a paper.
            i += 1
            continue
        j = i + 1
        paragraphs = []
        while j < len(pieces) and not pieces[j][2]:
            paragraphs.append(pieces[j][1])
            j += 1
        if not paragraphs and not seen_abstract:
            i = j  # unknown short lines before the first paper are page chrome
            continue
        seen_abstract = seen_abstract or bool(paragraphs)
        title = collapse(text)
        abstract = clean_text("\n\n".join(paragraphs))
        yield line, Paper(id=paper_id(None, None, title, abstract), title=title, abstract=abstract)
        i = j


def looks_like_hf(text: str) -> bool:
    """Content sniff: at least one title block directly followed by a prose block."""
    pieces = _pieces(text[:200_000])
    return any(a[2] and not b[2] and len(b[1]) >= 100 for a, b in zip(pieces, pieces[1:]))
