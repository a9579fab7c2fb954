"""The build worker's process: warm up once, then fork one child per `docgen build`.

    python -m docgen.worker.server     (started by `docgen worker start`, which waits for it)

Single-threaded on purpose: a process with threads must not fork (only the forking
thread survives in the child, with whatever locks the others held). For the same
reason the warm-up loads no MT model (CTranslate2 keeps a thread pool): each build
loads its models as a fresh process would.
"""
from __future__ import annotations

import io
import os
import selectors
import signal
import socket
import struct
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from docgen.settings import PROJECT_ROOT, Settings, adopt_environment
from docgen.worker import identity, record_path, recorded_pid, socket_path, write_record
from docgen.worker.wire import WireError, receive, send

IDLE_SECONDS = 3600  # a worker nobody used for an hour ends (it holds a few hundred MB)
REQUEST_TIMEOUT = 10.0  # a caller that connects but does not say what it wants


def log(text: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {text}", file=sys.stderr, flush=True)


# one letter with evidence, both fonts, every writer; building the other case types too
# took 2.2 s more and saved their children 0–0.1 s (templates of one type compile fast)
WARM_UP_CASE = PROJECT_ROOT / "samples" / "fund-hold" / "case.yaml"


def warm_up(settings: Settings) -> float:
    """Builds a shipped sample once into a temporary folder (no MT, no LanguageTool):
    docgen's modules, WeasyPrint's fonts and stylesheets, python-docx's template,
    pikepdf, the glossary and the message catalogs are then in memory, and every child
    starts with them. Returns the seconds it took."""
    started = time.monotonic()
    import docgen.cli  # noqa: F401 — the command line the children run
    from docgen import i18n
    from docgen.pipeline.build import BuildOptions, build_case
    from docgen.pipeline.session import Session

    if WARM_UP_CASE.is_file():
        with tempfile.TemporaryDirectory(prefix="docgen-worker-") as tmp, Session(settings) as session:
            try:
                build_case(WARM_UP_CASE, BuildOptions(outdir=Path(tmp) / "out", translator=None, languagetool=False),
                           session)
            except Exception as e:  # warms less; the worker still serves
                log(f"warm-up: {type(e).__name__}: {e}")
    for lang in i18n.LANGUAGES:  # the message catalogs of every UI language
        i18n.translations(lang)
    return time.monotonic() - started


@dataclass
class Build:
    pid: int
    pidfd: int
    conn: socket.socket


@dataclass
class Worker:
    listener: socket.socket
    path: Path
    ident: dict[str, str]
    inode: int  # of the socket file this worker bound
    started: float = field(default_factory=time.time)
    builds: dict[int, Build] = field(default_factory=dict)  # pid → the running build
    served: int = 0
    children_cpu: float = 0.0
    last_used: float = field(default_factory=time.monotonic)
    ending: str | None = None  # "stop" | "restart": no new builds; ends when the running ones are done

    def run(self) -> str:
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.listener, selectors.EVENT_READ, self._accept)
        signal.signal(signal.SIGTERM, lambda *_: self._end("stop"))
        signal.signal(signal.SIGINT, lambda *_: self._end("stop"))
        while True:
            if self.ending and not self.builds:
                return self.ending
            if not self.builds and time.monotonic() - self.last_used > IDLE_SECONDS:
                log("idle for an hour: ending")
                self._end("stop")
                continue
            for key, _ in self.sel.select(timeout=30):
                try:
                    key.data(key.fileobj)
                except Exception as e:  # noqa: BLE001 — one caller's trouble never ends the worker
                    log(f"{type(e).__name__}: {e}")

    def _end(self, how: str) -> None:
        if self.ending is None:
            self.ending = how
            self._stop_listening()

    def _stop_listening(self) -> None:
        """New callers build in their own process (or start another worker) from now on."""
        try:
            self.sel.unregister(self.listener)
        except (KeyError, ValueError):
            pass
        try:
            if os.stat(self.path).st_ino == self.inode:  # not a socket another worker bound since
                self.path.unlink()
        except OSError:
            pass
        self.listener.close()

    # ---- requests ---------------------------------------------------------------------

    def _accept(self, listener: socket.socket) -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        if struct.unpack("3i", creds)[1] != os.getuid():
            conn.close()  # another user's process: the socket's mode keeps it out, this too
            return
        conn.settimeout(REQUEST_TIMEOUT)
        try:
            request, fds = receive(conn, maxfds=3)
        except (OSError, WireError):
            conn.close()
            return
        if request is None:
            conn.close()
            return
        self.last_used = time.monotonic()
        kind = request.get("kind")
        try:
            if kind == "run" and len(fds) == 3:
                self._run(conn, request, fds)
                return
            for fd in fds:
                os.close(fd)
            if kind == "status":
                send(conn, self.status())
            elif kind == "stop":
                send(conn, {"stopping": True, "pid": os.getpid(), "running": len(self.builds)})
                self._end("stop")
            else:
                send(conn, {"accepted": False, "why": "unknown request"})
        except OSError:
            pass
        conn.close()

    def status(self) -> dict:
        return {"pid": os.getpid(), "since": self.started, "served": self.served, "running": len(self.builds),
                "children_cpu": self.children_cpu}

    def _run(self, conn: socket.socket, request: dict, fds: list[int]) -> None:
        why = None
        ident = request.get("identity")
        if self.ending:
            why = "ending"
        elif not isinstance(ident, dict) or ident.get("settings") != self.ident["settings"]:
            why = "settings"
        elif ident.get("files") != self.ident["files"]:
            why = "stale"
        elif not (isinstance(request.get("argv"), list) and all(isinstance(a, str) for a in request["argv"])
                  and isinstance(request.get("cwd"), str) and isinstance(request.get("env"), dict)):
            why = "malformed"
        elif not _runs_here(request["argv"]):
            why = "not a worker's command"
        if why:
            for fd in fds:
                os.close(fd)
            try:
                send(conn, {"accepted": False, "why": why})
            except OSError:
                pass
            conn.close()
            if why == "stale":
                log("docgen's files changed since the start: starting afresh")
                self._end("restart")
            return
        if threading.active_count() > 1:  # never fork beside a thread (see the module's docstring)
            log(f"threads running ({threading.active_count()}): building in the caller instead")
            for fd in fds:
                os.close(fd)
            send(conn, {"accepted": False, "why": "threads"})
            conn.close()
            return
        held = [key.fd for key in self.sel.get_map().values()]
        pid = os.fork()
        if pid == 0:
            _child(request, fds, held + [conn.fileno(), self.sel.fileno()])  # never returns
        try:
            os.setpgid(pid, pid)  # the child does it too: whichever runs first, a signal finds the group
        except OSError:
            pass
        for fd in fds:
            os.close(fd)
        pidfd = os.pidfd_open(pid)
        self.builds[pid] = Build(pid, pidfd, conn)
        self.served += 1
        conn.setblocking(False)
        try:
            send_blocking(conn, {"accepted": True, "pid": pid})
        except OSError:
            pass
        self.sel.register(conn, selectors.EVENT_READ, lambda c, pid=pid: self._from_caller(pid))
        self.sel.register(pidfd, selectors.EVENT_READ, lambda fd, pid=pid: self._finished(pid))

    def _from_caller(self, pid: int) -> None:
        """A signal the caller received (pass it on), or the caller went away (interrupt)."""
        build = self.builds.get(pid)
        if build is None:
            return
        build.conn.setblocking(True)
        build.conn.settimeout(REQUEST_TIMEOUT)
        try:
            message, _ = receive(build.conn)
        except (OSError, WireError):
            message = None
        if message is None:
            self.sel.unregister(build.conn)
            _signal_group(pid, signal.SIGINT)  # as Ctrl+C would: the build cleans up after itself
            return
        sig = message.get("signal")
        if sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            _signal_group(pid, sig)
        build.conn.setblocking(False)

    def _finished(self, pid: int) -> None:
        build = self.builds.pop(pid)
        self.sel.unregister(build.pidfd)
        os.close(build.pidfd)
        _, status, usage = os.wait4(pid, 0)
        self.children_cpu += usage.ru_utime + usage.ru_stime
        code = os.waitstatus_to_exitcode(status)
        try:
            self.sel.unregister(build.conn)
        except (KeyError, ValueError):
            pass  # the caller went away earlier
        try:
            send_blocking(build.conn, {"exit": code if code >= 0 else 128 - code})
        except OSError:
            pass
        build.conn.close()


