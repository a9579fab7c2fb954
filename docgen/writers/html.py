"""qa.html: the findings readable in a browser, grouped by severity, headed in the
seller's language and English. Every value is escaped; no script, no external resource."""
from __future__ import annotations

from html import escape

_HEAD = {
    "title": {"zh": "质量检查结果", "en": "QA findings", "ru": "Результаты проверки"},
    "error": {"zh": "错误（发送前必须修正）", "en": "Errors (fix before sending)", "ru": "Ошибки (исправить до отправки)"},
    "warning": {"zh": "警告（请核对）", "en": "Warnings (check)", "ru": "Предупреждения (проверить)"},
    "info": {"zh": "提示", "en": "Notes", "ru": "Примечания"},
    "none": {"zh": "无", "en": "none", "ru": "нет"},
    "check": {"zh": "检查", "en": "check", "ru": "проверка"},
    "where": {"zh": "位置", "en": "where", "ru": "где"},
    "message": {"zh": "说明", "en": "message", "ru": "сообщение"},
}
_COLOURS = {"error": "#b00020", "warning": "#8a5a00", "info": "#30507a"}


def _both(key: str, lang: str) -> str:
    words = _HEAD[key]
    first = words.get(lang, words["en"])
    return first if lang == "en" else f"{first} · {words['en']}"


def qa_html(qa: dict, lang: str, title: str = "") -> bytes:
    """`qa`: qa.json's content; `lang`: the seller's language."""
    findings = qa.get("findings", [])
    out = ["<!DOCTYPE html>", f'<html lang="{escape(lang)}"><head><meta charset="utf-8">',
           f"<title>{escape(_both('title', lang))}{' — ' + escape(title) if title else ''}</title>",
           "<style>body{font-family:'Noto Sans','Noto Sans CJK SC',sans-serif;margin:2em;max-width:70em}"
           "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3em .5em;"
           "text-align:left;vertical-align:top}th{background:#f3f3f3}</style></head><body>",
           f"<h1>{escape(_both('title', lang))}</h1>"]
    if title:
        out.append(f"<p>{escape(title)}</p>")
    summary = qa.get("summary", {})
    out.append("<p>" + " · ".join(f"{escape(_both(sev, lang))}: {int(summary.get(sev, 0))}"
                                  for sev in ("error", "warning", "info")) + "</p>")
    for sev in ("error", "warning", "info"):
        rows = [f for f in findings if f.get("severity") == sev]
        out.append(f'<h2 style="color:{_COLOURS[sev]}">{escape(_both(sev, lang))} ({len(rows)})</h2>')
        if not rows:
            out.append(f"<p>{escape(_both('none', lang))}</p>")
            continue
        out.append(f"<table><tr><th>{escape(_both('check', lang))}</th><th>{escape(_both('where', lang))}</th>"
                   f"<th>{escape(_both('message', lang))}</th></tr>")
        for f in rows:
            english = str(f.get("message", ""))
            own = str((f.get("messages") or {}).get(lang) or english)
            text = escape(own) + (f"<br><small>{escape(english)}</small>" if own != english else "")
            out.append(f"<tr><td><code>{escape(str(f.get('check', '')))}</code></td>"
                       f"<td>{escape(str(f.get('where', '')))}</td><td>{text}</td></tr>")
        out.append("</table>")
    out.append("</body></html>")
    return ("\n".join(out) + "\n").encode("utf-8")
