"""Settings read once, the Session, and the confirmed bugs of issue 10: the LanguageTool
start lock and `lt stop` reaping its child, two review imports within a second, zh→en
review notes, missing fonts as a setup hint, every imported distribution declared."""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from docgen.settings import PROJECT_ROOT, Settings, current, use

DOCGEN = PROJECT_ROOT / "docgen"


def test_settings_from_env_reads_every_knob(tmp_path):
    env = {"DOCGEN_TEMPLATES": "/t", "DOCGEN_GLOSSARY": "/g", "DOCGEN_CACHE_DIR": "/c", "DOCGEN_STATE_DIR": "/s",
           "DOCGEN_MODELS_DIR": "/m", "DOCGEN_LT_JARS": "/j", "LT_URL": "http://127.0.0.1:1", "DOCGEN_LT_HEAP": "2g",
           "DOCGEN_MT_THREADS": "3", "DOCGEN_UI": "zh_CN.UTF-8", "DOCGEN_DEBUG": "1", "NO_COLOR": ""}
    s = Settings.from_env(env)
    assert (s.templates_dir, s.glossary_dir, s.cache_dir, s.state_dir, s.models_dir, s.lt_jars) == tuple(
        map(Path, ("/t", "/g", "/c", "/s", "/m", "/j")))
    assert (s.lt_url, s.lt_heap, s.mt_threads, s.ui_language, s.debug, s.colour) == (
        "http://127.0.0.1:1", "2g", 3, "zh", True, False)
    d = Settings.from_env({"HOME": "/h", "XDG_CACHE_HOME": "/xc", "XDG_DATA_HOME": "/xd", "LANG": "fr_FR.UTF-8"})
    assert d.cache_dir == Path("/xc/docgen") and d.models_dir == Path("/xd/docgen/models")
    # the translation memory is a translator's work: state, not cache (clearing ~/.cache keeps it)
    assert d.state_dir == Path.home() / ".local" / "state" / "docgen" != d.cache_dir
    x = Settings.from_env({"XDG_CACHE_HOME": "/xc", "XDG_STATE_HOME": "/xs"})
    assert x.state_dir == Path("/xs/docgen") and x.tm_file == Path("/xs/docgen/translation-memory.sqlite")
    assert Settings.from_env({"DOCGEN_TM_FILE": "/share/tm.sqlite"}).tm_file == Path("/share/tm.sqlite")
    assert d.ui_language == "en" and d.lt_url is None and d.mt_threads == 0 and d.colour
    assert d.segment_cache_file == Path("/xc/docgen/segments.sqlite")


def test_active_settings_follow_use(tmp_path):
    from docgen.resources import glossary_dir, templates_dir
    from docgen.translate.packages import models_dir

    mine = current().with_(templates_dir=tmp_path / "t", glossary_dir=tmp_path / "g", models_dir=tmp_path / "m")
    with use(mine):
        assert (templates_dir(), glossary_dir(), models_dir()) == (tmp_path / "t", tmp_path / "g", tmp_path / "m")
    assert templates_dir() != tmp_path / "t"


def test_only_settings_reads_the_environment():
    readers = []
    for path in DOCGEN.rglob("*.py"):
        if path.name == "settings.py" and path.parent == DOCGEN:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "putenv"):
                readers.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert readers == []


