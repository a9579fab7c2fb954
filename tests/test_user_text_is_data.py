"""Text from a case is data: template syntax and markup appear literally everywhere."""
from __future__ import annotations

import json

import yaml

from docgen import BuildOptions, build
from tests.conftest import docx_text, pdf_text

NASTY_FACT = "{{ 7*7 }} <script>alert(1)</script> {% for x in [1] %}loop{% endfor %} & \"q\""
NASTY_SHOP_REF = 'A"}</style><b>x'


def test_template_syntax_and_markup_stay_literal(fund_hold_case):
    data = yaml.safe_load(fund_hold_case.read_text(encoding="utf-8"))
    data["facts"][0]["text_ru"] = NASTY_FACT
    data["facts"][0]["text"] = NASTY_FACT
    data["reference"] = NASTY_SHOP_REF
    fund_hold_case.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    r = build(fund_hold_case, BuildOptions(bundle=False))  # the letters (DOCX, PDF) and the manifest are read
    for name in ("submit/letter.ru", "seller/letter.zh"):
        for text in (docx_text(r.outdir / f"{name}.docx"), pdf_text(r.outdir / f"{name}.pdf")):
            flat = " ".join(text.split())
            assert "{{ 7*7 }}" in flat and "49" not in flat.replace("58213746", "")
            assert "<script>alert(1)</script>" in flat
            assert "{% for x in [1] %}loop{% endfor %}" in flat
    # the running header carries the reference into CSS: it must come out unchanged
    assert NASTY_SHOP_REF in pdf_text(r.outdir / "submit/letter.ru.pdf")
    segs = json.loads((r.outdir / "manifest.json").read_text(encoding="utf-8"))
    assert segs["segments"]["fact.1"]["origin"] == "seller"
