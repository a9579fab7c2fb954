"""What the README promises, kept (issue #13, items 9 and 10): each test follows the
README literally and failed before its fix."""
from __future__ import annotations

import io
import json
import re
import sys

import docx
import pytest
import yaml

from docgen.cli import main
from docgen.errors import DocgenError
from docgen.pipeline.build import BuildOptions, build_case as build
from tests.test_review import _edit_xliff, draft  # noqa: F401 — the fixture

TM_SOURCE = "2026年10月24日买家在提货点签收了包裹（TM 测试）。"
TM_TARGET = "24.10.2026 покупатель получил посылку в пункте выдачи."


def _stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def _edit_case(case, change) -> None:
    d = yaml.safe_load(case.read_text(encoding="utf-8"))
    change(d)
    case.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")


# ---- item 9: glossary and translation memory without a model --------------------------


def test_translate_without_model_serves_glossary_and_tm(monkeypatch, capsys):
    from docgen.translate.memory import TranslationMemory

    memory = TranslationMemory()
    memory.put(TM_SOURCE, "zh", "ru", TM_TARGET, "Анна")
    memory.close()
    _stdin(monkeypatch, f"资金冻结\n\n{TM_SOURCE}\n这句话没有翻译\n")
    assert main(["translate", "--from", "zh", "--to", "ru", "-"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["удержание средств", "", TM_TARGET, "[untranslated] 这句话没有翻译"]
    assert "1 line(s) left untranslated" in err and "docgen models install" in err


def test_build_without_model_serves_glossary_and_tm(fund_hold_case):
    from docgen.translate.memory import TranslationMemory

    def change(d):
        d["facts"][0]["text"] = "资金冻结"  # exactly a glossary term
        d["facts"][1]["text"] = TM_SOURCE  # exactly a stored translation
        for f in d["facts"]:
            del f["text_ru"]

    _edit_case(fund_hold_case, change)
    memory = TranslationMemory()
    memory.put(TM_SOURCE, "zh", "ru", TM_TARGET, "Анна")
    memory.close()
    # "auto": no package installed; segments and findings are read, no printable document
    result = build(fund_hold_case, BuildOptions(languagetool=False, formats=(), bundle=False))
    segs = result.letter.segments
    assert (segs["fact.1"].origin, segs["fact.1"].text("ru")) == ("glossary", "удержание средств")
    assert (segs["fact.2"].origin, segs["fact.2"].text("ru")) == ("tm", TM_TARGET)
    assert segs["fact.3"].origin == "untranslated"
    untranslated = {f.where for f in result.findings if f.check == "untranslated"}
    assert "fact.3" in untranslated and not {"fact.1", "fact.2"} & untranslated


def test_partial_xliff_review_accepts_filled_units(draft, capsys):  # noqa: F811
    reviewed = _edit_xliff(draft, {"fact.2": "", "request": "Просим снять удержание средств по этому заказу."})
    assert main(["review", "import", str(reviewed), "--reviewer", "Анна Иванова", "--outdir", str(draft)]) == 0
    out = capsys.readouterr().out
    assert "1 unit(s) left empty in the review file" in out and "fact.2" in out
    import json

    record = json.loads((draft / "review/review.json").read_text(encoding="utf-8"))
    assert record["left_empty"] == ["fact.2"] and [c["id"] for c in record["changed"]] == ["request"]
    assert "fact.2" not in record["segments"]
    qa = json.loads((draft / "qa.json").read_text(encoding="utf-8"))
    assert any(f["check"] == "untranslated" and f["where"] == "fact.2" and f["severity"] == "error"
               for f in qa["findings"])


def test_partial_docx_review_accepts_filled_units(draft, capsys):  # noqa: F811
    d = docx.Document(str(draft / "review/review.docx"))
    rows = {r.cells[0].text: r for r in d.tables[0].rows[1:]}
    assert rows["fact.2"].cells[2].text.strip() == ""  # the untranslated unit, left as exported
    rows["request"].cells[2].text = "Просим снять удержание средств по этому заказу."
    d.save(str(draft.parent / "reviewed.docx"))
    assert main(["review", "import", str(draft.parent / "reviewed.docx"), "--reviewer", "Анна Иванова",
                 "--outdir", str(draft)]) == 0
    assert "left empty in the review file" in capsys.readouterr().out
    from docgen.review.state import load_review_record

    record = load_review_record(draft)
    assert record.left_empty == ["fact.2"] and [c["id"] for c in record.changed] == ["request"]


# ---- item 10: what the README promises --------------------------------------------------


def test_glossary_lookup_unknown_term_is_no_entry_exit_0(capsys):
    assert main(["glossary", "lookup", "нет такого термина"]) == 0
    out = capsys.readouterr().out
    assert "no entry contains 'нет такого термина'" in out


@pytest.mark.parametrize("edits", [
    # field faults (the model's order is not the file's)
    (("appeal_round: 1", "appeal_round: x"), ("signatory: Li Wei", 'signatory: ""'), ("  code: HOLD-012", "  code: 12"),
     ('    amount: "3480.00 RUB"', '    amount: ""')),
    # faults found after the fields are valid (references, files), across the file
    (("    evidence: [E2]", "    evidence: [E9]"), ("    evidence: [E1]", "    evidence: [E8]"),
     ("file: evidence/A02_seller-panel_RU741852963CN.png", "file: evidence/missing.png"),
     ("file: evidence/A01_tracking_RU741852963CN.pdf", "file: ../outside.pdf")),
])
def test_exit_2_problems_printed_in_line_order(fund_hold_case, capsys, edits):
    text = fund_hold_case.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    fund_hold_case.write_text(text, encoding="utf-8")
    assert main(["build", str(fund_hold_case)]) == 2
    err = capsys.readouterr().err
    lines = [int(n) for n in re.findall(r"case\.yaml:(\d+):", err)]
    assert len(lines) >= 4 and lines == sorted(lines), err
    assert not (fund_hold_case.parent / "out").exists()


def test_cli_prints_every_command_s_problems_by_line(capsys, monkeypatch):
    from docgen.errors import Problem

    def fails(args):
        raise DocgenError([Problem("a.yaml", "x", "third", 42), Problem("a.yaml", "y", "first", 37),
                           Problem("b.yaml", "", "other file", 1), Problem("a.yaml", "", "whole file"),
                           Problem("a.yaml", "z", "second", 39)])

    import docgen.cli as cli

    monkeypatch.setitem(cli.COMMANDS, "lt", fails)  # any command: the CLI's edge sorts
    assert main(["lt", "status"]) == 2
    err = capsys.readouterr().err
    assert [ln.split(": ", 3)[2] for ln in err.splitlines()] == \
        ["a.yaml", "a.yaml:37", "a.yaml:39", "a.yaml:42", "b.yaml:1"], err


@pytest.mark.parametrize("old,new,field,line", [
    ("signatory: Li Wei", 'signatory: ""', "seller.signatory", 12),
    ("signatory: Li Wei", 'signatory: "   "', "seller.signatory", 12),
    ("    text_ru: 24.10.2026 покупатель получил посылку в пункте выдачи заказов.", '    text_ru: " "',
     "facts[1].text_ru", 28),
])
def test_blank_optional_fields_refused(fund_hold_case, capsys, old, new, field, line):
    text = fund_hold_case.read_text(encoding="utf-8")
    assert old in text
    fund_hold_case.write_text(text.replace(old, new), encoding="utf-8")
    assert main(["build", str(fund_hold_case)]) == 2
    assert f"case.yaml:{line}: {field}: is blank" in capsys.readouterr().err


def test_final_names_untranslated_sentence_not_translated(fund_hold_case, capsys):
    _edit_case(fund_hold_case, lambda d: d["facts"][1].pop("text_ru"))
    assert main(["build", str(fund_hold_case), "--final"]) == 3
    err = capsys.readouterr().err
    fact2 = [ln for ln in err.splitlines() if ": fact.2: " in ln and "error finding" not in ln]
    assert fact2 and all("not translated" in ln and "machine translation" not in ln for ln in fact2), err


def test_build_format_writes_only_the_formats_asked_for(fund_hold_case, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(fund_hold_case), "--format", "pdf", "--no-bundle", "-o", str(out)]) == 0
    assert (out / "submit" / "letter.ru.pdf").is_file() and (out / "seller" / "letter.zh.pdf").is_file()
    assert [p.name for p in out.rglob("*.docx")] == ["review.docx"]  # the translator's file is not a printable format
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["options"] == {"bundle": False, "formats": ["pdf"], "pdfa": False}
    capsys.readouterr()
    assert main(["build", str(fund_hold_case), "--format", "png", "-o", str(tmp_path / "bad")]) == 2
    assert "--format: unknown output format 'png'; known: docx, pdf" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()


def test_refused_build_leaves_no_empty_output_folders(fund_hold_case, tmp_path):
    """`-o a/b/out` on a build that ends without outputs (here --final refusing an
    untranslated sentence) does not leave the folders a/ and a/b/ it made behind."""
    _edit_case(fund_hold_case, lambda d: d["facts"][1].pop("text_ru"))
    (tmp_path / "kept").mkdir()  # a folder that was there before stays
    assert main(["build", str(fund_hold_case), "--final", "-o", str(tmp_path / "kept" / "a" / "b" / "out")]) == 3
    assert sorted(p.name for p in (tmp_path / "kept").iterdir()) == []
    assert (tmp_path / "kept").is_dir()


@pytest.mark.parametrize("argv", [
    ["glossary", "export", "--format", "csv", "-o"], ["glossary", "export", "--format", "tbx", "-o"],
    ["review", "tm-export", "-o"], ["new", "fund_hold", "-o"],
    ["explain", str(__import__("pathlib").Path(__file__).parent / "data/notices/fund_hold-ru-1.txt"), "-o"]])
def test_user_named_files_never_overwritten(tmp_path, capsys, argv):
    target = tmp_path / "exists.txt"
    target.write_text("mine", encoding="utf-8")
    assert main([*argv, str(target)]) == 2
    assert target.read_text(encoding="utf-8") == "mine"
    assert "file exists; choose another name (nothing overwritten)" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exists.txt"]  # no .part left either
    fresh = tmp_path / "fresh.out"
    assert main([*argv, str(fresh)]) == 0 and fresh.stat().st_size > 0


def test_sizes_printed_for_people(fund_hold_case):
    _edit_case(fund_hold_case, lambda d: d.__setitem__("evidence_rules", {"max_size_mb": 0.001}))
    result = build(fund_hold_case, BuildOptions(languagetool=False, translator=None, formats=(), bundle=False))
    msgs = [f.message for f in result.findings if f.check == "evidence-size"]
    assert msgs and all(re.search(r"\d+(\.\d)? KB is over the 1\.0 KB limit", m) for m in msgs), msgs
    assert not any(re.search(r"\d\.\d{3,}", m) for m in msgs)
    from docgen.i18n import size_text

    assert [size_text(n) for n in (512, 1048, 348_160, 1_048_576, 5 * 1_048_576)] == \
        ["512 B", "1.0 KB", "340 KB", "1.0 MB", "5.0 MB"]


def test_languagetool_start_is_announced_on_stderr(tmp_path, monkeypatch, capsys):
    """A server being started says what the command waits for (here the "server" is a
    jar java cannot run, so the start fails fast and the check goes on without grammar)."""
    from docgen.qa import languagetool as lt

    jars = tmp_path / "jars"
    jars.mkdir()
    (jars / f"languagetool-server-{lt.lt_version()}.jar").write_bytes(b"not a jar")
    monkeypatch.delenv("LT_URL", raising=False)
    monkeypatch.setenv("DOCGEN_LT_JARS", str(jars))
    monkeypatch.setenv("DOCGEN_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))  # grammar cached by another test: no start
    text = tmp_path / "letter.txt"
    text.write_text("Просим снять удержание средств по заказу.\n", encoding="utf-8")
    assert main(["check", str(text), "--lang", "ru"]) == 0
    out, err = capsys.readouterr()
    assert "starting the LanguageTool server for the grammar check" in err and "LanguageTool server" not in out


def test_review_import_lists_every_problem_at_once(draft, capsys):  # noqa: F811
    reviewed = _edit_xliff(draft, {
        "intro": "Другое вступление.",  # a locked (template) sentence changed without a reason
        "fact.1": "Отправление передано перевозчику.",  # its order and tracking numbers dropped
        "fact.2": "Покупатель получил посылку ZQ1.",  # a placeholder left in
    })
    from docgen.review.state import load_letter_state

    before = (draft / "review/letter.json").read_bytes()
    assert main(["review", "import", str(reviewed), "--reviewer", " ", "--outdir", str(draft)]) == 2
    err = capsys.readouterr().err
    for expected in ("--reviewer", "intro: a template sentence was changed: give the reason",
                     "fact.1: ID 58213746-0017-1 of the source is missing", "fact.2: a placeholder"):
        assert expected in err, (expected, err)
    assert (draft / "review/letter.json").read_bytes() == before and load_letter_state(draft)
