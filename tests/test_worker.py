"""The build worker (issue #17): `docgen build` from the command line runs in a warmed-up
process's forked child, and what the caller gets — outputs, messages, exit status,
Ctrl+C — is what a build in its own process gives. A worker serves only callers with
its own settings, and starts afresh when a file it may have loaded changed.

A real worker process, started with `docgen worker start` in a private state folder;
the callers are real `docgen` processes."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from docgen.settings import PROJECT_ROOT, Settings
from docgen.worker import identity
from docgen.worker.client import details
from tests.conftest import copy_sample, docx_text, pdf_text

DOCGEN = [sys.executable, "-m", "docgen"]


@pytest.fixture(scope="module")
def worker(tmp_path_factory, languagetool):
    """A running worker: its environment (a private state folder and template copy, the
    session's LanguageTool) and a function giving its figures."""
    base = tmp_path_factory.mktemp("worker")
    templates = base / "templates"
    shutil.copytree(PROJECT_ROOT / "letter_templates", templates)
    env = dict(os.environ, DOCGEN_STATE_DIR=str(base / "state"), DOCGEN_TEMPLATES=str(templates),
               LT_URL=languagetool.url)
    env.pop("DOCGEN_UI", None)
    started = _docgen(["worker", "start"], env)
    assert started.returncode == 0, started.stdout + started.stderr
    assert "build worker: started" in started.stdout

    def figures() -> dict | None:
        return details(Settings.from_env(env))

    yield env, figures, templates
    _docgen(["worker", "stop"], env)


def _docgen(args: list[str], env: dict, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*DOCGEN, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def test_a_build_runs_in_the_worker_and_equals_one_in_its_own_process(worker, tmp_path):
    env, figures, _ = worker
    case = copy_sample("fund-hold", tmp_path)
    served = figures()["served"]
    inside = _docgen(["build", "case.yaml", "-o", "out-worker"], env, cwd=case.parent)  # relative: the caller's folder
    assert inside.returncode == 0, inside.stderr
    assert figures()["served"] == served + 1
    assert f"wrote 19 files to {case.parent / 'out-worker'}" in inside.stdout and "ready to send" in inside.stdout
    # other settings (another cache folder): the worker does not serve it; the caller builds
    own = _docgen(["build", "case.yaml", "-o", "out-own"], dict(env, DOCGEN_CACHE_DIR=str(tmp_path / "cache")),
                  cwd=case.parent)
    assert own.returncode == 0, own.stderr
    assert figures()["served"] == served + 1
    assert own.stdout.replace("out-own", "X") == inside.stdout.replace("out-worker", "X")
    a, b = case.parent / "out-worker", case.parent / "out-own"
    assert sorted(p.relative_to(a).as_posix() for p in a.rglob("*")) == \
        sorted(p.relative_to(b).as_posix() for p in b.rglob("*"))
    for pdf in ("submit/letter.ru.pdf", "seller/letter.zh.pdf", "review/signoff.pdf"):
        assert pdf_text(a / pdf) == pdf_text(b / pdf), pdf
    for doc in ("submit/letter.ru.docx", "seller/letter.zh.docx"):
        assert docx_text(a / doc) == docx_text(b / doc), doc
    assert "Уважаемая служба поддержки" in pdf_text(a / "submit/letter.ru.pdf")


def test_index_and_review_import_run_in_the_worker_too(worker, tmp_path):
    """The other commands that lay out documents: `index`, and `review import` (a rebuild
    with the sign-off page); `review serve` and the quick commands stay in the caller."""
    import json

    env, figures, _ = worker
    case = copy_sample("fund-hold", tmp_path)
    served = figures()["served"]
    assert _docgen(["build", str(case), "--no-bundle"], env).returncode == 0
    out = case.parent / "out"
    signed = _docgen(["review", "import", str(out / "review" / "review.xlf"), "--reviewer", "Анна Иванова",
                      "--confirm", "all"], env)
    assert signed.returncode == 0, signed.stderr
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["state"] == "reviewed"
    assert "Анна Иванова" in pdf_text(out / "review" / "signoff.pdf")
    indexed = _docgen(["index", str(case)], env)
    assert indexed.returncode == 0, indexed.stderr
    assert "A01_tracking_RU741852963CN.pdf" in pdf_text(case.parent / "index" / "submit" / "evidence-index.ru.pdf")
    assert figures()["served"] == served + 3
    assert _docgen(["review", "tm-export", "-o", str(tmp_path / "tm.tmx")], env).returncode == 0
    assert figures()["served"] == served + 3  # a quick command: in the caller


def test_errors_and_the_ui_language_come_from_the_worker_as_from_docgen(worker, tmp_path):
    env, figures, _ = worker
    case = copy_sample("fund-hold", tmp_path)
    text = case.read_text(encoding="utf-8")
    case.write_text(text.replace("shop_id:", "shop_id_typo:", 1), encoding="utf-8")
    served = figures()["served"]
    bad = _docgen(["--ui", "zh", "build", str(case)], env)
    assert bad.returncode == 2
    assert f"{case}:" in bad.stderr and "错误" in bad.stderr  # file:line, in Chinese
    assert not (case.parent / "out").exists()
    usage = _docgen(["build"], dict(env, DOCGEN_UI="zh"))
    assert usage.returncode == 2 and "用法：docgen build" in usage.stderr and "缺少必需的参数：case" in usage.stderr
    assert figures()["served"] == served + 2


def test_ctrl_c_on_the_caller_interrupts_its_build(worker, tmp_path):
    env, figures, _ = worker
    case = copy_sample("fund-hold", tmp_path)
    before = set(os.listdir(case.parent))
    caller = subprocess.Popen([*DOCGEN, "build", str(case)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while set(os.listdir(case.parent)) == before and time.monotonic() < deadline:
        time.sleep(0.005)  # until the build holds its output folder's lock: it is under way
    assert figures()["running"] == 1
    caller.send_signal(signal.SIGINT)
    out, err = caller.communicate(timeout=60)
    assert caller.returncode == 130, out + err
    assert "interrupted" in err
    out_dir = case.parent / "out"
    assert not out_dir.exists() or not any(out_dir.iterdir())  # nothing half-written
    assert not list(case.parent.glob(".tmp-*")) and not list(case.parent.glob("*/.tmp-*"))
    assert figures()["running"] == 0


def test_a_worker_survives_what_is_not_a_request(worker):
    """Garbage, a frame too long, a run request of the wrong shape or for another command:
    each is refused and the worker goes on serving."""
    import socket

    from docgen.worker.wire import receive, send

    env, figures, _ = worker
    path = Path(env["DOCGEN_STATE_DIR"]) / "worker.sock"
    for frame in (b"\xff\xff\xff\xff" + b"x" * 100, b"\x00\x00\x00\x05[1,2]", b"not a frame at all"):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(str(path))
            sock.settimeout(10)
            try:
                sock.sendall(frame)
                sock.shutdown(socket.SHUT_WR)
                assert sock.recv(100) == b""  # closed without an answer
            except (ConnectionResetError, BrokenPipeError):
                pass  # closed with the rest of the garbage unread
    own = identity(Settings.from_env(env))
    for request in ({"kind": "run", "identity": ["x"], "argv": ["build", "x"], "cwd": "/", "env": {}},
                    {"kind": "run", "identity": own, "argv": ["lt", "stop"], "cwd": "/", "env": {}},
                    {"kind": "run", "identity": own, "argv": "build", "cwd": "/", "env": {}}):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(str(path))
            send(sock, request, fds=[0, 1, 2])
            sock.settimeout(10)
            answer, _ = receive(sock)
            assert answer["accepted"] is False, request
    assert figures()["running"] == 0


def test_a_changed_template_makes_the_worker_start_afresh(worker, tmp_path):
    env, figures, templates = worker
    case = copy_sample("fund-hold", tmp_path)
    pid, served = figures()["pid"], figures()["served"]
    ru = templates / "common" / "ru.yaml"
    ru.write_text(ru.read_text(encoding="utf-8").replace("Уважаемая служба поддержки!", "Уважаемая служба поддержки Ozon!", 1),
                  encoding="utf-8")
    first = _docgen(["build", str(case), "-o", str(tmp_path / "a"), "--format", "pdf", "--no-bundle"], env)
    assert first.returncode == 0, first.stderr
    assert "служба поддержки Ozon" in pdf_text(tmp_path / "a/submit/letter.ru.pdf")  # built by the caller
    deadline = time.monotonic() + 180
    now = None
    while time.monotonic() < deadline:
        now = figures()
        if now and now["served"] == 0:  # the new image (exec keeps the pid) is listening
            break
        time.sleep(0.2)
    assert now and now["pid"] == pid and now["served"] == 0, (now, served)
    second = _docgen(["build", str(case), "-o", str(tmp_path / "b"), "--format", "pdf", "--no-bundle"], env)
    assert second.returncode == 0, second.stderr
    assert figures()["served"] == 1
    assert "служба поддержки Ozon" in pdf_text(tmp_path / "b/submit/letter.ru.pdf")


def test_identity_follows_the_files_a_worker_loads(tmp_path):
    templates = tmp_path / "t"
    shutil.copytree(PROJECT_ROOT / "letter_templates" / "common", templates / "common")
    settings = Settings.from_env({**os.environ, "DOCGEN_TEMPLATES": str(templates)})
    before = identity(settings)
    (templates / "common" / "__pycache__").mkdir()
    (templates / "common" / "__pycache__" / "x.pyc").write_bytes(b"0")
    assert identity(settings) == before  # Python's byte-code caches are not docgen's inputs
    (templates / "common" / "zh.yaml").write_text("edited: x\n", encoding="utf-8")
    after = identity(settings)
    assert after["files"] != before["files"] and after["settings"] == before["settings"]
    other = identity(settings.with_(cache_dir=tmp_path / "c"))
    assert other["settings"] != before["settings"]
    assert identity(settings.with_(ui_language="zh"))["settings"] == before["settings"]  # the child reads it


def test_stop_ends_the_worker(worker):
    env, figures, _ = worker
    pid = figures()["pid"]
    stopped = _docgen(["worker", "stop"], env)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert not Path(f"/proc/{pid}").exists() or Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] == "Z"
    status = _docgen(["worker", "status"], env)
    assert status.returncode == 1 and "not running" in status.stdout
    assert not (Path(env["DOCGEN_STATE_DIR"]) / "worker.sock").exists()  # callers build themselves at once


def test_stop_reaches_a_worker_still_warming_up(tmp_path, languagetool):
    """A worker that does not listen yet (starting, or starting afresh after a change) is
    found by its record and stopped; nothing of it is left."""
    env = dict(os.environ, DOCGEN_STATE_DIR=str(tmp_path / "state"), LT_URL=languagetool.url)
    warm_up_folders = set(Path(tempfile.gettempdir()).glob("docgen-worker-*"))
    proc = subprocess.Popen([sys.executable, "-m", "docgen.worker.server"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    record = tmp_path / "state" / "worker.pid"
    deadline = time.monotonic() + 60
    while not record.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert record.exists() and not (tmp_path / "state" / "worker.sock").exists()
    stopped = _docgen(["worker", "stop"], env)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert proc.wait(timeout=30) != 0  # ended by the signal, before it listened
    assert not record.exists()
    assert set(Path(tempfile.gettempdir()).glob("docgen-worker-*")) == warm_up_folders  # its warm-up's folder removed
    assert "was not running" in _docgen(["worker", "stop"], env).stdout
