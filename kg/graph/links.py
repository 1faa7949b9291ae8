"""Paper-to-paper and paper-to-code links: pure functions over Papers and extraction records.

* :func:`citations` -- explicit citations (CITES): ``paper.references`` plus arXiv ids/URLs and DOIs
  written in the abstract.
* :func:`code_links` -- code/model repository URLs in the abstract (HAS_CODE).
* :func:`builds_on` -- inferred BUILDS_ON links: paper src mentions a method that corpus paper dst proposes.

Ids are normalised with :mod:`kg.sources.ids` (``arxiv:<id without version>``, ``doi:<lower-case>``,
``openalex:W…``), the same rules the sources use for paper ids, so targets match corpus paper ids.
"""

from __future__ import annotations

import re
from collections import defaultdict

from kg.graph.schema import entity_key
from kg.models import Paper
from kg.sources.ids import normalise_arxiv_id, normalise_doi, paper_id, ref_id

# ---------------------------------------------------------------------------------------------- helpers

_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[\"'])|\n\s*\n")
_TRAIL = ".,;:!?)]}>\"'`*"


def _sentences(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for m in _SENT_SPLIT.finditer(text):
        out.append((pos, m.start(), text[pos:m.start()]))
        pos = m.end()
    out.append((pos, len(text), text[pos:]))
    return out


def _sentence_at(text: str, offset: int) -> str:
    for s, e, sent in _sentences(text):
        if s <= offset <= e:
            return sent.strip()
    return text.strip()


def _own_ids(paper: Paper) -> set[str]:
    ids = {paper.id, *getattr(paper, "aliases", [])}
    if paper.arxiv_id or paper.doi:
        ids.add(paper_id(arxiv_id=paper.arxiv_id, doi=paper.doi))
    if paper.url:
        r = ref_id(paper.url)
        if r:
            ids.add(r)
    return {i for i in ids if i}


# ---------------------------------------------------------------------------------------------- citations

_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html)/(?P<url>\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)"
    r"|\barXiv\s*:\s*(?P<tag>\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?))",
    re.IGNORECASE,
)
_DOI_IN_TEXT = re.compile(r"(?:doi\.org/|\bdoi\s*:\s*)(?P<doi>10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)


def citations(paper: Paper) -> list[dict]:
    """Explicit citations: ``[{"id", "title", "evidence"}]``, deduplicated, own ids excluded.

    ``evidence`` is ``"references"`` for entries of ``paper.references`` and the abstract sentence for
    ids found in the text (``arXiv:2304.01234``, ``arxiv.org/abs/2304.01234v2``, ``doi.org/10.x/y``).
    """
    own = _own_ids(paper)
    out: list[dict] = []
    seen: set[str] = set()

    def add(rid, title, evidence):
        if rid and rid not in own and rid not in seen:
            seen.add(rid)
            out.append({"id": rid, "title": title or None, "evidence": evidence})

    for ref in paper.references or []:
        if isinstance(ref, str):
            ref = {"id": ref}
        if not isinstance(ref, dict):
            continue
        rid = ref_id(ref.get("id"))
        if rid is None and (ref.get("arxiv_id") or ref.get("doi")):
            rid = paper_id(arxiv_id=ref.get("arxiv_id"), doi=ref.get("doi"))
        add(rid, ref.get("title"), "references")

    text = paper.abstract or ""
    for m in _ARXIV_IN_TEXT.finditer(text):
        a = normalise_arxiv_id(m.group("url") or m.group("tag"))
        if a:
            add(f"arxiv:{a}", None, _sentence_at(text, m.start()))
    for m in _DOI_IN_TEXT.finditer(text):
        d = normalise_doi(m.group("doi").rstrip(_TRAIL))
        if d:
            add(ref_id("doi:" + d), None, _sentence_at(text, m.start()))
    return out


# ---------------------------------------------------------------------------------------------- code links

_CODE_URL = re.compile(
    r"(?:https?://)?(?:www\.)?(?P<host>github\.com|gitlab\.com|bitbucket\.org|huggingface\.co)/"
    r"(?P<path>[^\s\"<>()\[\]{}]+)",
    re.IGNORECASE,
)
_HF_KINDS = ("datasets", "spaces")


def canonical_code_url(url: str) -> str | None:
    """``github.com/Owner/Repo.git/tree/main).`` -> ``https://github.com/Owner/Repo``; None if not a repo URL."""
    m = _CODE_URL.search(url)
    if not m:
        return None
    host = m.group("host").lower()
    parts = [p for p in m.group("path").rstrip(_TRAIL).split("/") if p]
    if host == "huggingface.co" and parts and parts[0].lower() in _HF_KINDS:
        kind, parts = parts[0].lower(), parts[1:]
    else:
        kind = None
    parts = [p.rstrip(_TRAIL) for p in parts[:2]]
    parts = [p for p in parts if p]
    if not parts or parts[0].lower() in ("orgs", "users", "topics", "search", "about", "features", "blog", "papers"):
        return None
    if len(parts) == 2:
        parts[1] = re.sub(r"\.git$", "", parts[1], flags=re.IGNORECASE)
        if not parts[1]:
            parts = parts[:1]
    path = "/".join(([kind] if kind else []) + parts)
    return f"https://{host}/{path}"


def code_links(paper: Paper) -> list[dict]:
    """``[{"url", "evidence"}]`` for GitHub/GitLab/Bitbucket/Hugging Face URLs written in the abstract."""
    text = paper.abstract or ""
    out, seen = [], set()
    for m in _CODE_URL.finditer(text):
        url = canonical_code_url(m.group(0))
        if url and url.lower() not in seen:
            seen.add(url.lower())
            out.append({"url": url, "evidence": _sentence_at(text, m.start())})
    return out


# ---------------------------------------------------------------------------------------------- builds_on

# Words that never identify one paper's method, whatever the corpus says.
GENERIC_METHOD_NAMES = frozenset({
    "transformer", "transformers", "attention", "self-attention", "diffusion", "diffusion model", "model",
    "models", "network", "networks", "neural network", "baseline", "baselines", "framework", "method",
    "algorithm", "approach", "cnn", "rnn", "lstm", "gru", "mlp", "gan", "vae", "llm", "llms", "moe",
    "mixture of experts", "mixture-of-experts", "reinforcement learning", "deep learning", "fine-tuning",
    "pre-training", "pretraining", "distillation", "knowledge distillation", "pipeline", "pipeline parallelism",
    "data parallelism", "model parallelism", "tensor parallelism", "nas", "sgd", "adam", "dropout",
    "backpropagation", "encoder", "decoder", "autoencoder", "language model", "large language model",
})
MAX_MENTION_SHARE = 0.30  # a method mentioned by more than this share of papers is not specific ...
MIN_MENTION_PAPERS = 3  # ... once at least this many papers mention it (tiny corpora stay linkable)


def _name(e: dict) -> str:
    return (e.get("name") or e.get("text") or "").strip()


def _acronym_like(name: str) -> bool:
    """Family-match candidates: >= 4 chars, no spaces, and >= 2 capitals or a capital and a digit (DARTS, GPipe)."""
    if len(name) < 4 or " " in name:
        return False
    caps = sum(c.isupper() for c in name)
    return caps >= 2 or (caps >= 1 and any(c.isdigit() for c in name))


def _family_match(proposed: str, name: str) -> bool:
    """``proposed`` is a token-ish part of ``name`` (not all of it).

    Left of the occurrence: start, a non-alphanumeric, or a lower->upper case boundary ("sharpDARTS").
    Right of it: end, a non-letter ("PC-DARTS", "DARTS+", "DARTS2"), or an upper-case letter after a
    proposed name ending in lower case ("GPipeX" no, "InstaFlowXL" yes). Case-sensitive.
    """
    if proposed == name or len(name) <= len(proposed):
        return False
    for m in re.finditer(re.escape(proposed), name):
        s, e = m.start(), m.end()
        left_ok = s == 0 or not name[s - 1].isalnum() or (name[s - 1].islower() and proposed[0].isupper())
        right_ok = e == len(name) or not name[e].isalpha() or (name[e].isupper() and proposed[-1].islower())
        if left_ok and right_ok:
            return True
    return False


class BuildsOn:
    """Inferred BUILDS_ON links ``{"src", "dst", "via", "evidence"}`` in two passes over the records, so
    a corpus never has to be in memory at once: :meth:`add` every record (pass 1), then
    :meth:`links` per record (pass 2). :func:`builds_on` does both over a list.

    Rules (precision first):

    1. dst *proposes* a Method (entity role "proposes"); the method is *specific*: not generic, name >= 3
       chars, not in :data:`GENERIC_METHOD_NAMES`, proposed by exactly one paper of the corpus, and
       mentioned by at most ``max(MIN_MENTION_PAPERS, MAX_MENTION_SHARE * n_papers)`` papers.
    2. Exact: src (!= dst) mentions (role != "proposes", generic False) a Method whose canonical name
       (``name`` else ``text``) equals the proposed name, case-insensitively (``schema.entity_key``).
    3. Family: any Method entity of src -- proposed or mentioned -- whose name or surface contains the
       proposed name as a token-ish part (see :func:`_family_match`; only for acronym-like proposed
       names, :func:`_acronym_like`), e.g. "PC-DARTS"/"sharpDARTS" -> "DARTS". Not used when that
       name is itself exactly proposed by another corpus paper (rule 2 links to that paper instead).
       Candidates are looked up by their first four characters (all family names have >= 4), so the
       cost per mention is its length, not the number of proposed names.

    ``via`` is the proposed method's name as dst writes it; ``evidence`` the mention's sentence when the
    record carries one (``sentence``/``evidence`` key), else the mention text.
    """

    def __init__(self) -> None:
        self.n = 0
        self.proposers: dict[str, set[str]] = defaultdict(set)
        self.display: dict[str, str] = {}
        self.mentioned_by: dict[str, set[str]] = defaultdict(set)
        self._ready = False

    def add(self, rec: dict) -> None:
        """Pass 1: count one record's proposed and mentioned methods."""
        self.n += 1
        pid = rec.get("id")
        for e in rec.get("entities", []):
            if e.get("type") != "Method" or not _name(e):
                continue
            k = entity_key(_name(e))
            self.mentioned_by[k].add(pid)
            if e.get("role") == "proposes" and not e.get("generic"):
                self.proposers[k].add(pid)
                self.display.setdefault(k, _name(e))

    def _finish(self) -> None:
        limit = max(MIN_MENTION_PAPERS, MAX_MENTION_SHARE * self.n)
        self.specific = {
            k: next(iter(pids)) for k, pids in self.proposers.items()
            if len(pids) == 1 and len(k) >= 3 and k not in GENERIC_METHOD_NAMES and len(self.mentioned_by[k]) <= limit
        }
        self.family = [(k, self.display[k]) for k in self.specific if _acronym_like(self.display[k])]
        self.by_gram: dict[str, list[int]] = defaultdict(list)
        for i, (_, pname) in enumerate(self.family):
            self.by_gram[pname[:4]].append(i)
        self.mentioned_by.clear()  # not needed in pass 2
        self._ready = True

    def _family_candidates(self, *texts: str) -> list[int]:
        found: set[int] = set()
        for t in texts:
            for i in range(len(t) - 3):
                found.update(self.by_gram.get(t[i:i + 4], ()))
        return sorted(found)

    def links(self, rec: dict) -> list[dict]:
        """Pass 2: the BUILDS_ON links of one record (after every record went through :meth:`add`)."""
        if not self._ready:
            self._finish()
        out: list[dict] = []
        seen: set[tuple[str, str, str]] = set()
        src = rec.get("id")

        def add(dst, via, e):
            if src == dst or (src, dst, via) in seen:
                return
            seen.add((src, dst, via))
            ev = e.get("sentence") or e.get("evidence") or e.get("text") or _name(e)
            out.append({"src": src, "dst": dst, "via": via, "evidence": ev})

        for e in rec.get("entities", []):
            if e.get("type") != "Method" or e.get("generic") or not _name(e):
                continue
            k = entity_key(_name(e))
            if e.get("role") != "proposes" and k in self.specific:
                add(self.specific[k], self.display[k], e)
                continue
            if k in self.proposers and not (self.proposers[k] <= {src}):
                continue  # exactly someone else's method: rule 2 (or not specific)
            text = (e.get("text") or "").strip()
            for i in self._family_candidates(_name(e), text):
                fk, pname = self.family[i]
                if fk != k and (_family_match(pname, _name(e)) or _family_match(pname, text)):
                    add(self.specific[fk], pname, e)
        return out


def builds_on(records: list[dict]) -> list[dict]:
    """All inferred BUILDS_ON links of ``records`` (see :class:`BuildsOn`), in record order."""
    index = BuildsOn()
    for rec in records:
        index.add(rec)
    return [link for rec in records for link in index.links(rec)]


__all__ = ["citations", "code_links", "canonical_code_url", "builds_on", "BuildsOn", "GENERIC_METHOD_NAMES"]
