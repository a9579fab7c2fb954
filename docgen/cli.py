"""Command line: a thin layer over the public API. `main(argv)` is callable from tests.

Exit codes: 0 done, 2 bad input (every problem printed, nothing written),
3 `--strict` and error findings remain, 1 an unexpected failure."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docgen import __version__
from docgen.case.model import CASE_TYPES
from docgen.errors import DocgenError, Problem


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="docgen", description="Ozon appeal letters from a case file, offline.")
    p.add_argument("--version", action="version", version=f"docgen {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="build the letters, evidence index, qa.json and manifest.json")
    b.add_argument("case", type=Path, help="the case file (YAML)")
    b.add_argument("-o", "--outdir", type=Path, help="output folder (default: out/ beside the case file)")
    b.add_argument("--strict", action="store_true", help="exit 3 when an error finding remains")
    b.add_argument("--no-bundle", action="store_true", help="skip evidence-bundle.pdf")
    b.add_argument("--pdfa", action="store_true",
                   help="write the letter PDF as PDF/A-3b with the case file and index JSON embedded")

    i = sub.add_parser("index", help="evidence index (and bundle) for a case file or a folder of files")
    i.add_argument("path", type=Path, help="a case file, or a folder of evidence files")
    i.add_argument("-o", "--outdir", type=Path,
                   help="output folder (default: index/ beside a case file, FOLDER-index/ beside a folder)")
    i.add_argument("--lang", choices=("zh", "en"), default="zh", help="the seller's language (folder mode)")
    i.add_argument("--target", choices=("ru", "en"), default="ru", help="the language Ozon reads (folder mode)")
    i.add_argument("--bundle", action="store_true", help="also write evidence-bundle.pdf")
    i.add_argument("--max-size-mb", type=float, default=5, help="size limit of one file (default 5)")
    i.add_argument("--min-image-px", type=int, default=800, help="smallest readable long side (default 800)")
    i.add_argument("--max-age-days", type=int, default=90, help="oldest acceptable evidence (default 90)")

    n = sub.add_parser("new", help="write a commented case-file skeleton")
    n.add_argument("case_type", choices=CASE_TYPES)
    n.add_argument("-o", "--output", type=Path, help="file to write (default: print)")
    n.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the comments and the facts")
    return p


def _cmd_build(args: argparse.Namespace) -> int:
    from docgen.build import BuildOptions, build

    result = build(args.case, BuildOptions(outdir=args.outdir, bundle=not args.no_bundle, pdfa=args.pdfa))
    _report(result)
    if args.strict and result.summary["error"]:
        print("docgen: --strict: error findings remain", file=sys.stderr)
        return 3
    return 0


def _report(result) -> None:
    s = result.summary
    print(f"docgen: wrote {len(result.outputs)} files to {result.outdir}")
    print(f"docgen: QA: {s['error']} error(s), {s['warning']} warning(s), {s['info']} note(s); see qa.json")
    for f in result.findings:
        if f.severity == "error":
            print(f"  error [{f.check}] {f.where}: {f.message}")


def _cmd_index(args: argparse.Namespace) -> int:
    from docgen.evidence.rules import EvidenceRules
    from docgen.indexer import IndexOptions, build_index

    for name, value in (("--max-size-mb", args.max_size_mb), ("--min-image-px", args.min_image_px),
                        ("--max-age-days", args.max_age_days)):
        if value <= 0:
            raise DocgenError(Problem(str(args.path), name, "must be greater than 0"))
    rules = EvidenceRules(max_bytes=int(args.max_size_mb * 1024 * 1024), min_image_px=args.min_image_px,
                          max_age_days=args.max_age_days)
    _report(build_index(args.path, IndexOptions(outdir=args.outdir, lang=args.lang, target=args.target,
                                                bundle=args.bundle, rules=rules)))
    return 0


def _cmd_new(args: argparse.Namespace) -> int:
    from docgen.case.skeleton import skeleton

    text = skeleton(args.case_type, args.lang)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    if args.output.exists():
        raise DocgenError(Problem(str(args.output), "-o", "file exists; choose another name (nothing overwritten)"))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_name(args.output.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.output)
    print(f"docgen: wrote {args.output}")
    return 0


COMMANDS = {"build": _cmd_build, "index": _cmd_index, "new": _cmd_new}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except DocgenError as e:
        for problem in e.problems:
            print(f"docgen: error: {problem}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("docgen: interrupted; previous outputs are unchanged", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
