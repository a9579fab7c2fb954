"""The buyer-message rules (`glossary/buyer-rules.yaml`): what a message to an Ozon buyer
must not contain, loaded from data and matched the way a seller would try to slip past
a keyword filter — inflected Russian (lemmas, pymorphy3), full-width letters (NFKC),
Latin/Cyrillic look-alikes in one word, letters typed apart, «t . me»."""
from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from docgen.errors import DocgenError, Problem
from docgen.model import SEVERITIES
from docgen.resources import glossary_dir
from docgen.i18n import msg

RULES_FILE = "buyer-rules.yaml"
MESSAGE_LANGS = ("zh", "en")
DEFAULT_WINDOW = 6  # words: the span in which the words of one entry must all occur

_CJK = "\u2e80-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af\uff66-\uff9f"
_LETTERS = rf"[^\W\d_{_CJK}]"
_TOKEN = re.compile(rf"\d+|{_LETTERS}+(?:[-'’]{_LETTERS}+)*")
_SENTENCE_END = re.compile(r"[!?。！？;；\n]+|\.(?=\s)|…")
_JOINABLE_GAP = re.compile(r"[\s.\-_*·•]+")

# Look-alike letters, case by case (a word that mixes scripts is read both ways).
_CYR_LAT = dict(zip("АВЕКМНОРСТУХЅІЈаеорсухкѕіј", "ABEKMHOPCTYXSIJaeopcyxksij"))
_LAT_CYR = dict(zip("ABEKMHOPCTYXaeopcyxk", "АВЕКМНОРСТУХаеорсухк"))


@dataclass(frozen=True)
class Slot:
    alts: tuple[str, ...]  # normalized words; "x*" is a prefix
    impr: bool = False  # only the imperative (Russian)


@dataclass(frozen=True)
class Entry:
    text: str  # as written in the file
    slots: tuple[Slot, ...]
    window: int


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    messages: dict
    entries: tuple[Entry, ...] = ()
    zh: tuple[str, ...] = ()
    patterns: tuple[re.Pattern, ...] = ()

    def message(self, lang: str, match: str) -> str:
        template = self.messages.get(lang) or self.messages["en"]
        return template.replace("{match}", match)


@dataclass(frozen=True)
class Window:
    hours: float
    severity: str
    messages: dict

    def message(self, lang: str, hours: float) -> str:
        template = self.messages.get(lang) or self.messages["en"]
        return template.replace("{hours}", f"{hours:g}")


@dataclass(frozen=True)
class RuleSet:
    path: Path
    rules: tuple[Rule, ...]
    windows: tuple[Window, ...]
    allowed_domains: tuple[str, ...]
    tlds: tuple[str, ...]
    link_re: re.Pattern

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)


@dataclass(frozen=True)
class Hit:
    rule: Rule
    match: str  # the text found, as written (or as read after normalising)
    start: int | None = None  # offsets into the original text, when they map one to one
    end: int | None = None


# ---- normalising -------------------------------------------------------------------------


def _norm(s: str) -> str:
    return unicodedata.normalize("NFKC", s).casefold().replace("ё", "е")


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=20000)
def _lemmas(word: str) -> tuple[frozenset[str], frozenset[str]]:
    """(every lemma, the lemmas of its 2nd-person imperative readings) of a Cyrillic word."""
    parses = _morph().parse(word)
    lemmas = frozenset(p.normal_form.replace("ё", "е") for p in parses)
    impr = frozenset(p.normal_form.replace("ё", "е") for p in parses if {"impr", "excl"} <= set(p.tag.grammemes))
    return lemmas, impr


def _is_cyr(s: str) -> bool:
    return bool(re.search(r"[а-я]", s))


def _is_lat(s: str) -> bool:
    return bool(re.search(r"[a-z]", s))


@dataclass
class _Token:
    start: int
    end: int
    forms: set[str]
    impr: set[str]

    def matches(self, slot: Slot) -> bool:
        pool = self.impr if slot.impr else self.forms
        for alt in slot.alts:
            if alt.endswith("*"):
                if any(f.startswith(alt[:-1]) for f in pool):
                    return True
            elif alt in pool:
                return True
        return False


def _variants(raw: str) -> set[str]:
    """The word as typed, and — when it mixes scripts — all in Latin and all in Cyrillic."""
    out = {_norm(raw)}
    if re.search(r"[a-zA-Z]", raw) and re.search(r"[А-Яа-яЁё]", raw):
        out.add(_norm("".join(_CYR_LAT.get(c, c) for c in raw)))
        out.add(_norm("".join(_LAT_CYR.get(c, c) for c in raw)))
    return out