def _runs_here(argv: list[str]) -> bool:
    from docgen.cli import runs_in_worker, without_ui_flag

    return runs_in_worker(without_ui_flag(argv))


def send_blocking(conn: socket.socket, message: dict) -> None:
    conn.setblocking(True)
    conn.settimeout(REQUEST_TIMEOUT)
    try:
        send(conn, message)
    finally:
        conn.setblocking(False)


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)  # the child leads its own group: Tesseract and friends get it too
    except OSError:
        try:
            os.kill(pid, sig)
        except OSError:
            pass


def _child(request: dict, fds: list[int], inherited: list[int]) -> None:
    """The forked child: becomes the caller's `docgen build` and exits with its status."""
    code = 1
    try:
        os.setpgid(0, 0)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        for fd in inherited:
            try:
                os.close(fd)
            except OSError:
                pass
        for target, fd in zip((0, 1, 2), fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        adopt_environment(request["env"])
        streams = request.get("streams") or {}
        sys.stdin = _text_stream(0, "r", streams.get("stdin"))
        sys.stdout = _text_stream(1, "w", streams.get("stdout"))
        sys.stderr = _text_stream(2, "w", streams.get("stderr"))
        argv = [str(a) for a in request["argv"]]
        sys.argv = [str(request.get("argv0") or "docgen"), *argv]
        from docgen.cli import run

        code = run(argv)
    except KeyboardInterrupt:  # before the command began: as docgen says it when interrupted
        code = 130
        from docgen.i18n import msg, render

        print(f"docgen: {render(msg('cli.interrupted'))}", file=sys.stderr)
    except SystemExit as e:  # argparse: --help, usage errors
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if isinstance(e.code, str):
            print(e.code, file=sys.stderr)
    except BaseException as e:  # noqa: BLE001 — the child must end here, whatever happened
        try:
            print(f"docgen: build worker: {type(e).__name__}", file=sys.stderr)
        except Exception:
            pass
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code if isinstance(code, int) and 0 <= code < 256 else 1)


