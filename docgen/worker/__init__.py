"""The build worker: `docgen build` at the cost of a build in a long-running process.

A fresh `docgen build` pays, before any work of its own, for importing docgen,
WeasyPrint and python-docx, for loading fonts and stylesheets, and for parsing the
templates: well over half of a warm build. `docgen worker start` starts a process
(`python -m docgen.worker.server`, in its own session) that pays this once — it builds
the fund-hold sample into a temporary folder, with neither machine translation nor
LanguageTool — and then listens on `worker.sock` in the state folder (a Unix socket,
mode 0600, callers of the same user only).

`docgen build` (and the other commands that lay out documents: `index`, `review import`,
`review export`; `cli.runs_in_worker`) then connects and hands over its arguments,
working folder, environment and its stdin/stdout/stderr (SCM_RIGHTS). The worker forks: the child runs the command
exactly as the caller would have (its folder, environment, terminal, `--ui`), in a
process of its own, so nothing of one build outlives it; the worker reports the child's
exit status, and the caller exits with it. Ctrl+C (or SIGTERM, SIGHUP) on the caller is
passed to the child; a caller that goes away interrupts its child.

The worker serves a caller only when that caller's settings (the folders of
`docgen.settings`, resolved) are its own and nothing it may have loaded has changed
since it started: docgen's code and data, the templates, the glossary, the channels
file, the installed models and the installed Python packages, listed by path, size and
modification time (`identity`). A stale worker answers "stale", starts itself afresh
(exec, once its running builds are done) and the caller builds in its own process, as
it does whenever no worker serves it.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import sysconfig
from pathlib import Path

from docgen.settings import PROJECT_ROOT, Settings

SOCKET_NAME = "worker.sock"
_SOCKET_PATH_MAX = 107  # sun_path holds 108 bytes with the final NUL
# read from the caller's environment by the child itself, so a worker serves every UI language
_PER_CALLER = ("ui_language", "colour", "debug")


def record_path(socket: Path) -> Path:
    """The worker's record (pid, start time) beside its socket: it names a worker still
    warming up, which listens nowhere yet."""
    return socket.with_suffix(".pid")


def socket_path(settings: Settings) -> Path | None:
    """Where the worker of these settings listens; None when the path is too long for a
    Unix socket (then no worker is used: builds run in their own process)."""
    path = Path(os.path.abspath(settings.state_dir)) / SOCKET_NAME
    return path if len(os.fsencode(path)) <= _SOCKET_PATH_MAX else None


def identity(settings: Settings) -> dict[str, str]:
    """What a worker must share with a caller: {"settings": digest of the resolved
    settings and the Python that runs, "files": digest of the files it may have loaded}."""
    fields = {name: os.path.abspath(value) if isinstance(value, Path) else value
              for name, value in vars(settings).items() if name not in _PER_CALLER}
    fields["python"] = sys.executable
    shared = hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()
    files = hashlib.sha256()
    for root in (PROJECT_ROOT / "docgen", settings.templates_dir, settings.glossary_dir, settings.channels_file,
                 settings.models_dir):
        _stat_tree(files, Path(root))
    _stat_tree(files, Path(sysconfig.get_paths()["purelib"]), walk=False)  # a pip install changes its folder
    return {"settings": shared, "files": files.hexdigest()}


def _stat_tree(digest, root: Path, walk: bool = True) -> None:
    """Path, size and modification time of `root` and (walk) of everything below it;
    files docgen derives as it runs are left out: Python's byte-code caches, the message
    catalogs compiled from their .po files, temporary files."""
    try:
        st = os.stat(root)
    except OSError:
        digest.update(f"{root}\0missing\n".encode())
        return
    digest.update(f"{root}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    if not walk or not os.path.isdir(root):
        return
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".pyc", ".mo")) or name.startswith(".tmp-"):
                continue
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())


def write_record(record: Path) -> None:
    """Names this process as the worker (pid and start time), for `docgen worker stop`."""
    from docgen.background import process_start_time

    record.parent.mkdir(parents=True, exist_ok=True)
    part = record.with_suffix(".part")
    part.write_text(json.dumps({"pid": os.getpid(), "start": process_start_time(os.getpid())}), encoding="utf-8")
    part.replace(record)


def recorded_pid(record: Path) -> int | None:
    """The pid of the worker `record` names, when it still runs (command line and start
    time checked: a reused pid is not the worker); else None."""
    from docgen.background import process_start_time

    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        pid, start = data["pid"], data["start"]
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        return None
    if not (type(pid) is int and pid > 1 and b"docgen.worker.server" in cmdline):
        return None
    return pid if process_start_time(pid) == start else None
