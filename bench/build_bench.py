"""Where the time of a warm `docgen build` goes, measured side by side with its baselines.

    .venv/bin/python bench/build_bench.py [--runs 7] [--case samples/fund-hold/case.yaml]

Prints, each as a median of alternating runs (the machine is shared, so only ratios
measured in one run mean anything):
  1. start-up: bare `python -c pass`, `docgen --version`, `import docgen.cli`;
  2. a warm `docgen build` in a fresh process (LanguageTool running, nothing new to
     translate or grammar-check), and the same command with a build worker running
     (`docgen worker start`; its CPU time counts the worker's child), against a fresh process that imports WeasyPrint and
     renders the case's letter (one page, Russian), and against one rendering the
     issue's baseline, a two-page Cyrillic+CJK letter (the case's Russian letter, then its
     Chinese one on the second page) — the target is a ratio under 2;
  3. warm builds in one long-running process with one Session, per pipeline stage
     (load, evidence, render, translate, QA, compose, write) and per file written
     (each writer), and WeasyPrint's share.
Wall time and CPU time of this process are both given: CPU time is what the code
costs, wall time also counts waiting for the other users of the machine.

LanguageTool: LT_URL if set, else the server docgen starts (and leaves running).
Caches go to bench/.data/build/ (git-ignored); outputs to a temporary folder."""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data" / "build"
PY = sys.executable
DOCGEN = str(Path(PY).with_name("docgen"))


def _median_runs(cmds: dict[str, list[str]], runs: int, env: dict[str, str],
                 envs: dict[str, dict[str, str]] | None = None,
                 more_cpu: dict[str, Callable[[], float]] | None = None) -> tuple[dict, dict, dict]:
    """Median wall time, median CPU time (user + system of the child) and the
    outputs of each command, run alternately so that load changes hit every one alike.
    `envs`: a command's own environment; `more_cpu`: a running total of CPU seconds
    spent elsewhere for a command (a build worker's children), added to its figure."""
    envs, more_cpu = envs or {}, more_cpu or {}
    wall: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    outputs: dict[str, list[str]] = defaultdict(list)
    for _ in range(runs):
        for name, cmd in cmds.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            elsewhere = more_cpu[name]() if name in more_cpu else 0.0
            t = time.perf_counter()
            out = subprocess.run(cmd, capture_output=True, text=True, env=envs.get(name, env))
            wall[name].append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            elsewhere = (more_cpu[name]() - elsewhere) if name in more_cpu else 0.0
            cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime + elsewhere)
            if out.returncode != 0:
                sys.exit(f"bench: {' '.join(cmd)} failed ({out.returncode}):\n{out.stderr[-2000:]}")
            outputs[name].append(out.stdout)
    med = statistics.median
    return {k: med(v) for k, v in wall.items()}, {k: med(v) for k, v in cpu.items()}, outputs


_BASELINE = """
import sys, weasyprint
html = open(sys.argv[1], encoding="utf-8").read()
weasyprint.HTML(string=html).write_pdf(sys.argv[2])
"""


def _pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(next(ln.split()[-1] for ln in out.splitlines() if ln.startswith("Pages:")))


