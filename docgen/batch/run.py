"""Running a batch: the planned cases built by N worker processes (or on a Dask
cluster), one LanguageTool server shared by all, progress while it runs, the report
at the end. Each worker builds one case at a time with the ordinary `docgen build`
and keeps its translator loaded between cases; nothing a case produces stays in
memory once its result (a few counters) is sent back."""
from __future__ import annotations

import os
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from docgen.batch.plan import Job, Plan, plan_batch
from docgen.batch.sources import RowProblem
from docgen.batch.wording import shown, word
from docgen.errors import DocgenError, Problem
from docgen.i18n import msg, render
from docgen.writers.registry import DOCUMENT_FORMATS, check_formats

EXECUTORS = ("local", "dask")


@dataclass
class BatchOptions:
    outdir: Path | None = None  # default: <SOURCE>-batch/ beside the source
    defaults: Path | None = None
    evidence_dir: Path | None = None
    jobs: int | None = None  # worker processes; default: cores
    only_changed: bool = False
    strict: bool = False
    executor: str = "local"
    scheduler: str | None = None  # dask: address of a running scheduler (default: a LocalCluster)
    bundle: bool = True
    languagetool: bool = True
    formats: tuple[str, ...] = DOCUMENT_FORMATS  # printable documents (BuildOptions.formats)


@dataclass
class JobResult:
    id: str
    case_type: str
    keys: list[str]
    status: str  # built | unchanged | failed
    outdir: str
    state: str | None = None  # draft | reviewed | final (manifest)
    summary: dict[str, int] = field(default_factory=dict)
    by_check: dict[str, dict[str, int]] = field(default_factory=dict)  # severity → check → count
    problems: list = field(default_factory=list)  # Problems (the loader's) or Msgs: render with `shown()`
    reasons: list[str] = field(default_factory=list)
    note: str | None = None  # a Msg
    seconds: float = 0.0
    worker: int = 0
    stages: dict[str, float] = field(default_factory=dict)  # stage → seconds


# -- the worker side -------------------------------------------------------------------------

_SESSIONS: dict = {}


def _session(lt_url: str | None = None):
    """One Session per worker process and settings: templates, glossary, translators (the
    model loaded once) and LanguageTool clients are reused for every case it builds.
    `lt_url`: the batch's one LanguageTool server."""
    from docgen.pipeline.session import Session
    from docgen.settings import Settings

    settings = Settings.from_env()
    if lt_url:
        settings = settings.with_(lt_url=lt_url)
    if settings not in _SESSIONS:
        _SESSIONS[settings] = Session(settings)
    return _SESSIONS[settings]


def _inputs_unchanged(case_path: Path, outdir: Path, bundle: bool = True,
                      formats: tuple[str, ...] = DOCUMENT_FORMATS) -> str | None:
    """The manifest's state when the case file, every evidence file and docgen's
    templates/glossary/version are those of the last build, and that build wrote what this
    one would (a `--no-bundle` build is not an unchanged full one); else None."""
    import json

    from docgen import __version__
    from docgen.case.loader import load_case
    from docgen.digest import sha256_file
    from docgen.resources import folder_version, glossary_dir, templates_dir

    try:
        manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("docgen") != __version__ or manifest.get("templates") != _cached_version(templates_dir()) \
            or manifest.get("glossary") != _cached_version(glossary_dir()):
        return None
    options = manifest.get("options")
    if not isinstance(options, dict) or options.get("bundle") != bundle \
            or options.get("formats") != list(formats):
        return None  # built with other options, or before manifests recorded them
    cf = load_case(case_path)
    now = [("case", case_path.name, sha256_file(case_path)[0])]
    now += [("evidence", ev.file, sha256_file(cf.evidence_path(ev))[0]) for ev in cf.case.evidence]
    then = [(i.get("role"), i.get("path"), i.get("sha256")) for i in manifest.get("inputs", [])]
    if sorted(now) != sorted(then):
        return None
    if any(not (outdir / o["path"]).is_file() for o in manifest.get("outputs", [])):
        return None
    return manifest.get("state", "draft")


_VERSIONS: dict[str, str] = {}


def _cached_version(folder: Path) -> str:
    from docgen.resources import folder_version

    if str(folder) not in _VERSIONS:
        _VERSIONS[str(folder)] = folder_version(folder)
    return _VERSIONS[str(folder)]


def run_job(job: Job, settings: dict) -> JobResult:
    """Builds one case (in whichever process runs it). `settings`: lt_url, only_changed,
    bundle, languagetool."""
    return _run_job(job, settings)


