"""Parallel templates: same keys in every language; sandboxed; only known variables."""
from __future__ import annotations

import pytest
import yaml

from docgen import DocgenError
from docgen.case.model import CASE_TYPES
from docgen.render import templates as tpl
from docgen.resources import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "letter_templates"


@pytest.mark.parametrize("folder", ["common", *CASE_TYPES])
def test_languages_have_the_same_keys(folder):
    keys = {lang: set(yaml.safe_load((TEMPLATES / folder / f"{lang}.yaml").read_text(encoding="utf-8")))
            for lang in ("ru", "zh", "en")}
    assert keys["ru"] == keys["zh"] == keys["en"]


@pytest.mark.parametrize("case_type", CASE_TYPES)
@pytest.mark.parametrize("lang", ["ru", "zh", "en"])
def test_all_templates_compile(case_type, lang):
    ts = tpl.load_templates(case_type, lang)
    assert {"subject", "intro", "conclusion", "signoff_title"} <= ts.keys()


def _copy_templates(tmp_path, edit):
    import shutil

    dest = tmp_path / "tpl"
    shutil.copytree(TEMPLATES, dest)
    edit(dest)
    tpl._load.cache_clear()
    return dest


def test_unknown_variable_is_reported_with_file_and_key(tmp_path, monkeypatch):
    def edit(d):
        p = d / "fund_hold" / "ru.yaml"
        p.write_text(p.read_text(encoding="utf-8").replace("{{ item.order }}", "{{ secret }}", 1), encoding="utf-8")
    monkeypatch.setenv("DOCGEN_TEMPLATES", str(_copy_templates(tmp_path, edit)))
    with pytest.raises(DocgenError) as e:
        tpl.load_templates("fund_hold", "ru")
    (p,) = e.value.problems
    assert p.file.endswith("fund_hold/ru.yaml") and p.field == "subject" and "secret" in p.message
    tpl._load.cache_clear()


def test_an_edited_template_is_compiled_again_in_the_same_process(tmp_path, monkeypatch):
    """A long-running process (the review page, a batch worker) sees an edit of a template
    file at its next letter; unchanged files are not compiled again."""
    monkeypatch.setenv("DOCGEN_TEMPLATES", str(_copy_templates(tmp_path, lambda d: None)))
    first = tpl.load_templates("fund_hold", "ru")
    assert tpl.load_templates("fund_hold", "ru") is first
    p = tmp_path / "tpl" / "common" / "ru.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("Уважаемая служба поддержки!", "Добрый день!", 1),
                 encoding="utf-8")
    second = tpl.load_templates("fund_hold", "ru")
    assert second is not first and "Добрый день!" in second.render("greeting", {})
    assert "Уважаемая служба поддержки!" in first.render("greeting", {})


def test_sandbox_blocks_attribute_escape(tmp_path, monkeypatch):
    from docgen import load_case
    from docgen.render import render_letter
    from tests.conftest import SAMPLES

    def edit(d):
        p = d / "fund_hold" / "ru.yaml"
        text = p.read_text(encoding="utf-8").replace(
            "{{ item.order }}", "{{ case.__class__.__init__.__globals__ }}", 1)
        p.write_text(text, encoding="utf-8")
    monkeypatch.setenv("DOCGEN_TEMPLATES", str(_copy_templates(tmp_path, edit)))
    with pytest.raises(DocgenError, match="not allowed|undefined|template error"):
        render_letter(load_case(SAMPLES / "fund-hold" / "case.yaml"))
    tpl._load.cache_clear()


def test_date_formats():
    import datetime as dt

    d = dt.date(2026, 10, 4)
    assert tpl.format_date(d, tpl.load_templates("fund_hold", "ru").plain["date_format"]) == "04.10.2026"
    assert tpl.format_date(d, tpl.load_templates("fund_hold", "zh").plain["date_format"]) == "2026年10月4日"
    assert tpl.format_date(d, tpl.load_templates("fund_hold", "en").plain["date_format"]) == "4 October 2026"
