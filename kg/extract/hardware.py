"""Hardware mentions: accelerators/processors with device counts and compute amounts.

``find_hardware(text)`` is a pure regex pass over the text (no tokenisation needed); the
``kg_hardware`` spaCy component appends its result to ``mentions(doc)``.

What is found
-------------
* Named devices from ``data/hardware.tsv`` ("NVIDIA A100-80GB GPUs", "TPUv4", "GeForce RTX 4090",
  "V100s"), canonical name vendor-free ("A100", "TPU v4", "RTX 4090"). Short, ambiguous names
  (T4, L4, A10, M1 ... marked ``strict`` in the TSV) need context: a vendor word before, a device
  noun after (GPU/chip/card ...), a memory suffix ("-24GB") or an "8x" prefix ("i7" also with an
  Intel model number: "i7-4820"). Model numbers may carry a hyphen ("K-80", "P-100"); a Xeon
  model number alone ("CPU E5-2640 v3") is a Xeon.
* Generic "GPU"/"TPU"/"CPU" only with a count or a compute amount attached ("8 GPUs",
  "a single GPU", "an 8-GPU node", "800 Cloud TPUs", "64 CPU cores", "1,000 GPU hours"), or with
  the article right before it when the work runs on it ("5 fps on a GPU"; not "even on a GPU",
  "does not use a GPU", "a GPU implementation"); canonical name "GPU"/"TPU"/"CPU". A bare "GPU"
  ("GPU memory usage", "on the GPU", "multiple GPUs") is never a mention.

Attributes (``Mention.attrs``)
------------------------------
* ``count``: number of devices written right before the name: digits ("2,048"), "8x"/"8×",
  number words up to twenty and the tens ("sixty-four"), "a single"/"one"/"a"/"an" (= 1, singular
  only). Coordinated counts ("16 and 2,048 A100 GPUs", "from 8 to 64 GPUs") give one mention per
  count. A count followed by "nodes"/"servers"/"machines"/"clusters" counts machines, not devices,
  and is dropped (count None).
* TPU slices ("TPU v3-512", "Cloud TPU v3-8", "a v3-8 pod"): ``count`` is the slice suffix, which in
  Google's naming is the number of TensorCores (v2/v3/v4) -- we keep the number as written and set
  ``count_unit`` = "cores" (otherwise ``count_unit`` is "devices", or "cores"/"chips" when written:
  "64 TPU v4 chips" -> "chips").
* ``amount`` / ``amount_unit``: compute budget written as "<n> [<device>] GPU days|hours"
  ("199 A100 GPU days" -> 199, "GPU days"; "3.8 GPU-days"; "nearly one million H800 GPU hours").
  The unit is "<GPU|TPU|CPU> days|hours" (device type decides when no GPU/TPU word is written).
  When an amount is found the number is not a count (count None).
* ``vendor``: from the lexicon (generic devices: the vendor word written, else None).
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.base import Mention, doc_text, mentions
from kg.extract.lexicon import data_path

DATA = "hardware.tsv"  # in kg.extract.lexicon.data_dir() ($KG_DATA_DIR or the package's)
COMPONENT = "kg_hardware"

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}
_TENS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "k": 1_000, "K": 1_000, "M": 1_000_000}

_WORD = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|"
         r"seven|eight|nine)\b)?|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
         r"one|two|three|four|five|six|seven|eight|nine|ten)")
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?![\d,])|\d+\^\d+|\d+(?:\.\d+)?)"
_NUM = (rf"(?:(?<![\w.,^/])(?<![A-Za-z]-){_DIGITS}(?:\s*(?:hundred|thousand|million|billion)\b|[kKM]\b)?"
        rf"|\b{_WORD}\b(?:\s+(?:hundred|thousand|million|billion)\b)?)")
_SINGLE = r"(?:\ba\s+single|\bsingle|\ban?)"  # bare "a"/"an" = 1 (generic devices: see _one_by_article)

# "... 16 and 2,048 " / "8x " / "a single " right before the device (anchored at the end).
_PREFIX = re.compile(
    rf"(?P<list>(?:{_NUM}\s*,\s*)*{_NUM}(?:\s*,?\s*(?:and|or|to)\s*|\s*–\s*|(?<=\d)-(?=\d)))?"
    rf"(?:(?P<n>{_NUM})|(?P<single>{_SINGLE}))\s*(?P<x>[x×]\s*|-)?$",
    re.IGNORECASE,
)
_LIST_NUM = re.compile(_NUM, re.IGNORECASE)
_AMOUNT_SUFFIX = re.compile(r"^[\s-]*(?:(?P<dev>GPU|TPU|CPU|chip|core|device)[\s-]*)?(?P<unit>days?|hours?|hrs?)\b",
                            re.IGNORECASE)
_MACHINE_SUFFIX = re.compile(r"^[\s-]+(?:nodes?|servers?|machines?|clusters?|instances?|hosts?|workers?|pods?)\b",
                             re.IGNORECASE)

# words that may precede a device name and belong to its mention; "GPU" for "on a GPU Titan X",
# "GTX" for the strict "GTX Titan"
_VENDOR_WORDS = (r"NVIDIA|Nvidia|Tesla|GeForce|Quadro|Google|Cloud|AMD|Radeon|Instinct|Intel|Habana|Apple|AWS|"
                 r"Amazon|Huawei|Qualcomm|Graphcore|Cerebras|GTX|GPU")
_TRADEMARK = r"(?:\s*(?:\((?:R|TM)\)|®|™))?"  # "Intel(R) Xeon(R) CPU E5-2640", as /proc/cpuinfo writes it
_NOUN = r"(?:GPU|TPU|CPU|chip|card|accelerator|device|core|processor|IPU|SoC|laptop|MacBook)s?"
# an Intel Core model number after "i7"/"i9" ("i7-4820", "i7-3770 K", "i9-9900K"; not "M1-2023")
_CPU_MODEL = re.compile(r"-\d{4}[A-Za-z]?\b")
# "a 12-core Xeon", "two 8-core CPUs": the device count is written before the core count
_CORES_SPEC = re.compile(r"(?<=\s)(?:\d+|dual|quad|hexa|octa)-core\s+$", re.IGNORECASE)
_MEM = r"(?:[\s-]*\(?\d{1,3}\s?(?:GB|G)\)?(?![\w])|[\s-](?:SXM\d?|PCIe|NVLink)(?![\w]))"

_GENERIC = re.compile(
    rf"(?<![\w])(?P<vendor>(?:(?:NVIDIA|Nvidia|Google|Cloud|AMD|Intel)\s+){{0,2}})"
    rf"(?P<kind>GPU|TPU|CPU)(?P<pl>s\b|\(s\))?(?P<sub>\s+(?:cores?|chips?)\b)?(?![\w])",
    re.IGNORECASE,
)
# after a generic GPU/CPU word: the count is of something else ("one GPU thread", "2 CPU kernels")
_NOT_A_DEVICE = re.compile(r"\s+(?:threads?|kernels?|processes|process|streams?|workers?|implementations?)\b",
                           re.IGNORECASE)
# "a GPU <noun>": the article belongs to the noun ("a GPU implementation", "a CPU time of 3 s")
_MODIFIED_NOUN = re.compile(
    r"\s+(?:memory|version|implementation|framework|library|backend|kernel|code|port|mode|architecture|farm|"
    r"programs?|programming|computing|computation|resources?|budget|time|utilization|friendly|unfriendly|"
    r"hardware|platform|setting|environment|solution|speedup|baseline)\b",
    re.IGNORECASE)
# "even on a GPU", "does not use a GPU", "without a GPU": a device the work does not run on;
# "say, a GPU", "e.g. a GPU", "such as a GPU": an example of a kind of device
_NOT_RUN_ON = re.compile(r"(?:\b(?:even|not|without|nor|no|say|such\s+as|like)\b|\be\.g\.)(?:\W+\w+){0,2}\W*$",
                         re.IGNORECASE)
# Intel Xeon model numbers: E3/E5/E7-dddd with an optional version ("E5-2640 v3", "E5-2620v3")
_XEON_MODEL = re.compile(r"(?<![\w-])E[357]-\d{4}[A-Z]?(?:\s?v\d)?(?![\w-])")
# bare TPU slice: "a v3-8 pod", "v4-128 slice"
_SLICE = re.compile(r"(?<![\w-])v(?P<ver>[2-6][ep]?)-(?P<n>\d+)(?=\s+(?:TPU|TPUs|pods?|slices?|Pods?)\b)")


def _token_form(tok: str) -> str:
    """Regex of one alias token; a model number also with a hyphen after its letters ("K-80", "P-100")."""
    m = re.fullmatch(r"([A-Za-z]{1,2})(\d{2,})", tok)
    return rf"{m.group(1)}-?{m.group(2)}" if m else re.escape(tok)


def _key(s: str) -> str:
    return re.sub(r"[\s\-]+", "", s).lower()


@lru_cache(maxsize=1)
def _lexicon():
    """(device regex, key -> (canonical, type, vendor, strict))."""
    table: dict[str, tuple[str, str, str, bool]] = {}
    with data_path(DATA).open("r", encoding="utf-8") as f:
        for row in csv.reader((ln for ln in f if ln.strip() and not ln.startswith("#")), delimiter="\t"):
            row += [""] * (5 - len(row))
            canonical, typ, vendor, aliases, strict = (c.strip() for c in row[:5])
            entry = (canonical, typ, vendor, strict == "strict")
            for alias in [canonical, *[a for a in aliases.split("|") if a.strip()]]:
                table.setdefault(_key(alias), entry)
    forms, form_tokens = set(), set()
    with data_path(DATA).open("r", encoding="utf-8") as f:
        for row in csv.reader((ln for ln in f if ln.strip() and not ln.startswith("#")), delimiter="\t"):
            row += [""] * (4 - len(row))
            for alias in [row[0], *row[3].split("|")]:
                toks = [t for t in re.split(r"[\s\-]+", alias.strip()) if t]
                if toks:
                    forms.add(r"[\s-]?".join(map(_token_form, toks)))
                    form_tokens.add(tuple(toks))
    # longest first ("L40S" before "L40"); _token_form's "-?" does not count
    alt = "|".join(sorted(forms, key=lambda f: len(f.replace("-?", "")), reverse=True))
    rx = re.compile(
        rf"(?<![\w-])(?P<vendor>(?:(?:{_VENDOR_WORDS}){_TRADEMARK}[\s-]+){{0,3}})(?P<core>{alt})"
        rf"(?P<slice>-\d+(?![\w.]))?(?P<pl>s)?(?![\w])(?P<mem>{_MEM}*)"
        rf"(?P<noun>\s+(?:Tensor\s+Core\s+)?{_NOUN})?(?![\w])",
        re.IGNORECASE,
    )
    return rx, table, _screen(form_tokens)


def _screen(form_tokens) -> tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] | None:
    """The device regex's ``core`` matches an alias's tokens literally (case-insensitively), so a
    text can name a device only if it holds every token of some alias. Grouped by the token most
    likely to be missing (one with a digit, else the longest): (token, (other tokens, ...))."""
    if not all(t.isascii() for toks in form_tokens for t in toks):
        return None  # lower() is only a faithful stand-in for re.IGNORECASE on ASCII
    groups: dict[str, set[tuple[str, ...]]] = {}
    for toks in form_tokens:
        low = sorted({t.lower() for t in toks},
                     key=lambda t: (len(t) >= 2 and any(c.isdigit() for c in t), len(t), t))
        groups.setdefault(low[-1], set()).add(tuple(low[:-1]))
    return tuple((head, tuple(sorted(rest))) for head, rest in sorted(groups.items()))


# the only non-ASCII characters that re.IGNORECASE matches to ASCII letters (tests check this)
_ASCII_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _folded(text: str) -> str:
    """Lower-cased text in which an ASCII literal occurs wherever a re.IGNORECASE pattern of that
    literal matches (and maybe elsewhere): the stand-in the cheap pre-screens test with ``in``."""
    return text.lower() if text.isascii() else text.translate(_ASCII_FOLD).lower()


def _may_name_device(low: str, screen) -> bool:
    """False only when the device regex cannot match ``low``'s text (a superset test, see _screen)."""
    if screen is None:
        return True
    low = low.replace("-", "")  # alias tokens have no hyphen; _token_form allows one inside ("K-80")
    return any(head in low and any(all(t in low for t in rest) for rest in rests) for head, rests in screen)


