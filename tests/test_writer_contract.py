"""Contract tests every writer in the output table passes (translate-toolkit's
TestTranslationStore habit): one base class, one subclass per format, each reading its
own bytes back. Plus: the output table is real — an unknown format is bad input, and a
new format takes one writer and one row."""
from __future__ import annotations

import io
import json
import subprocess

import pytest

from docgen.model import Document, PageBreak, Paragraph, Run, Table
from docgen.writers.registry import OUTPUTS, WRITERS, FnWriter, Output

HOSTILE = "{{ 7*7 }} {% raw %} <script>alert(1)</script> ]]> &amp; \"quotes\" 'x' \\ ${HOME} %s {0}"
CJK = "卖家后台显示该货件状态为已送达。附件1"
RUSSIAN = "Просим снять удержание средств по заказу 58213746-0017-1."


def document(kind: str) -> Document:
    if kind == "empty":
        return Document(lang="ru", title="", running_header="", page_label="", blocks=[])
    if kind == "every-block":
        blocks = [Paragraph([Run("Заголовок", bold=True)], style="title"),
                  Paragraph([Run("Мета")], style="meta"), Paragraph([Run("Раздел")], style="heading"),
                  Paragraph([Run(RUSSIAN)]), Paragraph([Run("Пункт один")], style="item", label="1."),
                  Paragraph([Run("[ТРЕБУЕТСЯ ПЕРЕВОД] ", bold=True, mark="untranslated"), Run("原文", mark="untranslated")]),
                  Paragraph([Run("Обновлено", mark="updated")], style="small"), Paragraph([Run("Подпись")], style="signature"),
                  Paragraph([Run("☐ Проверено")], style="check"), Paragraph([Run("С уважением")], style="closing"),
                  Table(header=["№", "Файл"], rows=[["1", "A01_tracking.pdf"]], widths=[1, 4], small=True),
                  PageBreak(), Paragraph([Run("После разрыва")])]
        return Document(lang="ru", title="Все блоки", running_header="Магазин 123", page_label="стр. {page} из {pages}",
                        blocks=blocks)
    text = HOSTILE if kind == "hostile" else CJK
    lang = "zh" if kind == "cjk" else "ru"
    return Document(lang=lang, title=text, running_header=text, page_label=text + " {page}/{pages}",
                    blocks=[Paragraph([Run(text)]), Table(header=[text], rows=[[text]], widths=[1])])


EXPECTED = {"empty": [], "every-block": ["Заголовок", RUSSIAN, "1. Пункт один", "原文", "A01_tracking.pdf", "После разрыва"],
            "hostile": ["<script>alert(1)</script>", "{{ 7*7 }}", "${HOME}"], "cjk": ["卖家后台显示该货件状态为已送达"]}


class WriterContract:
    """Subclasses set `fmt` and say how to read their bytes back as text."""

    fmt: str

    def payload(self, kind: str):
        return document(kind)

    def text_of(self, data: bytes) -> str:
        raise NotImplementedError

    @pytest.mark.parametrize("kind", ["every-block", "hostile", "cjk", "empty"])
    def test_contract(self, kind):
        writer = WRITERS[self.fmt]
        data = writer.write(self.payload(kind), None)
        assert isinstance(data, bytes) and data
        text = " ".join(self.text_of(data).replace("\xa0", " ").split(" "))
        for expected in EXPECTED[kind]:
            assert expected in text, (self.fmt, kind, expected)
        if kind == "hostile":
            assert "49" not in text  # user text is data, never template code

    def test_in_the_output_table(self):
        assert any(o.format == self.fmt for o in OUTPUTS)
        assert WRITERS[self.fmt].suffix.startswith(".")


class TestDocx(WriterContract):
    fmt = "docx"

    def text_of(self, data):
        import docx

        d = docx.Document(io.BytesIO(data))
        parts = [p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells]
        return "\n".join(parts)


class TestPdf(WriterContract):
    fmt = "pdf"

    def text_of(self, data):
        assert data.startswith(b"%PDF-")
        return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                              check=True).stdout.decode()


class TestJson(WriterContract):
    fmt = "json"

    def payload(self, kind):
        return {"kind": kind, "text": document(kind).plain_text()}

    def text_of(self, data):
        return json.loads(data)["text"]


class TestJsonLines(TestJson):
    fmt = "json-lines"


def _review_state(kind: str) -> dict:
    texts = [p for p in document(kind).plain_text().splitlines() if p.strip()]
    return {"source_lang": "zh", "target_lang": "ru", "letter_sha256": "a" * 64, "case": "case.yaml",
            "segments": [{"id": f"fact.{i}", "origin": "mt", "mt_model": "m", "source": t, "target": t, "findings": []}
                         for i, t in enumerate(texts, 1)]}


