"""`docgen review serve`: the translator's local page (Flask, server-rendered HTML, a
few lines of JavaScript, no outside assets).

Loopback only; every URL starts with a random token printed once on the terminal, and
requests naming another host are refused (DNS rebinding). Pages:

    /<token>/                       the queue (one row per letter)
    /<token>/c/<n>/                 review one letter: source | target per segment
    /<token>/c/<n>/segment/<id>     POST text (+reason): save a draft and re-check it
    /<token>/c/<n>/checklist        POST: the ticked checklist items (kept with the drafts)
    /<token>/c/<n>/sign             POST name, native language, contact: import + rebuild
    /<token>/c/<n>/signed           the signed sign-off page
    /<token>/c/<n>/file/<name>      an output file (letter PDF …)
"""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask, abort, jsonify, redirect, render_template, request, send_from_directory

from docgen.errors import DocgenError
from docgen.review.state import CHECKLIST, load_letter_state, load_review_record
from docgen.web.review import Drafts, check_segment, find_cases, sign

SERVED_FILES = ("submit/letter.ru.pdf", "submit/letter.en.pdf", "seller/letter.zh.pdf", "seller/letter.en.pdf",
                "review/signoff.pdf", "submit/letter.ru.docx", "submit/evidence-index.ru.pdf", "review/review.xlf",
                "review/review.docx", "qa.html", "qa.json", "manifest.json")
CHECK_LABELS = {
    "numbers": "Номера заказов, SKU, трек-номера, суммы и даты совпадают / numbers, IDs and dates match",
    "terms": "Термины соответствуют глоссарию / terms follow the glossary",
    "attachments": "Ссылки на приложения соответствуют описи / attachment references match the index",
    "complete": "Перевод полный: ничего не пропущено и не добавлено / nothing left out or added",
}
ORIGIN_LABELS = {"seller": "продавец / seller", "mt": "машинный / MT", "tm": "память / TM", "glossary": "глоссарий",
                 "human": "проверяющий / reviewer", "untranslated": "нет перевода / none", "template": "шаблон / template",
                 "data": "данные / data"}
LANGUAGES = {"ru": "русский / Russian", "uk": "украинский / Ukrainian", "be": "белорусский / Belarusian",
             "kk": "казахский / Kazakh", "zh": "китайский / Chinese", "en": "английский / English"}


