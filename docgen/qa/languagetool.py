"""The LanguageTool server docgen runs for its grammar check, and the client for it.

One server per machine: started on demand (`docgen lt start`, or by `docgen build` /
`docgen check` when the jars are there), found again through a state file, stopped
with `docgen lt stop`. `LT_URL` points at an existing server instead. Starting holds a
lock file beside the state file, so commands started together start one server and the
others wait for it and use it. The server's jars
come from Maven Central through scripts/fetch-languagetool; nothing is downloaded at
run time, and the client (language-tool-python) only ever talks to this server."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from docgen.i18n import msg
from docgen.resources import PROJECT_ROOT, glossary_dir
from docgen.lang.profiles import languagetool_languages
from docgen.settings import current
from docgen.translate.cache import connect

START_TIMEOUT = 90  # seconds; LanguageTool loads Russian dictionaries slowly on 2 cores
REQUEST_TIMEOUT = 45  # seconds for one check request (the client tries twice): a hung server ends the wait

# Rules that misfire on letters: documented here, sent as disabledRules.
DISABLED_RULES = {
    "ru": (
        "UPPERCASE_SENTENCE_START",  # list items and references such as «(см. Приложение 1)»
        "WHITESPACE_RULE",  # labels padded with spaces before signature lines
        "DASH_RULE",  # «24.10.2026 —» date prefixes
        "RU_COMPOUNDS",  # hyphenated product names and IDs
        "SENTENCE_WHITESPACE",  # certificate and order numbers with dots («RU Д-CN.РА01.В.12345/26»)
    ),
    "en": ("UPPERCASE_SENTENCE_START", "WHITESPACE_RULE", "EN_QUOTES", "DASH_RULE"),
}
SPELLING_RULES = re.compile(r"MORFOLOGIK_RULE|HUNSPELL|SPELLING")
LT_LANG = languagetool_languages()  # from the language profiles (docgen/lang/profiles.py)


def jars_dir() -> Path:
    return current().lt_jars


def _state_file() -> Path:
    """Where the running server is recorded: one per user, whatever cache folder a run
    uses (DOCGEN_STATE_DIR moves it)."""
    return current().lt_state_file


def lt_version() -> str:
    pom = (PROJECT_ROOT / "languagetool" / "pom.xml").read_text(encoding="utf-8")
    m = re.search(r"<languagetool.version>([^<]+)<", pom)
    return m.group(1) if m else "unknown"


@lru_cache(maxsize=1)
def project_words() -> frozenset[str]:
    """Words LanguageTool's dictionary lacks (glossary/lt-words.txt), never flagged."""
    path = glossary_dir() / "lt-words.txt"
    if not path.is_file():
        return frozenset()
    words = (ln.split("#", 1)[0].strip() for ln in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w.casefold() for w in words if w)


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/v2/healthcheck", timeout=timeout) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


@dataclass
class ServerStatus:
    url: str | None
    pid: int | None
    running: bool
    external: bool  # LT_URL
    message: str  # a Msg (docgen.i18n): English text, rendered in the UI language at the edge


# ---- the state file: which server is ours --------------------------------------------------
# {"url": "http://127.0.0.1:PORT", "pid": N, "start": ticks since boot, "version": "6.6"},
# written when the java process is spawned (before it answers), so that a concurrent or a
# later command waits for that server instead of starting another beside it.

_URL = re.compile(r"http://127\.0\.0\.1:(\d{1,5})")
_PID_MAX = 1 << 22  # Linux's pid_max ceiling


