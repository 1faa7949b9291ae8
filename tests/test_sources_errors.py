"""kg.sources on bad input: bad records are skipped with a ``path:line: reason`` warning while the
good records around them still come out; only wholly unreadable files raise InputError."""

from __future__ import annotations

import codecs
import logging
import os

import pytest

from kg.errors import InputError
from kg.sources import Report, read_papers

GOOD = '{"id": "p1", "title": "Good Paper", "abstract": "A fine abstract."}'


def read(path, fmt=None):
    report = Report()
    return list(read_papers([str(path)], fmt=fmt, report=report)), report


def write(tmp_path, name, data: bytes | str):
    f = tmp_path / name
    f.write_bytes(data.encode() if isinstance(data, str) else data)
    return f


# ---------------------------------------------------------------- whole-file errors

def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read(tmp_path / "nope.jsonl")


def test_directory(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        read(tmp_path)


@pytest.mark.parametrize("name", ["empty.jsonl", "empty.txt", "empty.csv", "empty.bib", "empty"])
def test_empty_file_says_so(tmp_path, name):
    with pytest.raises(InputError, match="empty"):
        read(write(tmp_path, name, ""))


def test_whitespace_only_file(tmp_path):
    with pytest.raises(InputError, match="no parseable jsonl record"):
        read(write(tmp_path, "blank.jsonl", "\n\n  \n"))


def test_undetectable_content_asks_for_format(tmp_path):
    with pytest.raises(InputError, match="--format"):
        read(write(tmp_path, "blob", bytes(range(256)) * 8))


def test_file_without_any_good_record(tmp_path):
    """Warnings for each record, then InputError: the file as a whole gave nothing."""
    f = write(tmp_path, "bad.jsonl", '{"id": 1, "title": 5}\n{"title": \n[1, 2]\n')
    with pytest.raises(InputError, match=r"no parseable jsonl record found.*--format"):
        read(f)


def test_csv_without_title_or_abstract_column(tmp_path):
    with pytest.raises(InputError, match="no 'title' or 'abstract' column"):
        read(write(tmp_path, "x.csv", "a,b\n1,2\n"))


def test_errors_come_before_any_paper(tmp_path):
    good = write(tmp_path, "good.jsonl", GOOD + "\n")
    gen = read_papers([str(good), str(tmp_path / "missing.jsonl")])
    with pytest.raises(InputError, match="missing.jsonl"):
        next(gen)


# ---------------------------------------------------------------- per-record errors

def test_bad_records_warn_with_file_and_line_and_log(tmp_path, caplog):
    f = write(tmp_path, "mixed.jsonl", "\n".join([
        GOOD,
        '{"id": "p2", "title": "Truncated',
        '{"id": "p3", "title": 123, "abstract": "x"}',
        '{"id": "p4", "title": "T", "abstract": ["a", "b"]}',
        '["not", "an", "object"]',
        '{"id": "p5", "title": "", "abstract": ""}',
        '{"id": "p6", "title": "Title Only"}',
        GOOD,
    ]))
    with caplog.at_level(logging.WARNING, logger="kg.sources"):
        papers, report = read(f)
    assert [p.id for p in papers] == ["p1", "p6"]
    assert papers[1].abstract == ""  # title-only paper is kept
    assert report.skipped == 5 and report.duplicates == 1 and report.read == 2
    lines = [w.split(": ", 1)[0].rsplit(":", 1)[1] for w in report.warnings]
    assert lines == ["2", "3", "4", "5", "6", "8"]
    assert all(w.startswith(f"{f}:") for w in report.warnings)
    assert "must be a string, got int" in report.warnings[1]
    assert "must be a string, got list" in report.warnings[2]
    assert "duplicate id p1" in report.warnings[5]
    assert [r.getMessage() for r in caplog.records] == report.warnings
    assert report.summary() == "2 papers read, 5 skipped, 1 duplicate"


def test_truncated_json_array_keeps_records_before_the_break(tmp_path):
    f = write(tmp_path, "cut.json", '[\n {"id": "a", "title": "A"},\n {"id": "b", "title": "B"},\n {"id": "c", "ti')
    papers, report = read(f)
    assert [p.id for p in papers] == ["a", "b"]
    assert report.warnings[0].startswith(f"{f}:4: invalid JSON")


def test_jsonl_whose_first_line_is_broken(tmp_path):
    data = '{"id": "a", "title": "Cut off\n' + GOOD + "\n"
    for name in ("cut.jsonl", "cut"):  # by extension and by content
        papers, report = read(write(tmp_path, name, data))
        assert [p.id for p in papers] == ["p1"] and report.warnings[0].startswith(f"{tmp_path / name}:1: invalid JSON")


def test_json_file_holding_one_object_per_line_or_one_line(tmp_path):
    papers, _ = read(write(tmp_path, "lines.json", GOOD + "\n" + GOOD.replace("p1", "p2") + "\n"))
    assert [p.id for p in papers] == ["p1", "p2"]
    papers, _ = read(write(tmp_path, "oneline.json", '{"papers": [%s]}' % GOOD))
    assert [p.id for p in papers] == ["p1"]


def test_huge_abstract_is_truncated_with_a_warning(tmp_path):
    f = write(tmp_path, "big.jsonl", '{"id": "big", "title": "Big", "abstract": "%s"}\n' % ("word " * 30_000))
    (paper,), report = read(f)
    assert len(paper.abstract) == 100_000
    assert report.warnings == [f"{f}:1: abstract truncated from 149999 to 100000 characters"]


# ---------------------------------------------------------------- bytes and line endings

def test_invalid_utf8_is_replaced_not_fatal(tmp_path):
    f = write(tmp_path, "latin.jsonl", b'{"id": "x", "title": "Caf\xe9 \xff Networks", "abstract": "ok"}\n' + GOOD.encode())
    papers, report = read(f)
    assert papers[0].title == "Caf\ufffd \ufffd Networks" and len(papers) == 2


@pytest.mark.parametrize("bom, encoding", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                                           (codecs.BOM_UTF16_BE, "utf-16-be")])
@pytest.mark.parametrize("name, text", [
    ("p.jsonl", GOOD + "\n"),
    ("p.csv", "id,title,abstract\np1,Good Paper,A fine abstract.\n"),
    ("p.json", "[" + GOOD + "]"),
    ("p.txt", "Good Paper\n\n" + "A fine abstract that is long enough to be prose, not a title. " * 3 + "\n"),
    ("p.bib", "@article{p1, title={Good Paper}, abstract={A fine abstract.}}\n"),
])
def test_byte_order_marks(tmp_path, bom, encoding, name, text):
    f = write(tmp_path, name, bom + text.encode(encoding))
    (paper,), report = read(f)
    assert paper.title == "Good Paper" and report.warnings == []


