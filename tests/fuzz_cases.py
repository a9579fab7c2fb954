"""Structure-aware mutations of the sample case files, and the property every one must
keep: docgen answers with exit 0, 2 or 3 — never an internal error or a traceback —
and writes nothing on exit 2. Used by tests/test_fuzz_cases.py (a bounded number of
examples in the suite) and by `scripts/fuzz` (the long run)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from hypothesis import strategies as st

HOSTILE_VALUES = [
    "2026-02-30", "2026-13-01", "!!timestamp yesterday", "!!int ''", "!!int abc", "9" * 5000, "!!float abc",
    "!!bool maybe", "!!binary AAAA", "!!set {a, b}", "!!omap [a: 1]", "!foo bar", "!!python/object:os.system x",
    "!!str", "!!null x", "[1, 2]", "{a: 1}", "123", "0123", "1.5", ".nan", "-.inf", "true", "null", "~", "''",
    '""', "\"\\x01\"", "\"\\0\"", "\"\\x9e\"", "\"\\u202e fdp.jpg\"", "\"a\\u200bb\"", "🧿", "\U00016FE6",
    "\"{{ 7*7 }}\"", "\"{% for x in y %}\"", "x" * 6000, "&anchor value", "*anchor", "*nowhere",
    "[" * 200, "{" * 60, "\"+7 912 345-67-89\"", "\"a@b\"", "-1", "0", "21", "[E1, E1]", "[E9]",
    "|\n  block\n  text", ">-\n  folded", "\"" + "é" * 300 + "\"", "evidence/../../etc/passwd", "/etc/passwd",
    "evidence/" + "a" * 300 + ".pdf", "evidence", "\"\\t\"", "? complex\n: key",
]
RAW_INSERTS = [b"\x00", b"\xff\xfe", b"\xc3", b"\t", b"\r", b"\x1b[31m", b"\xef\xbb\xbf", b"%YAML 1.1\n---\n",
               b"---\n", b"...\n", b"<<: *anchor\n", b"a: &a [*a]\n", b"\n" * 3, b"#" * 10000]
LAUGHS = (b'lol: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
          + b"".join(b"l%d: &l%d [*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d]\n" % ((i, i) + (i - 1,) * 9)
                     for i in range(1, 9)))

mutation = st.one_of(
    st.tuples(st.just("value"), st.integers(0, 200), st.sampled_from(HOSTILE_VALUES)),
    st.tuples(st.just("dup"), st.integers(0, 200), st.none()),
    st.tuples(st.just("delete"), st.integers(0, 200), st.none()),
    st.tuples(st.just("indent"), st.integers(0, 200), st.integers(-4, 4)),
    st.tuples(st.just("raw"), st.integers(0, 10**6), st.sampled_from(RAW_INSERTS)),
    st.tuples(st.just("crlf"), st.none(), st.none()),
    st.tuples(st.just("bom"), st.none(), st.none()),
    st.tuples(st.just("laughs"), st.none(), st.none()),
    st.tuples(st.just("longline"), st.integers(0, 200), st.integers(1000, 200000)),
    st.tuples(st.just("text"), st.integers(0, 200), st.text(max_size=30)),
)
mutations = st.lists(mutation, min_size=1, max_size=4)


def mutate(source: bytes, muts: list[tuple]) -> bytes:
    lines = source.split(b"\n")
    data = None
    for kind, a, b in muts:
        if data is not None and kind not in ("raw", "crlf", "bom"):
            lines, data = data.split(b"\n"), None
        i = a % len(lines) if isinstance(a, int) and lines else 0
        if kind == "value" or kind == "text":
            line = lines[i]
            value = b.encode("utf-8", "surrogatepass") if kind == "value" else _quoted(b)
            if b":" in line:
                key, _, _ = line.partition(b":")
                lines[i] = key + b": " + value
            else:
                lines[i] = line + b" " + value
        elif kind == "dup":
            lines.insert(i, lines[i])
        elif kind == "delete" and len(lines) > 1:
            del lines[i]
        elif kind == "indent":
            lines[i] = (b" " * b + lines[i]) if b > 0 else lines[i][-b:]
        elif kind == "longline":
            lines[i] = lines[i] + b" " + b"x" * b
        elif kind == "laughs":
            lines.append(LAUGHS.decode().rstrip("\n").encode())
        else:
            data = b"\n".join(lines) if data is None else data
            if kind == "raw":
                pos = a % (len(data) + 1)
                data = data[:pos] + b + data[pos:]
            elif kind == "crlf":
                data = data.replace(b"\n", b"\r\n")
            elif kind == "bom":
                data = b"\xef\xbb\xbf" + data
    return data if data is not None else b"\n".join(lines)


def _quoted(text: str) -> bytes:
    return ('"' + text.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"').encode()


def _snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*")}


def run_one(folder: Path, text: bytes, build: bool) -> int:
    """Writes `text` as the folder's case.yaml and runs it as `docgen build` would:
    load, and when `build`, the whole build (no LanguageTool, no MT) into out/. Returns
    the exit code the CLI would give; raises AssertionError for a broken promise and
    lets any other exception (an "internal error") propagate."""
    from docgen import BuildOptions
    from docgen import build as build_case
    from docgen.case.loader import load_case
    from docgen.errors import DocgenError

    case = folder / "case.yaml"
    case.write_bytes(text)
    shutil.rmtree(folder / "out", ignore_errors=True)
    before = _snapshot(folder)
    try:
        load_case(case)
        if build:
            build_case(case, BuildOptions(languagetool=False, translator=None, bundle=True))
    except DocgenError as e:
        if e.exit_code == 2:
            assert _snapshot(folder) == before, "exit 2 wrote something"
            leftovers = [p.name for p in folder.parent.iterdir() if p.name.startswith(".out.")]
            assert not leftovers, leftovers
            for p in e.problems:
                assert p.file and p.message, p
                assert p.line is not None, f"no line: {p}"
        return e.exit_code
    return 0


def sample_folder(name: str, dest: Path) -> Path:
    from tests.conftest import SAMPLES

    target = dest / name
    if not target.exists():
        shutil.copytree(SAMPLES / name, target, ignore=shutil.ignore_patterns("out"))
    return target


def builds_allowed() -> int:
    return int(os.environ.get("DOCGEN_FUZZ_BUILDS", "1"))
