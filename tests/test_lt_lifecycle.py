"""LanguageTool lifecycle (issue #13, item 5): a state file of any other shape is absent,
`lt stop` signals only our java server, a slow server is waited for (never replaced and
orphaned), an interrupted or timed-out start stops its own process group, no text goes
to a server that is not LanguageTool, and a server that dies or hangs mid-check gives the
"grammar not checked" finding, not a failed build.

These are about processes: a small HTTP server process stands in for LanguageTool where a
test needs a server that misbehaves (started as `java … org.languagetool.server.HTTPServer
--port N` through a script named java on PATH, or on its own for LT_URL). The grammar
itself is checked against the real server elsewhere; `is_languagetool` is checked against
it here."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from docgen.cli import main
from docgen.qa import languagetool as lt
from tests.conftest import copy_sample

FAKE = textwrap.dedent('''\
    #!{python}
    """A stand-in LanguageTool. FAKE_LT_MODE: ok | never (never listens; a child in its
    group) | impostor (200 "OK" to everything) | die-on-letter (exits when sent any text
    but the probe) | hang-on-letter. FAKE_LT_BUSY: while that file exists the health
    check takes 2.5 s. Every pid it makes and every text it is sent go to FAKE_LT_LOG."""
    import http.server, json, os, subprocess, sys, time, urllib.parse
    mode = os.environ.get("FAKE_LT_MODE", "ok")
    log = os.environ["FAKE_LT_LOG"]
    def note(line):
        with open(log, "a", encoding="utf-8") as f:
            f.write(line + "\\n")
    port = int(sys.argv[sys.argv.index("--port") + 1])
    note(f"pid {{os.getpid()}}")
    if mode == "never":
        child = subprocess.Popen(["sleep", "300"])
        note(f"pid {{child.pid}}")
        time.sleep(300)
        sys.exit(0)
    LANGS = [{{"name": "Russian", "code": "ru", "longCode": "ru-RU"}},
             {{"name": "English (US)", "code": "en", "longCode": "en-US"}}]
    class H(http.server.BaseHTTPRequestHandler):
        def _send(self, body):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def do_GET(self):
            if mode != "impostor" and self.path.startswith("/v2/languages"):
                return self._send(json.dumps(LANGS).encode())
            if os.path.exists(os.environ.get("FAKE_LT_BUSY", "/nonexistent")):
                time.sleep(2.5)
            self._send(b"OK")
        def do_POST(self):
            data = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            text = urllib.parse.parse_qs(data).get("text", [""])[0]
            note("text " + json.dumps(text, ensure_ascii=False))
            if mode == "impostor":
                return self._send(b"OK")
            if text != "Проверка связи." and mode == "die-on-letter":
                os._exit(1)
            if text != "Проверка связи." and mode == "hang-on-letter":
                time.sleep(60)
            self._send(json.dumps({{"software": {{"name": "LanguageTool", "version": "6.6"}},
                                    "matches": []}}).encode())
        def log_message(self, *a):
            pass
    http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
    ''')


class Fake:
    def __init__(self, tmp: Path):
        self.bin = tmp / "bin"
        self.bin.mkdir()
        self.java = self.bin / "java"
        self.java.write_text(FAKE.format(python=sys.executable), encoding="utf-8")
        self.java.chmod(0o755)
        self.log = tmp / "fake.log"
        self.log.touch()
        self.busy = tmp / "busy"
        self.procs: list[subprocess.Popen] = []

    def pids(self) -> list[int]:
        return [int(ln.split()[1]) for ln in self.log.read_text(encoding="utf-8").splitlines() if ln.startswith("pid ")]

    def texts(self) -> list[str]:
        return [json.loads(ln[5:]) for ln in self.log.read_text(encoding="utf-8").splitlines()
                if ln.startswith("text ")]

    def serve(self, mode: str) -> tuple[subprocess.Popen, str]:
        """A stand-in server on its own (for LT_URL), answering once it listens."""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {**os.environ, "FAKE_LT_MODE": mode, "FAKE_LT_LOG": str(self.log)}
        proc = subprocess.Popen([str(self.java), "org.languagetool.server.HTTPServer", "--port", str(port)], env=env,
                                start_new_session=True)
        self.procs.append(proc)
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            if lt.healthy(url, timeout=1):
                return proc, url
            time.sleep(0.1)
        raise AssertionError("the stand-in server did not start")

    def cleanup(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for pid in self.pids():
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


@pytest.fixture(autouse=True)
def _never_signal_everything(monkeypatch):
    """A safety net should a regression come back: killpg(1, …) is kill(-1, …), which
    signals every process on the machine (a state file saying pid 1 did that once)."""
    real_kill, real_killpg = os.kill, os.killpg

    def kill(pid, sig):
        if pid <= 1 and sig != 0:
            raise AssertionError(f"os.kill({pid}, {sig}) would signal init or every process")
        return real_kill(pid, sig)

    def killpg(pgid, sig):
        if pgid <= 1 or pgid == os.getpgrp():
            raise AssertionError(f"os.killpg({pgid}, {sig}) would signal every process or the test run")
        return real_killpg(pgid, sig)

    monkeypatch.setattr(os, "kill", kill)
    monkeypatch.setattr(os, "killpg", killpg)


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """A private state folder, the stand-in as `java` on PATH, no LT_URL."""
    f = Fake(tmp_path)
    jars = tmp_path / "jars"
    jars.mkdir()
    (jars / f"languagetool-server-{lt.lt_version()}.jar").write_bytes(b"")
    monkeypatch.setenv("PATH", f"{f.bin}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("DOCGEN_LT_JARS", str(jars))
    monkeypatch.setenv("DOCGEN_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("FAKE_LT_LOG", str(f.log))
    monkeypatch.setenv("FAKE_LT_BUSY", str(f.busy))
    monkeypatch.delenv("LT_URL", raising=False)
    lt._verified.clear()
    yield f
    lt.stop()
    f.cleanup()
    lt._verified.clear()


def _state(tmp_path) -> Path:
    return tmp_path / "state" / "languagetool.json"


def _letter(tmp_path) -> Path:
    text = tmp_path / "letter.txt"
    text.write_text("Просим снять удержание средств по заказу 58213746-0017-1.\n", encoding="utf-8")
    return text


# ---- the state file ------------------------------------------------------------------------

BAD_STATES = [
    "[1, 2, 3]", "null", '"x"', "{", "", "\x00\x01", "[" * 5000,
    '{"pid": "abc", "url": "http://127.0.0.1:8081"}',
    '{"pid": 99999999999999999999, "url": "http://127.0.0.1:8081"}',
    '{"pid": -1, "url": "http://127.0.0.1:8081"}',  # os.kill(-1, …) would signal every process
    '{"pid": 0, "url": "http://127.0.0.1:8081"}',
    '{"pid": 1, "url": "http://127.0.0.1:8081"}',
    '{"pid": 1.5, "url": "http://127.0.0.1:8081"}',
    '{"pid": true, "url": "http://127.0.0.1:8081"}',
    '{"pid": 4321, "url": "http://example.org:80"}',
    '{"pid": 4321, "url": "http://127.0.0.1:99999"}',
    '{"pid": 4321, "url": ["http://127.0.0.1:8081"]}',
    '{"pid": 4321, "url": "http://127.0.0.1:8081", "start": "yesterday"}',
]


@pytest.mark.parametrize("content", BAD_STATES, ids=range(len(BAD_STATES)))
def test_a_state_file_of_another_shape_is_absent(fake, tmp_path, capsys, content):
    state = _state(tmp_path)
    state.parent.mkdir()
    state.write_text(content, encoding="utf-8")
    assert lt._read_state() == {}
    assert main(["lt", "status"]) == 1  # not running, said plainly
    assert "not running" in capsys.readouterr().out
    assert main(["lt", "stop"]) == 0
    assert "was not running" in capsys.readouterr().out
    state.write_text(content, encoding="utf-8")
    assert main(["check", str(_letter(tmp_path)), "--lang", "ru", "--no-languagetool"]) == 0
    out, err = capsys.readouterr()
    assert "internal error" not in out + err


def test_lt_start_over_a_bad_state_file_starts_one_server(fake, tmp_path, capsys):
    state = _state(tmp_path)
    state.parent.mkdir()
    state.write_text('{"pid": "abc", "url": "http://127.0.0.1:1"}', encoding="utf-8")
    assert main(["lt", "start"]) == 0
    assert "started at http://127.0.0.1:" in capsys.readouterr().out
    rec = json.loads(state.read_text())
    assert rec["pid"] == fake.pids()[0] and rec["start"] == lt._start_time(rec["pid"])
    assert main(["lt", "stop"]) == 0 and not _alive(rec["pid"])


# ---- lt stop signals only our server -------------------------------------------------------


@pytest.mark.parametrize("what", ["other process", "pid reused", "other port"])
def test_stop_never_signals_a_process_that_is_not_our_server(fake, tmp_path, capsys, what):
    if what == "other process":
        other = subprocess.Popen(["sleep", "60"], start_new_session=True)
        fake.procs.append(other)
        record = {"url": "http://127.0.0.1:8081", "pid": other.pid}
    else:  # a real stand-in server: the record's start time or port is not this process's
        other, url = fake.serve("ok")
        start = lt._start_time(other.pid)
        record = {"url": url, "pid": other.pid, "start": start - 1 if what == "pid reused" else start}
        if what == "other port":
            record["url"] = "http://127.0.0.1:1"
    state = _state(tmp_path)
    state.parent.mkdir()
    state.write_text(json.dumps(record), encoding="utf-8")
    assert not lt.status().running
    assert main(["lt", "stop"]) == 0
    assert "not docgen's LanguageTool server; not signalled" in capsys.readouterr().out
    time.sleep(0.2)
    assert other.poll() is None  # still running
    assert not state.exists()


def test_a_group_of_only_zombies_is_stopped():
    """A server's group whose processes have all exited but wait to be reaped (by init, when
    the docgen that started them has ended) is stopped: `lt stop` does not wait on it."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"], start_new_session=True)
    for _ in range(200):  # exited, not reaped: a zombie in its own group
        with open(f"/proc/{proc.pid}/stat", "rb") as f:
            if f.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                break
        time.sleep(0.05)
    try:
        os.killpg(proc.pid, 0)  # the kernel still lists the group …
        assert not lt._group_alive(proc.pid)  # … but nothing in it runs
    finally:
        proc.wait()
    live = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        assert lt._group_alive(live.pid)
    finally:
        live.kill()
        live.wait()
    assert not lt._group_alive(live.pid)