def parse_number(s: str) -> float | None:
    """'2,048' -> 2048, 'eight' -> 8, 'sixty-four' -> 64, '10^4' -> 10000, 'one million' -> 1e6, '3.8' -> 3.8."""
    s = s.strip()
    m = re.fullmatch(r"(\d+)\^(\d+)", s)
    if m:
        return float(int(m.group(1)) ** int(m.group(2)))
    parts = re.split(r"[\s-]+", s)
    scale = 1
    if len(parts) > 1 and parts[-1] in _SCALES or parts[-1].lower() in _SCALES:
        scale = _SCALES.get(parts[-1], _SCALES.get(parts[-1].lower(), 1))
        parts = parts[:-1]
    elif re.fullmatch(r"[\d.,]+[kKM]", parts[-1]):
        scale = _SCALES[parts[-1][-1]]
        parts[-1] = parts[-1][:-1]
    total = 0.0
    for p in parts:
        pl = p.lower().replace(",", "")
        if re.fullmatch(r"\d+(?:\.\d+)?", pl):
            total += float(pl)
        elif pl in _UNITS:
            total += _UNITS[pl]
        elif pl in _TENS:
            total += _TENS[pl]
        else:
            return None
    return total * scale


def _as_int(v: float | None) -> int | None:
    return int(v) if v is not None and float(v).is_integer() else None


