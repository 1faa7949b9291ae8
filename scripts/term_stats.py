"""Make kg/extract/data/terms.tsv: the established terms of a reference corpus of ML papers.

A term is established when at least two documents of the reference corpus contain it. Candidates are
the entity spans that people annotated (SciREX's extra 100 full documents, SciERC's 500 abstracts) and
the mentions kg's own NER finds in SciTLDR abstracts; each is counted over the texts of all of them.

The reference corpus leaves out what kg is evaluated on: the first 1,200 SciTLDR abstracts (the node
audits sample graphs of lines 1-600 and 601-1200), the 100 SciREX dev papers (salient-entity recall)
and the demo page. Run from the repository root with the package installed:

    python scripts/term_stats.py ../shared/data
"""

from __future__ import annotations

import glob
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

from kg.extract.specific import WORD, split_phrase, term_key

SKIP_TLDR = 1200
MAX_WORDS = 5


def _tldr(shared: Path) -> list[dict]:
    lines = (shared / "scitldr-abstracts.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(x) for x in lines[SKIP_TLDR:] if x.strip()]


def _scirex(shared: Path) -> tuple[list[str], list[list[str]]]:
    texts, spans = [], []
    for f in sorted(glob.glob(str(shared / "scirex-more-docs" / "*.json"))):
        d = json.loads(Path(f).read_text(encoding="utf-8"))
        w = d["words"]
        texts.append(" ".join(w))
        spans.append([" ".join(w[s:e]) for s, e, _ in d["ner"] if e - s <= MAX_WORDS])
    return texts, spans


def _scierc(shared: Path) -> tuple[list[str], list[list[str]]]:
    """Texts and annotated spans per abstract (one span list per document)."""
    texts, spans, words, cur, tags, doc = [], [], [], [], [], []
    for name in ("train.txt", "dev.txt", "test.txt"):
        for line in (shared / "scierc" / name).read_text(encoding="utf-8").splitlines():
            if line.startswith("-DOCSTART-"):
                if words:
                    texts.append(" ".join(words))
                    spans.append(doc)
                words, doc = [], []
                continue
            parts = line.split()
            if not parts:
                continue
            tok, tag = parts[0], parts[-1]
            if tag.startswith("I-") and tag[2:] in ("Task", "Method", "Metric", "Material"):
                if tags and tags[-1] == tag:
                    cur.append(tok)
                else:
                    if cur:
                        doc.append(" ".join(cur))
                    cur = [tok]
            elif cur:
                doc.append(" ".join(cur))
                cur = []
            tags.append(tag)
            words.append(tok)
    if words:
        texts.append(" ".join(words))
        spans.append(doc)
    return texts, [[s for s in d if len(s.split()) <= MAX_WORDS] for d in spans]


def _ner_mentions(records: list[dict]) -> list[list[str]]:
    """Per abstract, the texts of kg's mentions."""
    from kg.extract.pipeline import extract_papers
    from kg.models import Paper

    papers = [Paper(id=str(r["id"]), title=r.get("title") or "", abstract=r.get("abstract") or "") for r in records]
    return [[e["text"] for e in rec["entities"] if e["type"] != "Hardware"]
            for rec in extract_papers(papers, workers=min(2, os.cpu_count() or 1))]


def established(documents: int, tagged: int) -> bool:
    """Two documents use the phrase, two mark it as an entity, and where it occurs it is an entity at
    least one time in five ("source code": 21 documents, 1 tagged, is no term; "weight decay" is)."""
    return documents >= 2 and tagged >= 2 and tagged >= 0.2 * documents


def _ngrams(text: str) -> set[str]:
    words = [w.lower().replace("-", " ") for w in WORD.findall(text)]
    flat = " ".join(words).split()
    grams = set()
    for n in range(1, MAX_WORDS + 1):
        for i in range(len(flat) - n + 1):
            grams.add(term_key(" ".join(flat[i:i + n])))
    return grams


def main(shared: str, out: str = "kg/extract/data/terms.tsv") -> None:
    shared_dir = Path(shared)
    tldr = _tldr(shared_dir)
    sx_texts, sx_spans = _scirex(shared_dir)
    erc_texts, erc_spans = _scierc(shared_dir)
    texts = [f"{r.get('title') or ''}. {r.get('abstract') or ''}" for r in tldr] + sx_texts + erc_texts
    tagged: Counter = Counter()  # documents in which a person or the NER marked the phrase as an entity
    for doc_spans in sx_spans + erc_spans + _ner_mentions(tldr):
        keys = set()
        for span in doc_spans:
            for type_ in ("Method", "Task", "Metric", "Dataset"):
                _, words, core = split_phrase(type_, span)
                for part in (words, core):
                    if len(part) >= 2 and not re.search(r"\d", " ".join(part)):
                        keys.add(term_key(" ".join(part)))
        tagged.update(keys)
    df: Counter = Counter()
    for text in texts:
        df.update(_ngrams(text) & tagged.keys())
    rows = sorted((k, n, tagged[k]) for k, n in df.items() if established(n, tagged[k]))
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("# Established terms of a reference corpus (SciTLDR abstracts 1,201-3,229, SciREX's extra 100 full\n"
                 "# documents, SciERC): phrases of two or more words, see scripts/term_stats.py `established`.\n"
                 "# Read by kg.extract.specific. Columns: key, documents containing it, documents tagging it.\n")
        fh.write("key\tdocuments\ttagged\n")
        fh.writelines(f"{k}\t{n}\t{t}\n" for k, n, t in rows)
    print(f"{len(texts)} documents, {len(tagged)} candidate phrases, {len(rows)} established terms -> {out}")


if __name__ == "__main__":
    main(*sys.argv[1:])
