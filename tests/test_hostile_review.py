"""Hostile review files and text that looks like something else (issue #13, items 7, 8)."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest

from docgen import DocgenError
from docgen.glossary.export import export_csv
from docgen.glossary.model import Term
from docgen.qa import CHECKS, QAContext, run_checks
from docgen.review.files import read_review_docx, read_review_xliff

XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
{doctype}<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file original="docgen letter sha256:{sha}" source-language="zh" target-language="ru" datatype="plaintext">
<body><trans-unit id="fact.1"><source>x</source><target>Текст &ent; конец</target></trans-unit></body>
</file></xliff>"""


@pytest.mark.parametrize("doctype", ['<!DOCTYPE xliff [<!ENTITY ent "ВСТАВКА">]>\n',
                                     '<!DOCTYPE xliff SYSTEM "file:///etc/passwd">\n'])
def test_xliff_with_doctype_or_entities_refused(tmp_path, doctype):
    p = tmp_path / "r.xlf"
    p.write_text(XLIFF.format(doctype=doctype, sha="0" * 64).replace("&ent;", "&ent;" if "ENTITY" in doctype
                                                                      else ""), encoding="utf-8")
    with pytest.raises(DocgenError) as e:
        read_review_xliff(p)
    (problem,) = e.value.problems
    assert "DOCTYPE" in problem.message or "ENTITY" in problem.message
    assert problem.line == 2


def _docx_with(tmp_path, members: dict[str, bytes]):
    p = tmp_path / "r.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return p


def test_review_docx_with_path_traversal_refused(tmp_path):
    p = _docx_with(tmp_path, {"[Content_Types].xml": b"<x/>", "../../evil.txt": b"x"})
    with pytest.raises(DocgenError, match="leaves the archive"):
        read_review_docx(p)


def test_review_docx_zip_bomb_refused_before_inflating(tmp_path):
    import resource

    p = _docx_with(tmp_path, {"[Content_Types].xml": b"<x/>", "word/document.xml": b"<" + b" " * (300 << 20)})
    assert p.stat().st_size < 1 << 20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(DocgenError, match="unpacks to"):
        read_review_docx(p)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024  # KB: nothing inflated


def test_csv_export_neutralises_formulas():
    terms = [Term(id="t1", zh="=1+1", en="+SUM(A1)", ru="-2", pos="noun", gender=None, inflects=False,
                  status="preferred", source="@cmd", note="plain")]
    rows = list(csv.reader(io.StringIO(export_csv(terms))))
    assert rows[1][:4] == ["t1", "'=1+1", "'+SUM(A1)", "'-2"] and rows[1][8] == "'@cmd" and rows[1][9] == "plain"