class _Stages:
    """Times the pipeline's stages (its `on_event` reports) and every file the output
    store writes (wrapping OutputStore.put); nothing in docgen changes for the bench."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self._open: tuple[str, float, float] | None = None

    def _close(self) -> None:
        if self._open:
            name, t, c = self._open
            self.wall[name] += time.perf_counter() - t
            self.cpu[name] += time.process_time() - c
        self._open = None

    def on_event(self, event) -> None:
        self._close()
        if event.kind == "stage":
            self._open = (f"stage {event.stage}", time.perf_counter(), time.process_time())

    def install(self) -> None:
        from docgen.store import OutputStore

        put = OutputStore.put
        stages = self

        def timed_put(store, output, data, **params):
            t, c = time.perf_counter(), time.process_time()
            try:
                return put(store, output, data, **params)
            finally:  # counted inside the "write" stage too; shown indented
                name = f"  {output.format}: {output.relpath(**params)}"
                stages.wall[name] += time.perf_counter() - t
                stages.cpu[name] += time.process_time() - c

        OutputStore.put = timed_put

    def reset(self) -> None:
        self.wall.clear()
        self.cpu.clear()


def _stage_table(title: str, runs: list[dict]) -> None:
    """runs: [{"wall": s, "cpu": s, "stages": {name: [wall, cpu]}}]"""
    med = statistics.median
    total, total_cpu = med(r["wall"] for r in runs), med(r["cpu"] for r in runs)
    print(f"\n{title}: {total:.2f} s wall, {total_cpu:.2f} s CPU (median of {len(runs)})")
    print(f"  {'stage':36s} {'wall s':>7s} {'CPU s':>7s} {'share':>6s}")
    names = {k for r in runs for k in r["stages"]}
    stage = {k: (med(r["stages"].get(k, [0, 0])[0] for r in runs), med(r["stages"].get(k, [0, 0])[1] for r in runs))
             for k in names}
    order = [k for k in sorted(names, key=lambda k: -stage[k][0]) if not k.startswith(" ")]
    for k in order:
        print(f"  {k:36s} {stage[k][0]:7.3f} {stage[k][1]:7.3f} {stage[k][0] / total:6.0%}")
        if k == "stage write":
            for f in sorted((n for n in names if n.startswith(" ")), key=lambda n: -stage[n][0]):
                print(f"  {f:36s} {stage[f][0]:7.3f} {stage[f][1]:7.3f} {stage[f][0] / total:6.0%}")
    rest = total - sum(w for k, (w, _) in stage.items() if not k.startswith(" "))
    print(f"  {'(outside the stages)':36s} {max(0.0, rest):7.3f}")
    pdf = [k for k in names if k.startswith("  pdf: ")]
    w, c = sum(stage[k][0] for k in pdf), sum(stage[k][1] for k in pdf)
    print(f"  WeasyPrint, {len(pdf)} PDFs: {w:.2f} s wall, {c:.2f} s CPU = {w / total:.0%} of the wall time")


def _timed_build(case: Path, outdir: Path, stages: _Stages, session=None) -> dict:
    from docgen.pipeline.build import BuildOptions, build_case

    stages.reset()
    t, c = time.perf_counter(), time.process_time()
    build_case(case, BuildOptions(outdir=outdir), session, on_event=stages.on_event)
    stages._close()
    return {"wall": time.perf_counter() - t, "cpu": time.process_time() - c,
            "stages": {k: [stages.wall[k], stages.cpu[k]] for k in stages.wall}}


def _one(case: Path, outdir: Path) -> None:
    """A fresh process: import docgen's build, build once with stage timers, print JSON."""
    t, c = time.perf_counter(), time.process_time()
    import docgen.pipeline.build  # noqa: F401

    imported = [time.perf_counter() - t, time.process_time() - c]
    stages = _Stages()
    stages.install()
    r = _timed_build(case, outdir, stages)
    r["stages"]["import docgen.pipeline.build"] = imported
    r["wall"] += imported[0]
    r["cpu"] += imported[1]
    print(json.dumps(r))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--case", type=Path, default=ROOT / "samples" / "fund-hold" / "case.yaml")
    ap.add_argument("--one", nargs=2, type=Path, metavar=("CASE", "OUTDIR"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        _one(*args.one)
        return

    DATA.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DOCGEN_CACHE_DIR=str(DATA / "cache"))
    os.environ.update(env)
    work = Path(tempfile.mkdtemp(prefix="docgen-build-bench-"))
    case = work / "case" / args.case.name
    shutil.copytree(args.case.parent, case.parent, ignore=shutil.ignore_patterns("out"))
    outdir = work / "out"
    shown = args.case.relative_to(ROOT) if args.case.is_relative_to(ROOT) else args.case
    print(f"bench: {shown}, {args.runs} alternating runs, medians; {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f} at the start")

    # warm-up: LanguageTool up, grammar and MT caches filled, glyph coverage recorded
    import docgen
    from docgen.writers import pdf_writer

    t = time.perf_counter()
    first = docgen.build(case, docgen.BuildOptions(outdir=outdir))
    print(f"first build (fills the caches; starts LanguageTool if needed): {time.perf_counter() - t:.2f} s")
    html = DATA / "baseline-letter.html"
    html.write_text(pdf_writer.to_html(first.documents[f"letter.{first.letter.target_lang}"]), encoding="utf-8")
    base_pdf = work / "baseline.pdf"
    subprocess.run([PY, "-c", _BASELINE, str(html), str(base_pdf)], check=True, env=env)
    pages = _pages(base_pdf)
    # the baseline, a two-page Cyrillic+CJK letter: the Russian letter, then on a new
    # page the seller's Chinese one (the same stylesheet)
    def split_body(page: str) -> tuple[str, str, str, str]:
        head, rest = page.split("<body", 1)
        attrs, rest = rest.split(">", 1)
        body, tail = rest.rsplit("</body>", 1)
        return head, attrs, body, tail

    head, attrs, body_ru, tail = split_body(html.read_text(encoding="utf-8"))
    body_zh = split_body(pdf_writer.to_html(first.documents[f"letter.{first.letter.source_lang}"]))[2]
    html2 = DATA / "baseline-letter-2.html"
    html2.write_text(f'{head}<body{attrs}>{body_ru}<div style="break-before: page"></div>{body_zh}</body>{tail}',
                     encoding="utf-8")
    base2_pdf = work / "baseline-2.pdf"
    subprocess.run([PY, "-c", _BASELINE, str(html2), str(base2_pdf)], check=True, env=env)
    pages2 = _pages(base2_pdf)

    # the build worker (docgen worker start), in a state folder of its own: the same
    # LanguageTool server and translation memory as the builds above
    from docgen.qa import languagetool as lt
    from docgen.settings import Settings
    from docgen.worker.client import details

    worker_env = dict(env, DOCGEN_STATE_DIR=str(DATA / "state"), LT_URL=env.get("LT_URL") or lt.status().url or "",
                      DOCGEN_TM_FILE=str(Settings.from_env(env).tm_file))
    t = time.perf_counter()
    started = subprocess.run([DOCGEN, "worker", "start"], capture_output=True, text=True, env=worker_env)
    if started.returncode != 0:
        sys.exit(f"bench: docgen worker start failed:\n{started.stdout}{started.stderr}")
    print(f"build worker started (warm-up included): {time.perf_counter() - t:.2f} s")
    worker_settings = Settings.from_env(worker_env)
    served = details(worker_settings)["served"]

    # fresh processes, side by side
    try:
        wall, cpu, out = _median_runs({
            "python -c pass": [PY, "-c", "pass"],
            "docgen --version": [DOCGEN, "--version"],
            "python -c 'import docgen.cli'": [PY, "-c", "import docgen.cli"],
            "baseline": [PY, "-c", _BASELINE, str(html), str(base_pdf)],
            "baseline-2": [PY, "-c", _BASELINE, str(html2), str(base2_pdf)],
            "docgen build": [DOCGEN, "build", str(case), "-o", str(outdir)],
            "docgen build, worker": [DOCGEN, "build", str(case), "-o", str(outdir)],
            "one": [PY, __file__, "--one", str(case), str(outdir)],
        }, args.runs, env, envs={"docgen build, worker": worker_env},
            more_cpu={"docgen build, worker": lambda: details(worker_settings)["children_cpu"]})
        if details(worker_settings)["served"] - served != args.runs:
            sys.exit("bench: the build worker did not serve every build (stale? see bench/.data/build/state/worker.log)")
    finally:
        subprocess.run([DOCGEN, "worker", "stop"], capture_output=True, env=worker_env)
    bare, bare_cpu = wall["python -c pass"], cpu["python -c pass"]
    print(f"\nstart-up (fresh processes)          {'wall':>8s} {'':>6s}  {'CPU':>8s}")
    for name in ("python -c pass", "docgen --version", "python -c 'import docgen.cli'"):
        print(f"  {name:34s} {wall[name] * 1000:6.0f} ms {wall[name] / bare:5.1f}x  {cpu[name] * 1000:6.0f} ms "
              f"{cpu[name] / bare_cpu:5.1f}x  (x: of bare python)")
    print(f"\nwarm build in a fresh process vs the baseline (a fresh process importing WeasyPrint and "
          f"rendering the case's {pages}-page letter)")
    print(f"  {'baseline':34s} {wall['baseline']:6.2f} s  {'':5s}  {cpu['baseline']:6.2f} s CPU")
    print(f"  {f'baseline, {pages2} pages: ru + zh letter':34s} {wall['baseline-2']:6.2f} s  {'':5s}  "
          f"{cpu['baseline-2']:6.2f} s CPU")
    print(f"  {'docgen build (CLI)':34s} {wall['docgen build']:6.2f} s  {wall['docgen build'] / wall['baseline']:4.2f}x "
          f" {cpu['docgen build']:6.2f} s CPU {cpu['docgen build'] / cpu['baseline']:4.2f}x  (x: of the baseline; "
          f"{wall['docgen build'] / wall['baseline-2']:.2f}x / {cpu['docgen build'] / cpu['baseline-2']:.2f}x of the "
          f"{pages2}-page one)")
    w, c = wall["docgen build, worker"], cpu["docgen build, worker"]
    print(f"  {'docgen build (CLI), worker running':34s} {w:6.2f} s  {w / wall['baseline']:4.2f}x "
          f" {c:6.2f} s CPU {c / cpu['baseline']:4.2f}x  ({w / wall['baseline-2']:.2f}x / "
          f"{c / cpu['baseline-2']:.2f}x of the {pages2}-page one; CPU: the caller's and its child's in the worker)")
    _stage_table("the same, per stage (bench --one, fresh processes)", [json.loads(o) for o in out["one"]])

    # one long-running process: one Session (templates, glossary, translators, LanguageTool client, caches)
    from docgen.pipeline.session import Session

    stages = _Stages()
    stages.install()
    with Session.from_env() as session:
        _timed_build(case, outdir, stages, session)  # the session's first build loads what it holds
        runs = [_timed_build(case, outdir, stages, session) for _ in range(args.runs)]
    _stage_table("warm build in a long-running process (one Session)", runs)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
