"""What a warm build reuses: the glyph coverage of the PDF fonts (on disk, keyed by
the font files' SHA-256), and WeasyPrint's font configuration and stylesheet (per
process). Behaviour only; bench/build_bench.py measures the time."""
from __future__ import annotations

import json
import subprocess
import sys

from docgen.model import Document, Paragraph, Run

_PROBE = """
import json, sys
from docgen.writers import fonts
print(json.dumps({"uncovered": fonts.uncovered("Заказ 订单 \\U0001F600"),
                  "fontTools": "fontTools" in sys.modules, "fc_match": fonts._font_file.cache_info().misses}))
"""


def _probe(env_cache) -> dict:
    import os

    env = dict(os.environ, DOCGEN_CACHE_DIR=str(env_cache))
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_glyph_coverage_recorded_once_by_font_hash(tmp_path):
    cache = tmp_path / "cache"
    first = _probe(cache)
    assert first["uncovered"] == ["\U0001F600"]  # Cyrillic and CJK drawn, the emoji not
    assert first["fontTools"] and first["fc_match"] == 2  # computed: fc-match per family, fontTools cmaps
    record = json.loads((cache / "glyph-coverage.json").read_text(encoding="utf-8"))
    hashes = {f["sha256"] for f in record["files"].values()}
    assert set(record["coverage"]) == hashes and all(len(h) == 64 for h in hashes)
    assert set(record["families"]) == {"Noto Sans", "Noto Sans CJK SC"}

    second = _probe(cache)  # a new process: the record answers, no fc-match, no fontTools
    assert second == {"uncovered": ["\U0001F600"], "fontTools": False, "fc_match": 0}

    # a font file that changed (its size or mtime differs from the record) is hashed and read again
    path = next(iter(record["files"]))
    record["files"][path]["stat"][1] -= 1
    (cache / "glyph-coverage.json").write_text(json.dumps(record), encoding="utf-8")
    third = _probe(cache)
    assert third["uncovered"] == ["\U0001F600"] and third["fc_match"] == 2
    # … and a coverage recorded under a hash is trusted only for that hash
    again = json.loads((cache / "glyph-coverage.json").read_text(encoding="utf-8"))
    assert again["files"][path]["stat"] != record["files"][path]["stat"]


def test_pdfs_identical_with_shared_and_fresh_font_configuration(tmp_path):
    """The writer reuses one FontConfiguration and one parsed stylesheet per thread;
    the PDFs are byte-for-byte those of a fresh configuration."""
    import weasyprint

    from docgen.writers import pdf_writer

    doc = Document(lang="ru", title="Обращение", running_header="Магазин 123456789", page_label="стр. {page} из {pages}",
                   blocks=[Paragraph([Run("Просим снять удержание средств по заказу 58213746-0017-1.")]),
                           Paragraph([Run("卖家 深圳市示例科技有限公司", bold=True)], style="heading")])
    pdf_writer.write(doc, tmp_path / "a.pdf")
    shared = pdf_writer._weasy()
    pdf_writer.write(doc, tmp_path / "b.pdf")
    assert pdf_writer._weasy() is shared  # the same configuration served the second document
    weasyprint.HTML(string=pdf_writer.to_html(doc), url_fetcher=pdf_writer._no_fetch).write_pdf(
        str(tmp_path / "fresh.pdf"), pdf_identifier=b"docgen")  # fresh fonts, stylesheet inline
    a, b, fresh = ((tmp_path / n).read_bytes() for n in ("a.pdf", "b.pdf", "fresh.pdf"))
    assert a == b == fresh


def test_cached_grammar_needs_no_client(languagetool, tmp_path, monkeypatch):
    """Sentences already checked come from the cache: no request, and the
    language-tool-python client is not even made."""
    from docgen.qa import languagetool as lt

    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    texts = ["Просим снять удержание средств по заказу.", "В течении месяца мы ждали ответа."]
    first = lt.GrammarChecker(languagetool.url, "ru")
    found = first.check_many(texts)
    assert first.requests == 1 and first._tool is not None and found[0] == [] and found[1]  # a real check
    second = lt.GrammarChecker(languagetool.url, "ru")
    assert second.check_many(texts) == found
    assert second.requests == 0 and second._tool is None


