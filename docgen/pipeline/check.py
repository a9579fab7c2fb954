"""`docgen check FILE`: QA of a text or DOCX file outside a build — a translator's
draft, a reply to a buyer — with the same registered checks."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docgen.errors import DocgenError, Problem
from docgen.model import Finding, Letter, LetterBlock, Segment
from docgen.qa import QAContext, run_checks, summary
from docgen.i18n import msg


def read_paragraphs(path: Path) -> list[str]:
    if not path.is_file():
        raise DocgenError(Problem(str(path), "", msg("checkfile.file-not-found")))
    if path.suffix.lower() == ".docx":
        import docx

        try:
            d = docx.Document(str(path))
        except Exception as e:  # python-docx raises several types for a bad package
            raise DocgenError(Problem(str(path), "", msg("checkfile.not-readable-docx-file", error=type(e).__name__))) from None
        paras = [p.text for p in d.paragraphs]
        for t in d.tables:
            for row in t.rows:
                paras += [c.text for c in row.cells]
    else:
        try:
            paras = path.read_text(encoding="utf-8-sig").splitlines()
        except UnicodeDecodeError:
            raise DocgenError(Problem(str(path), "", msg("checkfile.not-utf-text"))) from None
    return [p.strip() for p in paras if p.strip()]


@dataclass
class CheckResult:
    letter: Letter
    findings: list[Finding]

    @property
    def summary(self) -> dict[str, int]:
        return summary(self.findings)


def check_file(path: Path, lang: str, source: Path | None = None, source_lang: str | None = None,
               buyer: bool = False, languagetool: bool = True, seller_lang: str | None = None,
               asked_at=None, replied_at=None) -> CheckResult:
    """`buyer`: text a buyer reads (buyer-message rules, in `seller_lang`; the answer window when
    `asked_at` and `replied_at` are given)."""
    target = read_paragraphs(path)
    src_lang = source_lang or lang
    sources = read_paragraphs(source) if source else None
    if sources is not None and len(sources) != len(target):
        raise DocgenError(Problem(str(source), "--source", msg("checkfile.has-paragraphs-but-has", sources_count=len(sources), name=path.name, target_count=len(target))))
    segments, blocks = {}, []
    for i, text in enumerate(target, 1):
        sid = f"p{i}"
        texts = {lang: text}
        if sources is not None:
            texts[src_lang] = sources[i - 1]
        segments[sid] = Segment(id=sid, texts=texts, source_lang=src_lang if sources else lang, origin="human")
        blocks.append(LetterBlock(kind="para", segment_ids=[sid]))
    letter = Letter(case_type="check", source_lang=src_lang if sources else lang, target_lang=lang,
                    segments=segments, blocks=blocks, furniture={}, untranslated_mark={lang: ""})
    ctx = QAContext(letter=letter, languagetool=languagetool, buyer_facing=buyer, index=False,
                    seller_lang=seller_lang, asked_at=asked_at, replied_at=replied_at)
    return CheckResult(letter=letter, findings=run_checks(ctx))