def _token(raw: str, start: int, end: int) -> _Token:
    forms: set[str] = set()
    impr: set[str] = set()
    for v in _variants(raw):
        parts = {v, v.replace("-", "").replace("'", "").replace("’", ""), *re.split(r"[-'’]", v)}
        for p in parts:
            if not p:
                continue
            forms.add(p)
            if _is_cyr(p) and not _is_lat(p):
                lem, imp = _lemmas(p)
                forms |= lem
                impr |= imp
            elif _is_lat(p) and len(p) > 3 and p.endswith("s"):
                forms.add(p[:-1])
    return _Token(start, end, forms, impr)


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, last = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((last, m.start()))
        last = m.end()
    spans.append((last, len(text)))
    return [s for s in spans if s[1] > s[0]]


def _tokens(text: str, lo: int, hi: int) -> list[_Token]:
    """Words of text[lo:hi]; runs of three or more single letters typed apart
    («w h a t s a p p», «т.е.л.е.г.р.а.м») are joined into one word; two or three
    neighbouring words are also tried joined («Whats App», «теле грам»)."""
    found = [(m.group(), m.start() + lo, m.end() + lo) for m in _TOKEN.finditer(text[lo:hi])]
    words: list[tuple[str, int, int]] = []
    i = 0
    while i < len(found):
        j = i
        while (j + 1 < len(found) and len(found[j][0]) == 1 and len(found[j + 1][0]) == 1
               and _JOINABLE_GAP.fullmatch(text[found[j][2]:found[j + 1][1]])):
            j += 1
        if j - i >= 2:
            # also without its first or last letter: «в т е л е г р а м» is «в» + «телеграм»
            for a, b in ((i, j), (i + 1, j), (i, j - 1)):
                words.append(("".join(w for w, _, _ in found[a:b + 1]), found[a][1], found[b][2]))
            i = j + 1
        else:
            words.append(found[i])
            i += 1
    return [_token(w, s, e) for w, s, e in words]


def _joined(text: str, tokens: list[_Token]) -> list[_Token]:
    """Neighbouring words written together, for names split by a space («Whats App»)."""
    out = []
    for n in (2, 3):
        for i in range(len(tokens) - n + 1):
            group = tokens[i:i + n]
            if all(re.fullmatch(r"[\s'’.\-]*", text[a.end:b.start]) for a, b in zip(group, group[1:])):
                raw = "".join(text[t.start:t.end] for t in group)
                raw = re.sub(r"[\s'’.\-]", "", raw)
                out.append(_Token(group[0].start, group[-1].end, {v for v in _variants(raw)}, set()))
    return out


def _compact_cjk(text: str) -> str:
    """Spaces and separators next to a Chinese character removed: «加 微 信» → «加微信»."""
    return re.sub(rf"(?<=[{_CJK}])[\s·*_\-.]+|[\s·*_\-.]+(?=[{_CJK}])", "", text)


def _link_text(text: str, tlds: str) -> str:
    """Text for address patterns: look-alikes in Latin words made Latin, «t . me», «t dot me»,
    «shop (at) mail.ru» closed up."""
    t = _norm(text)
    t = _TOKEN.sub(lambda m: "".join(_CYR_LAT.get(c, c) for c in m.group()) if _is_lat(m.group()) else m.group(), t)
    t = re.sub(r"\s*[(\[{]\s*(?:at|собака)\s*[)\]}]\s*|\s+собака\s+|\s*@\s*", "@", t)
    t = re.sub(r"\s*[(\[{]\s*(?:dot|точка)\s*[)\]}]\s*|\s+(?:dot|точка)\s+", ".", t)
    t = re.sub(r"(?<=[a-z0-9])\s+\.\s*(?=[a-z0-9])", ".", t)
    t = re.sub(rf"(?<=[a-z0-9])[.。]\s+(?=(?:{tlds})(?![a-z0-9а-я]))", ".", t)
    t = re.sub(r"(?<=[a-z0-9])。(?=[a-z])", ".", t)
    return t


# ---- matching ----------------------------------------------------------------------------


def _could_match(slot: Slot, forms: set[str], impr: set[str]) -> bool:
    """A quick test against every word form of the sentence at once."""
    pool = impr if slot.impr else forms
    return any(a.endswith("*") or a in pool for a in slot.alts)


def _entry_hits(entry: Entry, tokens: list[_Token], forms: set[str], impr: set[str]) -> list[tuple[int, int]]:
    """Spans (start, end) where every slot of the entry is met by its own word within the window."""
    if not all(_could_match(slot, forms, impr) for slot in entry.slots):
        return []
    choices = [[i for i, t in enumerate(tokens) if t.matches(slot)] for slot in entry.slots]
    if not all(choices):
        return []
    if len(entry.slots) == 1:
        return [(tokens[i].start, tokens[i].end) for i in choices[0]]
    best: list[tuple[int, int]] = []
    for combo in itertools.islice(itertools.product(*choices), 5000):
        if len(set(combo)) == len(combo) and max(combo) - min(combo) < entry.window:
            best.append((tokens[min(combo)].start, tokens[max(combo)].end))
    return best[:1]