def _counts_before(text: str, start: int, plural: bool):
    """Counts written right before ``start``: list of (count, span start) and whether an 'x' was used."""
    left = text[max(0, start - 120):start]
    offset = max(0, start - 120)
    left = _CORES_SPEC.sub("", left)  # only the end is cut: offsets into ``left`` stay right
    m = _PREFIX.search(left)
    if not m:
        return [], False, False
    x = bool(m.group("x")) and m.group("x").strip() in ("x", "×", "X")
    hyphen = bool(m.group("x")) and m.group("x").strip() == "-"
    if m.group("single"):
        word = m.group("single").lower().split()[-1]
        # "single-GPU" is a count, "a-GPU" is not
        if plural or (hyphen and word in ("a", "an")) or (word in ("a", "an") and m.group("list")):
            return [], False, False
        return [(1, offset + m.start("single"))], False, hyphen
    out = []
    if m.group("list"):
        for nm in _LIST_NUM.finditer(m.group("list")):
            v = _as_int(parse_number(nm.group(0)))
            if v:
                out.append((v, offset + m.start("list") + nm.start()))
    v = parse_number(m.group("n"))
    out.append((v, offset + m.start("n")))
    first = offset + (m.start("list") if m.group("list") else m.start("n"))
    # the list's first mention spans the whole phrase
    if len(out) > 1:
        out[0] = (out[0][0], first)
    return out, x, hyphen


