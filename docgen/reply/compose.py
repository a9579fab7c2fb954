"""`docgen reply TYPE`: a reply to a buyer's message in Ozon's chat, from the parallel
reply templates, checked against the buyer-message rules before anyone sees it.

Ozon lets a seller answer only a message the buyer started, and only with a shipping
notice, a logistics delay tied to a real event, return guidance through Ozon's own
flow, or a gift promised in plain words (seed 003). A request for anything else
(follow-up, review request, marketing) is refused with the reason."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from docgen.errors import DocgenError, Problem
from docgen.i18n import N_, gettext
from docgen.model import Finding, Letter, LetterBlock, Segment
from docgen.reply.templates import REPLY_TYPES, ReplyTemplates, load_reply_templates
from docgen.i18n import msg

# Types Ozon forbids, with the names a seller might ask for them by → the reason's code.
FORBIDDEN = {
    "follow-up": "follow-up", "followup": "follow-up", "follow_up": "follow-up", "check-in": "follow-up",
    "satisfaction": "follow-up",
    "review-request": "review-request", "review": "review-request", "reviews": "review-request",
    "rating": "review-request", "feedback": "review-request", "stars": "review-request",
    "marketing": "marketing", "promotion": "marketing", "promo": "marketing", "advertising": "marketing",
    "ad": "marketing", "newsletter": "marketing", "coupon": "marketing", "discount": "marketing",
}
# Per type: required fields, optional fields.
FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "shipping": (("order", "tracking", "carrier"), ("shipped_on", "item")),
    "delay": (("order", "event", "event_date", "new_date"), ("event_text", "tracking")),
    "returns": (("order",), ("item",)),
    "gift": (("order", "gift"), ("gift_seller",)),
}
COMMON_FIELDS = ("shop",)
META_FIELDS = ("type", "asked_at", "replied_at", "lang", "target")
DATE_FIELDS = ("shipped_on", "event_date", "new_date")
# Typed by the seller in the reply's language (Russian or English): no Chinese allowed.
TARGET_TEXT = ("order", "tracking", "carrier", "item", "event_text", "gift", "shop")
SELLER_LANGS = ("zh", "en")
TARGET_LANGS = ("ru", "en")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
BUYER_CHECKS = ("buyer-message", "answer-window")


@dataclass(frozen=True)
class ReplyRequest:
    type: str
    values: dict[str, Any]
    asked_at: dt.datetime
    replied_at: dt.datetime
    lang: str = "zh"  # the seller's language (the copy beside the reply, the messages)
    target: str = "ru"  # the language the buyer reads
    source: str = "reply"  # the input file, or "reply" for options only
    lines: dict[str, int] = field(default_factory=dict)  # field → line in the input file


@dataclass
class Reply:
    request: ReplyRequest
    letter: Letter
    findings: list[Finding]
    fields: dict[str, tuple[str, ...]]  # segment id → the typed fields it shows

    @property
    def target_text(self) -> str:
        return self.text(self.request.target)

    @property
    def seller_text(self) -> str:
        return self.text(self.request.lang)

    def text(self, lang: str) -> str:
        return "\n".join(self.letter.segments[sid].texts[lang] for b in self.letter.blocks
                         for sid in b.segment_ids) + "\n"

    @property
    def summary(self) -> dict[str, int]:
        from docgen.qa import summary

        return summary(self.findings)


# What docgen reply says to the seller: code → English text (the gettext msgid), shown in
# the seller's language through the catalogs in docgen/i18n/locale (scripts/i18n).
MESSAGES = {
    "header_target": N_("—— reply to the buyer ({target}; paste it into the Ozon chat) ——"),
    "header_seller": N_("—— the same reply for the seller (do not send) ——"),
    "refused": N_("no message of type “{type}” can be written: {reason}"),
    "refused_follow-up": N_("Ozon forbids sellers to contact buyers first; an order follow-up (“did it arrive?”, "
                            "“are you happy?”) is proactive contact and gets shops warned or frozen. Answer only a "
                            "message the buyer sent: shipping, delay, returns or gift."),
    "refused_review-request": N_("asking for a review (stars, good feedback, cashback for a review) is banned by Ozon "
                                 "and punished with fines or a frozen shop. Ozon itself invites the buyer to review "
                                 "after delivery."),
    "refused_marketing": N_("promotions, new arrivals, coupons and “follow our shop” messages are banned by Ozon "
                            "(warnings, fines, a 72-hour freeze)."),
    "unknown_type": N_("unknown reply type “{type}”. Use: shipping, delay, returns or gift."),
    "checked": N_("checked: {errors} error(s), {warnings} warning(s) (rules: {rules})"),
    "blocked": N_("the reply contains something Ozon bans and was not printed. Change it and try again."),
}


def say(code: str, lang: str, **params: Any) -> str:
    """A message to the seller, in `lang` (zh or en)."""
    return gettext(MESSAGES[code], lang if lang in SELLER_LANGS else "en").format(**params)


def refusal(reply_type: str, lang: str, source: str = "reply") -> DocgenError | None:
    """The error for a type that is not one of the four (None for an allowed type)."""
    t = reply_type.strip().lower()
    if t in REPLY_TYPES:
        return None
    if t in FORBIDDEN:
        reason = say(f"refused_{FORBIDDEN[t]}", lang)
        return DocgenError(Problem(source, "TYPE", say("refused", lang, type=reply_type, reason=reason)))
    return DocgenError(Problem(source, "TYPE", say("unknown_type", lang, type=reply_type)))


# ---- input -----------------------------------------------------------------------------


def read_input(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """A small YAML file of fields (the same names as the options, with _ for -)."""
    f = str(path)
    if not path.is_file():
        raise DocgenError(Problem(f, "", msg("reply.file-not-found")))
    try:
        raw = path.read_text(encoding="utf-8-sig")
        node = yaml.compose(raw)
        data = yaml.safe_load(raw)
    except UnicodeDecodeError:
        raise DocgenError(Problem(f, "", msg("reply.not-utf-text"))) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise DocgenError(Problem(f, "", msg("reply.invalid-yaml", error=getattr(e, 'problem', e)),
                                  mark.line + 1 if mark else None)) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise DocgenError(Problem(f, "", msg("reply.reply-file-mapping-fields")))
    lines = {}
    if isinstance(node, yaml.MappingNode):
        for k, _v in node.value:
            lines[str(k.value)] = k.start_mark.line + 1
    return {str(k): v for k, v in data.items()}, lines


def _parse_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.astimezone()  # a time without a zone is local time


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def make_request(reply_type: str, options: dict[str, Any], file_values: dict[str, Any] | None = None,
                 source: str = "reply", lines: dict[str, int] | None = None,
                 now: dt.datetime | None = None) -> ReplyRequest:
    """Validates the fields (options override the file) into a request; every problem at once."""
    values = {k: v for k, v in (file_values or {}).items()}
    values.update({k: v for k, v in options.items() if v is not None})
    lines = lines or {}
    lang = str(values.get("lang") or "zh")
    if lang not in SELLER_LANGS:
        lang = "en"
    err = refusal(reply_type, lang, source)
    if err:
        raise err
    t = reply_type.strip().lower()
    problems: list[Problem] = []

    def bad(name: str, message: str) -> None:
        in_file = name in (file_values or {}) and options.get(name) is None
        problems.append(Problem(source, name if in_file else "--" + name.replace("_", "-"), message,
                                lines.get(name) if in_file else None))

    if values.get("type") is not None and str(values["type"]).strip().lower() != t:
        bad("type", msg("reply.type-mismatch", file_type=values["type"], asked=reply_type))
    if str(values.get("lang") or "zh") not in SELLER_LANGS:
        bad("lang", msg("reply.must-be-one-of", choices=", ".join(SELLER_LANGS)))
    target = str(values.get("target") or "ru")
    if target not in TARGET_LANGS:
        bad("target", msg("reply.must-be-one-of", choices=", ".join(TARGET_LANGS)))
    required, optional = FIELDS[t]
    allowed = set(required) | set(optional) | set(COMMON_FIELDS) | set(META_FIELDS)
    for name in sorted(set(values) - allowed):
        bad(name, msg("reply.not-a-field", type=t, fields=", ".join(required + optional + COMMON_FIELDS)))
    for name in required:
        v = values.get(name)
        if v is None or (isinstance(v, str) and not v.strip()):
            bad(name, msg("reply.required"))
    out: dict[str, Any] = {}
    for name in required + optional + COMMON_FIELDS:
        v = values.get(name)
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        if name in DATE_FIELDS:
            d = _parse_date(v)
            if d is None:
                bad(name, msg("reply.not-a-date", value=v))
                continue
            out[name] = d
            continue
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            bad(name, msg("reply.quote-ids"))
            continue
        if not isinstance(v, str):
            bad(name, msg("reply.must-be-text"))
            continue
        v = " ".join(v.split())
        if name in TARGET_TEXT and _CJK.search(v):
            bad(name, msg("reply.chinese-in-gift" if name == "gift" else "reply.chinese-in-target", target=target))
        out[name] = v
    asked = _parse_datetime(values.get("asked_at"))
    if values.get("asked_at") is None:
        bad("asked_at", msg("reply.asked-at-required"))
    elif asked is None:
        bad("asked_at", msg("reply.not-a-datetime", value=values["asked_at"]))
    replied = _parse_datetime(values.get("replied_at")) if values.get("replied_at") is not None else (now or dt.datetime.now())
    if replied is None:
        bad("replied_at", msg("reply.not-a-datetime", value=values["replied_at"]))
    if asked is not None and replied is not None and _aware(asked) > _aware(replied) + dt.timedelta(minutes=1):
        bad("asked_at", msg("reply.asked-after-reply"))
    if t == "delay":
        templates = load_reply_templates(target if target in TARGET_LANGS else "ru")
        event = out.get("event")
        if event is not None and event not in templates.events:
            bad("event", msg("reply.unknown-event", event=event, events=", ".join(templates.events)))
        if event == "other" and not out.get("event_text"):
            bad("event_text", msg("reply.event-text-required"))
        if event not in (None, "other") and out.get("event_text"):
            bad("event_text", msg("reply.event-text-only-other"))
        if "event_date" in out and "new_date" in out and out["new_date"] < out["event_date"]:
            bad("new_date", msg("reply.new-date-before-event"))
        if "new_date" in out and replied is not None and out["new_date"] < _aware(replied).date():
            bad("new_date", msg("reply.new-date-past"))
    if "shipped_on" in out and replied is not None and out["shipped_on"] > _aware(replied).date():
        bad("shipped_on", msg("reply.shipped-in-future"))
    if problems:
        raise DocgenError(problems)
    return ReplyRequest(type=t, values=out, asked_at=_aware(asked), replied_at=_aware(replied), lang=lang,
                        target=target, source=source, lines=dict(lines))


def answer_times(asked_at: str | None, replied_at: str | None, source: str,
                 now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """`--asked-at` / `--replied-at` of `docgen check --buyer`, as aware datetimes."""
    asked = _parse_datetime(asked_at) if asked_at else None
    replied = _parse_datetime(replied_at) if replied_at else (now or dt.datetime.now())
    problems = []
    if asked is None:
        problems.append(Problem(source, "--asked-at", msg("reply.not-date-time-write", asked_at=asked_at)))
    if replied is None:
        problems.append(Problem(source, "--replied-at",
                                msg("reply.not-date-time-write-2", replied_at=replied_at)))
    if problems:
        raise DocgenError(problems)
    if _aware(asked) > _aware(replied) + dt.timedelta(minutes=1):
        raise DocgenError(Problem(source, "--asked-at", msg("reply.later-than-reply")))
    return _aware(asked), _aware(replied)


# ---- composing -------------------------------------------------------------------------


def _context(req: ReplyRequest, templates: ReplyTemplates, lang: str) -> dict[str, Any]:
    v = dict(req.values)
    ctx = {name: v.get(name) for name in ("order", "tracking", "carrier", "shipped_on", "item", "event_date",
                                          "new_date", "event_text", "gift", "shop")}
    if ctx["carrier"]:
        ctx["carrier"] = templates.carrier(ctx["carrier"])
    if lang not in TARGET_LANGS and v.get("gift_seller"):
        ctx["gift"] = v["gift_seller"]
    if req.type == "delay":
        ctx["event_sentence"] = templates.render(f"events.{v['event']}", ctx)
    else:
        ctx["event_sentence"] = ""
    return ctx


_TYPED = ("item", "carrier", "event_text", "gift", "shop")


def compose(req: ReplyRequest) -> Reply:
    """The reply in the buyer's language and the seller's, checked (findings attached)."""
    from docgen.qa import CHECKS, QAContext, run_checks

    langs = list(dict.fromkeys([req.target, req.lang]))
    templates = {lang: load_reply_templates(lang) for lang in langs}
    keys = ["greeting", *templates[req.target].paragraphs(req.type), "more_questions", "closing"]
    segments: dict[str, Segment] = {}
    blocks: list[LetterBlock] = []
    fields: dict[str, tuple[str, ...]] = {}
    for key in keys:
        sid = key
        texts = {}
        for lang in langs:
            tpl = templates[lang]
            if key not in tpl.compiled:
                raise DocgenError(Problem(str(tpl.path), key, msg("reply.missing-templates-have-it", target=req.target)))
            texts[lang] = tpl.render(key, _context(req, tpl, lang))
        used = set(templates[req.target].variables(key))
        if "event_sentence" in used:
            used |= set(templates[req.target].variables(f"events.{req.values['event']}"))
        fields[sid] = tuple(f for f in _TYPED if f in used and req.values.get(f))
        segments[sid] = Segment(id=sid, texts=texts, source_lang=req.target, origin="template")
        blocks.append(LetterBlock(kind="para", segment_ids=[sid]))
    letter = Letter(case_type=f"reply.{req.type}", source_lang=req.lang, target_lang=req.target,
                    segments=segments, blocks=blocks, furniture={}, untranslated_mark={lang: "" for lang in langs})
    ctx = QAContext(letter=letter, languagetool=False, buyer_facing=True, index=False, seller_lang=req.lang,
                    asked_at=req.asked_at, replied_at=req.replied_at)
    findings = run_checks(ctx, [c for c in CHECKS if c.name in BUYER_CHECKS])
    return Reply(request=req, letter=letter, findings=findings, fields=fields)


def blocked(reply: Reply) -> DocgenError | None:
    """The error to show instead of a reply that breaks an `error` rule: each finding named by
    the field it came from (the values typed), else by the paragraph."""
    errors = [f for f in reply.findings if f.severity == "error"]
    if not errors:
        return None
    req = reply.request
    problems = []
    for f in errors:
        typed = ("asked_at",) if f.check == "answer-window" else reply.fields.get(f.where) or ()
        name = typed[0] if len(typed) == 1 else f.where
        in_file = typed and name in req.lines
        field_name = name if in_file or not typed else "--" + name.replace("_", "-")
        problems.append(Problem(req.source, field_name, f.message, req.lines.get(name) if in_file else None))
    problems.append(Problem(req.source, "", say("blocked", req.lang)))
    return DocgenError(problems)