def _run_job(job: Job, settings: dict) -> JobResult:
    t0 = time.perf_counter()
    res = JobResult(job.id, job.case_type, job.keys, "failed", job.outdir, reasons=job.reasons, note=job.note,
                    worker=os.getpid())
    try:
        case_path, outdir = Path(job.case_path), Path(job.outdir)
        bundle, formats = settings.get("bundle", True), tuple(settings.get("formats", DOCUMENT_FORMATS))
        if settings.get("only_changed"):
            state = _inputs_unchanged(case_path, outdir, bundle, formats)
            if state is not None:
                import json

                qa = json.loads((outdir / "qa.json").read_text(encoding="utf-8"))
                res.status, res.state = "unchanged", state
                _count(res, qa.get("findings", []))
                return res
        from docgen.pipeline.build import BuildOptions, build_case

        stages: dict[str, float] = {}
        mark = [None, time.perf_counter()]

        def on_event(ev) -> None:  # time per stage, for the report and the bench
            now = time.perf_counter()
            if mark[0]:
                stages[mark[0]] = stages.get(mark[0], 0.0) + now - mark[1]
            mark[:] = [ev.stage if ev.kind == "stage" else None, now]

        result = build_case(case_path, BuildOptions(outdir=outdir, bundle=bundle, formats=formats,
                                                    languagetool=settings.get("languagetool", True)),
                            _session(settings.get("lt_url")), on_event)
        res.stages = stages
        import json

        res.state = json.loads((result.outdir / "manifest.json").read_text(encoding="utf-8")).get("state")
        res.status = "built"
        _count(res, [f.as_dict() for f in result.findings])
    except DocgenError as e:
        res.problems = list(e.problems)  # codes and parameters: the parent renders them in the UI language
    except Exception as e:  # one broken case never stops the batch; the report says what broke
        res.problems = [msg("batch.case-internal-error", error=f"{type(e).__name__}: {e}")]
    finally:
        res.seconds = time.perf_counter() - t0
    return res


def _count(res: JobResult, findings: list[dict]) -> None:
    c = Counter(f["severity"] for f in findings)
    res.summary = {s: c.get(s, 0) for s in ("error", "warning", "info")}
    by: dict[str, Counter] = {}
    for f in findings:
        by.setdefault(f["severity"], Counter())[f["check"]] += 1
    res.by_check = {s: dict(v) for s, v in by.items()}


# -- executors ---------------------------------------------------------------------------------