def find(text: str, ruleset: RuleSet) -> list[Hit]:
    """Every rule hit in one text (any language), in order of position, one per rule and place."""
    if not text or not text.strip():
        return []
    nfkc = unicodedata.normalize("NFKC", text)
    same = len(nfkc) == len(text)  # offsets map one to one onto the original text
    hits: dict[tuple[str, int | None, str], Hit] = {}

    def add(rule: Rule, s: int | None, e: int | None, match: str | None = None) -> None:
        if not same:
            s = e = None
        shown = match if match is not None else (text[s:e] if s is not None else "")
        key = (rule.id, s, shown if s is None else "")
        if key not in hits:
            hits[key] = Hit(rule, shown, s, e)

    per_sentence = []
    for lo, hi in _sentences(nfkc):
        toks = _tokens(nfkc, lo, hi)
        forms = set().union(*(t.forms for t in toks)) if toks else set()
        impr = set().union(*(t.impr for t in toks)) if toks else set()
        per_sentence.append((toks, _joined(nfkc, toks), forms, impr))
    for rule in ruleset.rules:
        for entry in rule.entries:
            for toks, joined, forms, impr in per_sentence:
                spans = _entry_hits(entry, toks, forms, impr)
                if not spans and len(entry.slots) == 1:
                    spans = [(t.start, t.end) for t in joined if t.matches(entry.slots[0])]
                for s, e in spans:
                    add(rule, s, e, None if same else nfkc[s:e])
        if rule.zh:
            compact = _compact_cjk(_norm(nfkc))
            for phrase in rule.zh:
                if phrase in compact:
                    pos = _norm(nfkc).find(phrase)
                    if pos >= 0:
                        add(rule, pos, pos + len(phrase))
                    else:
                        add(rule, None, None, phrase)
    linked = _link_text(nfkc, "|".join(sorted((re.escape(t) for t in ruleset.tlds), key=len, reverse=True)) or "(?!)")
    for rule in ruleset.rules:
        for pattern in rule.patterns:
            for m in pattern.finditer(linked):
                add(rule, None, None, m.group().strip())
    link_rule = next((r for r in ruleset.rules if r.id == "link"), None)
    if link_rule is not None:
        for m in ruleset.link_re.finditer(linked):
            found = m.group().rstrip(".,;:!?'")
            host = re.sub(r"^(?:https?://)?(?:www\.)?", "", found).split("/")[0].split(":")[0]
            if not any(host == d or host.endswith("." + d) for d in ruleset.allowed_domains):
                add(link_rule, None, None, found)
    # one hit per place and rule: «ваш новый адрес» inside «Пришлите ваш новый адрес» is the same finding
    kept: list[Hit] = []
    for h in sorted(hits.values(), key=lambda h: (h.start if h.start is not None else len(text),
                                                  -((h.end or 0) - (h.start or 0)), h.rule.id)):
        k = next((k for k in kept if h.start is not None and k.rule.id == h.rule.id and k.start is not None
                  and h.start < k.end and k.start < h.end), None)
        if k is None:
            kept.append(h)
        elif h.end > k.end:  # «加微» and «微信»: one finding, «加微信»
            kept[kept.index(k)] = Hit(k.rule, text[k.start:h.end], k.start, h.end)
    return kept


# ---- loading -----------------------------------------------------------------------------


def rules_path() -> Path:
    return glossary_dir() / RULES_FILE


def _slot(word: str) -> Slot:
    impr = word.endswith(":impr")
    word = word[: -len(":impr")] if impr else word
    alts: set[str] = set()
    for alt in word.split("|"):
        a = _norm(alt.strip())
        if not a:
            continue
        alts.add(a)
        if _is_cyr(a) and not a.endswith("*") and not _is_lat(a):
            alts.add(_morph().parse(a)[0].normal_form.replace("ё", "е"))
    return Slot(tuple(sorted(alts)), impr)


def _line_of(raw: str, needle: str) -> int | None:
    for n, line in enumerate(raw.splitlines(), 1):
        if needle in line:
            return n
    return None


def load_rules(path: Path | None = None) -> RuleSet:
    path = (path or rules_path()).resolve()
    stat = path.stat() if path.is_file() else None
    return _load(path, stat.st_mtime_ns if stat else 0)


