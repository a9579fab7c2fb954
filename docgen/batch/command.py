"""`docgen batch` on the command line (the parser and the command; docgen/cli.py only
registers them). Every line it prints is a catalog code rendered in the UI language."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docgen.errors import DocgenError, Problem
from docgen.i18n import gettext as _
from docgen.i18n import msg, render


def say(code: str, err: bool = False, **params) -> None:
    """One `docgen:` line from the message catalog, in the UI language (as cli.say)."""
    print(f"docgen: {render(msg(code, **params))}", file=sys.stderr if err else sys.stdout)


def add_parser(sub) -> argparse.ArgumentParser:
    bt = sub.add_parser("batch", help=_("many cases at once: a folder of cases, a spreadsheet or a Seller API JSON"))
    bt.add_argument("source", type=Path, help=_("folder of case folders, .csv/.xlsx, or saved Seller API .json"))
    bt.add_argument("-o", "--outdir", type=Path, help=_("output folder (default: SOURCE-batch/ beside the source)"))
    bt.add_argument("--defaults", type=Path,
                    help=_("YAML with the fields every row shares (seller, language, facts …)"))
    bt.add_argument("--evidence-dir", type=Path, help=_("folder of evidence files (default: evidence/ beside SOURCE)"))
    bt.add_argument("--jobs", "-j", type=int, help=_("worker processes (default: number of cores)"))
    bt.add_argument("--only-changed", action="store_true", help=_("skip cases whose inputs equal their manifest's"))
    bt.add_argument("--strict", action="store_true", help=_("exit 3 when error findings remain"))
    bt.add_argument("--executor", choices=("local", "dask"), default="local",
                    help=_("local worker processes (default) or Dask distributed"))
    bt.add_argument("--scheduler", help=_("with --executor dask: address of a running scheduler "
                                          "(default: a local cluster of --jobs workers)"))
    bt.add_argument("--no-bundle", action="store_true", help=_("skip evidence-bundle.pdf"))
    bt.add_argument("--format", action="append", dest="formats", metavar="FORMAT",
                    help=_("a printable document format to write: pdf or docx; repeat for both (default: both)"))
    return bt


def run(args: argparse.Namespace) -> int:
    from collections import Counter

    from docgen.batch import BatchOptions, run_batch
    from docgen.batch.run import Progress
    from docgen.batch.wording import shown
    from docgen.writers.registry import formats_given

    if args.scheduler and args.executor != "dask":
        raise DocgenError(Problem(str(args.source), "--scheduler", msg("batch.scheduler-only-with-dask")))
    progress: Progress | None = None

    def on_plan(plan) -> None:  # the bar starts once the number of cases is known
        nonlocal progress
        progress = Progress(len(plan.jobs))

    opts = BatchOptions(outdir=args.outdir, defaults=args.defaults, evidence_dir=args.evidence_dir, jobs=args.jobs,
                        only_changed=args.only_changed, strict=args.strict, executor=args.executor,
                        scheduler=args.scheduler, bundle=not args.no_bundle,
                        formats=formats_given(args.formats))
    try:
        batch = run_batch(args.source, opts, on_result=lambda r: progress.update(r), on_plan=on_plan)
    finally:
        if progress is not None:
            progress.close()
    for p in batch.problems:
        say("batch.refused", err=True, problem=p.render())
    for r in batch.results:
        if r.status == "failed":
            for problem in r.problems:  # not `msg`: that would shadow docgen.i18n.msg in all of run()
                say("batch.failed", err=True, case=r.id, problem=shown(problem))
    c = Counter(r.status for r in batch.results)
    say("batch.summary", built=c.get("built", 0), unchanged=c.get("unchanged", 0), failed=c.get("failed", 0),
         refused=len(batch.problems), errors=sum(1 for r in batch.results if r.summary.get("error")),
         seconds=round(batch.seconds))
    say("batch.report-written", xlsx=batch.report[0], html=batch.report[1].name)
    code = batch.strict_exit_code() if args.strict else batch.exit_code
    if code == 3:
        say("cli.strict-errors-remain", err=True)
    return code