def test_bom_files_are_detected_without_extension(tmp_path):
    f = write(tmp_path, "download", codecs.BOM_UTF16_LE + (GOOD + "\n" + GOOD.replace("p1", "p2")).encode("utf-16-le"))
    papers, _ = read(f)
    assert [p.id for p in papers] == ["p1", "p2"]


@pytest.mark.parametrize("eol", ["\r\n", "\r", "\n"])
def test_line_endings(tmp_path, eol):
    text = eol.join(["new", "", "Subscribe", "", "A Title", "", "An abstract sentence that goes on. " * 4, ""])
    (paper,), _ = read(write(tmp_path, "page.txt", text))
    assert paper.title == "A Title" and paper.source.endswith(":5")
    rows = eol.join(["id,title,abstract", "a,T1,X.", "b,T2,Y.", ""])
    assert [p.id for p in read(write(tmp_path, "p.csv", rows))[0]] == ["a", "b"]


def test_mixed_line_endings_in_jsonl(tmp_path):
    data = GOOD + "\r\n" + GOOD.replace("p1", "p2") + "\n" + GOOD.replace("p1", "p3") + "\r"
    papers, _ = read(write(tmp_path, "mixed.jsonl", data))
    assert [p.id for p in papers] == ["p1", "p2", "p3"]


def test_control_characters_are_stripped(tmp_path):
    f = write(tmp_path, "ctl.jsonl", '{"id": "c", "title": "Bad\\u0000 \\u0007Title\\u001b", "abstract": "Line\\u000bone\\ttwo"}\n')
    (paper,), _ = read(f)
    assert paper.title == "Bad Title" and paper.abstract == "Lineone two"


def test_raw_control_bytes_in_jsonl_strings(tmp_path):
    f = write(tmp_path, "raw.jsonl", b'{"id": "r", "title": "Tab\there", "abstract": "nul\x00 byte"}\n')
    (paper,), _ = read(f)
    assert paper.title == "Tab here" and paper.abstract == "nul byte"


def test_nul_bytes_in_csv(tmp_path):
    f = write(tmp_path, "nul.csv", b"id,title,abstract\na,Ti\x00tle,Text.\n")
    (paper,), _ = read(f)
    assert paper.title == "Title"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file(tmp_path):
    f = write(tmp_path, "secret.jsonl", GOOD)
    f.chmod(0)
    with pytest.raises(InputError, match="not readable"):
        read(f)