@lru_cache(maxsize=8)
def _load(path: Path, _mtime: int) -> RuleSet:
    f = str(path)
    if not path.is_file():
        raise DocgenError(Problem(f, "", msg("reply.buyer-message-rules-not")))
    raw = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise DocgenError(Problem(f, "", msg("reply.invalid-yaml", error=getattr(e, 'problem', e)),
                                  mark.line + 1 if mark else None)) from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise DocgenError(Problem(f, "rules", msg("reply.file-needs-list-rules")))
    problems: list[Problem] = []
    known = {"version", "answer_window", "allowed_domains", "link_tlds", "rules", "window"}
    for key in sorted(set(data) - known):
        problems.append(Problem(f, key, msg("reply.unknown-field-known", known=', '.join(sorted(known))), _line_of(raw, f"{key}:")))
    window = data.get("window", DEFAULT_WINDOW)

    def messages(obj, where: str, line: int | None) -> dict:
        if not isinstance(obj, dict) or not all(isinstance(obj.get(lang), str) and obj[lang].strip()
                                                for lang in MESSAGE_LANGS):
            problems.append(Problem(f, where, msg("reply.needs-message-each", message_langs=', '.join(MESSAGE_LANGS)), line))
            return {"en": where}
        return dict(obj)

    def severity(value, where: str, line: int | None) -> str:
        if value not in SEVERITIES:
            problems.append(Problem(f, where, msg("reply.severity-must-be-one", severities=', '.join(SEVERITIES), value=value), line))
            return "error"
        return value

    rules: list[Rule] = []
    seen: set[str] = set()
    for n, item in enumerate(data["rules"]):
        where = f"rules[{n}]"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            problems.append(Problem(f, where, msg("reply.each-rule-mapping-with")))
            continue
        rid = item["id"]
        line = _line_of(raw, f"id: {rid}")
        if rid in seen:
            problems.append(Problem(f, f"{where}.id", msg("reply.duplicate-rule-id", rid=rid), line))
        seen.add(rid)
        for key in sorted(set(item) - {"id", "severity", "message", "ru", "en", "zh", "patterns"}):
            problems.append(Problem(f, f"{where}.{key}", msg("reply.unknown-field-known-id"), line))
        entries: list[Entry] = []
        for lang in ("ru", "en"):
            for k, text in enumerate(item.get(lang) or []):
                if not isinstance(text, str) or not text.strip():
                    problems.append(Problem(f, f"{where}.{lang}[{k}]", msg("reply.must-be-word-phrase"), line))
                    continue
                words = text.split()
                w = window
                if len(words) > 1 and re.fullmatch(r"~\d+", words[-1]):
                    w = int(words.pop()[1:])
                entries.append(Entry(text, tuple(_slot(x) for x in words), w))
        zh = tuple(_norm(x) for x in item.get("zh") or [] if isinstance(x, str) and x.strip())
        patterns = []
        for k, p in enumerate(item.get("patterns") or []):
            try:
                patterns.append(re.compile(p))
            except (re.error, TypeError) as e:
                problems.append(Problem(f, f"{where}.patterns[{k}]", msg("reply.not-valid-regular-expression", error=e), line))
        rules.append(Rule(rid, severity(item.get("severity"), f"{where}.severity", line),
                          messages(item.get("message"), f"{where}.message", line), tuple(entries), zh,
                          tuple(patterns)))
    windows = []
    for n, w in enumerate(data.get("answer_window") or []):
        where = f"answer_window[{n}]"
        if not isinstance(w, dict) or not isinstance(w.get("hours"), (int, float)) or w["hours"] <= 0:
            problems.append(Problem(f, where, msg("reply.needs-hours-number-greater")))
            continue
        windows.append(Window(float(w["hours"]), severity(w.get("severity"), f"{where}.severity", None),
                              messages(w.get("message"), f"{where}.message", None)))
    domains = tuple(_norm(d) for d in data.get("allowed_domains") or [])
    tlds = tuple(_norm(t) for t in data.get("link_tlds") or [])
    if problems:
        raise DocgenError(problems)
    tld_alt = "|".join(sorted((re.escape(t) for t in tlds), key=len, reverse=True)) or "(?!)"
    label = r"[a-z0-9а-я](?:[a-z0-9а-я-]*[a-z0-9а-я])?"
    path_chars = r"[a-z0-9\-._~/?%&=+#:@!$'*,;]*"
    link_re = re.compile(rf"(?:https?://|www\.){path_chars}|(?<![\w@.\-])(?:{label}\.)+(?:{tld_alt})(?![\w-])"
                         rf"(?:/{path_chars})?")
    return RuleSet(path, tuple(rules), tuple(sorted(windows, key=lambda w: w.hours)), domains, tlds, link_re)
