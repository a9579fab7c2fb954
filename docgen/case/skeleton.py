"""`docgen new`: a commented case-file skeleton, comments in the seller's language.

Every field a case needs is a blank marked «必填» / «must": "" for text, nothing after a
date key (a blank date is an exit-2 error naming its line), so a half-filled skeleton can
never build a letter by accident; dates are never pre-filled with today. Optional fields
are present but commented out (`# email: ""`): remove the `#` to use one. Closed values
are listed with their meaning, and each block says what Ozon expects of it."""
from __future__ import annotations

import datetime as dt

import shutil
import sys
from pathlib import Path

from docgen.case.model import CASE_TYPES, METRICS, TAKEDOWN_KINDS, TAKEDOWN_REASONS, TOPICS, WINDOWS

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


_EXTRA = {'zh': {'must': '必填',
        'optional': '可选，去掉行首 # 后填写',
        'head2': '# 填写所有标有「必填」的空白（"" 和空日期 YYYY-MM-DD）；可选字段去掉行首的 # 再填。然后运行：',
        'pick': '必填，从下列中选一个：',
        'pick_opt': '可选，从下列中选一个：',
        'name_latin2': '必填（公司名含中文时）：公司英文/拉丁名称，俄语信件中使用',
        'order_hold': '必填：被冻结货款的订单号 / 货件号（一个冻结一封信）',
        'order_list': '订单号 / 货件号：涉及的每个订单都要列出（每个订单一项）',
        'sku_list': 'SKU：被下架的每个商品都要列出（每个商品一项）',
        'period': '必填：指标周期（起止日期 YYYY-MM-DD），评级事实要写明覆盖的时间段',
        'fact_date': '必填：事实发生的日期 YYYY-MM-DD',
        'evidence2': '证据文件：Ozon 只接受 PDF / JPEG（PNG 也可），单个不超过 5 MB；路径相对于本文件',
        'support_items': '涉及的订单 / 商品（可选；付款或账户问题可不填）'},
 'en': {'must': 'must',
        'optional': 'optional: remove the # to use it',
        'head2': '# Fill in every blank marked "must" ("" and empty dates, YYYY-MM-DD); remove the # of an optional '
                 'field to use it. Then run:',
        'pick': 'must: one of',
        'pick_opt': 'optional: one of',
        'name_latin2': 'must when the name has Chinese characters: the company name in Latin letters (printed in the '
                       'Russian letter)',
        'order_hold': 'must: the order / posting whose payout is held (one hold per letter)',
        'order_list': 'order / posting number: list every order concerned (one item each)',
        'sku_list': 'SKU: list every product taken down (one item each)',
        'period': "must: the metric's period (from/to, YYYY-MM-DD): performance facts name the span they cover",
        'fact_date': 'must: the day it happened, YYYY-MM-DD',
        'evidence2': 'evidence files: Ozon takes PDF / JPEG (PNG too), at most 5 MB each; paths relative to this '
                     'file',
        'support_items': 'orders / products concerned (optional; a payout or account question needs none)'}}


for _lang, _texts in _EXTRA.items():
    _C[_lang].update(_texts)


def _command(filename: str) -> str:
    """The command that builds this file: `docgen build` when docgen is on PATH, else the
    path of this docgen (`.venv/bin/docgen`) as typed from the current folder."""
    if shutil.which("docgen"):
        return f"docgen build {filename}"
    exe = Path(sys.executable).parent / "docgen"
    try:
        shown = exe.relative_to(Path.cwd()).as_posix()
    except ValueError:
        shown = exe.as_posix()
    return f"{shown} build {filename}"


def _choices(field: str, values, lang: str) -> list[str]:
    from docgen.case.values import meaning

    out = []
    for v in values:
        m = meaning(field, str(v), lang)
        out.append(f"#     {v}" + (f" = {m}" if m else ""))
    return out


def _q(value) -> str:
    return _quoted(str(value)) if value not in (None, "") else '""'


