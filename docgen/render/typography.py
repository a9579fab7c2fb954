"""Typography of the printed letter, applied once when a letter view becomes a
printable document (never to the segments themselves, so QA, review files and the
translation memory keep the plain text).

Russian: non-breaking spaces after «№» and «см.», before an attachment number,
between a number and its unit and inside dates; amounts as «3 480,00 руб.»;
a list item starts with a capital; after the date dash a fact goes on in lower case;
an evidence reference stands before the sentence's full stop. English amounts are
«3,480.00 RUB», Chinese «3,480.00 卢布». IDs must not break across lines: the writers
keep every `ID_TOKEN` match on one line (PDF `white-space: nowrap`, DOCX non-breaking
hyphens)."""
from __future__ import annotations

import re
from dataclasses import replace

from docgen.model import Block, Paragraph, Run

NBSP = "\u00a0"

# An ID: letters/digits joined by - . / (order 58213746-0017-1, HOLD-012, РА01.В.12345/26,
# EX-65C-WHT), at least one digit, short enough to stay on one line.
ID_TOKEN = re.compile(r"(?<![\w\u2011-])(?=[\w./\u2011-]*\d)[^\W_]+(?:[-./\u2011][^\W_]+)+(?![\w\u2011-])")
MAX_NOBREAK = 32
# a file name stays whole too (a break at its hyphen reads as a different name), when it
# is short enough to fit a line; longer ones wrap anywhere
FILE_TOKEN = re.compile(r"(?<![\w.-])[\w.-]+\.(?:pdf|jpe?g|png|docx?|xlsx?)(?![\w.-])", re.I)
MAX_NOBREAK_FILE = 60

_CURRENCY = {"ru": "руб.", "en": "RUB", "zh": "卢布"}
_AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:[ \u00a0,]\d{3})+|\d+)(?:[.,](\d{1,2}))?[ \u00a0]?"
                     r"(RUB|руб\.?|рублей|рубля|₽|卢布)(?!\w)")

_RU_RULES = (
    (re.compile(r"№\s*(?=\S)"), "№" + NBSP),
    (re.compile(r"(?<!\w)(см\.|ст\.|п\.|стр\.|гл\.)[ ](?=\S)"), r"\1" + NBSP),
    (re.compile(r"(?<!\w)([Пп]риложени[еяию]|[Пп]риложениях?)[ ](?=\d)"), r"\1" + NBSP),
    (re.compile(r"(?<!\w)(SKU|ID|ИНН|сумма|сумму|суммой|суммы)[ ](?=\d)"), r"\1" + NBSP),
    (re.compile(r"(\d)[ ](?=(?:г\.|гг\.|дн\.|дней|дня|день|шт\.|кг|мм|см|Вт|МБ|КБ|Мб|Кб|%|₽)(?!\w))"), r"\1" + NBSP),
    # dates written out: «24 октября 2026 г.»
    (re.compile(r"(?<!\d)(\d{1,2})[ ](?=(?:января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|"
                r"ноября|декабря)[ ]\d{4})"), r"\1" + NBSP),
    (re.compile(r"((?:января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря))[ ]"
                r"(?=\d{4})"), r"\1" + NBSP),
    # declaration numbers «RU Д-CN.…»
    (re.compile(r"(?<!\w)RU[ ](?=[ДС]-)"), "RU" + NBSP),
    # a dash never starts a line
    (re.compile(r"[ ]—"), NBSP + "—"),
)
_EN_RULES = (
    (re.compile(r"(?<!\w)(no\.|No\.|Attachments?|SKU|ID)[ ](?=\d)"), r"\1" + NBSP),
    (re.compile(r"(?<!\d)(\d{1,2})[ ](?=(?:January|February|March|April|May|June|July|August|September|October|"
                r"November|December)[ ]\d{4})"), r"\1" + NBSP),
    (re.compile(r"(January|February|March|April|May|June|July|August|September|October|November|December)[ ]"
                r"(?=\d{4})"), r"\1" + NBSP),
    (re.compile(r"[ ]—"), NBSP + "—"),
)

_ZH_RULES = (
    (re.compile(r"[ \u00a0]+(?=[（“])"), ""),  # no space before a full-width bracket
    (re.compile(r"(?<=[）”])[ \u00a0]+(?=[\u4e00-\u9fff])"), ""),
)


def _group(digits: str, sep: str) -> str:
    out = ""
    while len(digits) > 3:
        out = sep + digits[-3:] + out
        digits = digits[:-3]
    return digits + out


def format_amount(whole: str, cents: str | None, lang: str) -> str:
    digits = re.sub(r"\D", "", whole)
    if lang == "ru":
        number = _group(digits, NBSP) + (f",{cents:0<2}" if cents is not None else "")
    else:
        number = _group(digits, ",") + (f".{cents:0<2}" if cents is not None else "")
    return number + NBSP + _CURRENCY.get(lang, "RUB")


