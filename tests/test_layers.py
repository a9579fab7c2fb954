"""Layers: stages never import the pipeline (or the façades above it), module-level
imports have no circle, and QA preconditions skip dependent findings."""
from __future__ import annotations

import ast

from docgen.settings import PROJECT_ROOT

DOCGEN = PROJECT_ROOT / "docgen"
STAGES = ("case", "render", "translate", "qa", "evidence", "writers", "review", "store", "lang", "glossary", "i18n")
ABOVE = ("docgen.pipeline", "docgen.build", "docgen.indexer", "docgen.checkfile", "docgen.cli")


def _module(path) -> str:
    rel = path.relative_to(PROJECT_ROOT).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path, top_level_only: bool):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("docgen"):
            for a in node.names:  # `from docgen.qa import letter_checks` imports the module
                sub = DOCGEN.parent / (node.module + "." + a.name).replace(".", "/")
                yield node.module + "." + a.name if sub.with_suffix(".py").is_file() or sub.is_dir() else node.module
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("docgen"))


def test_no_stage_imports_the_pipeline():
    bad = []
    for stage in STAGES:
        for path in (DOCGEN / stage).rglob("*.py"):
            for name in _imports(path, top_level_only=False):
                if name.startswith(ABOVE):
                    bad.append(f"{_module(path)} → {name}")
    assert bad == []


def test_no_import_circle():
    modules = {_module(p): p for p in DOCGEN.rglob("*.py")}
    graph = {m: {i for i in _imports(p, top_level_only=True) if i in modules and i != m} for m, p in modules.items()}
    # a package's own __init__ re-exporting its modules is not a circle with them
    for m in graph:
        graph[m] = {i for i in graph[m] if not (modules[m].name == "__init__" and i.startswith(m + "."))}
    cycles, state = [], {}

    def visit(m, stack):
        state[m] = 1
        for n in graph[m]:
            if state.get(n) == 1:
                cycles.append(stack[stack.index(n):] + [n])
            elif n not in state:
                visit(n, stack + [n])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert cycles == []


def test_check_modules_import_the_base_not_the_table():
    for path in (DOCGEN / "qa").glob("*_checks.py"):
        names = set(_imports(path, top_level_only=False))
        assert "docgen.qa.registry" not in names and "docgen.qa.base" in names, path.name


def test_a_precondition_skips_dependent_findings():
    from docgen.i18n import msg
    from docgen.qa.base import Check, QAContext, run_checks

    lost = Check("placeholders", "error", lambda ctx: [("fact.1", msg("qa.translation-identical-source-text"))], "")
    nums = Check("numbers", "error", lambda ctx: [("fact.1", msg("qa.translation-identical-source-text")),
                                                  ("fact.2", msg("qa.translation-identical-source-text"))], "",
                 after=("placeholders",))
    found = run_checks(QAContext(index=False), [lost, nums])
    assert [(f.check, f.where) for f in found] == [("placeholders", "fact.1"), ("numbers", "fact.2")]
    # without the precondition both are reported
    free = Check("numbers", "error", nums.run, "")
    assert len(run_checks(QAContext(index=False), [lost, free])) == 3
    # needs are typed: a misspelt need is refused when the table is made
    import pytest

    with pytest.raises(ValueError, match="unknown need"):
        Check("x", "info", nums.run, "", needs=("leter",))


def test_a_new_case_type_is_one_row_and_its_templates(fund_hold_case, tmp_path, monkeypatch):
    """A case type is a row of CASE_TYPE_TABLE plus its template folder: no Python
    elsewhere changes. Here a "marketplace_hold" type reuses the payout-hold sentences."""
    import shutil

    from docgen import BuildOptions, DocgenError, Session, build_case
    from docgen.case.types import CASE_TYPE_TABLE, CaseType
    from docgen.settings import current
    from tests.conftest import pdf_text

    templates = tmp_path / "templates"
    shutil.copytree(PROJECT_ROOT / "letter_templates", templates)
    shutil.copytree(templates / "fund_hold", templates / "marketplace_hold")
    case = fund_hold_case.read_text(encoding="utf-8").replace("case_type: fund_hold", "case_type: marketplace_hold")
    fund_hold_case.write_text(case, encoding="utf-8")
    with Session(current().with_(templates_dir=templates)) as session:
        import pytest

        with pytest.raises(DocgenError, match="case_type"):  # not in the table yet
            build_case(fund_hold_case, BuildOptions(languagetool=False, bundle=False), session)
        monkeypatch.setitem(CASE_TYPE_TABLE, "marketplace_hold", CaseType("marketplace_hold", one_order=True))
        events = []
        r = build_case(fund_hold_case, BuildOptions(languagetool=False, bundle=False, formats=("pdf",)), session,
                       on_event=events.append)
    from docgen.pipeline.build import STAGES

    assert [e.stage for e in events if e.kind == "stage"] == [s.__name__ for s in STAGES] and events[-1].kind == "done"
    # what a batch worker sends back to its parent travels intact (messages keep their codes)
    import pickle

    back = pickle.loads(pickle.dumps((session.settings, r)))
    assert back[0] == session.settings and [f.code for f in back[1].findings] == [f.code for f in r.findings]
    text = pdf_text(r.outdir / "submit/letter.ru.pdf")
    assert "Просьба снять удержание средств по отправлению 58213746-0017-1" in " ".join(text.split())
    assert __import__("json").loads((r.outdir / "manifest.json").read_text())["case_type"] == "marketplace_hold"
    assert not [f for f in r.findings if f.check == "metric-window"]  # a check of another type stays out
