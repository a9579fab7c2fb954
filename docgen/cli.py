"""Command line: a thin layer over the public API. `main(argv)` is callable from tests.

Exit codes: 0 done, 2 bad input (every problem printed, nothing written),
3 `--strict` and error findings remain, 1 an unexpected failure."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docgen import __version__
from docgen.case.types import CASE_TYPES
from docgen import i18n
from docgen.errors import DocgenError, Problem
from docgen.i18n import N_
from docgen.i18n import gettext as _
from docgen.i18n import msg, render


def say(code: str, err: bool = False, **params) -> None:
    """One line for the user, from the message catalog, in the UI language."""
    print(f"docgen: {render(msg(code, **params))}", file=sys.stderr if err else sys.stdout)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="docgen", description=_("Ozon appeal letters from a case file, offline."))
    p.add_argument("--version", action="version", version=f"docgen {__version__}")
    p.add_argument("--ui", choices=("zh", "en"),
                   help=_("language of docgen's messages (default: DOCGEN_UI, then the locale, then en)"))
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help=_("build the letters, evidence index, qa.json and manifest.json"))
    b.add_argument("case", type=Path, help=_("the case file (YAML)"))
    b.add_argument("-o", "--outdir", type=Path, help=_("output folder (default: out/ beside the case file)"))
    b.add_argument("--strict", action="store_true", help=_("exit 3 when an error finding remains"))
    b.add_argument("--no-bundle", action="store_true", help=_("skip evidence-bundle.pdf"))
    b.add_argument("--format", action="append", dest="formats", metavar="FORMAT",
                   help=_("a printable document format to write: pdf or docx; repeat for both (default: both)"))
    b.add_argument("--final", action="store_true",
                   help=_("refuse (exit 3) while a seller sentence is unreviewed or error findings remain"))
    b.add_argument("--force", action="store_true", help=_("with --final: build anyway (needs --reason)"))
    b.add_argument("--reason", help=_("with --force: why; recorded in the manifest and on the sign-off page"))
    b.add_argument("--pdfa", action="store_true",
                   help=_("write the letter PDF as PDF/A-3b with the case file and index JSON embedded"))

    from docgen.batch.command import add_parser as add_batch_parser

    add_batch_parser(sub)

    i = sub.add_parser("index", help=_("evidence index (and bundle) for a case file or a folder of files"))
    i.add_argument("path", type=Path, help=_("a case file, or a folder of evidence files"))
    i.add_argument("-o", "--outdir", type=Path,
                   help=_("output folder (default: index/ beside a case file, FOLDER-index/ beside a folder)"))
    i.add_argument("--lang", choices=("zh", "en"), default="zh", help=_("the seller's language (folder mode)"))
    i.add_argument("--target", choices=("ru", "en"), default="ru", help=_("the language Ozon reads (folder mode)"))
    i.add_argument("--bundle", action="store_true", help=_("also write evidence-bundle.pdf"))
    i.add_argument("--max-size-mb", type=float, default=5, help=_("size limit of one file (default 5)"))
    i.add_argument("--min-image-px", type=int, default=800, help=_("smallest readable long side (default 800)"))
    i.add_argument("--max-age-days", type=int, default=90, help=_("oldest acceptable evidence (default 90)"))

    g = sub.add_parser("glossary", help=_("look up, export or check the Ozon glossary"))
    gsub = g.add_subparsers(dest="glossary_command", required=True, metavar="ACTION")
    gl = gsub.add_parser("lookup", help=_("entries containing TERM in any language"))
    gl.add_argument("term")
    ge = gsub.add_parser("export", help=_("write the glossary as TBX, CSV or TSV"))
    ge.add_argument("--format", choices=("tbx", "csv", "tsv"), default="tbx")
    ge.add_argument("-o", "--output", type=Path, help=_("file to write (default: print)"))
    gsub.add_parser("check", help=_("validate every entry (exit 2 on problems)"))

    m = sub.add_parser("models", help=_("install or list offline translation packages (.argosmodel)"))
    msub = m.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    mi = msub.add_parser("install", help=_("install FILE.argosmodel (or translate-xx_yy with argostranslate and a network)"))
    mi.add_argument("package")
    msub.add_parser("list", help=_("installed packages"))

    t = sub.add_parser("translate", help=_("machine-translate plain text with the glossary"))
    t.add_argument("file", nargs="?", default="-", help=_("text file, or - for standard input"))
    t.add_argument("--from", dest="source", choices=("zh", "en", "ru"), required=True)
    t.add_argument("--to", dest="target", choices=("ru", "en", "zh"), required=True)
    t.add_argument("--beam", type=int, default=4, help=_("beam size (default 4, as argostranslate)"))

    c = sub.add_parser("check", help=_("QA of a text or DOCX file (grammar, terms, numbers, style)"))
    c.add_argument("file", type=Path)
    c.add_argument("--lang", choices=("ru", "en", "zh"), required=True, help=_("language of FILE"))
    c.add_argument("--source", type=Path, help=_("the source text, paragraph for paragraph"))
    c.add_argument("--source-lang", choices=("zh", "en", "ru"), help=_("language of --source"))
    c.add_argument("--buyer", action="store_true",
                   help=_("text for a buyer: also the buyer-message rules (glossary/buyer-rules.yaml)"))
    c.add_argument("--seller-lang", choices=("zh", "en"), default="zh",
                   help=_("language of the buyer-message findings (default zh)"))
    c.add_argument("--asked-at", help=_("with --buyer: when the buyer's message arrived (answer-window check)"))
    c.add_argument("--replied-at", help=_("with --asked-at: when the reply goes out (default: now)"))
    c.add_argument("--json", action="store_true", help=_("print findings as JSON"))
    c.add_argument("--no-languagetool", action="store_true", help=_("skip the grammar check"))

    r = sub.add_parser("reply", help=_("a reply to a buyer's message in Ozon's chat (shipping, delay, returns, gift)"))
    r.add_argument("type", metavar="TYPE", help=_("shipping | delay | returns | gift"))
    r.add_argument("-i", "--input", type=Path, help=_("a YAML file with the fields below (options override it)"))
    r.add_argument("--asked-at", help=_("when the buyer's message arrived, YYYY-MM-DDTHH:MM (required)"))
    r.add_argument("--replied-at", help=_("when the reply goes out (default: now)"))
    r.add_argument("--lang", choices=("zh", "en"), help=_("the seller's language: the copy beside the reply (default zh)"))
    r.add_argument("--target", choices=("ru", "en"), help=_("the language the buyer reads (default ru)"))
    for name, what in (("order", N_("order / posting number")), ("tracking", N_("tracking number")),
                       ("carrier", N_("carrier: ozon, post_russia, cdek, cainiao, boxberry, dpd, yandex or a name")),
                       ("shipped-on", N_("shipping: date handed to the carrier")), ("item", N_("product name (optional)")),
                       ("event", N_("delay: customs, sorting, flight, weather, border, holiday or other")),
                       ("event-date", N_("delay: date of the event")), ("new-date", N_("delay: new expected delivery date")),
                       ("event-text", N_("delay, event other: what happened, in the buyer's language")),
                       ("gift", N_("gift: what is given, in the buyer's language")),
                       ("gift-seller", N_("gift: the same in the seller's language")), ("shop", N_("shop name (optional)"))):
        r.add_argument(f"--{name}", help=_(what))
    r.add_argument("--json", action="store_true", help=_("print the reply, its seller copy and the findings as JSON"))

    rv = sub.add_parser("review", help=_("translator review round trip (XLIFF / DOCX) and translation memory"))
    rsub = rv.add_subparsers(dest="review_command", required=True, metavar="ACTION")
    re_ = rsub.add_parser("export", help=_("write review.xlf and review.docx for a built letter"))
    re_.add_argument("outdir", type=Path, help=_("the build's output folder"))
    re_.add_argument("--format", action="append", choices=("xliff", "docx", "po"), dest="formats",
                     help=_("which review file: xliff (review.xlf), docx (review.docx) or po (review.po, for PO "
                            "editors: the segment id is msgctxt); repeatable; default xliff and docx"))
    ri = rsub.add_parser("import", help=_("merge a reviewed review.xlf / review.docx / review.po and rebuild"))
    ri.add_argument("file", type=Path)
    ri.add_argument("--reviewer", required=True, help=_("the reviewer's full name"))
    ri.add_argument("--native-language", default="ru", help=_("the reviewer's native language (default ru)"))
    ri.add_argument("--outdir", type=Path, help=_("the build's output folder (default: the file's folder)"))
    ri.add_argument("--confirm", action="append", default=[], metavar="ITEM",
                    help=_("a checklist item the reviewer confirms: numbers, terms, attachments, complete, or all "
                           "(repeat or comma-separate)"))
    ri.add_argument("--contact", default="", help=_("the reviewer's contact (e-mail or phone), printed on the sign-off"))
    ri.add_argument("--deviation", action="append", default=[], metavar="ID=REASON",
                    help=_("why a template sentence was changed for this letter (repeatable)"))
    rsv = rsub.add_parser("serve", help=_("a local web page to review and sign one letter or a batch"))
    rsv.add_argument("path", type=Path, help=_("a build's output folder, or a batch folder (cases/*/out)"))
    rsv.add_argument("--port", type=int, default=0, help=_("port on 127.0.0.1 (default: a free one)"))
    rte = rsub.add_parser("tm-export", help=_("reviewed sentences as TMX"))
    rte.add_argument("-o", "--output", type=Path, default=Path("docgen-tm.tmx"))
    rti = rsub.add_parser("tm-import", help=_("load a TMX into the translation memory (used before MT)"))
    rti.add_argument("file", type=Path)

    lt = sub.add_parser("lt", help=_("manage the local LanguageTool server"))
    lt.add_argument("action", choices=("start", "stop", "status"))

    w = sub.add_parser("worker", help=_("manage the build worker: a warmed-up process `docgen build` runs in"))
    w.add_argument("action", choices=("start", "stop", "status"))

    x = sub.add_parser("explain", help=_("explain a platform notice to the seller: case type, evidence, pitfalls"))
    x.add_argument("notice", help=_("the notice as a text file (pasted from the Seller Center) or an .eml; - for stdin"))
    x.add_argument("--case-type", choices=CASE_TYPES, help=_("the case type, when the notice does not make it clear"))
    x.add_argument("--lang", choices=("zh", "en"), default="zh", help=_("the seller's language (default zh)"))
    x.add_argument("-o", "--output", type=Path, help=_("also write a case-file skeleton filled in from the notice"))
    x.add_argument("--json", action="store_true", help=_("print the reading as JSON"))

    cs = sub.add_parser("check-submit", help=_("check that OUTDIR/submit/ can be sent to Ozon as it is (exit 3 if not)"))
    cs.add_argument("outdir", type=Path, help=_("the build's output folder"))
    cs.add_argument("--no-ocr", action="store_true", help=_("skip OCR of image pages (faster, less thorough)"))

    n = sub.add_parser("new", help=_("write a commented case-file skeleton"))
    n.add_argument("case_type", choices=CASE_TYPES)
    n.add_argument("-o", "--output", type=Path, help=_("file to write (default: print)"))
    n.add_argument("--lang", choices=("zh", "en"), default="zh", help=_("language of the comments and the facts"))
    return p


def _cmd_build(args: argparse.Namespace) -> int:
    from docgen.pipeline.build import BuildOptions, build_case as build
    from docgen.writers.registry import formats_given

    if args.force and not (args.reason and args.reason.strip()):
        raise DocgenError(Problem(str(args.case), "--reason", msg("cli.force-needs-reason")))
    if args.force and not args.final:
        raise DocgenError(Problem(str(args.case), "--force", msg("cli.force-only-applies-final")))
    result = build(args.case, BuildOptions(outdir=args.outdir, bundle=not args.no_bundle, pdfa=args.pdfa,
                                           formats=formats_given(args.formats),
                                           final=args.final, force_reason=args.reason if args.force else None))
    _report(result)
    if args.strict and result.summary["error"]:
        say("cli.strict-errors-remain", err=True)
        return 3
    return 0


def _cmd_check_submit(args: argparse.Namespace) -> int:
    from docgen.submit.check import check_submit

    if not (args.outdir / "manifest.json").is_file():
        raise DocgenError(Problem(str(args.outdir), "", msg("cli.not-docgen-output-folder")))
    problems = check_submit(args.outdir, ocr=not args.no_ocr)
    for p in problems:
        print(p)
    if problems:
        say("cli.submit-problems", err=True, count=len(problems))
        return 3
    say("cli.submit-ok")
    return 0


def _report(result) -> None:
    s = result.summary
    say("cli.wrote-files", count=len(result.outputs), outdir=result.outdir)
    say("cli.qa-summary", errors=s["error"], warnings=s["warning"], notes=s["info"])
    from docgen.render.readiness import lines

    for i, line in enumerate(lines(result.findings, i18n.current_language())):  # ready or not, with the fixes (#15)
        print(("docgen: " if i == 0 else "") + line)  # the headline is docgen's line; the fixes hang below it
    if s["error"]:
        say("cli.not-ready-file", path=result.outdir / "submit" / "NOT-READY.txt")


def _cmd_batch(args: argparse.Namespace) -> int:
    from docgen.batch.command import run

    return run(args)


def _cmd_index(args: argparse.Namespace) -> int:
    from docgen.evidence.rules import EvidenceRules
    from docgen.pipeline.index import IndexOptions, build_index

    for name, value in (("--max-size-mb", args.max_size_mb), ("--min-image-px", args.min_image_px),
                        ("--max-age-days", args.max_age_days)):
        if value <= 0:
            raise DocgenError(Problem(str(args.path), name, msg("cli.must-be-greater-than")))
    rules = EvidenceRules(max_bytes=int(args.max_size_mb * 1024 * 1024), min_image_px=args.min_image_px,
                          max_age_days=args.max_age_days)
    _report(build_index(args.path, IndexOptions(outdir=args.outdir, lang=args.lang, target=args.target,
                                                bundle=args.bundle, rules=rules)))
    return 0


def _cmd_new(args: argparse.Namespace) -> int:
    from docgen.case.skeleton import skeleton

    text = skeleton(args.case_type, args.lang, filename=args.output.name if args.output else "case.yaml")
    if args.output is None:
        sys.stdout.write(text)
        return 0
    _write_new_file(args.output, text)
    say("cli.wrote-file", path=args.output)
    return 0


def _write_new_file(path: Path, text: str) -> None:
    """A file the user named: never overwritten; written whole or not at all."""
    from docgen.store.userfile import write_user_file

    write_user_file(path, text)


def _cmd_explain(args: argparse.Namespace) -> int:
    import json

    from docgen.notice import classify_notice, load_notice_rules, read_notice
    from docgen.notice.report import render_report, report_json

    if args.output is not None:
        from docgen.store.userfile import refuse_existing

        refuse_existing(args.output)  # before the reading is printed: a named file is never overwritten
    text = read_notice(args.notice, sys.stdin.read() if args.notice == "-" else None)
    rules = load_notice_rules()
    reading = classify_notice(text, rules, args.case_type)
    translation = None
    if reading.lang != args.lang:
        from docgen.translate import default_translator

        translator = default_translator(reading.lang, args.lang)
        if translator is not None:
            lines = [ln for ln in text.splitlines() if ln.strip()]
            translation = translator.translate_batch(lines, reading.lang, args.lang)
    shown = "NOTICE.txt" if args.notice == "-" else str(args.notice)
    if args.json:
        print(json.dumps(report_json(reading, rules, args.lang, shown, translation), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render_report(reading, rules, args.lang, shown, translation))
    if args.output is None:
        return 0
    if reading.case_type is None:
        raise DocgenError(Problem(shown, "--case-type", msg("cli.case-type-not-clear")))
    from docgen.case.model import Case
    from docgen.case.skeleton import skeleton

    orders = reading.orders
    if reading.case_type == "fund_hold" and len(orders) > 1:
        say("cli.one-order-per-request", err=True, count=len(orders), path=args.output, first=orders[0])
        orders = orders[:1]
    prefill = {"notice_date": reading.date, "notice_code": reading.code, "notice_text": text, "orders": orders,
               "skus": reading.skus if reading.case_type != "fund_hold" or not orders else [],
               **{k: v for k, v in reading.fields.items() if k in Case.model_fields}}
    _write_new_file(args.output, skeleton(reading.case_type, args.lang, prefill=prefill,
                                          filename=args.output.name))
    say("cli.wrote-file", err=True, path=args.output)
    return 0


def _cmd_glossary(args: argparse.Namespace) -> int:
    from docgen.glossary import check_glossary, export_csv, load_glossary
    from docgen.glossary.tbx import default_path

    glossary = load_glossary()
    if not glossary.terms:
        raise DocgenError(Problem(str(default_path()), "", msg("cli.no-glossary-found")))
    if args.glossary_command == "lookup":
        hits = glossary.lookup(args.term)
        for t in hits:
            extra = ", ".join(x for x in (t.pos, t.gender and f"gender {t.gender}",
                                          "inflects" if t.inflects else "does not inflect", t.status) if x)
            print(f"{t.id}  ru: {t.ru}  |  en: {t.en}  |  zh: {t.zh}  ({extra})")
            if t.note:
                print(f"       note: {t.note}")
        if not hits:  # not found is an answer, not an error (exit 0)
            say("cli.no-glossary-entry", term=args.term)
        return 0
    if args.glossary_command == "export":
        from docgen.glossary.tbx import tbx_bytes
        from docgen.store.userfile import refuse_existing, write_user_file

        if args.output is not None:
            refuse_existing(args.output)  # before any work: a named file is never overwritten
        if args.format == "tbx":
            if args.output is None:
                sys.stdout.write(default_path().read_text(encoding="utf-8"))
            else:
                write_user_file(args.output, tbx_bytes(glossary.terms))
            return 0
        text = export_csv(glossary.terms, "\t" if args.format == "tsv" else ",")
        if args.output is None:
            sys.stdout.write(text)
        else:
            write_user_file(args.output, text)
        return 0
    problems = check_glossary(glossary.terms)
    for p in problems:
        say("cli.glossary-problem", err=True, path=default_path(), problem=p)
    say("cli.glossary-checked", entries=len(glossary.terms), problems=len(problems))
    return 2 if problems else 0


def _cmd_models(args: argparse.Namespace) -> int:
    from docgen.translate.packages import install_from_index, install_package, list_packages, models_dir

    if args.models_command == "install":
        path = Path(args.package)
        pkg = install_package(path) if path.suffix == ".argosmodel" or path.exists() else install_from_index(args.package)
        say("cli.model-installed", name=pkg.name, path=pkg.path)
        return 0
    pkgs = list_packages()
    for p in pkgs:
        print(f"{p.from_code} → {p.to_code}  {p.version}  {p.path}")
    if not pkgs:
        say("cli.no-models", folder=models_dir())
    return 0


def _cmd_translate(args: argparse.Namespace) -> int:
    from docgen.translate import UNTRANSLATED_MARK, default_translator

    if args.source == args.target:
        raise DocgenError(Problem(args.file, "--to", msg("cli.source-target-language-are")))
    # no package: translation-memory and glossary hits are still served, the rest is marked
    translator = default_translator(args.source, args.target, beam_size=args.beam, without_model=True)
    if args.file == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise DocgenError(Problem(args.file, "", msg("cli.cannot-read", error=type(e).__name__))) from None
    lines = text.splitlines()
    todo = [ln for ln in lines if ln.strip()]
    results = iter(translator.translate_segments(todo, args.source, args.target))
    untranslated = 0
    for ln in lines:
        if not ln.strip():
            print()
            continue
        r = next(results)
        if r.origin == "untranslated":
            untranslated += 1
            print(f"{UNTRANSLATED_MARK} {ln}")
            continue
        print(r.text)
        for problem in r.problems:
            say("cli.warning-line", err=True, problem=problem)
    if untranslated:
        say("cli.lines-left-untranslated", err=True, count=untranslated, source=args.source, target=args.target)
    return 0


_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}


def _cmd_check(args: argparse.Namespace) -> int:
    import json

    from docgen.pipeline.check import check_file

    if args.source and not args.source_lang:
        raise DocgenError(Problem(str(args.source), "--source-lang", msg("cli.say-which-language-source")))
    asked = replied = None
    if args.asked_at or args.replied_at:
        from docgen.reply.compose import answer_times

        if not args.buyer:
            raise DocgenError(Problem(str(args.file), "--asked-at", msg("cli.only-with-buyer")))
        asked, replied = answer_times(args.asked_at, args.replied_at, str(args.file))
    result = check_file(args.file, args.lang, args.source, args.source_lang, buyer=args.buyer,
                        languagetool=not args.no_languagetool, seller_lang=args.seller_lang,
                        asked_at=asked, replied_at=replied)
    if args.json:
        print(json.dumps({"summary": result.summary, "findings": [f.as_dict() for f in result.findings]},
                         ensure_ascii=False, indent=2))
        return 0
    from docgen.settings import current

    colour = sys.stdout.isatty() and current().colour
    for f in result.findings:
        seg = result.letter.segments.get(f.where)
        excerpt = ""
        if seg is not None and f.start is not None:
            text = seg.text(args.lang) or ""
            excerpt = f"  …{text[max(0, f.start - 20):f.end + 20]}…"
        word = render(msg(f"severity.{f.severity}"))
        sev = f"{_COLOURS[f.severity]}{word}\033[0m" if colour else word
        print(f"{args.file.name}:{f.where}: {sev} [{f.check}] {f.render()}{excerpt}")
    s = result.summary
    print(render(msg("cli.check-summary", errors=s["error"], warnings=s["warning"], notes=s["info"])))
    return 0


def _cmd_reply(args: argparse.Namespace) -> int:
    import json

    from docgen.reply.compose import blocked, compose, make_request, read_input

    names = ("asked_at", "replied_at", "lang", "target", "order", "tracking", "carrier", "shipped_on", "item",
             "event", "event_date", "new_date", "event_text", "gift", "gift_seller", "shop")
    options = {n: getattr(args, n) for n in names}
    file_values, lines = read_input(args.input) if args.input else ({}, {})
    req = make_request(args.type, options, file_values, str(args.input) if args.input else "reply", lines)
    reply = compose(req)
    err = blocked(reply)
    if err:
        raise err
    if args.json:
        print(json.dumps({"type": req.type, "target": {"lang": req.target, "text": reply.target_text},
                          "seller": {"lang": req.lang, "text": reply.seller_text}, "summary": reply.summary,
                          "findings": [f.as_dict() for f in reply.findings]}, ensure_ascii=False, indent=2))
        return 0
    from docgen.reply.compose import say

    print(say("header_target", req.lang, target=req.target))
    sys.stdout.write(reply.target_text)
    if req.lang != req.target:
        print()
        print(say("header_seller", req.lang))
        sys.stdout.write(reply.seller_text)
    for f in reply.findings:
        print("docgen: " + render(msg("cli.finding", severity=msg(f"severity.{f.severity}"), check=f.check,
                                      message=f.message)), file=sys.stderr)
    s = reply.summary
    print("docgen: " + say("checked", req.lang, errors=s["error"], warnings=s["warning"],
                           rules="glossary/buyer-rules.yaml"), file=sys.stderr)
    return 0


def _cmd_review(args: argparse.Namespace) -> int:
    if args.review_command == "export":
        from docgen.pipeline.review import export_review

        written = export_review(args.outdir, formats=tuple(dict.fromkeys(args.formats or ("xliff", "docx"))))
        if len(written) == 2:
            say("cli.wrote-two", first=written[0], second=written[1])
        else:
            for path in written:
                say("cli.wrote-file", path=path)
        return 0
    if args.review_command == "import":
        from docgen.pipeline.review import import_review

        from docgen.review.state import CHECKLIST

        confirm = [c.strip() for item in args.confirm for c in item.split(",") if c.strip()]
        if "all" in confirm:
            confirm = list(CHECKLIST)
        reasons = {}
        for item in args.deviation:
            uid, sep, reason = item.partition("=")
            if not sep or not uid.strip() or not reason.strip():
                raise DocgenError(Problem("--deviation", item, msg("review.deviation-format")))
            reasons[uid.strip()] = reason.strip()
        result, record = import_review(args.file, args.reviewer, args.native_language, args.outdir,
                                       checklist=confirm, contact=args.contact, reasons=reasons)
        say("cli.review-merged", reviewer=record.reviewer, changed=len(record.changed), sha=record.letter_sha256)
        if record.deviations:
            say("cli.review-deviations", count=len(record.deviations))
        if record.left_empty:
            say("cli.review-left-empty", count=len(record.left_empty), ids=", ".join(record.left_empty))
        _report(result)
        return 0
    if args.review_command == "serve":
        from docgen.web import serve
        from docgen.web.review import find_cases

        if not find_cases(args.path):
            raise DocgenError(Problem(str(args.path), "", msg("review.no-built-letter-here")))

        def ready(url: str) -> None:
            say("cli.review-page-on", url=url)
            sys.stdout.flush()

        try:
            serve(args.path, args.port, ready=ready)
        except KeyboardInterrupt:
            pass
        return 0
    from docgen.review.tm import export_tmx, import_tmx

    if args.review_command == "tm-export":
        n = export_tmx(args.output)  # never overwrites (exit 2)
        say("cli.tm-exported", count=n, path=args.output)
        return 0
    if not args.file.is_file():
        raise DocgenError(Problem(str(args.file), "", msg("cli.file-not-found")))
    n = import_tmx(args.file)
    say("cli.tm-imported", count=n)
    return 0


def _cmd_lt(args: argparse.Namespace) -> int:
    from docgen.qa import languagetool as lt

    st = {"start": lt.start, "stop": lt.stop, "status": lt.status}[args.action]()
    say("cli.lt-status", version=lt.lt_version(), status=st.message)
    return 0 if st.running or args.action == "stop" else 1


def _cmd_worker(args: argparse.Namespace) -> int:
    from docgen.worker import client

    st = {"start": client.start, "stop": client.stop, "status": client.status}[args.action]()
    say("cli.worker-status", status=st.message)
    return 0 if st.running or args.action == "stop" else 1


COMMANDS = {"worker": _cmd_worker, "batch": _cmd_batch, "reply": _cmd_reply, "check-submit": _cmd_check_submit, "explain": _cmd_explain, "check": _cmd_check, "lt": _cmd_lt, "review": _cmd_review, "build": _cmd_build, "index": _cmd_index, "new": _cmd_new, "glossary": _cmd_glossary,
            "models": _cmd_models, "translate": _cmd_translate}


def by_line(problems: list[Problem]) -> list[Problem]:
    """Problems as a reader goes through the files: file by file (in the order first
    named), a whole-file problem first, then by line (README: exit 2 lists them in order)."""
    order: dict[str, int] = {}
    for p in problems:
        order.setdefault(p.file, len(order))
    return sorted(problems, key=lambda p: (order[p.file], p.line is not None, p.line or 0))


def _ui_flag(argv: list[str]) -> str | None:
    """--ui before the parser exists: help texts and argparse's own errors need it."""
    for i, arg in enumerate(argv):
        if arg == "--ui" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--ui="):
            return arg.split("=", 1)[1]
    return None