def _amount_unit(dev_word: str | None, typ: str, unit: str) -> str:
    dev = (dev_word or "").upper()
    if dev not in ("GPU", "TPU", "CPU"):
        dev = {"tpu": "TPU", "cpu": "CPU"}.get(typ, "GPU")
    return f"{dev} {'days' if unit.lower().startswith('d') else 'hours'}"


def _emit(text, out, start, end, name, typ, vendor, conf, count_unit, taken, plural, slice_count=None):
    """Resolve count/amount around [start, end) and append mentions. Returns False if nothing emitted."""
    am = _AMOUNT_SUFFIX.match(text[end:])
    counts, x, hyphen = _counts_before(text, start, plural)
    attrs = {"count": None, "amount": None, "amount_unit": None, "vendor": vendor or None,
             "count_unit": count_unit, "type": typ}
    if am and counts and not x:
        amount = counts[-1][0]
        if len(counts) == 1 and re.search(r"(?<![\w.,])10 \d$", text[max(0, start - 8):start].rstrip()):
            amount = 10.0 ** amount  # "10 4 GPU hours": superscript lost in extraction
            counts = [(amount, counts[0][1] - 3)]
        s = counts[-1][1] if len(counts) == 1 else min(c[1] for c in counts)
        e = end + am.end()
        attrs.update(amount=float(amount), amount_unit=_amount_unit(am.group("dev"), typ, am.group("unit")),
                     count_unit=None)
        out.append(Mention("Hardware", text[s:e], s, e, name, conf, COMPONENT, attrs=attrs))
        taken.append((s, e))
        return True
    if slice_count is not None:
        attrs.update(count=slice_count, count_unit="cores")
        out.append(Mention("Hardware", text[start:end], start, end, name, conf, COMPONENT, attrs=attrs))
        taken.append((start, end))
        return True
    if counts and not hyphen and _MACHINE_SUFFIX.match(text[end:]):
        counts = []
    if not counts:
        return None
    emitted = False
    for i, (c, s) in enumerate(counts):
        ci = _as_int(c)
        if not ci or ci <= 0:
            continue
        a = dict(attrs, count=ci)
        out.append(Mention("Hardware", text[s:end], s, end, name, conf, COMPONENT, attrs=a))
        taken.append((s, end))
        emitted = True
    return emitted


