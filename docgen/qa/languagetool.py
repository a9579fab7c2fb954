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
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from docgen.resources import PROJECT_ROOT, glossary_dir
from docgen.lang.profiles import languagetool_languages
from docgen.settings import current
from docgen.translate.cache import connect

START_TIMEOUT = 90  # seconds; LanguageTool loads Russian dictionaries slowly on 2 cores

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
    message: str


def _read_state() -> dict:
    try:
        return json.loads(_state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def status() -> ServerStatus:
    env = current().lt_url
    if env:
        ok = healthy(env)
        return ServerStatus(env, None, ok, True, f"LT_URL {env} {'answers' if ok else 'does not answer'}")
    st = _read_state()
    url, pid = st.get("url"), st.get("pid")
    if url and _pid_alive(pid) and healthy(url):
        return ServerStatus(url, pid, True, False, f"running at {url} (pid {pid})")
    if not (jars_dir() / f"languagetool-server-{lt_version()}.jar").is_file():
        return ServerStatus(None, None, False, False,
                            f"not installed: no jars in {jars_dir()} (run ./scripts/fetch-languagetool)")
    return ServerStatus(None, None, False, False, "not running (start it with `docgen lt start`)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _start_lock(timeout: float):
    """An exclusive lock on `languagetool.lock` beside the state file, held while a
    server starts: a second command waits for the first one's server instead of starting
    its own. The kernel drops the lock when its holder exits, so a crash frees it."""
    import fcntl

    path = _state_file().with_suffix(".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"another docgen has been starting LanguageTool for {timeout:.0f} s") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def start(timeout: float = START_TIMEOUT) -> ServerStatus:
    st = status()
    if st.running or st.external:
        return st
    if st.message.startswith("not installed"):
        return st
    try:
        with _start_lock(timeout + 10):
            st = status()  # another command may have started it while this one waited
            if st.running:
                return st
            return _start(timeout)
    except TimeoutError as e:
        return ServerStatus(None, None, False, False, str(e))


def _start(timeout: float) -> ServerStatus:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = _state_file().with_suffix(".log")
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = ["java", f"-Xmx{current().lt_heap}", "-cp", str(jars_dir() / "*"), "org.languagetool.server.HTTPServer",
           "--port", str(port)]
    try:
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True)  # outlives this docgen run; stopped by `lt stop`
    except OSError as e:
        return ServerStatus(None, None, False, False, f"cannot run Java ({e.strerror}); run ./scripts/setup")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return ServerStatus(None, None, False, False, f"LanguageTool exited at start; see {log}")
        if healthy(url, timeout=1):
            tmp = _state_file().with_suffix(".part")
            tmp.write_text(json.dumps({"url": url, "pid": proc.pid, "version": lt_version()}), encoding="utf-8")
            tmp.replace(_state_file())
            _post_check(url, "Проверка связи.", "ru")  # warm-up: loads the Russian rules once
            return ServerStatus(url, proc.pid, True, False, f"started at {url} (pid {proc.pid})")
        time.sleep(0.5)
    proc.terminate()
    proc.wait()
    return ServerStatus(None, None, False, False, f"LanguageTool did not answer within {timeout:.0f} s; see {log}")


def _reap(pid: int) -> None:
    """Collects the exit status of our own child (a server this process started), so it
    does not linger as a zombie that still looks alive."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass  # not our child: its parent (or init) reaps it


def stop() -> ServerStatus:
    st = _read_state()
    pid = st.get("pid")
    if _pid_alive(pid):
        os.killpg(pid, signal.SIGTERM)
        for _ in range(100):
            _reap(pid)
            if not _pid_alive(pid):
                break
            time.sleep(0.05)
    _state_file().unlink(missing_ok=True)
    return ServerStatus(None, None, False, False, "stopped" if pid else "was not running")


def _post_check(url: str, text: str, lang: str) -> dict:
    data = urllib.parse.urlencode({"text": text, "language": LT_LANG.get(lang, lang)}).encode()
    with urllib.request.urlopen(url.rstrip("/") + "/v2/check", data=data, timeout=60) as r:
        return json.loads(r.read())


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

            self._tool = language_tool_python.LanguageTool(LT_LANG.get(self.lang, self.lang), remote_server=self.url)
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

    def check_many(self, texts: list[str]) -> list[list[GrammarMatch]]:
        """Each text checked as its own paragraph; the texts the cache lacks go to the
        server in as few requests as possible, and their matches are cached one by one."""
        raws: dict[str, list] = {}
        todo: list[str] = []
        for text in dict.fromkeys(texts):
            row = self._cache.execute("select matches from grammar where key = ?", (self._key(text),)).fetchone()
            if row is not None:
                raws[text] = json.loads(row[0])
            elif text.strip():
                todo.append(text)
            else:
                raws[text] = []
        batch: list[str] = []
        for text in todo + [None]:
            if batch and (text is None or sum(len(t) + 2 for t in batch) + len(text) > self.BATCH_CHARS):
                self._send(batch, raws)
                batch = []
            if text is not None:
                batch.append(text)
        self._cache.commit()
        return [self._filtered(t, raws[t]) for t in texts]

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
        for m in self.tool.check("\n\n".join(parts)):
            i = max(k for k, s in enumerate(starts) if s <= m.offset)
            if m.offset >= starts[i] + len(parts[i]):
                continue  # the paragraph break itself
            found[i].append({"rule": m.rule_id, "offset": m.offset - starts[i], "length": m.error_length,
                             "message": m.message, "replacements": list(m.replacements[:3])})
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


def _known(word: str, words: frozenset[str]) -> bool:
    w = word.casefold()
    if w in words:
        return True
    from docgen.lang.morph import analyzer as _analyzer

    return any(p.normal_form in words for p in _analyzer().parse(w))


_checkers: dict[tuple[str, str], GrammarChecker] = {}  # for callers without a Session


def grammar_checker(lang: str, start_server: bool = True,
                    checkers: dict[tuple[str, str], GrammarChecker] | None = None) -> GrammarChecker | None:
    """The checker for `lang`, starting the server if needed and possible; None when
    LanguageTool is unavailable. `checkers` is where clients are kept (a Session's)."""
    if checkers is None:
        checkers = _checkers
    st = status()
    if not st.running and start_server and not st.external:
        st = start()
    if not st.running or not st.url:
        return None
    key = (st.url, lang)
    if key not in checkers:
        checkers[key] = GrammarChecker(st.url, lang)
    return checkers[key]