def test_every_imported_distribution_is_declared():
    """fontTools was imported but not declared: a fresh install failed on the glyph check."""
    from importlib.metadata import packages_distributions

    declared = {d.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower().replace("_", "-")
                for d in tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    dists = packages_distributions()
    missing = set()
    for path in DOCGEN.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
            for name in names:
                top = name.split(".")[0]
                if top == "docgen" or top in sys.stdlib_module_names:
                    continue
                if top == "argostranslate":  # optional extra [argos], imported only when present
                    continue
                for dist in dists.get(top, [top]):
                    if dist.lower().replace("_", "-") not in declared:
                        missing.add(f"{top} ({dist})")
    assert missing == set()


def test_session_holds_translators_and_caches(tmp_path):
    from docgen.pipeline.session import Session

    settings = current().with_(cache_dir=tmp_path / "cache", models_dir=tmp_path / "no-models")
    with Session(settings) as s:
        assert s.translator("zh", "ru") is None  # no package installed in this models folder
        assert s.glossary is s.glossary and len(s.glossary.terms) > 100
        assert s.templates("fund_hold", "ru") is s.templates("fund_hold", "ru")
        assert s.segment_cache.path == tmp_path / "cache" / "segments.sqlite"
        mode = s.segment_cache.db.execute("pragma journal_mode").fetchone()[0]
        assert mode == "wal"
    assert not tmp_path.joinpath("no-models").exists()


# ---- LanguageTool lifecycle: a stand-in server process ---------------------------------
# The lock and the reaping are about processes, so a small HTTP server answering the two
# LanguageTool endpoints docgen uses stands in for Java here (the real server is used by
# every grammar test).

FAKE_JAVA = textwrap.dedent('''\
    #!{python}
    import http.server, json, os, sys, time
    port = int(sys.argv[sys.argv.index("--port") + 1])
    with open(os.environ["FAKE_LT_LOG"], "a") as f:
        f.write(f"{{os.getpid()}}\\n")
    time.sleep(1.0)  # a slow start, as LanguageTool's
    class H(http.server.BaseHTTPRequestHandler):
        def _send(self, body):
            self.send_response(200); self.send_header("Content-Type", "application/json")
            self.end_headers(); self.wfile.write(body)
        def do_GET(self): self._send(b"OK")
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0))); self._send(json.dumps({{"matches": []}}).encode())
        def log_message(self, *a): pass
    http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
    ''')


@pytest.fixture
def fake_lt(tmp_path, monkeypatch):
    from docgen.qa import languagetool as lt

    bin_dir, jars, state = tmp_path / "bin", tmp_path / "jars", tmp_path / "state"
    bin_dir.mkdir(), jars.mkdir()
    (jars / f"languagetool-server-{lt.lt_version()}.jar").write_bytes(b"")
    java = bin_dir / "java"
    java.write_text(FAKE_JAVA.format(python=sys.executable))
    java.chmod(0o755)
    log = tmp_path / "started.log"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("DOCGEN_LT_JARS", str(jars))
    monkeypatch.setenv("DOCGEN_STATE_DIR", str(state))
    monkeypatch.setenv("FAKE_LT_LOG", str(log))
    monkeypatch.delenv("LT_URL", raising=False)
    yield log
    lt.stop()


def test_concurrent_commands_start_one_server(fake_lt):
    code = "from docgen.qa import languagetool as lt; st = lt.start(timeout=30); print(st.url if st.running else st.message)"
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(4)]
    urls = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert len(fake_lt.read_text().split()) == 1, "more than one server was started"
    assert len(set(urls)) == 1 and urls[0].startswith("http://127.0.0.1:")


def test_lt_stop_reaps_its_child(fake_lt):
    from docgen.qa import languagetool as lt

    st = lt.start(timeout=30)
    assert st.running and st.pid
    assert lt.stop().message == "stopped"
    with pytest.raises(ChildProcessError):  # already reaped: no zombie left behind
        os.waitpid(st.pid, os.WNOHANG)
    assert not lt.status().running


# ---- review and setup bugs ------------------------------------------------------------


def test_two_reviews_within_one_second_keep_both_previous_outputs(tmp_path):
    from docgen.output import staged_folder

    out = tmp_path / "out"
    for n in range(3):  # well within one second
        with staged_folder(out, keep_previous=n > 0) as tmp:
            (tmp / "manifest.json").write_text(json.dumps({"n": n}))
    kept = sorted(p.name for p in out.iterdir() if p.name.startswith("pre-review-"))
    assert len(kept) == 2
    assert sorted(json.loads((out / k / "manifest.json").read_text())["n"] for k in kept) == [0, 1]


def test_zh_to_en_review_notes_use_english(tmp_path):
    """A zh→en letter's review notes gave Russian dates and Russian glossary terms."""
    from docgen.glossary import load_glossary
    from docgen.review.files import Xliff12, write_review_xliff

    state = {"source_lang": "zh", "target_lang": "en", "letter_sha256": "0" * 64, "segments": [
        {"id": "fact.1", "origin": "mt", "mt_model": "test", "findings": [],
         "source": "2026年10月24日，货件 58213746-0017-1 已签收。", "target": "The posting was received on 24 October 2026."}]}
    path = tmp_path / "review.xlf"
    write_review_xliff(state, load_glossary(), path)
    notes = Xliff12.parsestring(path.read_bytes()).units[0].getnotes()
    assert "Glossary: 货件 = posting" in notes and "отправление" not in notes
    assert "Dates: 2026年10月24日 = 24 October 2026" in notes and "24.10.2026" not in notes
    assert "Keep unchanged: 58213746-0017-1" in notes


def test_missing_fonts_is_a_setup_hint(tmp_path):
    """Without the Noto fonts the PDF writer said "internal error"; now it says what to run."""
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
                    f"<fontconfig><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>")
    folder = tmp_path / "evidence"
    folder.mkdir()
    from PIL import Image

    Image.new("RGB", (900, 700), "white").save(folder / "A01_photo_58213746.png")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    env.pop("DOCGEN_DEBUG", None)
    r = subprocess.run([sys.executable, "-m", "docgen", "index", str(folder)], env=env, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 1, r.stderr
    assert "internal error" not in r.stderr
    assert "fonts are missing (Noto Sans, Noto Sans CJK SC); run ./scripts/setup" in r.stderr
    assert not (tmp_path / "evidence-index").exists()  # nothing half-written