def test_stop_stops_our_server_and_its_group(fake):
    st = lt.start(timeout=30)
    assert st.running and lt._our_server(lt._read_state())
    assert lt.stop().message == "stopped"
    assert not _alive(st.pid)


# ---- starting: slow, timed out, interrupted ------------------------------------------------


def test_a_server_slow_to_answer_is_waited_for_never_replaced(fake):
    first = lt.start(timeout=30)
    assert first.running
    fake.busy.touch()  # now the health check takes 2.5 s, over status()'s 2 s
    st = lt.status()
    assert not st.running and st.pid == first.pid and "starting or busy" in st.message
    again = lt.start(timeout=30)  # waits for the busy server …
    assert again.running and again.pid == first.pid and again.url == first.url
    assert fake.pids() == [first.pid]  # … and started no second one
    assert lt._read_state()["pid"] == first.pid


def test_a_start_that_times_out_stops_its_process_group(fake, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_LT_MODE", "never")
    st = lt.start(timeout=3)
    assert not st.running and "did not answer within 3 s" in st.message
    pids = fake.pids()
    assert len(pids) == 2  # the server and its child
    assert not any(_alive(p) for p in pids)
    assert not _state(tmp_path).exists()


@pytest.mark.parametrize("sig, said", [(signal.SIGINT, "KeyboardInterrupt"), (signal.SIGTERM, "")])
def test_an_interrupted_start_stops_its_process_group(fake, tmp_path, sig, said):
    env = {**os.environ, "FAKE_LT_MODE": "never"}
    # a shell's background job inherits SIGINT ignored, and Python keeps it so: restore the
    # default here, as an interactive docgen has it
    code = ("import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
            "from docgen.qa import languagetool as lt; lt.start(timeout=60)")
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE, text=True)
    for _ in range(300):
        if len(fake.pids()) == 2:
            break
        time.sleep(0.1)
    assert len(fake.pids()) == 2 and _state(tmp_path).exists()  # recorded while it starts
    proc.send_signal(sig)
    err = proc.communicate(timeout=30)[1]
    assert said in err and proc.returncode != 0
    if sig == signal.SIGTERM:
        assert proc.returncode == 128 + signal.SIGTERM  # SystemExit(143), after stopping the java
    assert not any(_alive(p) for p in fake.pids())
    assert not _state(tmp_path).exists()


