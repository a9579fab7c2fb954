"""The glossary: TBX through translate-toolkit, look-up, export, validation."""
from __future__ import annotations

import csv
import io

from docgen.cli import main
from docgen.glossary import Term, check_glossary, export_csv, load_glossary, read_tbx, write_tbx
from docgen.glossary.tbx import default_path


def test_shipped_glossary_is_valid_and_covers_the_case_types():
    g = load_glossary()
    assert len(g.terms) >= 150
    assert check_glossary(g.terms) == []
    ru = {t.ru for t in g.terms}
    # payouts, listings, logistics, rating, support
    assert {"удержание средств", "карточка товара", "трек-номер", "индекс ошибок", "служба поддержки",
            "сертификат соответствия", "декларация о соответствии", "пункт выдачи заказов"} <= ru
    assert {t.status for t in g.terms} == {"preferred", "forbidden", "do-not-translate"}


def test_tbx_round_trip_keeps_every_field(tmp_path):
    terms = [Term("X1", "карточка товара", "product card", "商品卡片", "noun", "f", True, "preferred", "G", "n1"),
             Term("X2", "апелляция", "appeal", "上诉", "noun", "f", True, "forbidden", "docgen", "use обжалование"),
             Term("X3", "SKU", "SKU", "SKU", "abbr", None, False, "do-not-translate", "", "")]
    path = tmp_path / "g.tbx"
    write_tbx(terms, path)
    assert read_tbx(path) == terms
    xml = path.read_text(encoding="utf-8")
    assert 'type="administrativeStatus">deprecatedTerm-admn-sts' in xml
    assert '<descrip type="Translation needed">no</descrip>' in xml
    assert 'type="grammaticalGender">feminine' in xml


def test_check_finds_bad_entries():
    bad = [Term("A", "заказ", "order", "订单", "noun", None),  # noun without gender
           Term("A", "склад", "", "仓库", "thing", "m"),  # duplicate id, no en, bad pos
           Term("B", "отправление", "order", "订单", "noun", "n"),  # 订单 already → заказ
           Term("C", "апелляция", "appeal", "上诉", "noun", "f", status="forbidden")]  # forbidden without note
    problems = "\n".join(check_glossary(bad))
    for expected in ("needs its gender", "id used twice", "no en form", "part of speech 'thing'",
                     "already maps to 'заказ'", "forbidden term needs a note"):
        assert expected in problems


def test_find_longest_match_and_inflected_lookup():
    g = load_glossary()
    hits = [(m.term.ru, m.start, m.end) for m in g.find("买家提交了退货申请", "zh")]
    assert ("заявка на возврат", 5, 9) in hits and all(h[0] != "возврат" for h in hits)
    assert g.exact("商品卡片。", "zh").ru == "карточка товара"


def test_cli_lookup_export_check(tmp_path, capsys):
    assert main(["glossary", "lookup", "资金冻结"]) == 0
    assert "удержание средств" in capsys.readouterr().out
    assert main(["glossary", "lookup", "zzzz"]) == 0  # not found is an answer, not exit 1 (issue #13)
    assert "no entry" in capsys.readouterr().out
    capsys.readouterr()
    assert main(["glossary", "export", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == len(load_glossary().terms) and rows[0].keys() >= {"zh", "en", "ru", "status", "gender"}
    out = tmp_path / "g.tsv"
    assert main(["glossary", "export", "--format", "tsv", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines()[0].split("\t")[:4] == ["id", "zh", "en", "ru"]
    tbx = tmp_path / "g.tbx"
    assert main(["glossary", "export", "--format", "tbx", "-o", str(tbx)]) == 0
    assert read_tbx(tbx) == read_tbx(default_path())
    assert main(["glossary", "check"]) == 0
    assert "0 problem(s)" in capsys.readouterr().out
    assert export_csv([]).strip() == "id,zh,en,ru,pos,gender,inflects,status,source,note"