def skeleton(case_type: str, lang: str = "zh", today: dt.date | None = None, prefill: dict | None = None,
             filename: str = "case.yaml") -> str:
    """`prefill` (from `docgen explain`): notice_date, notice_code, notice_text, orders, skus
    and case-type fields (reason, metric, window_days, topic, hold_reason). `today` is
    kept for callers; no date is pre-filled with it."""
    if case_type not in CASE_TYPES:
        raise ValueError(f"unknown case type {case_type!r}; choose one of: {', '.join(CASE_TYPES)}")
    if lang not in _C:
        raise ValueError(f"unknown language {lang!r}; choose zh or en")
    from docgen.case.values import meaning

    c = _C[lang]
    must, opt = c["must"], c["optional"]
    sep = "：" if lang == "zh" else ": "
    pre = prefill or {}
    name = meaning("case_type", case_type, lang)
    notice_date = pre["notice_date"].isoformat() if pre.get("notice_date") else ""
    L = [
        c["head"].split("。")[0].split(". Fill")[0].format(t=f"{case_type}: {name}" if name else case_type),
        c["head2"],
        f"#   {_command(filename)}",
        f"case_type: {case_type}",
        f"language: {lang}            # {c['language']}",
        f"target: ru              # {c['target']}",
        f"# letter_date:          # {opt}{sep}{c['letter_date']}",
        f"seller:                 # {c['seller']}",
        f'  name: ""              # {must}{sep}{c["name"]}',
        f'  name_latin: ""        # {c["name_latin2"]}',
        f'  shop_id: ""           # {must}{sep}{c["shop_id"]}',
        f'  # email: ""           # {opt}{sep}{c["email"]}',
        f'  # signatory: ""       # {opt}{sep}{c["signatory"]}',
        f"notice:                 # {c['notice']}",
        f"  date: {notice_date}" + " " * (16 - len(notice_date)) + f"# {must}{sep}{c['notice_date']} (YYYY-MM-DD)",
    ]
    if pre.get("notice_code"):
        L.append(f'  code: {_quoted(pre["notice_code"])}     # {c["code"]}')
    else:
        L.append(f'  # code: ""             # {opt}{sep}{c["code"]}')
    if pre.get("notice_text"):
        L += [f"  text: |-             # {c['text']}"] + _block(pre["notice_text"], "    ")
    else:
        L.append(f"  # text: |-            # {opt}{sep}{c['text']}")
    orders, skus = list(pre.get("orders") or []), list(pre.get("skus") or [])
    if case_type == "fund_hold":
        L += [f"items:                  # {c['fund_hold']}",
              f'  - order: {_q(orders[0] if orders else "")}           # {c["order_hold"]}',
              f'    # sku: ""           # {opt}{sep}{c["sku"]}',
              f'    # tracking: ""      # {opt}{sep}{c["tracking"]}',
              f'    # amount: ""        # {opt}{sep}{c["amount"]}']
    elif case_type == "support_request":
        L.append(f"# items:                # {c['support_items']}")
        for o in orders or [""]:
            L.append(f'#   - order: {_q(o)}')
    else:
        L.append(f"items:                  # {must}{sep}{c['items']}")
        rows = [(o, "") for o in orders] + [("", k) for k in skus] or [("", "")]
        for o, k in rows:
            if case_type == "listing_takedown":
                L.append(f'  - sku: {_q(k)}             # {must}{sep}{c["sku_list"]}')
                L.append(f'    order: {_q(o)}' if o else f'    # order: ""         # {opt}{sep}{c["order"]}')
            else:
                L.append(f'  - order: {_q(o)}           # {must}{sep}{c["order_list"]}')
                L.append(f'    sku: {_q(k)}' if k else f'    # sku: ""           # {opt}{sep}{c["sku"]}')
    L.append(f"facts:                  # {c['facts']}")
    if case_type == "performance_review":
        L += ["  - period:", f"      from:             # {c['period']}", "      to:"]
    else:
        L.append(f"  - date:               # {c['fact_date']}")
    L += [f'    text: ""            # {must}{sep}{c["fact_text"]}',
          f"    # text_ru: \"\"       # {opt}{sep}{c['text_ru']}",
          "    evidence: [E1]",
          f"evidence:               # {c['evidence2']}",
          "  - id: E1",
          f'    file: ""            # {must}{sep}{c["ev_file"]}',
          f'    description: ""     # {must}{sep}{c["ev_description"]}',
          f"    # date:             # {opt}{sep}{c['ev_date']}",
          f'request: ""             # {must}{sep}{c["request"]}',
          f"appeal_round: 1         # {c['appeal_round']}",
          f"# previous: {{ticket: \"\", date: , rejection: \"\"}}   # {opt}{sep}{c['previous']}",
          f'# rule: ""              # {opt}{sep}{c["rule"]}']

    def closed(field: str, values, required: bool, label: str) -> None:
        value = pre.get(field)
        head = c["pick"] if required else c["pick_opt"]
        if value is not None:
            L.append(f"{field}: {value}    # {label} {head}")
        elif required:
            L.append(f'{field}: ""    # {label} {head}')
        else:
            L.append(f'# {field}: ""    # {label} {head}')
        L.extend(_choices(field, values, lang))

    if case_type == "fund_hold":
        from docgen.case.holds import hold_table

        closed("hold_reason", tuple(hold_table().reasons), False, c["hold_reason"])
    elif case_type == "listing_takedown":
        closed("reason", TAKEDOWN_REASONS, True, c["reason"])
        L.append(f'# reason_text: ""            # {c["other_text"]}')
        L.append(f"# takedown_kind: fixed       # {opt}{sep}{c['takedown_kind']}")
    elif case_type == "performance_review":
        closed("metric", METRICS, True, c["metric"])
        L.append(f"window_days: {pre.get('window_days', 30)}              # {c['window_days']}")
        L.append(f'# metric_name: ""            # {c["other_text"]}')
    elif case_type == "support_request":
        closed("topic", TOPICS, True, c["topic"])
        L.append(f'# topic_text: ""             # {c["other_text"]}')
        L.append(f'# payout_id: ""              # {opt}{sep}{c["payout_id"]}')
    return "\n".join(L) + "\n"
