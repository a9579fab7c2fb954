"""Messages are codes with parameters, rendered from one catalog at the edge."""
from __future__ import annotations

import ast
import pickle
import string
from pathlib import Path

from docgen.i18n import Msg, msg, render
from docgen.i18n.catalog import MESSAGES
from docgen.settings import PROJECT_ROOT

DOCGEN = PROJECT_ROOT / "docgen"


def _calls():
    for path in DOCGEN.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            yield path, node


def _is_text(node) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def test_every_code_used_is_in_the_catalog_with_its_placeholders():
    used, problems = set(), []
    for path, node in _calls():
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("msg", "say") \
                and node.args and isinstance(node.args[0], ast.Constant):
            code = node.args[0].value
            if node.func.id == "say" and "." not in code:
                continue  # docgen reply's own say(key, lang): its reply templates' messages
            used.add(code)
            if code not in MESSAGES:
                problems.append(f"{path.name}: {code} not in the catalog")
                continue
            wanted = {f[1].split(".")[0].split("[")[0] for f in string.Formatter().parse(MESSAGES[code]) if f[1]}
            given = {k.arg for k in node.keywords} - {"err"}
            if wanted != given:
                problems.append(f"{path.name}: {code}: catalog wants {sorted(wanted)}, call gives {sorted(given)}")
    assert problems == []
    # a code may also be named in a table (e.g. pydantic error type → code)
    named = {n.value for _, n in _calls() if isinstance(n, ast.Constant) and n.value in MESSAGES}
    assert set(MESSAGES) - used - named == set(), "catalog entries nobody uses"


def test_no_literal_messages_at_problem_finding_and_check_sites():
    literal = []
    for path, node in _calls():
        if not isinstance(node, (ast.Call, ast.Yield)):
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = node.args
            if node.func.id == "Problem" and len(args) >= 3 and _is_text(args[2]) or \
                    node.func.id == "Finding" and len(args) >= 4 and _is_text(args[3]) or \
                    node.func.id == "DocgenError" and args and _is_text(args[0]) or \
                    node.func.id == "RowProblem" and len(args) >= 3 and _is_text(args[2]):  # docgen batch
                literal.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
        if isinstance(node, ast.Yield) and path.parent.name == "qa" and path.name.endswith("_checks.py") \
                and isinstance(node.value, ast.Tuple) and len(node.value.elts) >= 2 and _is_text(node.value.elts[1]):
            literal.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert literal == []


def test_a_message_is_text_with_its_code_and_survives_pickling():
    m = msg("qa.file-empty-bytes", name="A01_x.pdf")
    assert m == "A01_x.pdf: file is empty (0 bytes)" and m.code == "qa.file-empty-bytes"
    back = pickle.loads(pickle.dumps(m))
    assert isinstance(back, Msg) and back == m and back.params == {"name": "A01_x.pdf"}
    assert render("plain text", "zh") == "plain text"


def test_a_gettext_catalog_translates_at_the_edge(tmp_path, monkeypatch):
    """What the Chinese/English UI adds: a translation in the .po catalog; no call site changes."""
    import docgen.i18n as i18n
    from docgen.errors import Problem
    from docgen.model import Finding

    en = MESSAGES["qa.file-empty-bytes"]
    po = tmp_path / "zh" / "LC_MESSAGES" / "docgen.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  f'msgid "{en}"\nmsgstr "{{name}}：文件为空（0 字节）"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n._translations.cache_clear()
    try:
        f = Finding("evidence-readable", "error", "E1", msg("qa.file-empty-bytes", name="a.pdf"))
        assert f.render("zh") == "a.pdf：文件为空（0 字节）" and f.as_dict("zh")["message"] == "a.pdf：文件为空（0 字节）"
        assert f.as_dict()["message"] == "a.pdf: file is empty (0 bytes)" and f.check == "evidence-readable"
        p = Problem("case.yaml", "facts[0]", msg("case.not-file"), 3)
        assert p.render("zh") == "case.yaml:3: facts[0]: not a file"  # no translation yet: English
        assert (p.code, dict(p.params)) == ("case.not-file", {})
    finally:
        i18n._translations.cache_clear()


def test_findings_of_a_real_check_carry_code_and_params(fund_hold_case):
    from docgen.case import load_case
    from docgen.evidence.index import evidence_entries
    from docgen.qa import QAContext, run_checks

    (fund_hold_case.parent / "evidence" / "empty.pdf").write_bytes(b"")
    text = fund_hold_case.read_text(encoding="utf-8").replace(
        "evidence:\n", "evidence:\n  - id: E9\n    file: evidence/empty.pdf\n    description: 空文件\n", 1)
    fund_hold_case.write_text(text, encoding="utf-8")
    cf = load_case(fund_hold_case)
    found = [f for f in run_checks(QAContext(case_file=cf, entries=evidence_entries(cf)))
             if f.check == "evidence-readable"]
    assert [(f.where, f.code, dict(f.params)) for f in found] == [
        ("evidence.E9", "qa.file-empty-bytes", {"name": "empty.pdf"})]
