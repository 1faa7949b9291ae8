"""Numeric results: "84.4% top-1 accuracy on ImageNet", "an FID of 23.3", "reduces memory by up to 60%".

``find_results(doc)`` reads ``doc.text``, the sentence boundaries (if set) and the Metric / Dataset /
Method mentions already in ``mentions(doc)``; the ``kg_results`` component (put it AFTER the entity
components) appends its dicts to ``results(doc)``.

Precision first: a number is a result only when it stands in one of these relations to a metric
(a Metric mention or a word of ``data/metrics_direction.tsv``) or to a change verb:

* absolute, metric after:   "84.4% top-1 accuracy", "45.2 mAP", "28.4 BLEU", "2.57% error rate"
* absolute, metric before:  "an FID of 23.3", "a BLEU score of 28.4", "accuracy to 91.2%", "mIoU = 80.1"
* relative, change verb:    "reduces GPU memory usage by up to 60%", "improves accuracy by 2.1 points"
* relative, factor:         "4.96x and 5.75x speedup", "1.2x faster", "speedups of up to 1.8X"
* relative, noun:           "a 12% relative improvement", "a drop in perplexity of only 7%"

Numbers that are parts of names (ResNet-50, CIFAR-10, top-1, v2), counts with scale words
("7B parameters", "3,700 LLMs"), years, section/table numbers and hardware counts are never results.

Each result: ``{"value", "unit", "raw", "start", "end", "metric", "dataset", "method",
"lower_is_better", "kind"}``; ``metric``/``dataset``/``method`` are surface strings (from mentions when
there are any, else -- for the metric, and conservatively for the dataset -- from the text), ``start``/
``end`` the char span of ``raw`` in ``doc.text``.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.base import Mention, doc_text, mentions, results, sentence_spans
from kg.extract.lexicon import data_path

DATA = "metrics_direction.tsv"  # in kg.extract.lexicon.data_dir() ($KG_DATA_DIR or the package's)
COMPONENT = "kg_results"

_NUMBER = r"(?<![\w.,^/@$€£-])(?<![A-Za-z]-)(?P<num>\d{1,3}(?:,\d{3})+(?![\d,])|\d+(?:\.\d+)?)"
_UNIT = r"(?P<unit>\s?%|\s?(?:x|×|X)(?![\w])|\s+times\b|\s?dB\b|\s?ms\b|\s?fps\b|\s?FPS\b|\s+points?\b|\s?pp\b)?"
_NUM_RX = re.compile(_NUMBER + _UNIT)
_NUM_ONLY = r"\d+(?:\.\d+)?\s?(?:%|x|×|X|times|dB|ms|points?|pp)?"
# what may follow a number and makes it a count, not a result
_NOT_RESULT_AFTER = re.compile(
    r"^\s?(?:[KMBT]\b|[kmb]\b|k\s|thousand|million|billion|trillion|parameters?|params|tokens?|images?|samples?|"
    r"examples?|sentences?|words?|layers?|GPUs?|TPUs?|hours?|days?|epochs?|steps?|iterations?|classes|"
    r"categories|languages?|tasks?|datasets?|models?|LLMs?|nodes?|users?|videos?|frames?|languages|subjects|"
    r"people|participants|[A-Z]\d{2,4}\b|-?(?:dimensional|layer|shot|bit|way)\b)",
)
_NOT_RESULT_BEFORE = re.compile(
    r"(?:\b(?:Section|Sec\.|Table|Figure|Fig\.|Eq\.|Equation|Appendix|Chapter|Algorithm|Theorem|Lemma|since|"
    r"of size|size|batch size of|top|top-|k\s*=|n\s*=|N\s*=|K\s*=)\s*)$",
    re.IGNORECASE,
)
_QUAL = (r"(?:(?:only|just|about|around|approximately|roughly|nearly|almost|over|above|below|under|more than|"
         r"less than|at least|at most|up to|as low as|as high as|a new|new|an?|the|state-of-the-art|SOTA|"
         r"record|competitive|best|impressive|remarkable|~|≈)\s*)*")
_BEFORE_LINK = re.compile(
    rf"^\s*(?:\((?:[A-Z][\w-]*)\)\s*)?(?:scores?|rates?|values?|results?)?\s*(?:of|:|=|is|was|are|were|reaches|"
    rf"reached|reaching|at|to|improves to|improved to|drops to|\()\s*{_QUAL}$",
    re.IGNORECASE,
)
_AFTER_LINK = re.compile(
    rf"^\s*(?:(?:and|or|,)\s*{_NUM_ONLY}\s*)*(?:\s*(?:in|on|of)\s+)?(?:(?:top-[15]|test|val|validation|mean|"
    rf"average|avg\.?|overall|absolute|single-model|zero-shot|few-shot|new|state-of-the-art|SOTA|box|mask)\s+)*$",
    re.IGNORECASE,
)
_CHANGE_VERB = re.compile(
    r"\b(?:reduc\w*|improv\w*|increas\w*|decreas\w*|boost\w*|cut\w*|lower\w*|rais\w*|accelerat\w*|speed\w*\s+up|"
    r"sav\w*|shrink\w*|enhanc\w*|outperform\w*|surpass\w*|exceed\w*|gain\w*|compress\w*|drop\w*|lift\w*)\b",
    re.IGNORECASE,
)
_REL_BY = re.compile(rf"\bby\s+{_QUAL}$", re.IGNORECASE)
_REL_FACTOR_AFTER = re.compile(
    rf"^\s*(?:(?:and|or|,)\s*{_NUM_ONLY}\s*)*(?:\s*(?:end-to-end|overall|training|inference|wall-clock|"
    r"average|relative|theoretical)\s+)*(?P<word>speed-?ups?|faster|acceleration|smaller|fewer|less|lower|"
    r"higher|more|cheaper|improvement|reduction|compression|better)\b",
    re.IGNORECASE,
)
_REL_PCT_AFTER = re.compile(
    r"^\s*(?:(?:relative|absolute|average)\s+)?(?P<word>improvement|reduction|gain|increase|decrease|boost|drop|"
    r"lower|higher|fewer|less|faster|speed-?up|savings?)\b",
    re.IGNORECASE,
)
_REL_NOUN_BEFORE = re.compile(
    r"\b(?P<word>drop|reduction|improvement|increase|decrease|gain|degradation|speed-?ups?|savings?)\s+"
    r"(?:in\s+(?P<what>[\w\s-]{1,40}?)\s+)?(?:of|by)\s+" + _QUAL + "$",
    re.IGNORECASE,
)
_SUBJECT_BLOCK = re.compile(
    r"\b(?:than|over|outperform\w*|compared\s+(?:to|with)|vs\.?|versus|against|surpass\w*|beat\w*|"
    r"exceed\w*|unlike|relative\s+to|baselines?\s+such\s+as|like)\s*(?:the\s+)?$",
    re.IGNORECASE,
)
_OWN = re.compile(r"\b(?:we|our|ours|the proposed|this paper|this work)\b", re.IGNORECASE)
_DATASET_FALLBACK = re.compile(
    r"^\s*(?:on|in|for)\s+(?:the\s+)?(?P<ds>(?:[A-Z][\w.-]*(?:[A-Z0-9][\w.-]*)|[A-Z]{2,}[\w.-]*)"
    r"(?:[\s-](?:[A-Z0-9][\w.-]*|\d[\w-]*))*)"
)


@lru_cache(maxsize=1)
def _lexicon():
    """(metric regex, alias key -> (canonical, lower_is_better))."""
    table: dict[str, tuple[str, bool]] = {}
    sens, insens = set(), set()
    with data_path(DATA).open("r", encoding="utf-8") as f:
        for row in csv.reader((ln for ln in f if ln.strip() and not ln.startswith("#")), delimiter="\t"):
            row += [""] * (3 - len(row))
            canonical, lib, aliases = row[0].strip(), row[1].strip().lower() == "true", row[2]
            for alias in [canonical, *[a.strip() for a in aliases.split("|") if a.strip()]]:
                table.setdefault(_mkey(alias), (canonical, lib))
                pat = r"[\s-]".join(re.escape(t) for t in re.split(r"[\s-]+", alias))
                (sens if len(alias) <= 4 and alias.upper() == alias else insens).add(pat)
    alt_s = "|".join(sorted(sens, key=len, reverse=True))
    alt_i = "|".join(sorted(insens, key=len, reverse=True))
    rx = re.compile(rf"(?<![\w-])(?:(?:{alt_s})|(?i:{alt_i}))(?![\w]|-\w)")
    return rx, table


def _mkey(s: str) -> str:
    return re.sub(r"[\s\-]+", " ", s.strip()).lower()


def metric_direction(metric: str | None) -> bool | None:
    """lower_is_better for a metric surface or canonical name (None when unknown)."""
    if not metric:
        return None
    _, table = _lexicon()
    k = _mkey(metric)
    if k in table:
        return table[k][1]
    # longest known alias contained in the name ("ImageNet top-1 accuracy" -> accuracy)
    best = None
    for alias, (_, lib) in table.items():
        if re.search(rf"(?<![\w]){re.escape(alias)}(?![\w])", k) and (best is None or len(alias) > best[0]):
            best = (len(alias), lib)
    return best[1] if best else None


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    try:
        if doc.has_annotation("SENT_START"):
            return sentence_spans(doc)
    except (ValueError, AttributeError):
        pass
    return [(0, len(doc_text(doc)))]


def _unit(u: str | None) -> str:
    u = (u or "").strip()
    if u in ("x", "×", "X", "times"):
        return "x"
    if u in ("point", "points", "pp"):
        return "points"
    return u


def _metric_spans(ments: list[Mention], s0: int, s1: int, text: str) -> list[tuple[int, int, str, str | None]]:
    """(start, end, surface, mention name) of metrics in the sentence: Metric mentions, then lexicon words."""
    out = [(m.start, m.end, m.text, m.name or None) for m in ments
           if m.type == "Metric" and s0 <= m.start and m.end <= s1]
    rx, _ = _lexicon()
    for mm in rx.finditer(text, s0, s1):
        if not any(a < mm.end() and mm.start() < b for a, b, _, _ in out):
            out.append((mm.start(), mm.end(), mm.group(0), None))
    return sorted(out)


def _blocked_spans(ments: list[Mention]) -> list[tuple[int, int]]:
    """Spans whose numbers are never results: entity names (ResNet-50, CIFAR-10) and hardware counts."""
    return [(m.start, m.end) for m in ments if m.type in ("Method", "Dataset", "Hardware", "Task")]


def find_results(doc: Doc) -> list[dict]:
    text = doc_text(doc)
    ments = mentions(doc)
    blocked = _blocked_spans(ments)
    proposed = next((m for m in ments if m.type == "Method" and m.role == "proposes"), None)
    out: list[dict] = []
    for s0, s1 in _sentences(doc):
        metrics = None  # the metric regex is costly: only run it for sentences with a candidate number
        for nm in _NUM_RX.finditer(text, s0, s1):
            a, b = nm.start(), nm.end()
            if any(x <= a < y for x, y in blocked):
                continue
            after, before = text[b:s1], text[max(s0, a - 60):a]
            unit = _unit(nm.group("unit"))
            if not nm.group("unit") and _NOT_RESULT_AFTER.match(after):
                continue
            if _NOT_RESULT_BEFORE.search(before):
                continue
            value = float(nm.group("num").replace(",", ""))
            if not unit and "." not in nm.group("num") and 1900 <= value <= 2100:
                continue  # a year
            if metrics is None:
                metrics = _metric_spans(ments, s0, s1, text)
            res = _relate(text, s0, s1, a, b, unit, metrics, before, after)
            if res is None:
                continue
            kind, metric, mspan, span_end_extra = res
            if unit == "x":
                kind = "relative"  # a factor is always relative to something ("1.5x throughput")
            r0 = min(a, mspan[0]) if mspan else a
            r1 = max(b + span_end_extra, mspan[1] if mspan else b)
            dataset, r1 = _dataset(doc, text, s0, s1, r1, ments)
            method = _method(text, s0, a, ments, proposed, r0)
            metric_surface = metric[0] if metric else None
            lib = metric_direction(metric[1] or metric[0]) if metric else None
            if lib is None and metric:
                lib = metric_direction(metric[0])
            out.append({
                "value": value, "unit": unit, "raw": text[r0:r1], "start": r0, "end": r1,
                "metric": metric_surface, "dataset": dataset, "method": method,
                "lower_is_better": lib, "kind": kind,
            })
    return out


def _relate(text, s0, s1, a, b, unit, metrics, before, after):
    """(kind, (metric surface, mention name)|None, metric span|None, extra chars after number) or None."""
    # factor: "4.96x speedup", "1.2x faster"
    if unit == "x":
        fm = _REL_FACTOR_AFTER.match(after)
        if fm:
            word = fm.group("word").lower()
            m = _nearest_metric(metrics, b, s1, after_only=True, limit=b + fm.end() + 30)
            if word.startswith("speed") or word in ("faster", "acceleration"):
                return "relative", ("speedup" if not word.startswith("speed") else fm.group("word"),
                                    "speedup"), (b, b + fm.end()), fm.end()
            if m:
                return "relative", (m[2], m[3]), (m[0], m[1]), 0
            return "relative", None, None, fm.end()
        if re.search(r"\bspeed-?ups?\s+(?:of\s+)?" + _QUAL + "$", before, re.IGNORECASE):
            sp = re.search(r"speed-?ups?", before, re.IGNORECASE)
            st = a - len(before) + sp.start()
            return "relative", (sp.group(0), "speedup"), (st, b), 0
    # relative noun before: "a drop in perplexity of only 7%", "a reduction of 30%"
    rn = _REL_NOUN_BEFORE.search(before)
    if rn and unit in ("%", "x", "points"):
        st = a - len(before) + rn.start()
        what = rn.group("what")
        m = _nearest_metric(metrics, st, a, after_only=True, limit=a)
        if m:
            return "relative", (m[2], m[3]), (st, b), 0
        if rn.group("word").lower().startswith("speed"):
            return "relative", (rn.group("word"), "speedup"), (st, b), 0
        return "relative", ((what.strip() if what else None), None) if what else None, (st, b), 0
    # "by (up to) 60%" after a change verb in the same clause
    if _REL_BY.search(before) and unit in ("%", "x", "points"):
        left = text[max(s0, a - 120):a]
        verbs = list(_CHANGE_VERB.finditer(left))
        if verbs:
            v = verbs[-1]
            vst = a - len(left) + v.start()
            m = _nearest_metric(metrics, vst, a, after_only=True, limit=a)
            if m:
                return "relative", (m[2], m[3]), (vst, b), 0
            return "relative", None, (vst, b), 0
    # "we reduce up to 67% cross-GPU routing latency": change verb right before the number, metric after
    vm = re.search(r"\b(?:reduc|improv|increas|decreas|boost|cut|lower|sav|accelerat)\w*\s+" + _QUAL + "$",
                   before, re.IGNORECASE)
    if vm and unit in ("%", "x", "points"):
        st = a - len(before) + vm.start()
        m = _nearest_metric(metrics, b, s1, limit=b + 45)
        if m:
            return "relative", (m[2], m[3]), (st, m[1]), 0
        return "relative", None, (st, b), 0
    # "12% relative improvement", "30% fewer parameters"
    if unit in ("%", "points"):
        pm = _REL_PCT_AFTER.match(after)
        if pm:
            m = _nearest_metric(metrics, b, s1, after_only=True, limit=b + pm.end() + 40)
            if not m and re.match(r"faster|speed", pm.group("word"), re.IGNORECASE):
                return "relative", ("speedup", "speedup"), (a, b + pm.end()), 0
            return "relative", ((m[2], m[3]) if m else None), (a, max(b + pm.end(), m[1] if m else 0)), 0
    # absolute: metric right after the number
    for m in metrics:
        if m[0] >= b and _AFTER_LINK.match(text[b:m[0]]):
            return "absolute", (m[2], m[3]), (m[0], m[1]), 0
        if m[0] >= b:
            break
    # absolute: metric before the number ("an FID of 23.3")
    prev = [m for m in metrics if m[1] <= a]
    if prev:
        m = prev[-1]
        if _BEFORE_LINK.match(text[m[1]:a]):
            return "absolute", (m[2], m[3]), (m[0], m[1]), 0
    return None


def _nearest_metric(metrics, lo, hi, after_only=False, limit=None):
    limit = hi if limit is None else limit
    cands = [m for m in metrics if m[0] >= lo and m[1] <= limit]
    return cands[0] if cands else None


def _dataset(doc, text, s0, s1, r1, ments):
    """Dataset linked to a result ending at r1: a Dataset mention right after ("on X") or nearest in the sentence."""
    ds = [m for m in ments if m.type == "Dataset" and s0 <= m.start and m.end <= s1]
    for m in sorted(ds, key=lambda m: m.start):
        if m.start >= r1 and re.fullmatch(r"\s*(?:\(\w+\)\s*)?(?:on|in|for|of|over|across|at)\s+(?:the\s+)?", text[r1:m.start]):
            return m.text, m.end
    if ds:
        nearest = min(ds, key=lambda m: abs(m.start - r1))
        return nearest.text, r1
    fm = _DATASET_FALLBACK.match(text[r1:s1])
    if fm and not re.fullmatch(r"(?:The|This|Our|We|It|In|Both|All|Each|These|Those|Table|Section|Figure)",
                               fm.group("ds").split()[0]):
        ds_text = fm.group("ds").rstrip(".,;:")
        start = r1 + fm.start("ds")
        return ds_text, start + len(ds_text)
    return None, r1


def _method(text, s0, a, ments, proposed, r0):
    """The method the result is for: the subject Method before the number, else the paper's own method."""
    cands = [m for m in ments if m.type == "Method" and s0 <= m.start and m.end <= a and not m.generic]
    for m in sorted(cands, key=lambda m: -m.start):
        if _SUBJECT_BLOCK.search(text[s0:m.start]):
            continue
        between = text[m.end:r0]
        if re.search(r"\b(?:than|over|outperform\w*|compared)\b", between, re.IGNORECASE) and m.role != "proposes":
            continue
        return m.text
    if proposed is not None and _OWN.search(text[s0:a]):
        return proposed.text
    return None


@Language.factory(COMPONENT)
def make_results(nlp: Language, name: str):
    return ResultsComponent()


class ResultsComponent:
    def __call__(self, doc: Doc) -> Doc:
        results(doc).extend(find_results(doc))
        return doc


__all__ = ["find_results", "metric_direction", "ResultsComponent", "Mention"]
