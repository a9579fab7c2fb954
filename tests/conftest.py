"""Shared fixtures. No test reaches the network: sockets may only connect to loopback."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SAMPLE_NAMES = sorted(p.name for p in SAMPLES.iterdir() if (p / "case.yaml").is_file())


@pytest.fixture(autouse=True, scope="session")
def _no_network():
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")):
            return real_connect(self, address)
        raise OSError(f"test tried to reach the network: {address!r}")

    socket.socket.connect = guarded
    yield
    socket.socket.connect = real_connect


def _xdist_worker(config) -> bool:
    return hasattr(config, "workerinput")


def _refuse_xdist_that_does_not_group(config) -> None:
    """pytest 9.2 silently stops pytest-xdist 3.8's `--dist loadgroup` from grouping (xdist
    issue #1386): each worker would make every shared build again. Say so instead."""
    if getattr(config.option, "dist", None) != "loadgroup":
        return
    from importlib.metadata import version

    from packaging.version import Version

    if Version(pytest.__version__) >= Version("9.2") and Version(version("pytest-xdist")) <= Version("3.8"):
        raise pytest.UsageError(f"pytest {pytest.__version__} with pytest-xdist {version('pytest-xdist')}: "
                                "--dist loadgroup does not group (xdist issue #1386); ./scripts/setup "
                                "installs pytest<9.2 (pyproject.toml)")


def pytest_configure(config):
    """With pytest-xdist (`-n auto`, as ./scripts/test runs) and no DOCGEN_TEST_LT_URL (CI),
    the controller starts one LanguageTool server for the workers and stops it at the end.
    It starts it in a thread while the workers start and collect; each worker waits for the
    server's address in a hand-off file (DOCGEN_TEST_LT_HANDOFF) before its first test."""
    if _xdist_worker(config) or not getattr(config.option, "numprocesses", None):
        return
    _refuse_xdist_that_does_not_group(config)
    if os.environ.get("DOCGEN_TEST_LT_URL"):
        return
    import threading

    state = tempfile.mkdtemp(prefix="docgen-test-lt-")
    handoff = Path(state) / "url"
    # the controller runs no test: its environment only locates the server (and is what
    # the workers inherit, each then choosing its own state folder)
    os.environ["DOCGEN_STATE_DIR"] = state
    os.environ.pop("LT_URL", None)
    os.environ["DOCGEN_TEST_LT_HANDOFF"] = str(handoff)
    config._docgen_lt_state = state

    def start():
        from docgen.qa import languagetool as lt

        url = ""
        try:
            st = lt.start()
            url = st.url if st.running else ""  # "": each worker starts its own on demand
        finally:
            tmp = handoff.with_suffix(".tmp")
            tmp.write_text(url, encoding="utf-8")
            tmp.rename(handoff)

    config._docgen_lt_thread = threading.Thread(target=start, name="docgen-test-lt", daemon=True)
    config._docgen_lt_thread.start()


def pytest_unconfigure(config):
    state = getattr(config, "_docgen_lt_state", None)
    if state:
        config._docgen_lt_thread.join(timeout=200)
        os.environ["DOCGEN_STATE_DIR"] = state
        os.environ.pop("LT_URL", None)
        from docgen.qa import languagetool as lt

        lt.stop()
        shutil.rmtree(state, ignore_errors=True)
        os.environ.pop("DOCGEN_TEST_LT_HANDOFF", None)


def _handed_off_lt_url() -> str | None:
    """The controller's LanguageTool address, waited for (see pytest_configure)."""
    handoff = os.environ.get("DOCGEN_TEST_LT_HANDOFF")
    if not handoff:
        return None
    import time

    deadline = time.monotonic() + 240
    while not os.path.exists(handoff) and time.monotonic() < deadline:
        time.sleep(0.1)
    try:
        return Path(handoff).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