# ---- whom text is sent to ------------------------------------------------------------------


def test_a_port_that_is_not_languagetool_gets_no_text(fake, tmp_path, monkeypatch, capsys):
    _, url = fake.serve("impostor")  # 200 "OK" to everything, so the health check passes
    monkeypatch.setenv("LT_URL", url)
    assert main(["lt", "status"]) == 1
    assert "not as LanguageTool" in capsys.readouterr().out
    assert main(["check", str(_letter(tmp_path)), "--lang", "ru"]) == 0
    out = capsys.readouterr().out
    assert "grammar not checked" in out and "not as LanguageTool" in out
    assert fake.texts() == []  # not even the probe


def test_the_real_languagetool_is_recognised(languagetool):
    lt._verified.discard(languagetool.url)
    assert lt.is_languagetool(languagetool.url)


# ---- a server that dies or hangs mid-check -------------------------------------------------


def test_a_server_dying_mid_check_degrades_the_build(fake, tmp_path, monkeypatch):
    from docgen import BuildOptions, build

    server, url = fake.serve("die-on-letter")
    monkeypatch.setenv("LT_URL", url)
    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))  # nothing cached: the text is sent
    case = copy_sample("fund-hold", tmp_path)
    result = build(case, BuildOptions(translator=None, bundle=False, formats=("docx",)))  # no exception: exit 0/3
    assert server.wait(timeout=10) == 1  # it really died, on the letter's text
    assert len(fake.texts()) >= 2  # the probe, then the letter
    qa = json.loads((result.outdir / "qa.json").read_text(encoding="utf-8"))
    (grammar,) = [f for f in qa["findings"] if f["check"] == "grammar"]
    assert grammar["severity"] == "warning"
    assert "grammar not checked" in grammar["message"] and "stopped answering" in grammar["message"]


def test_a_hung_server_ends_in_the_request_timeout(fake, tmp_path, monkeypatch):
    _, url = fake.serve("hang-on-letter")
    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(lt, "REQUEST_TIMEOUT", 1)
    assert lt.is_languagetool(url)
    checker = lt.GrammarChecker(url, "ru")
    t0 = time.monotonic()
    with pytest.raises(lt.GrammarUnavailable, match="Timeout"):
        checker.check_many(["Просим снять удержание средств."])
    assert time.monotonic() - t0 < 30  # the client's own default would wait 2 × 300 s
    assert url not in lt._verified  # looked at again before more text goes there
    checker.close()
