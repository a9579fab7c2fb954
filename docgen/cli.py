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

    n = sub.add_parser("new", help="write a commented case-file skeleton")
    n.add_argument("case_type", choices=CASE_TYPES)
    n.add_argument("-o", "--output", type=Path, help="file to write (default: print)")
    n.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the comments and the facts")
    return p


def _cmd_build(args: argparse.Namespace) -> int:
    from docgen.build import BuildOptions, build

    result = build(args.case, BuildOptions(outdir=args.outdir))
    s = result.summary
    print(f"docgen: wrote {len(result.outputs)} files to {result.outdir}")
    print(f"docgen: QA: {s['error']} error(s), {s['warning']} warning(s), {s['info']} note(s); see qa.json")
    for f in result.findings:
        if f.severity == "error":
            print(f"  error [{f.check}] {f.where}: {f.message}")
    if args.strict and s["error"]:
        print("docgen: --strict: error findings remain", file=sys.stderr)
        return 3
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


COMMANDS = {"build": _cmd_build, "new": _cmd_new}


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