def _read_state() -> dict:
    """The recorded server, or {} when the file is absent, unreadable or of any other
    shape (a list, a pid that is not a plausible integer, a URL off loopback): such a file
    is treated as absent, never trusted and never a crash."""
    try:
        st = json.loads(_state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(st, dict):
        return {}
    url, pid, started = st.get("url"), st.get("pid"), st.get("start")
    if not (isinstance(url, str) and _URL.fullmatch(url) and 0 < int(_URL.fullmatch(url).group(1)) < 65536):
        return {}
    if not (type(pid) is int and 1 < pid < _PID_MAX):
        return {}
    if started is not None and not (type(started) is int and started >= 0):
        return {}
    version = st.get("version")
    return {"url": url, "pid": pid, "start": started, "version": version if isinstance(version, str) else None}


def _write_state(data: dict) -> None:
    path = _state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(path)


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
        return True
    except (OSError, OverflowError):
        return False


def _start_time(pid: int) -> int | None:
    """When the process started: a pid reused by another process has another start time."""
    from docgen.background import process_start_time

    return process_start_time(pid)


def _our_server(st: dict) -> bool:
    """Whether the recorded pid is still the java LanguageTool server docgen started for
    that URL: alive, not a zombie, its command line running LanguageTool's HTTPServer
    class with java on the recorded port, and (when recorded) the same start time. Only
    such a process is ever waited for or signalled."""
    pid = st.get("pid")
    if not st.get("url") or not _pid_alive(pid):
        return False
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().rstrip(b"\0").split(b"\0")
        state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace").rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    if state in ("Z", "X"):
        return False  # exited, not yet reaped
    port = st["url"].rsplit(":", 1)[1].encode()
    try:
        cls = cmd.index(b"org.languagetool.server.HTTPServer")
    except ValueError:
        return False
    java = any(Path(os.fsdecode(a)).name == "java" for a in cmd[:cls])
    port_ok = any(a == b"--port" and b == port for a, b in zip(cmd[cls:], cmd[cls + 1:]))
    if not (java and port_ok):
        return False
    return st.get("start") is None or st.get("start") == _start_time(pid)


# ---- is it LanguageTool? ------------------------------------------------------------------
PROBE_TEXT = "Проверка связи."  # the only text a server gets before it has shown it is LanguageTool
_verified: set[str] = set()  # URLs that answered as LanguageTool (this process)


def is_languagetool(url: str) -> bool:
    """Whether `url` answers as LanguageTool does: /v2/languages is a list of
    {name, code, longCode} holding the languages docgen checks, and a check of PROBE_TEXT
    names the software LanguageTool. Letter text goes to no other server."""
    if url in _verified:
        return True
    base = url.rstrip("/")
    try:
        with urllib.request.urlopen(base + "/v2/languages", timeout=10) as r:
            langs = json.loads(r.read(1 << 20))
        if not (isinstance(langs, list) and langs
                and all(isinstance(x, dict) and {"name", "code", "longCode"} <= set(x) for x in langs)):
            return False
        codes = {x.get("longCode") for x in langs} | {x.get("code") for x in langs}
        if not any(v in codes for v in LT_LANG.values()):
            return False
        answer = _post_check(base, PROBE_TEXT, "ru" if "ru" in LT_LANG else next(iter(LT_LANG)), timeout=30)
    except (urllib.error.URLError, OSError, ValueError, RecursionError):
        return False
    software = answer.get("software") if isinstance(answer, dict) else None
    if not (isinstance(software, dict) and software.get("name") == "LanguageTool"
            and isinstance(answer.get("matches"), list)):
        return False
    _verified.add(url)
    return True


def status() -> ServerStatus:
    env = current().lt_url
    if env:
        if not healthy(env):
            return ServerStatus(env, None, False, True, msg("lt.external-silent", url=env))
        if not is_languagetool(env):
            return ServerStatus(env, None, False, True, msg("lt.not-languagetool", url=env))
        return ServerStatus(env, None, True, True, msg("lt.external-answers", url=env))
    st = _read_state()
    url, pid = st.get("url"), st.get("pid")
    if url and _our_server(st):
        if healthy(url):
            return ServerStatus(url, pid, True, False, msg("lt.running", url=url, pid=pid))
        return ServerStatus(url, pid, False, False, msg("lt.busy", url=url, pid=pid))
    if not _installed():
        return ServerStatus(None, None, False, False, msg("lt.not-installed", folder=str(jars_dir())))
    return ServerStatus(None, None, False, False, msg("lt.not-running"))


def _installed() -> bool:
    return (jars_dir() / f"languagetool-server-{lt_version()}.jar").is_file()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_lock(timeout: float):
    """Held while a server starts (languagetool.lock beside the state file)."""
    from docgen.background import start_lock

    return start_lock(_state_file().with_suffix(".lock"), timeout)


def _wait_healthy(url: str, timeout: float, alive) -> bool:
    """Waits for a server that is ours but slow (starting, or busy with a long check):
    each probe may take up to 10 s, and the wait ends when the process is gone."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if healthy(url, timeout=min(10.0, max(0.5, deadline - time.monotonic()))):
            return True
        if not alive():
            return False
        time.sleep(0.5)
    return False


def start(timeout: float = START_TIMEOUT) -> ServerStatus:
    st = status()
    if st.running or st.external:
        return st
    if st.pid is None and not _installed():
        return st
    try:
        with _start_lock(timeout + 10):
            st = status()  # another command may have started it while this one waited
            if st.running:
                return st
            recorded = _read_state()
            if recorded and _our_server(recorded):
                # ours, alive, slow to answer: wait for it, never start a second one beside it
                if _wait_healthy(recorded["url"], timeout, lambda: _our_server(recorded)):
                    return ServerStatus(recorded["url"], recorded["pid"], True, False,
                                        msg("lt.running", url=recorded["url"], pid=recorded["pid"]))
                if _our_server(recorded):
                    return ServerStatus(None, recorded["pid"], False, False,
                                        msg("lt.not-answering", pid=recorded["pid"], seconds=f"{timeout:.0f}"))
            if not _installed():
                return status()
            return _start(timeout)
    except TimeoutError:
        return ServerStatus(None, None, False, False, msg("lt.lock-timeout", seconds=f"{timeout + 10:.0f}"))


def _start(timeout: float) -> ServerStatus:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = _state_file().with_suffix(".log")
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = ["java", f"-Xmx{current().lt_heap}", "-cp", str(jars_dir() / "*"), "org.languagetool.server.HTTPServer",
           "--port", str(port)]
    # the first start takes a minute or more: say what the command waits for (stderr, not the output)
    from docgen.i18n import msg, render

    print(f"docgen: {render(msg('lt.starting', timeout=round(timeout)))}", file=sys.stderr, flush=True)
    try:
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True)  # outlives this docgen run; stopped by `lt stop`
    except OSError as e:
        return ServerStatus(None, None, False, False, msg("lt.no-java", error=e.strerror or type(e).__name__))
    with _terminate_raises():
        return _wait_started(proc, url, log, timeout)


@contextmanager
def _terminate_raises():
    """While a server starts, SIGTERM (a CI job's timeout, `kill`) raises SystemExit(143)
    like Ctrl+C raises KeyboardInterrupt, so the start stops its java before exiting.
    Only the main thread can set a handler; other threads keep the default."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _wait_started(proc: subprocess.Popen, url: str, log: Path, timeout: float) -> ServerStatus:
    try:
        # recorded at once, with its start time: a concurrent or later command waits for
        # this server (or `lt stop` stops it) rather than starting another
        _write_state({"url": url, "pid": proc.pid, "start": _start_time(proc.pid), "version": lt_version()})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                _forget_state(proc.pid)
                return ServerStatus(None, None, False, False, msg("lt.exited-at-start", log=str(log)))
            if healthy(url, timeout=1):
                try:
                    _post_check(url, PROBE_TEXT, "ru")  # warm-up: loads the Russian rules once
                except (urllib.error.URLError, OSError, ValueError):
                    pass  # slow to warm up: the first check waits instead
                return ServerStatus(url, proc.pid, True, False, msg("lt.started", url=url, pid=proc.pid))
            time.sleep(0.5)
    except BaseException:  # interrupted while starting (Ctrl+C, SIGTERM): never leave an orphan
        _kill_group(proc)
        _forget_state(proc.pid)
        raise
    _kill_group(proc)
    _forget_state(proc.pid)
    return ServerStatus(None, None, False, False, msg("lt.start-timeout", seconds=f"{timeout:.0f}", log=str(log)))


def _forget_state(pid: int) -> None:
    """Removes the state file if it still names `pid`."""
    if _read_state().get("pid") == pid:
        _state_file().unlink(missing_ok=True)


def _reap(pid: int) -> bool:
    """Collects the exit status of our own child (a server this process started), so it
    does not linger as a zombie; True when nothing of ours is left to collect."""
    try:
        return os.waitpid(pid, os.WNOHANG)[0] == pid
    except ChildProcessError:
        return True  # collected before, or not our child: its parent (or init) reaps it


def _kill_group(proc_or_pid) -> None:
    """SIGTERM to the server's process group (it leads its own session), SIGKILL after 5 s."""
    pid = proc_or_pid if isinstance(proc_or_pid, int) else proc_or_pid.pid
    if pid <= 1 or pid == os.getpgrp():
        return  # killpg(1) is kill(-1): every process on the machine; never our own group either
    for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except OSError:
            pass
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            reaped = _reap(pid)
            if not _group_alive(pid):  # the whole group: the leader may die before its children
                # nothing runs any more, but our own child may still be on its way to a zombie
                while not reaped and time.monotonic() < deadline:
                    time.sleep(0.01)
                    reaped = _reap(pid)
                return
            time.sleep(0.05)


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs. Members that exited but wait to be reaped
    (zombies: their parent, often init after the starting docgen ended, collects them
    when it gets to it — a second or more on some machines) do not count."""
    try:
        os.killpg(pgid, 0)
    except (OSError, OverflowError):
        return False
    try:
        entries = [e.name for e in os.scandir("/proc") if e.name.isdigit()]
    except OSError:
        return True  # no /proc to tell zombies apart: the group is there
    for name in entries:
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue  # gone meanwhile
        fields = stat[stat.rfind(b")") + 2:].split()  # after "pid (comm) ": state, ppid, pgrp, ...
        if len(fields) > 2 and fields[2] == str(pgid).encode() and fields[0] != b"Z":
            return True
    return False


def stop() -> ServerStatus:
    st = _read_state()
    pid = st.get("pid")
    if st and _our_server(st):  # only our java server, verified by command line, port and start time
        _kill_group(pid)
        message = msg("lt.stopped")
    elif pid and _pid_alive(pid):
        message = msg("lt.not-ours", pid=pid)
    else:
        message = msg("lt.was-not-running")
    _state_file().unlink(missing_ok=True)
    return ServerStatus(None, None, False, False, message)


def _post_check(url: str, text: str, lang: str, timeout: float = 60) -> dict:
    data = urllib.parse.urlencode({"text": text, "language": LT_LANG.get(lang, lang)}).encode()
    with urllib.request.urlopen(url.rstrip("/") + "/v2/check", data=data, timeout=timeout) as r:
        return json.loads(r.read(1 << 24))


class GrammarUnavailable(Exception):
    """The server stopped answering during a check (died, hung past REQUEST_TIMEOUT, or
    answered something that is not LanguageTool's JSON). The grammar check reports
    "grammar not checked" instead of failing the build."""


@lru_cache(maxsize=1)
def _client_errors() -> tuple[type[BaseException], ...]:
    """What the client raises when the server fails it (imported only once a text is sent)."""
    errors: tuple[type[BaseException], ...] = (OSError, ValueError, KeyError, TypeError, AttributeError)
    try:
        from language_tool_python.exceptions import LanguageToolError

        errors += (LanguageToolError,)
    except ImportError:
        pass
    return errors



def _reason(e: BaseException) -> str:
    """The kind of failure, never the request (the letter text)."""
    cause = e.__cause__ or e.__context__ or e
    return type(cause).__name__


@dataclass(frozen=True)
class GrammarMatch:
    rule: str
    offset: int
    length: int
    message: str
    replacements: tuple[str, ...]


class GrammarChecker:
    """language-tool-python pointed at our server, with the project word list and
    disabled rules applied, and a per-text cache (SQLite, beside the MT cache)."""

    def __init__(self, url: str, lang: str):
        self.url = url
        self.lang = lang
        self._tool = None
        self.requests = 0  # requests sent to the server
        self.texts_sent = 0  # texts sent to the server (cache misses)
        self._db = None
        self._db_path: Path | None = None

    @property
    def tool(self):
        """The language-tool-python client, made when a text must go to the server (a
        build whose sentences are all cached does not import it)."""
        if self._tool is None:
            import language_tool_python

            class Client(language_tool_python.LanguageTool):
                _TIMEOUT = property(lambda _self: REQUEST_TIMEOUT)  # the library waits 300 s otherwise

            try:
                self._tool = Client(LT_LANG.get(self.lang, self.lang), remote_server=self.url)
            except Exception as e:
                if not isinstance(e, _client_errors()):
                    raise
                raise GrammarUnavailable(_reason(e)) from e
            self._tool.disabled_rules.update(DISABLED_RULES.get(self.lang, ()))
        return self._tool

    @property
    def _cache(self):
        path = current().qa_cache_file  # follows DOCGEN_CACHE_DIR, also in a long-lived process
        if self._db is None or path != self._db_path:
            self._db = connect(path)
            self._db_path = path
            self._db.execute("create table if not exists grammar (key text primary key, matches text)")
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _key(self, text: str) -> str:
        import hashlib

        cfg = [text, self.lang, lt_version(), sorted(DISABLED_RULES.get(self.lang, ())), sorted(project_words())]
        return hashlib.sha256(json.dumps(cfg, ensure_ascii=False).encode()).hexdigest()

    def check(self, text: str) -> list[GrammarMatch]:
        return self.check_many([text])[0]

    # texts sent to the server together, as paragraphs of one request (a letter is one request)
    BATCH_CHARS = 20000

    def _lookup(self, texts: list[str]) -> tuple[dict[str, str], dict[str, list], list[str]]:
        """Each text's shape, the cached matches by shape, and the shapes not cached."""
        raws: dict[str, list] = {}
        todo: list[str] = []
        shapes = {t: id_shape(t) for t in texts}
        for text in dict.fromkeys(shapes.values()):
            row = self._cache.execute("select matches from grammar where key = ?", (self._key(text),)).fetchone()
            if row is not None:
                raws[text] = json.loads(row[0])
            elif text.strip():
                todo.append(text)
            else:
                raws[text] = []
        return shapes, raws, todo

    def cached_many(self, texts: list[str]) -> list[list[GrammarMatch]] | None:
        """The matches of every text when all are in the cache, else None; never
        contacts a server (a build whose sentences were all checked before needs none)."""
        shapes, raws, todo = self._lookup(texts)
        if todo:
            return None
        return [self._filtered(t, raws[shapes[t]]) for t in texts]

    def check_many(self, texts: list[str]) -> list[list[GrammarMatch]]:
        """Each text checked as its own paragraph; the texts the cache lacks go to the
        server in as few requests as possible, and their matches are cached one by one.
        What is checked and cached is the text's `id_shape`: a template sentence that
        differs between letters only in an order number, a tracking number or a file
        name is checked once for all of them."""
        shapes, raws, todo = self._lookup(texts)
        batch: list[str] = []
        for text in todo + [None]:
            if batch and (text is None or sum(len(t) + 2 for t in batch) + len(text) > self.BATCH_CHARS):
                self._send(batch, raws)
                batch = []
            if text is not None:
                batch.append(text)
        self._cache.commit()
        return [self._filtered(t, raws[shapes[t]]) for t in texts]

    def _send(self, batch: list[str], raws: dict[str, list]) -> None:
        # a text's own line breaks would merge paragraphs: the request carries them as spaces
        # (same length, so offsets stay right)
        parts = [t.replace("\n", " ") for t in batch]
        starts, pos = [], 0
        for t in parts:
            starts.append(pos)
            pos += len(t) + 2
        self.requests += 1
        self.texts_sent += len(batch)
        found: list[list] = [[] for _ in batch]
        try:
            matches = [(m.rule_id, m.offset, m.error_length, m.message, list(m.replacements[:3]))
                       for m in self.tool.check("\n\n".join(parts))]
        except GrammarUnavailable:
            raise
        except Exception as e:  # the server died, hung past REQUEST_TIMEOUT or answered garbage
            if not isinstance(e, _client_errors()):
                raise
            _verified.discard(self.url)  # looked at again before any other text goes there
            raise GrammarUnavailable(_reason(e)) from e
        for rule_id, offset, length, message, replacements in matches:
            i = max((k for k, s in enumerate(starts) if s <= offset), default=0)
            if offset >= starts[i] + len(parts[i]):
                continue  # the paragraph break itself
            found[i].append({"rule": rule_id, "offset": offset - starts[i], "length": length,
                             "message": message, "replacements": replacements})
        for text, raw in zip(batch, found):
            raws[text] = raw
            self._cache.execute("insert or replace into grammar values (?, ?)", (self._key(text), json.dumps(raw)))

    def _filtered(self, text: str, raw: list) -> list[GrammarMatch]:
        out = []
        words = project_words()
        for m in raw:
            flagged = text[m["offset"]:m["offset"] + m["length"]]
            if SPELLING_RULES.search(m["rule"]) and _known(flagged, words):
                continue
            out.append(GrammarMatch(m["rule"], m["offset"], m["length"], m["message"], tuple(m["replacements"])))
        return out


_ID_TOKEN = re.compile(r"[0-9A-Za-z]+(?:[-_./][0-9A-Za-z]+)*")


def _id_zeros(m: re.Match) -> str:
    token = m.group()
    digits = sum(c.isdigit() for c in token)
    if not digits:
        return token
    letters = any(c.isalpha() for c in token)
    separators = sum(c in "-_./" for c in token)
    if letters or separators >= 2 or digits >= 7:  # RU741852963CN, A01_x_58213746-0017-1.pdf, 28.10.2026, a SKU
        return re.sub(r"[0-9]", "0", token)
    return token


def id_shape(text: str) -> str:
    """`text` with the digits of its codes (order, tracking and SKU numbers, file names,
    notice codes, dates) written as zeros: the same length, so the matches' offsets hold
    for the real text, and grammar that cannot depend on them. Plain numbers (amounts,
    counts such as «17 отправлений», whose last digits govern the noun) are kept."""
    return _ID_TOKEN.sub(_id_zeros, text)


def _known(word: str, words: frozenset[str]) -> bool:
    w = word.casefold()
    if w in words:
        return True
    from docgen.lang.morph import analyzer as _analyzer

    return any(p.normal_form in words for p in _analyzer().parse(w))


_checkers: dict[tuple[str, str], GrammarChecker] = {}  # for callers without a Session


def grammar_checker(lang: str, start_server: bool = True,
                    checkers: dict[tuple[str, str], GrammarChecker] | None = None,
                    cache_only: bool = False) -> GrammarChecker | None:
    """The checker for `lang`, starting the server if needed and possible; None when
    LanguageTool is unavailable. `checkers` is where clients are kept (a Session's).
    `cache_only`: a checker that only reads the grammar cache (`cached_many`), made
    without asking whether any server runs."""
    if checkers is None:
        checkers = _checkers
    if cache_only:
        return checkers.setdefault(("", lang), GrammarChecker("", lang))
    st = status()
    if not st.running and start_server and not st.external:
        st = start()
    if not st.running or not st.url or not is_languagetool(st.url):
        return None  # no text goes to a server that has not shown it is LanguageTool
    key = (st.url, lang)
    if key not in checkers:
        checkers[key] = GrammarChecker(st.url, lang)
    return checkers[key]