def local_results(jobs: list[Job], settings: dict, workers: int) -> Iterator[JobResult]:
    """N worker processes (spawned, so each starts clean), results as they finish."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield run_job(job, settings)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=ctx) as pool:
        futures = [pool.submit(run_job, job, settings) for job in jobs]
        try:
            for fut in as_completed(futures):
                yield fut.result()
        except BaseException:
            for f in futures:
                f.cancel()
            raise


def dask_results(jobs: list[Job], settings: dict, workers: int, scheduler: str | None = None) -> Iterator[JobResult]:
    """The same jobs on Dask `distributed`: a running scheduler at `scheduler`, or a
    LocalCluster of `workers` single-threaded worker processes. Workers must see the
    same paths (a shared folder) and have docgen installed."""
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=max(1, min(workers, len(jobs) or 1)), threads_per_worker=1,
                               processes=True, dashboard_address=None, host="127.0.0.1")
        client = Client(cluster)
    try:
        futures = client.map(run_job, jobs, settings=settings, pure=False, key=[f"docgen-{j.id}" for j in jobs])
        for fut in as_completed(futures):
            yield fut.result()
            fut.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# -- progress ----------------------------------------------------------------------------------


class Progress:
    """A rich progress bar (done / failed / ETA) on a terminal; plain lines when piped."""

    def __init__(self, total: int, stream=None):
        self.stream = stream or sys.stderr
        self.total, self.done, self.failed = total, 0, 0
        self.t0 = time.monotonic()
        self.bar = None
        if self.stream.isatty() and total:
            from rich.console import Console
            from rich.markup import escape
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeRemainingColumn

            # the words escaped for rich's markup, then rich's own field for the count
            failed = escape(render(msg("batch.bar-failed", count="\0"))).replace("\0", "{task.fields[failed]}")
            self.bar = Bar(TextColumn("docgen batch"), BarColumn(), MofNCompleteColumn(),
                           TextColumn(failed), TimeRemainingColumn(),
                           console=Console(file=self.stream), transient=False)
            self.task = self.bar.add_task("cases", total=total, failed=0)
            self.bar.start()

    def update(self, r: JobResult) -> None:
        self.done += 1
        self.failed += r.status == "failed"
        if self.bar is not None:
            self.bar.update(self.task, advance=1, failed=self.failed)
            if r.status == "failed":
                from rich.markup import escape

                self.bar.console.print(f"[red]{escape(word('failed'))}[/red] {escape(r.id)}: "
                                       f"{escape(shown(r.problems[0]) if r.problems else '')}")
            return
        elapsed = time.monotonic() - self.t0
        eta = elapsed / self.done * (self.total - self.done)
        s = r.summary
        detail = (render(msg("batch.progress-findings", errors=s.get("error", 0), warnings=s.get("warning", 0)))
                  if r.status != "failed" else (shown(r.problems[0]) if r.problems else ""))
        line = msg("batch.progress", done=self.done, total=self.total, status=word(r.status),
                   case=r.id, detail=detail, failed=self.failed, eta=round(eta))
        print(f"docgen: {render(line)}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


# -- the batch -------------------------------------------------------------------------------------


@dataclass
class BatchResult:
    outdir: Path
    results: list[JobResult]
    problems: list[RowProblem]
    skipped: list[str]
    report: list[Path]
    seconds: float

    @property
    def exit_code(self) -> int:
        if self.problems or any(r.status == "failed" for r in self.results):
            return 2
        return 0

    def strict_exit_code(self) -> int:
        code = self.exit_code
        if code == 0 and any(r.summary.get("error") for r in self.results):
            return 3
        return code


def default_outdir(source: Path) -> Path:
    source = Path(source)
    return source.parent / f"{source.stem if source.is_file() else source.name}-batch"


def shared_languagetool() -> str | None:
    """Starts (or finds) the one LanguageTool server every worker uses; its URL goes to
    every job so that no worker starts its own."""
    from docgen.qa import languagetool as lt

    st = lt.start()
    return st.url if st.running and st.url else None


def run_batch(source: str | Path, options: BatchOptions | None = None,
              on_result: Callable[[JobResult], None] | None = None,
              on_plan: Callable[[Plan], None] | None = None) -> BatchResult:
    options = options or BatchOptions()
    t0 = time.perf_counter()
    if options.executor not in EXECUTORS:
        raise DocgenError(Problem(str(source), "--executor", msg("batch.executor-one-of", executors=", ".join(EXECUTORS))))
    if options.jobs is not None and options.jobs < 1:
        raise DocgenError(Problem(str(source), "--jobs", msg("batch.jobs-at-least-one")))
    check_formats(tuple(options.formats))  # once, not as every case's failure
    source = Path(source)
    outdir = Path(options.outdir) if options.outdir else default_outdir(source)
    _check_outdir(outdir, source)
    plan: Plan = plan_batch(source, outdir, options.defaults, options.evidence_dir)
    if on_plan:
        on_plan(plan)
    workers = options.jobs or os.cpu_count() or 1
    lt_url = shared_languagetool() if options.languagetool and plan.jobs else None
    settings = {"lt_url": lt_url, "only_changed": options.only_changed, "bundle": options.bundle,
                "languagetool": options.languagetool, "formats": list(options.formats)}
    if options.executor == "dask":
        stream = dask_results(plan.jobs, settings, workers, options.scheduler)
    else:
        stream = local_results(plan.jobs, settings, workers)
    results: list[JobResult] = []
    for r in stream:
        results.append(r)
        if on_result:
            on_result(r)
    order = {j.id: i for i, j in enumerate(plan.jobs)}
    results.sort(key=lambda r: order.get(r.id, 0))
    from docgen.batch.report import write_reports

    batch = BatchResult(outdir.resolve(), results, plan.problems, plan.skipped, [], time.perf_counter() - t0)
    batch.report = write_reports(batch)
    return batch


def _check_outdir(outdir: Path, source: Path) -> None:
    out = outdir.resolve()
    if out == source.resolve() or out in source.resolve().parents:
        raise DocgenError(Problem(str(outdir), "-o", msg("batch.output-replaces-source")))
    if out.exists() and not out.is_dir():
        raise DocgenError(Problem(str(outdir), "-o", msg("batch.output-not-folder")))
    if out.is_dir() and any(out.iterdir()) and not (out / "cases").is_dir() \
            and not (out / "batch-report.html").is_file():
        raise DocgenError(Problem(str(outdir), "-o", msg("batch.output-not-batch")))


def as_dict(r: JobResult) -> dict:
    return asdict(r)