def test_docx_page_estimate_laid_out_once_per_text_shape(tmp_path, monkeypatch):
    """The DOCX page count (NUMPAGES) comes from a WeasyPrint layout kept in the cache
    folder: a rebuild, and a letter that differs only in its numbers, lay nothing out;
    other text is laid out again. Digits laid out as zeros give the real text's count."""
    from docgen import diskcache
    from docgen.writers import docx_writer

    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    diskcache.forget_memory()
    layouts = []
    real = docx_writer._layout_pages
    monkeypatch.setattr(docx_writer, "_layout_pages", lambda page: layouts.append(page) or real(page))

    def letter(order: str, amount: str, extra: str = "") -> Document:
        para = (f"Просим снять удержание средств по заказу {order} на сумму {amount} руб. Заказ {order} "
                f"доставлен {extra}покупателю 10.10.2026, что подтверждают вложения 附件1、2.")
        return Document(lang="ru", title="Обращение", running_header="Магазин", page_label="стр. {page} из {pages}",
                        blocks=[Paragraph([Run(para)]) for _ in range(70)])

    first = docx_writer.estimate_pages(letter("58213746-0017-1", "3 480,00"))
    assert first >= 2 and len(layouts) == 1
    diskcache.forget_memory()  # as a new process: the page count is read from disk
    assert docx_writer.estimate_pages(letter("58213746-0017-1", "3 480,00")) == first
    assert docx_writer.estimate_pages(letter("99999999-1234-9", "1 111,11")) == first
    assert len(layouts) == 1
    assert docx_writer.estimate_pages(letter("58213746-0017-1", "3 480,00", "лично в руки ")) >= first
    assert len(layouts) == 2
    # the zeros do not move a page break: the real text lays out to the same count
    real_page = layouts[0].replace("00000000-0000-0", "58213746-0017-1").replace("0 000,00", "3 480,00") \
        .replace("00.00.0000", "10.10.2026").replace("附件0、0", "附件1、2")
    assert real_page != layouts[0] and real(real_page) == first
    assert not list((tmp_path / "cache" / "pages").rglob("*.tmp*"))


def test_template_sentence_with_other_codes_is_checked_once(languagetool, tmp_path, monkeypatch):
    """Letters of a batch repeat the template sentences with other order and tracking
    numbers: the grammar is checked once for all of them (the codes' digits do not
    count), each letter's matches point into its own text; a count that governs the
    noun («17 отправлений») is never shared."""
    from docgen.qa import languagetool as lt

    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))

    def sentence(order: str, track: str, n: str = "17") -> str:
        return (f"В течении месяца отправление {order} (трек-номер {track}, файл A01_tracking_{track}.pdf) "
                f"ждало передачи вместе с {n} отправлениями.")

    checker = lt.GrammarChecker(languagetool.url, "ru")
    a, b = sentence("58213746-0017-1", "RU741852963CN"), sentence("58229999-0003-1", "RU899999001CN")
    found_a = checker.check_many([a])[0]
    assert checker.texts_sent == 1
    found_b = checker.check_many([b])[0]
    assert checker.texts_sent == 1, "the same sentence with other codes went to LanguageTool again"
    flagged = [a[m.offset:m.offset + m.length] for m in found_a]
    assert "течении" in " ".join(flagged) and found_b == found_a  # a real finding, in both letters
    assert [b[m.offset:m.offset + m.length] for m in found_b] == flagged
    checker.check_many([sentence("58213746-0017-1", "RU741852963CN", "21")])
    assert checker.texts_sent == 2