@pytest.fixture(autouse=True, scope="session")
def _private_models_and_cache(tmp_path_factory):  # noqa: PT004
    """Tests never see the user's installed models or translation cache."""
    base = tmp_path_factory.mktemp("docgen-home")
    saved = {k: os.environ.get(k) for k in ("DOCGEN_MODELS_DIR", "DOCGEN_CACHE_DIR", "DOCGEN_STATE_DIR",
                                            "DOCGEN_TM_FILE")}
    os.environ.pop("DOCGEN_TM_FILE", None)  # a user's shared translation memory is never a test's
    os.environ["DOCGEN_MODELS_DIR"] = str(base / "models")
    os.environ["DOCGEN_CACHE_DIR"] = str(base / "cache")
    # one LanguageTool server for the whole session, even in tests that move the cache
    os.environ["DOCGEN_STATE_DIR"] = str(base / "state")
    # DOCGEN_TEST_LT_URL: a LanguageTool server already running for several checkouts
    # (developers working side by side); CI leaves it unset and the session starts its own
    shared = os.environ.get("DOCGEN_TEST_LT_URL") or _handed_off_lt_url()
    if shared:
        os.environ["LT_URL"] = shared
    else:
        os.environ.pop("LT_URL", None)
    yield
    from docgen.qa import languagetool as lt

    lt.stop()  # the server a build started on demand
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(autouse=True)
def _empty_translation_memory():  # noqa: PT004
    """Builds use the translation memory with or without a model (issue #13): what one
    test's review put there must not translate another test's sentences. The memory is
    in the state folder (#16); DOCGEN_TM_FILE moves it."""
    import sqlite3

    from docgen.settings import Settings

    path = Settings.from_env().tm_file
    if path.is_file():
        db = sqlite3.connect(str(path), timeout=30)
        try:
            db.execute("delete from tm")
            db.commit()
        except sqlite3.OperationalError:  # no tm table yet
            pass
        finally:
            db.close()
    yield


@pytest.fixture(scope="session")
def languagetool(_private_models_and_cache):
    """The real LanguageTool server, started once for the session and stopped after.
    Its jars come from scripts/fetch-languagetool (run by scripts/setup)."""
    from docgen.qa import languagetool as lt

    st = lt.start()
    if not st.running:
        pytest.fail(f"LanguageTool could not start: {st.message}")
    yield st
    lt.stop()


def copy_sample(name: str, dest: Path) -> Path:
    """A private copy of a sample case folder; returns its case.yaml."""
    target = dest / name
    shutil.copytree(SAMPLES / name, target, ignore=shutil.ignore_patterns("out"))
    return target / "case.yaml"


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def docx_text(path: Path) -> str:
    """Paragraphs and table rows in document order, one per line."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    d = docx.Document(str(path))
    lines = []
    for el in d.element.body.iterchildren():
        if el.tag.endswith("}p"):
            lines.append(Paragraph(el, d).text)
        elif el.tag.endswith("}tbl"):
            for row in Table(el, d).rows:
                lines.append(" | ".join(c.text for c in row.cells))
    return "\n".join(lines)


class _BuiltSamples(Mapping):
    """name → BuildResult; each sample is built in full (LanguageTool included) the first
    time a test reads it, once per session, into a private copy."""

    def __init__(self, base: Path):
        self._base, self._built = base, {}

    def __getitem__(self, name):
        if name not in SAMPLE_NAMES:
            raise KeyError(name)
        if name not in self._built:
            from docgen import build

            self._built[name] = build(copy_sample(name, self._base))
        return self._built[name]

    def __iter__(self):
        return iter(SAMPLE_NAMES)

    def __len__(self):
        return len(SAMPLE_NAMES)


@pytest.fixture(scope="session")
def built_samples(tmp_path_factory):
    """The samples, each built once per session on first use (see _BuiltSamples)."""
    return _BuiltSamples(tmp_path_factory.mktemp("samples"))


# session fixtures of this file worth making once: the tests reading them share one worker
_SHARED_BUILDS = ("built_samples", "_draft_built")


def _module_fixture(item) -> bool:
    """Whether the test uses a module- or session-scoped fixture of its own module."""
    info = getattr(item, "_fixtureinfo", None)
    return info is not None and any(
        d.scope in ("module", "session") and getattr(d.func, "__module__", None) == item.module.__name__
        for defs in info.name2fixturedefs.values() for d in defs)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the marks (it appends "@group" to the ids)
def pytest_collection_modifyitems(config, items):
    """For `--dist loadgroup`: the tests reading one of the shared builds run in one worker
    (each is built once), and a module with fixtures of its own wider than a test in one
    worker (they are made once); the other tests go to whichever worker is free, so a
    module that mostly waits (stand-in servers, timeouts) does not hold one worker."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        shared = next((n for n in _SHARED_BUILDS if n in names), None)
        if shared:
            item.add_marker(pytest.mark.xdist_group(shared))
        elif _module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


@pytest.fixture(scope="session")
def _draft_built(tmp_path_factory):
    """A fund-hold case whose fact 2 has no translation yet, built once per session; the
    review tests take private copies of it (the `draft` fixture of tests/test_review.py)."""
    import yaml

    from docgen import BuildOptions, build

    case = tmp_path_factory.mktemp("draft") / "fund-hold" / "case.yaml"
    shutil.copytree(SAMPLES / "fund-hold", case.parent, ignore=shutil.ignore_patterns("out"))
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    del data["facts"][1]["text_ru"]
    case.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    build(case, BuildOptions(languagetool=False))
    return case.parent


@pytest.fixture
def fund_hold_case(tmp_path) -> Path:
    return copy_sample("fund-hold", tmp_path)
