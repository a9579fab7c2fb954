"""`docgen new`: a commented case-file skeleton, comments in the seller's language.

Blanks are empty strings (""), which fail validation until filled, so a half-filled
skeleton can never build a letter by accident."""
from __future__ import annotations

import datetime as dt

from docgen.case.model import CASE_TYPES, METRICS, TAKEDOWN_REASONS, TOPICS

_C = {
    "zh": {
        "head": "# docgen 案件文件（{t}）。填写所有 \"\" 空白处，然后运行：docgen build 本文件",
        "language": "卖家书写所用语言：zh 或 en",
        "target": "发给 Ozon 的信件语言：ru（默认）或 en",
        "letter_date": "信件日期（YYYY-MM-DD）；删除此行则使用当天日期",
        "seller": "卖家信息",
        "name": "公司中文名称",
        "name_latin": "公司英文/拉丁名称（俄语信件中使用）",
        "shop_id": "Ozon 店铺 ID（只含数字，加引号）",
        "email": "Ozon 注册邮箱",
        "signatory": "签字人姓名（拉丁字母）",
        "notice": "要回复的平台通知",
        "notice_date": "通知日期",
        "code": "通知编号 / 工单号（如有，否则删除此行）",
        "text": "通知原文（可选，照抄）",
        "items": "涉及的订单 / 货件 / 商品：每项至少填写 order 或 sku",
        "order": "订单号 / 货件号",
        "sku": "SKU",
        "tracking": "物流单号（可选）",
        "amount": "金额（可选），如 \"3480.00 RUB\"",
        "facts": "事实：每条写清日期、发生了什么，并引用证据编号；避免“我保证”等主观表述",
        "fact_text": "事实（中文）",
        "text_ru": "人工俄语译文（可选；没有则由机器翻译并标记待审核）",
        "evidence": "证据文件：路径相对于本文件，只接受 PDF / JPEG / PNG，单个不超过 5 MB",
        "ev_file": "文件路径，如 evidence/tracking.pdf",
        "ev_description": "证据描述（中文）",
        "ev_date": "证据日期",
        "request": "请求（中文），只提一个明确的请求",
        "appeal_round": "第几次申诉：1 为首次；2 及以上表示此前已被驳回，必须提供新材料",
        "fund_hold": "资金冻结：一封信只能对应一个订单，多个订单请分别建案件",
        "reason": "下架原因：",
        "metric": "评级指标：",
        "window_days": "指标的滚动周期（天）：30、60 或 90；证据日期应覆盖整个周期",
        "topic": "工单主题：",
        "hold_reason": "冻结原因代码（见 letter_templates/fund_hold/hold_reasons.yaml；默认取通知编号）",
        "takedown_kind": "fixed = 已消除下架原因；in_error = 系统误判",
        "other_text": "选 other 时必填：照抄通知中的名称",
        "previous": "第 2 次及以上申诉：上次工单号、日期、驳回理由（照抄）",
        "rule": "引用的 Ozon 规则条款（可选）",
        "payout_id": "回款编号（可选；回款问题可不填 items）",
    },
    "en": {
        "head": "# docgen case file ({t}). Fill in every \"\" blank, then run: docgen build THIS_FILE",
        "language": "the language the seller writes in: zh or en",
        "target": "the language of the letter sent to Ozon: ru (default) or en",
        "letter_date": "date printed on the letter (YYYY-MM-DD); delete the line to use today",
        "seller": "the seller",
        "name": "company name",
        "name_latin": "company name in Latin letters (used in the Russian letter)",
        "shop_id": "Ozon shop ID (digits, in quotes)",
        "email": "e-mail registered with Ozon",
        "signatory": "name of the person who signs (Latin letters)",
        "notice": "the platform notice being answered",
        "notice_date": "date of the notice",
        "code": "notice code / ticket number (delete the line if there is none)",
        "text": "the notice, verbatim (optional)",
        "items": "orders / postings / products concerned: each needs an order or a sku",
        "order": "order / posting number",
        "sku": "SKU",
        "tracking": "tracking number (optional)",
        "amount": "amount (optional), e.g. \"3480.00 RUB\"",
        "facts": "facts: each with its date and the evidence ids that prove it; no pleading or promises",
        "fact_text": "the fact, in your words",
        "text_ru": "a person's Russian translation (optional; otherwise MT, marked for review)",
        "evidence": "evidence files: paths relative to this file; PDF / JPEG / PNG only, at most 5 MB each",
        "ev_file": "file path, e.g. evidence/tracking.pdf",
        "ev_description": "what the file shows",
        "ev_date": "date of the evidence",
        "request": "what you ask Ozon to do: one clear request",
        "appeal_round": "1 for a first appeal; 2 or more when an earlier appeal was rejected (new material needed)",
        "fund_hold": "payout hold: one letter covers exactly one order; write one case per held order",
        "reason": "why the product was removed:",
        "metric": "the rating metric:",
        "window_days": "the metric's rolling window in days: 30, 60 or 90; evidence dates should span it",
        "topic": "topic of the request:",
        "hold_reason": "hold code (see letter_templates/fund_hold/hold_reasons.yaml; default: the notice code)",
        "takedown_kind": "fixed = the cause was removed; in_error = hidden by mistake",
        "other_text": "required with other: the name as the notice shows it",
        "previous": "appeal round 2+: the rejected request's number, date and reason (verbatim)",
        "rule": "the Ozon rule or clause you cite (optional)",
        "payout_id": "payout number (optional; a payout question needs no items)",
    },
}


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML): user text stays data."""
    import json

    return json.dumps(value, ensure_ascii=False)


def _block(value: str, indent: str) -> list[str]:
    """A YAML literal block for multi-line text (the notice as the seller pasted it)."""
    lines = [ln.rstrip() for ln in value.strip().splitlines()]
    return [f"{indent}{ln}" if ln else "" for ln in lines]


def skeleton(case_type: str, lang: str = "zh", today: dt.date | None = None, prefill: dict | None = None) -> str:
    """`prefill` (from `docgen explain`): notice_date, notice_code, notice_text, orders, skus
    and case-type fields (reason, metric, window_days, topic, hold_reason)."""
    if case_type not in CASE_TYPES:
        raise ValueError(f"unknown case type {case_type!r}; choose one of: {', '.join(CASE_TYPES)}")
    if lang not in _C:
        raise ValueError(f"unknown language {lang!r}; choose zh or en")
    c = _C[lang]
    today = today or dt.date.today()
    pre = prefill or {}
    notice_date = pre["notice_date"].isoformat() if pre.get("notice_date") else today.isoformat()
    lines = [
        c["head"].format(t=case_type),
        f"case_type: {case_type}",
        f"language: {lang}            # {c['language']}",
        f"target: ru              # {c['target']}",
        f"letter_date: {today.isoformat()}   # {c['letter_date']}",
        f"seller:                 # {c['seller']}",
        f'  name: ""              # {c["name"]}',
        f'  name_latin: ""        # {c["name_latin"]}',
        f'  shop_id: ""           # {c["shop_id"]}',
        f'  email: ""             # {c["email"]}',
        f'  signatory: ""         # {c["signatory"]}',
        f"notice:                 # {c['notice']}",
        f"  date: {notice_date}      # {c['notice_date']}",
        f'  code: {_quoted(pre.get("notice_code") or "")}              # {c["code"]}',
        f"items:                  # {c['items']}",
        "@ITEMS@",
        f"facts:                  # {c['facts']}",
        f"  - date: {today.isoformat()}",
        f'    text: ""            # {c["fact_text"]}',
        f"    # text_ru: \"\"       # {c['text_ru']}",
        "    evidence: [E1]",
        f"evidence:               # {c['evidence']}",
        "  - id: E1",
        f'    file: ""            # {c["ev_file"]}',
        f'    description: ""     # {c["ev_description"]}',
        f"    date: {today.isoformat()}    # {c['ev_date']}",
        f'request: ""             # {c["request"]}',
        f"appeal_round: 1         # {c['appeal_round']}",
        f"# previous: {{ticket: \"\", date: {today.isoformat()}, rejection: \"\"}}   # {c['previous']}",
        f'# rule: ""              # {c["rule"]}',
    ]
    items = [(o, "") for o in pre.get("orders") or []] + [("", k) for k in pre.get("skus") or []] or [("", "")]
    at = lines.index("@ITEMS@")
    lines[at:at + 1] = [ln for order, sku in items for ln in (
        f'  - order: {_quoted(order)}           # {c["order"]}',
        f'    sku: {_quoted(sku)}             # {c["sku"]}',
        f'    tracking: ""        # {c["tracking"]}',
        f'    amount: ""          # {c["amount"]}')]
    if pre.get("notice_text"):
        code_at = next(i for i, ln in enumerate(lines) if ln.startswith("  code:"))
        lines[code_at + 1:code_at + 1] = [f"  text: |-             # {c['text']}"] + _block(pre["notice_text"], "    ")
    if case_type == "fund_hold":
        lines.insert(next(i for i, ln in enumerate(lines) if ln.startswith("items:")) + 1, f"  # {c['fund_hold']}")
        if pre.get("hold_reason"):
            lines.append(f"hold_reason: {pre['hold_reason']}")
        else:
            lines.append(f'# hold_reason: ""            # {c["hold_reason"]}')
    elif case_type == "listing_takedown":
        lines.append(f"reason: {pre.get('reason', 'certificate_missing')}  # {c['reason']} {' | '.join(TAKEDOWN_REASONS)}")
        lines.append(f'# reason_text: ""            # {c["other_text"]}')
        lines.append(f"takedown_kind: fixed         # {c['takedown_kind']}")
    elif case_type == "performance_review":
        lines.append(f"metric: {pre.get('metric', 'on_time_delivery')}     # {c['metric']} {' | '.join(METRICS)}")
        lines.append(f"window_days: {pre.get('window_days', 30)}              # {c['window_days']}")
        lines.append(f'# metric_name: ""            # {c["other_text"]}')
    elif case_type == "support_request":
        lines.append(f"topic: {pre.get('topic', 'payout')}                # {c['topic']} {' | '.join(TOPICS)}")
        lines.append(f'# topic_text: ""             # {c["other_text"]}')
        lines.append(f'# payout_id: ""              # {c["payout_id"]}')
    return "\n".join(lines) + "\n"