def test_sentences_checked_before_need_no_server(languagetool, tmp_path, monkeypatch):
    """A text whose sentences are all in the grammar cache is checked from it without
    asking whether any server runs (a warm build costs LanguageTool nothing); one new
    sentence needs the server, and without one the grammar is reported as not checked."""
    from docgen.checkfile import check_file
    from docgen.qa import languagetool as lt

    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    letter = tmp_path / "ru.txt"
    letter.write_text("В течении месяца мы ждали ответа.\nПросим снять удержание средств по заказу.\n",
                      encoding="utf-8")
    monkeypatch.setenv("LT_URL", languagetool.url)
    first = [(f.check, f.message) for f in check_file(letter, "ru").findings if f.check == "grammar"]
    assert first and "V_TECHENI" in first[0][1]  # a real finding
    monkeypatch.setenv("LT_URL", "http://127.0.0.1:9")  # nothing listens there
    asked = []
    monkeypatch.setattr(lt, "status", lambda: asked.append(1) or lt.ServerStatus(None, None, False, True, ""))
    again = [(f.check, f.message) for f in check_file(letter, "ru").findings if f.check == "grammar"]
    assert again == first and not asked
    letter.write_text("Красивый машина стоит у склада.\n", encoding="utf-8")
    (f,) = [f for f in check_file(letter, "ru").findings if f.check == "grammar"]
    assert f.where == "letter" and f.message.startswith("grammar not checked") and asked


_SUBSET_DOC = dict(lang="ru", title="Обращение", running_header="Магазин 123456789", page_label="стр. {page} из {pages}",
                   blocks=[Paragraph([Run("Просим снять удержание средств по заказу 58213746-0017-1.")]),
                           Paragraph([Run("卖家 深圳市示例科技有限公司", bold=True)], style="heading")])

_SUBSET_PROBE = """
import hashlib, json, sys
from docgen.model import Document, Paragraph, Run
from docgen.writers import font_subsets, pdf_writer
sys.path.insert(0, sys.argv[1])
from test_warm_caches import _SUBSET_DOC
pdf = pdf_writer.to_bytes(Document(**_SUBSET_DOC))
print(json.dumps({**font_subsets.stats, "pdf": hashlib.sha256(pdf).hexdigest()}))
"""


def test_font_subsets_reused_with_the_same_pdf_bytes(monkeypatch, tmp_path):
    """The second PDF with the same glyphs reuses the font subsets HarfBuzz made for the
    first; the bytes are those WeasyPrint makes without the memo."""
    from weasyprint.pdf import fonts as wp_fonts

    from docgen.writers import font_subsets, pdf_writer

    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path))  # nothing stored by an earlier run
    doc = Document(**_SUBSET_DOC)
    pdf_writer._weasy()
    font_subsets.forget()
    misses = font_subsets.stats["misses"]
    first = pdf_writer.to_bytes(doc)
    made = font_subsets.stats["misses"] - misses
    assert made >= 2  # a Cyrillic and a CJK font (at least) were subset
    hits = font_subsets.stats["hits"]
    second = pdf_writer.to_bytes(doc)
    assert font_subsets.stats["hits"] - hits == made and font_subsets.stats["misses"] - misses == made
    monkeypatch.setattr(wp_fonts.Font, "clean", wp_fonts.Font.clean.original)  # WeasyPrint's own
    assert pdf_writer.to_bytes(doc) == first == second


def test_font_subsets_kept_on_disk_for_the_next_process(tmp_path):
    """A second process finds the subsets the first one made (the cache folder), makes
    none itself, and writes the same PDF bytes; a damaged entry is made again."""
    import os
    from pathlib import Path

    env = dict(os.environ, DOCGEN_CACHE_DIR=str(tmp_path))

    def run() -> dict:
        out = subprocess.run([sys.executable, "-c", _SUBSET_PROBE, str(Path(__file__).parent)], capture_output=True,
                             text=True, env=env, timeout=120)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    first = run()
    assert first["misses"] >= 2 and first["from_disk"] == 0
    stored = sorted((tmp_path / "font-subsets").rglob("*.bin"))
    assert len(stored) == first["misses"]
    second = run()
    assert second["misses"] == 0 and second["from_disk"] == first["misses"]
    assert second["pdf"] == first["pdf"]
    stored[0].write_bytes(stored[0].read_bytes()[:-10])  # truncated: not taken, made again
    third = run()
    assert third["misses"] == 1 and third["pdf"] == first["pdf"]