class TestReviewXliff(WriterContract):
    fmt = "xliff"

    def payload(self, kind):
        from docgen.glossary import load_glossary
        from docgen.pipeline.build import ReviewData

        return ReviewData(_review_state(kind), load_glossary())

    def text_of(self, data):
        from docgen.review.files import Xliff12

        store = Xliff12.parsestring(data)
        return "\n".join(u.target or "" for u in store.units)


class TestReviewDocx(TestReviewXliff):
    fmt = "review-docx"

    def text_of(self, data):
        return TestDocx.text_of(self, data)


class TestReviewPo(TestReviewXliff):
    fmt = "po"

    def text_of(self, data):
        from translate.storage import po

        store = po.pofile.parsestring(data)
        return "\n".join(u.target or "" for u in store.units if not u.isheader())


class TestBundle(WriterContract):
    fmt = "bundle"

    def payload(self, kind):
        from docgen.pipeline.build import BundleData
        from docgen.render.compose import bundle_labels

        cover = WRITERS["pdf"].write(document(kind), None)
        return BundleData(cover, [], bundle_labels("ru"))

    text_of = TestPdf.text_of


class TestText(WriterContract):  # ticket.txt
    fmt = "text"

    def payload(self, kind):
        return document(kind).plain_text()

    def text_of(self, data):
        return data.decode("utf-8")


class TestEml(WriterContract):  # email.eml
    fmt = "eml"

    def payload(self, kind):
        from email.message import EmailMessage

        m = EmailMessage()
        m["From"], m["To"], m["Subject"] = "ops@example.com", "support@ozon.ru", "SELLER-CHN-1-Test"
        m.set_content(document(kind).plain_text())
        return m

    def text_of(self, data):
        import email
        import email.policy

        m = email.message_from_bytes(data, policy=email.policy.default)
        return m.get_body(preferencelist=("plain",)).get_content()


class TestHtml(WriterContract):  # qa.html
    fmt = "html"

    def payload(self, kind):
        text = document(kind).plain_text()
        return {"summary": {"error": 1}, "findings": [{"check": "style", "severity": "error", "where": "fact.1",
                                                       "message": text}]}, "zh"

    def text_of(self, data):
        import html
        import re

        raw = data.decode("utf-8")
        assert "<script>" not in raw  # escaped, never markup
        return html.unescape(re.sub(r"<[^>]+>", " ", raw))


def test_every_writer_has_a_contract_test():
    tested = {c.fmt for c in (TestDocx, TestPdf, TestJson, TestJsonLines, TestReviewXliff, TestReviewDocx, TestReviewPo,
                              TestBundle,
                              TestText, TestEml, TestHtml)}
    assert tested == set(WRITERS)


def test_every_row_names_a_writer_and_a_real_folder():
    for o in OUTPUTS:
        assert o.format in WRITERS and o.folder in ("", "submit", "seller", "review")
    assert OUTPUTS[-1].kind == "manifest"  # written last, over everything


def test_unknown_format_is_bad_input(fund_hold_case, capsys):
    from docgen import BuildOptions, DocgenError, build
    from docgen.pipeline.index import IndexOptions, build_index

    with pytest.raises(DocgenError, match="unknown output format 'odt'") as e:
        build(fund_hold_case, BuildOptions(formats=("pdf", "odt")))
    assert e.value.exit_code == 2 and not (fund_hold_case.parent / "out").exists()
    with pytest.raises(DocgenError, match="unknown output format 'odt'"):
        build_index(fund_hold_case.parent / "evidence", IndexOptions(formats=("odt",)))


def test_a_new_format_is_one_writer_and_one_row(fund_hold_case, monkeypatch):
    """A plain-text index: a writer function and a row; no pipeline code changes."""
    import docgen.writers.registry as registry
    from docgen.pipeline.index import IndexOptions, build_index

    monkeypatch.setitem(registry.WRITERS, "txt", FnWriter("txt", ".txt", lambda doc: doc.plain_text().encode()))
    monkeypatch.setattr(registry, "OUTPUTS", registry.OUTPUTS + (Output("index", "txt", "", "evidence-index"),))
    r = build_index(fund_hold_case.parent / "evidence", IndexOptions(outdir=fund_hold_case.parent.parent / "ix",
                                                                     formats=("pdf", "txt")))
    txt = (r.outdir / "evidence-index.txt").read_text(encoding="utf-8")  # the new row's folder: top level
    assert "A01_tracking_RU741852963CN.pdf" in txt
    assert {p.name for p in r.outputs} >= {"evidence-index.txt", "evidence-index.pdf", "evidence-index.json"}
    assert not list(r.outdir.rglob("evidence-index*.docx"))  # not asked for