def _is_verb(word: str, counts) -> bool:
    """A plural noun after one device is a verb: "a single GPU processes 1,700 words per second"."""
    word = word.strip().lower()
    return [c for c, _ in counts] == [1] and word.endswith("s") and not word.endswith("ss")


def _one_by_article(text: str, start: int, end: int) -> bool:
    """'a GPU' right before ``start`` is one device the work runs on ("5 fps on a GPU", "using an
    NVIDIA GPU"), unless the article belongs to a noun after it or the frame is negated/hypothetical."""
    if _MODIFIED_NOUN.match(text, end) or _MACHINE_SUFFIX.match(text[end:]):
        return False
    article = re.search(r"\ban?\s*$", text[max(0, start - 4):start], re.IGNORECASE)
    a_start = max(0, start - 4) + article.start()
    return not _NOT_RUN_ON.search(text[max(0, a_start - 40):a_start])


def _emit_named(text, out, start, end, name, typ, vendor, conf, count_unit, taken, plural, slice_count=None):
    """A named device: with its count/amount when one is written, else still a mention (names are specific)."""
    if _emit(text, out, start, end, name, typ, vendor, conf, count_unit, taken, plural, slice_count):
        return
    attrs = {"count": None, "amount": None, "amount_unit": None, "vendor": vendor or None,
             "count_unit": None, "type": typ}
    out.append(Mention("Hardware", text[start:end], start, end, name, conf, COMPONENT, attrs=attrs))
    taken.append((start, end))