def _text_stream(fd: int, mode: str, spec: dict | None) -> io.TextIOWrapper:
    """A text stream on the caller's descriptor, with the caller's encoding; line-buffered
    on a terminal, as Python's own."""
    spec = spec or {}
    raw = io.FileIO(fd, mode, closefd=False)
    buffered = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
    return io.TextIOWrapper(buffered, encoding=spec.get("encoding") or "utf-8", errors=spec.get("errors") or "strict",
                            line_buffering=mode == "w" and os.isatty(fd))


def _bind(path: Path) -> socket.socket:
    """Listens on `path` (mode 0600), replacing a socket nobody answers on (a worker that
    was killed); refuses to replace one that answers."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(str(path))
        raise SystemExit(f"a worker already listens on {path}")
    except (FileNotFoundError, ConnectionRefusedError):
        pass
    finally:
        probe.close()
    try:
        if path.is_socket():
            path.unlink()
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_mask = os.umask(0o177)
    try:
        listener.bind(str(path))
    finally:
        os.umask(old_mask)
    listener.listen(64)
    return listener


def main() -> int:
    settings = Settings.from_env()
    path = socket_path(settings)
    if path is None:
        log("the state folder's path is too long for a Unix socket")
        return 2
    # stopped while it warms up (`docgen worker stop` finds it by this record): end cleanly
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    record = record_path(path)
    write_record(record)
    try:
        ident = identity(settings)  # before the warm-up: a file changed meanwhile makes the worker stale
        seconds = warm_up(settings)
        listener = _bind(path)
        log(f"ready on {path} (warm-up {seconds:.1f} s, pid {os.getpid()})")
        how = Worker(listener, path, ident, os.stat(path).st_ino).run()
        if how == "restart":
            os.execv(sys.executable, [sys.executable, "-m", "docgen.worker.server"])
    finally:
        if recorded_pid(record) == os.getpid():
            record.unlink(missing_ok=True)
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