def create_app(path: Path, languagetool: bool = True, token: str | None = None) -> Flask:
    app = Flask(__name__, static_folder=None)
    app.config["TOKEN"] = token or secrets.token_urlsafe(18)
    app.config["ROOT"] = Path(path).resolve()
    app.config["LANGUAGETOOL"] = languagetool
    app.jinja_env.globals.update(CHECK_LABELS=CHECK_LABELS, ORIGIN_LABELS=ORIGIN_LABELS, LANGUAGES=LANGUAGES,
                                 CHECKLIST=CHECKLIST)

    signed_pages: dict[str, list[dict]] = {}  # outdir → the sign-off page just signed

    def cases():
        return {c.key: c for c in find_cases(app.config["ROOT"])}

    def case_or_404(n: str):
        c = cases().get(n)
        if c is None:
            abort(404)
        return c

    @app.before_request
    def _guard():
        host = (request.host or "").rsplit(":", 1)[0]
        if host not in ("127.0.0.1", "localhost"):
            abort(403)
        parts = request.path.split("/")
        if len(parts) < 2 or not secrets.compare_digest(parts[1], app.config["TOKEN"]):
            abort(404)
        if request.method == "POST" and request.headers.get("Origin") not in (None, request.host_url.rstrip("/")):
            abort(403)

    @app.after_request
    def _headers(resp):
        resp.headers["Content-Security-Policy"] = ("default-src 'self'; img-src 'self' data:; "
                                                   "style-src 'self'; script-src 'self'; frame-ancestors 'none'")
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "same-origin"  # the token never leaves; forms still send Origin
        resp.headers["Cache-Control"] = "no-store"
        return resp

    def url(*parts: str) -> str:
        return "/" + "/".join([app.config["TOKEN"], *parts])

    app.jinja_env.globals["url"] = url

    @app.get("/<token>/static/<name>")
    def static_file(token, name):
        return send_from_directory(Path(__file__).parent / "static", name)

    @app.get("/<token>/")
    def queue(token):
        rows = []
        for c in cases().values():
            state = load_letter_state(c.outdir)
            record = load_review_record(c.outdir)
            seller = [s for s in state["segments"] if s["origin"] not in ("template", "data")]
            drafts = Drafts(c.outdir, state["letter_sha256"])
            rows.append({"case": c, "seller": len(seller), "reviewed": sum(1 for s in seller if s.get("reviewed")),
                         "errors": sum(1 for s in state["segments"] for f in s["findings"] if f["severity"] == "error"),
                         "drafts": len(drafts.edits), "reviewer": record.reviewer if record else ""})
        if len(rows) == 1 and request.args.get("queue") is None:
            return redirect(url("c", rows[0]["case"].key, ""))
        return render_template("queue.html", rows=rows, root=app.config["ROOT"])

    @app.get("/<token>/c/<n>/")
    def case_page(token, n):
        c = case_or_404(n)
        state = load_letter_state(c.outdir)
        drafts = Drafts(c.outdir, state["letter_sha256"])
        record = load_review_record(c.outdir)
        from docgen.glossary import load_glossary
        from docgen.translate.protect import protect

        glossary = load_glossary()
        segs = []
        for s in state["segments"]:
            edit = drafts.edits.get(s["id"])
            seller = s["origin"] not in ("template", "data")
            hints, locked = [], []
            if seller:
                hints = [f"{m.term.text(state['source_lang'])} = {m.term.text(state['target_lang'])}"
                         for m in glossary.find(s["source"], state["source_lang"]) if m.term.status != "forbidden"]
                locked = sorted({sp.source for sp in protect(s["source"], state["source_lang"], state["target_lang"],
                                                             None).spans})
            segs.append({**s, "seller": seller, "draft": edit, "text": edit["text"] if edit else (s["target"] or ""),
                         "hints": hints, "locked": locked})
        keys = list(cases())
        pos = keys.index(n)
        return render_template("case.html", case=c, state=state, segs=segs, drafts=drafts, record=record,
                               checklist=set(drafts.checklist), prev=keys[pos - 1] if pos else None,
                               next=keys[pos + 1] if pos + 1 < len(keys) else None, total=len(keys), n=n,
                               files=[f for f in SERVED_FILES if (c.outdir / f).is_file()])

    @app.post("/<token>/c/<n>/segment/<seg_id>")
    def save_segment(token, n, seg_id):
        c = case_or_404(n)
        state = load_letter_state(c.outdir)
        seg = next((s for s in state["segments"] if s["id"] == seg_id), None)
        if seg is None:
            abort(404)
        if seg["origin"] == "data":
            return jsonify({"error": "locked"}), 400
        text = (request.form.get("text") or "").strip()
        reason = (request.form.get("reason") or "").strip()
        drafts = Drafts(c.outdir, state["letter_sha256"])
        original = (seg.get("template_text") or seg["target"] or "") if seg["origin"] == "template" else ""
        if text == (seg["target"] or "") and not reason:
            drafts.edits.pop(seg_id, None)  # back to what the letter says
        else:
            drafts.edits[seg_id] = {"text": text, **({"reason": reason} if reason else {})}
        drafts.save()
        findings = check_segment(state, seg_id, text, app.config["LANGUAGETOOL"])
        if seg["origin"] == "template" and text != original and not (reason or seg.get("deviation")):
            findings.insert(0, {"check": "template", "severity": "error",
                                "message": "a changed template sentence needs a reason / укажите причину изменения"})
        return jsonify({"id": seg_id, "saved": True, "findings": findings,
                        "html": render_template("_findings.html", findings=findings)})

    @app.post("/<token>/c/<n>/checklist")
    def save_checklist(token, n):
        c = case_or_404(n)
        state = load_letter_state(c.outdir)
        drafts = Drafts(c.outdir, state["letter_sha256"])
        drafts.checklist = [item for item in CHECKLIST if request.form.get(item)]
        drafts.save()
        return jsonify({"checklist": drafts.checklist})

    @app.post("/<token>/c/<n>/sign")
    def sign_page(token, n):
        c = case_or_404(n)
        checklist = [item for item in CHECKLIST if request.form.get(item)]
        try:
            result, _ = sign(c.outdir, request.form.get("reviewer", ""), request.form.get("native_language", ""),
                             request.form.get("contact", ""), checklist, app.config["LANGUAGETOOL"])
        except DocgenError as e:
            return render_template("problems.html", case=c, n=n, problems=e.problems), 400
        signed_pages[str(c.outdir)] = _signoff_blocks(result.documents, result.letter.target_lang)
        return redirect(url("c", n, "signed"), code=303)

    @app.get("/<token>/c/<n>/signed")
    def signed(token, n):
        c = case_or_404(n)
        record = load_review_record(c.outdir)
        if record is None:
            return redirect(url("c", n, ""))
        state = load_letter_state(c.outdir)
        blocks = signed_pages.get(str(c.outdir)) or _signoff_from_pdf(c.outdir / "review" / "signoff.pdf")
        keys = list(cases())
        pos = keys.index(n)
        return render_template("signed.html", case=c, n=n, record=record, blocks=blocks,
                               next=keys[pos + 1] if pos + 1 < len(keys) else None)

    @app.get("/<token>/c/<n>/file/<path:name>")
    def output_file(token, n, name):
        c = case_or_404(n)
        if name not in SERVED_FILES:
            abort(404)
        return send_from_directory(c.outdir, name)

    return app


def _signoff_blocks(documents: dict, target: str) -> list[dict]:
    """The sign-off page of the rebuilt letter (its own document, review/signoff.*)."""
    from docgen.model import PageBreak, Paragraph, Table

    doc = documents.get("signoff") or documents[f"letter.{target}"]
    blocks = doc.blocks
    last = max((i for i, b in enumerate(blocks) if isinstance(b, PageBreak)), default=-1)
    out = []
    for b in blocks[last + 1:]:
        if isinstance(b, Paragraph):
            out.append({"kind": "p", "style": b.style, "text": b.text})
        elif isinstance(b, Table):
            out.append({"kind": "table", "header": b.header, "rows": b.rows})
    return out


def _signoff_from_pdf(pdf: Path) -> list[dict]:
    """After a restart: the sign-off page's text as printed in the letter PDF."""
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    return [{"kind": "pre", "text": "\n".join(pages)}]


def serve(path: Path, port: int = 0, languagetool: bool = True, ready=None) -> None:
    """Runs the page on 127.0.0.1 until interrupted; `ready(url)` is called once it listens."""
    from werkzeug.serving import make_server

    app = create_app(path, languagetool)
    server = make_server("127.0.0.1", port, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}/{app.config['TOKEN']}/"
    if ready:
        ready(url)
    try:
        server.serve_forever()
    finally:
        server.server_close()