def find_hardware(text: str) -> list[Mention]:
    """All hardware mentions in ``text`` (see the module docstring), sorted by start offset."""
    rx, table, screen = _lexicon()
    out: list[Mention] = []
    taken: list[tuple[int, int]] = []

    low = _folded(text)
    # the big alias alternation costs ~0.4 ms per abstract; most abstracts cannot match it
    for m in rx.finditer(text) if _may_name_device(low, screen) else ():
        entry = table.get(_key(m.group("core")))
        if entry is None:
            continue
        canonical, typ, vendor, strict = entry
        start, end = m.start(), m.end()
        noun = (m.group("noun") or "").strip()
        plural = bool(m.group("pl")) or noun.lower().endswith("s") and not noun.lower().endswith("ss")
        if strict:
            left = _PREFIX.search(text[max(0, start - 40):start])
            has_x = bool(left and left.group("x") and left.group("x").strip() in ("x", "×", "X"))
            model = (re.fullmatch(r"i[3579]", m.group("core"), re.IGNORECASE)
                     and _CPU_MODEL.match(text, m.end("core")))
            if not (m.group("vendor") or noun or m.group("mem").strip() or has_x or model):
                continue
        nl = noun.lower()
        count_unit = "chips" if nl.startswith("chip") else "cores" if nl.startswith("core") else "devices"
        slice_count = None
        if m.group("slice"):
            if typ != "tpu":  # "A100-40" etc: not a slice; drop the suffix
                end = m.start("slice")
            else:
                slice_count = int(m.group("slice")[1:])
        conf = 0.8 if strict else 0.9
        _emit_named(text, out, start, end, canonical, typ, vendor, conf, count_unit, taken, plural, slice_count)

    # a Xeon model number without "Xeon" ("CPU E5-2640 v3"); "Xeon (R) CPU E5-2640" is one device
    for m in _XEON_MODEL.finditer(text) if "e5-" in low or "e3-" in low or "e7-" in low else ():
        if not any(s < m.end() and m.start() - 40 < e for s, e in taken):
            _emit_named(text, out, m.start(), m.end(), "Xeon", "cpu", "Intel", 0.8, "devices", taken, False)

    # _SLICE needs one of these (case-sensitive) words after the slice
    has_slice_word = "TPU" in text or "pod" in text or "Pod" in text or "slice" in text
    for m in _SLICE.finditer(text) if has_slice_word else ():
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        name = f"TPU v{m.group('ver')}"
        attrs = {"count": int(m.group("n")), "amount": None, "amount_unit": None, "vendor": "Google",
                 "count_unit": "cores", "type": "tpu"}
        out.append(Mention("Hardware", m.group(0), m.start(), m.end(), name, 0.85, COMPONENT, attrs=attrs))
        taken.append((m.start(), m.end()))

    for m in _GENERIC.finditer(text) if "pu" in low else ():  # GPU / TPU / CPU
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        kind = m.group("kind").upper()
        vendor_words = m.group("vendor").split()
        vendor = next((w for w in vendor_words if w.lower() != "cloud"), None)
        vendor = {"nvidia": "NVIDIA", "amd": "AMD", "intel": "Intel", "google": "Google"}.get(
            (vendor or "").lower(), vendor)
        if kind == "TPU" and not vendor:
            vendor = "Google"
        pl = m.group("pl") or ""
        sub = (m.group("sub") or "").strip().lower()
        plural = pl.lower() == "s" or sub.endswith("s")
        count_unit = "chips" if sub.startswith("chip") else "cores" if sub.startswith("core") else "devices"
        start, end = m.start(), m.end()
        am = _AMOUNT_SUFFIX.match(text[end:])
        if text[end:end + 1] == "-" and not am:  # "GPU-enabled", "GPU-accelerated"
            continue
        counts, x, hyphen = _counts_before(text, start, plural)
        if not counts:
            continue
        # "one GPU thread", "a single CPU thread"; but "an 8-GPU implementation" counts GPUs
        nd = None if am or hyphen else _NOT_A_DEVICE.match(text, end)
        if nd and not _is_verb(nd.group(0), counts):
            continue
        if not am and re.search(r"\ban?\s*$", text[max(0, start - 4):start], re.IGNORECASE):
            if not _one_by_article(text, start, end):
                continue
        elif not am and re.match(r"an?\s+(?!single\b)", text[counts[0][1]:], re.IGNORECASE):
            continue  # "a 4-core CPU": a spec of the machine, not a device the text counts
        if not am:
            # singular "GPU" with a count > 1 only as "8-GPU" / "8x GPU" ("two GPU clusters" is not 2 GPUs)
            if not plural and not pl and not (hyphen or x) and any(c != 1 for c, _ in counts):
                continue
        _emit(text, out, start, end, kind, kind.lower(), vendor, 0.8, count_unit, taken, plural)

    out.sort(key=lambda mm: (mm.start, mm.end))
    return out


@Language.factory(COMPONENT)
def make_hardware(nlp: Language, name: str):
    return HardwareComponent()


class HardwareComponent:
    def __call__(self, doc: Doc) -> Doc:
        mentions(doc).extend(find_hardware(doc_text(doc)))
        return doc
