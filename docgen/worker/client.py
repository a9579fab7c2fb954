"""The caller's side of the build worker: hand a `docgen build` to it (`forward`), and
`docgen worker start|stop|status`. Light on purpose: `docgen build` imports this before
anything else, and pays for nothing more when no worker runs."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from docgen.errors import DocgenError, Problem
from docgen.i18n import Msg, msg, render
from docgen.settings import Settings, child_env
from docgen.background import start_lock
from docgen.worker import identity, record_path, recorded_pid, socket_path
from docgen.worker.wire import WireError, receive, send

START_TIMEOUT = 180.0  # the warm-up builds every sample: seconds, a minute on a first run (OCR)
STOP_TIMEOUT = 600.0  # a stopping worker lets its running builds finish
_PASSED_ON = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def forward(argv: list[str]) -> int | None:
    """Runs the command `argv` in the worker of these settings: its exit status, or None
    when no worker serves this caller (none runs, or it is stale, or of other settings),
    and the caller runs the command itself."""
    settings = Settings.from_env()
    path = socket_path(settings)
    if path is None or not path.is_socket():
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(path))
        request = {"kind": "run", "argv": argv, "argv0": sys.argv[0] if sys.argv else "docgen", "cwd": os.getcwd(),
                   "env": child_env(), "identity": identity(settings),
                   "streams": {name: {"encoding": getattr(stream, "encoding", None),
                                      "errors": getattr(stream, "errors", None)}
                               for name, stream in (("stdin", sys.stdin), ("stdout", sys.stdout),
                                                    ("stderr", sys.stderr))}}
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        send(sock, request, fds=[0, 1, 2])
        reply, _ = receive(sock)
    except (OSError, WireError, ValueError):
        sock.close()
        return None
    except KeyboardInterrupt:  # the worker interrupts a child whose caller went away
        sock.close()
        _say(msg("cli.interrupted"))
        return 130
    if not (reply and reply.get("accepted")):
        sock.close()
        return None
    return _wait(sock)


def _wait(sock: socket.socket) -> int:
    """Until the worker reports the child's exit status; signals go on to the child."""
    def pass_on(signum, frame):
        try:
            send(sock, {"signal": signum})
        except OSError:
            pass

    previous = {sig: signal.signal(sig, pass_on) for sig in _PASSED_ON}
    try:
        while True:
            message, _ = receive(sock)  # a signal interrupts it, runs pass_on, and it goes on (PEP 475)
            if message is None:
                break
            code = message.get("exit")
            if type(code) is int:
                return code
    except (OSError, WireError):
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
    _say(msg("worker.lost"))
    return 1


def _say(message: Msg) -> None:
    print(f"docgen: {render(message)}", file=sys.stderr, flush=True)


# ---- docgen worker start | stop | status ----------------------------------------------------


@dataclass(frozen=True)
class WorkerStatus:
    running: bool
    message: Msg


def _ask(path: Path, kind: str) -> dict | None:
    """The worker's answer to a status or stop request; None when none listens."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        try:
            sock.connect(str(path))
            send(sock, {"kind": kind})
            answer, _ = receive(sock)
        except (OSError, WireError):
            return None
    return answer


def _path(settings: Settings) -> Path:
    path = socket_path(settings)
    if path is None:
        raise DocgenError(Problem(str(settings.state_dir), "", msg("worker.path-too-long")))
    return path


def status(settings: Settings | None = None) -> WorkerStatus:
    answer = details(settings)
    if not answer:
        return WorkerStatus(False, msg("worker.not-running"))
    return WorkerStatus(True, msg("worker.running", pid=answer.get("pid"), served=answer.get("served"),
                                  running=answer.get("running")))


def details(settings: Settings | None = None) -> dict | None:
    """The worker's own figures (pid, builds served and running, CPU seconds of its
    finished children), or None: for the build bench."""
    return _ask(_path(settings or Settings.from_env()), "status")


def start(timeout: float = START_TIMEOUT) -> WorkerStatus:
    settings = Settings.from_env()
    path = _path(settings)
    st = status(settings)
    if st.running:
        return st
    try:
        with start_lock(path.with_suffix(".lock"), timeout + 10):
            st = status(settings)  # another command may have started it while this one waited
            if st.running:
                return st
            return _start(settings, path, timeout)
    except TimeoutError:
        return WorkerStatus(False, msg("worker.lock-timeout", seconds=f"{timeout + 10:.0f}"))


def _start(settings: Settings, path: Path, timeout: float) -> WorkerStatus:
    log = path.with_suffix(".log")
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "docgen.worker.server"], stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # outlives this command; ended by `worker stop` or idleness
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return WorkerStatus(False, msg("worker.exited-at-start", log=str(log)))
            answer = _ask(path, "status")
            if answer and answer.get("pid") == proc.pid:
                return WorkerStatus(True, msg("worker.started", pid=proc.pid))
            time.sleep(0.1)
    except BaseException:  # interrupted while it warms up: never leave it behind
        _end(proc)
        raise
    _end(proc)
    return WorkerStatus(False, msg("worker.start-timeout", seconds=f"{timeout:.0f}", log=str(log)))


def _end(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
    except (OSError, subprocess.TimeoutExpired):
        proc.kill()
        proc.wait()


def stop(timeout: float = STOP_TIMEOUT) -> WorkerStatus:
    """Asks the worker to end once its running builds are done, and waits until it has."""
    path = _path(Settings.from_env())
    answer = _ask(path, "stop")
    if answer:
        pid = answer.get("pid")
    else:  # a worker warming up (starting, or starting afresh) listens nowhere yet: its record names it
        pid = recorded_pid(record_path(path))
        if pid is None:
            return WorkerStatus(False, msg("worker.was-not-running"))
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while type(pid) is int and _running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return WorkerStatus(False, msg("worker.stopped"))


def _running(pid: int) -> bool:
    """Whether `pid` still runs; an exited child of this process is collected here."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass  # not ours: init collects it
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2:][:1] not in (b"Z", b"X")