def amounts(text: str, lang: str) -> str:
    """«3480.00 RUB» → «3 480,00 руб.» (ru), «3,480.00 RUB» (en), «3,480.00 卢布» (zh)."""
    def sub(m: re.Match) -> str:
        whole = m.group(1)
        if "," in whole and lang == "ru" and m.group(2) is None and re.fullmatch(r"\d{1,3},\d{3}", whole) is None:
            return m.group(0)
        return format_amount(whole, m.group(2), lang)

    out = _AMOUNT.sub(sub, text)
    return out.replace("руб..", "руб.")


def typeset_text(text: str, lang: str) -> str:
    """Amounts and non-breaking spaces of one piece of text."""
    if not text:
        return text
    text = amounts(text, lang)
    for pattern, repl in _RU_RULES if lang == "ru" else _EN_RULES if lang == "en" else _ZH_RULES:
        text = pattern.sub(repl, text)
    return text


# ---- paragraph-level rules -------------------------------------------------------------------

_STOP = {"zh": "。"}


def _lower_first(text: str, lang: str) -> str:
    """A fact after «дата —» goes on in lower case, unless it starts with a name or an
    abbreviation («Ozon», «СДЭК», «Шэньчжэнь»)."""
    m = re.match(r"([А-ЯЁ])([а-яё]*)(?=[\s,.:;!?]|$)", text)
    if not m or lang != "ru":
        return text
    if len(m.group(0)) == 1:  # «В», «С», «К»: a preposition
        return text[0].lower() + text[1:]
    from docgen.lang.morph import analyzer as _analyzer

    word = m.group(0)
    parses = _analyzer().parse(word)
    if any({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr"} & set(p.tag.grammemes) for p in parses[:2]):
        return text
    return word[0].lower() + text[1:]


def _upper_first(runs: list[Run]) -> None:
    for i, r in enumerate(runs):
        if r.text.strip():
            stripped = r.text.lstrip()
            lead = r.text[: len(r.text) - len(stripped)]
            runs[i] = replace(r, text=lead + stripped[:1].upper() + stripped[1:])
            return


def _refs_before_stop(runs: list[Run], lang: str) -> None:
    """«…CN. (см. приложение 1)» → «…CN (см. приложение 1).»; «…。（见附件1）» → «…（见附件1）。»"""
    stop = _STOP.get(lang, ".")
    for i, r in enumerate(runs):
        if not (r.segment or "").endswith(".refs"):
            continue
        j = i - 1
        while j >= 0 and not runs[j].text.strip():
            j -= 1
        if j < 0:
            continue
        prev = runs[j].text.rstrip()
        moved = None
        if prev.endswith(stop) and not re.search(r"(?:^|\s)\w\.$", prev):  # not «т. д.»
            moved = prev[-1]
            runs[j] = replace(runs[j], text=prev[:-1])
            if moved == "。" or lang == "zh":
                # no space between Chinese text and the bracket
                runs[j + 1:i] = [replace(x, text="") for x in runs[j + 1:i]]
        elif prev and prev[-1] not in "!?！？…。.":
            moved = stop
        if moved:
            runs[i] = replace(r, text=r.text + moved)


def typeset_blocks(blocks: list[Block], lang: str) -> list[Block]:
    """The printable letter's paragraphs with the typography of `lang`."""
    out: list[Block] = []
    for b in blocks:
        if not isinstance(b, Paragraph):
            out.append(b)
            continue
        runs = list(b.runs)
        _refs_before_stop(runs, lang)
        for i, r in enumerate(runs):
            if (r.segment or "").endswith(".date") and lang == "ru":
                k = i + 1
                while k < len(runs) and not runs[k].text.strip():
                    k += 1
                if k < len(runs) and runs[k].mark is None:
                    runs[k] = replace(runs[k], text=_lower_first(runs[k].text, lang))
        if b.style == "item":
            _upper_first(runs)
        if lang == "zh":  # no space between Chinese text and full-width punctuation
            for i in range(1, len(runs) - 1):
                if runs[i].text == " " and (runs[i - 1].text.endswith(("：", "。", "）", "，"))
                                            or runs[i + 1].text.startswith(("（", "。", "，"))):
                    runs[i] = replace(runs[i], text="")
        runs = [replace(r, text=typeset_text(r.text, lang)) for r in runs]
        out.append(replace(b, runs=runs))
    return out


def split_at(text: str, matches) -> list[tuple[str, bool]]:
    """[(piece, matched), …] covering `text` in order: the regex matches (sorted by start;
    one overlapping an earlier match is skipped) and the text between them."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in matches:
        if m.start() < pos:
            continue
        if m.start() > pos:
            out.append((text[pos:m.start()], False))
        out.append((m.group(), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def nobreak_spans(text: str) -> list[tuple[str, bool]]:
    """Splits text into (piece, keep-on-one-line) for the writers."""
    spans = [m for m in FILE_TOKEN.finditer(text) if len(m.group()) <= MAX_NOBREAK_FILE]
    spans += [m for m in ID_TOKEN.finditer(text) if len(m.group()) <= MAX_NOBREAK
              and not any(f.start() <= m.start() < f.end() for f in spans)]
    return split_at(text, sorted(spans, key=lambda m: m.start()))