def runs_in_worker(words: list[str]) -> bool:
    """Whether a worker runs this command (its words, `--ui` left out): the ones that lay
    out documents — `build`, `index`, `review import` (a rebuild) and `review export`.
    Not `review serve`, a server of its own, nor the quick ones."""
    return words[:1] in (["build"], ["index"]) or words[:2] in (["review", "import"], ["review", "export"])


def without_ui_flag(argv: list[str]) -> list[str]:
    """--ui may stand anywhere (also after the command); it was read by `_ui_flag`."""
    out, skip = [], False
    for i, arg in enumerate(argv):
        if skip:
            skip = False
        elif arg == "--ui" and i + 1 < len(argv):
            skip = True
        elif not arg.startswith("--ui="):
            out.append(arg)
    return out


def _parse(argv: list[str]) -> argparse.Namespace:
    # argparse translates its own words ("usage:", its errors) through gettext: lend it ours
    saved = argparse._, argparse.ngettext
    argparse._ = _
    argparse.ngettext = i18n.ngettext
    try:
        return _parser().parse_args(argv)
    finally:
        argparse._, argparse.ngettext = saved


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if runs_in_worker(without_ui_flag(argv)):  # in the build worker when one serves this caller
        from docgen.worker.client import forward

        code = forward(argv)
        if code is not None:
            return code
    return run(argv)


def run(argv: list[str]) -> int:
    """The command `argv`, in this process."""
    from docgen.settings import current

    flag = _ui_flag(argv)  # --ui, else the settings (DOCGEN_UI, then the locale)
    i18n.set_language(i18n.resolve_language(flag, {}) if flag else current().ui_language)
    args = _parse(without_ui_flag(argv))
    try:
        return COMMANDS[args.command](args)
    except DocgenError as e:
        for problem in by_line(e.problems):
            say("cli.error-line", err=True, problem=problem.render())
        return e.exit_code
    except KeyboardInterrupt:
        say("cli.interrupted", err=True)
        return 130
    except Exception as e:  # a bug: say so plainly; DOCGEN_DEBUG=1 shows the traceback
        if current().debug:
            raise
        say("cli.internal-error", err=True, error=type(e).__name__)
        return 1


if __name__ == "__main__":
    sys.exit(main())
