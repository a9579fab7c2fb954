"""docgen batch: spreadsheets (CSV, xlsx written by openpyxl) and saved Seller API JSON
into case folders, the grouping rules, refused rows, the parallel run, the report.
Builds are real (LanguageTool, PDF, DOCX); only few cases are built to stay quick."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml

from docgen.batch import BatchOptions, plan_batch, run_batch
from docgen.case.loader import load_case
from docgen.case.model import CASE_TYPES
from docgen.cli import main
from tests.conftest import SAMPLES, pdf_text

DATA = Path(__file__).parent / "data" / "batch"
HOLD_EV = SAMPLES / "fund-hold" / "evidence"
DEFAULTS = {
    "case_type": "fund_hold", "language": "zh", "target": "ru", "letter_date": "2026-11-02",
    "seller": {"name": "深圳市示例科技有限公司", "name_latin": "Shenzhen Example Technology Co., Ltd.",
               "shop_id": "123456789", "signatory": "Li Wei"},
    "notice": {"date": "2026-10-28", "code": "HOLD-012"},
    "facts": [{"text": "卖家后台显示货件 {order} 状态为“已送达”，但金额 {amount} 的回款已被冻结。",
               "text_ru": "В личном кабинете продавца статус отправления {order} — «Доставлено», однако выплата "
                          "на сумму {amount} удержана."}],
    "request": "请求解除该订单的资金冻结。", "request_ru": "Просим снять удержание средств по заказу.",
}
HEADER = ["货件号", "物流单号", "金额", "事实1日期", "事实1", "Факт 1 (ru)", "evidence"]


def _evidence(folder: Path, orders: list[str]) -> Path:
    ev = folder / "evidence"
    ev.mkdir(parents=True, exist_ok=True)
    for o in orders:
        shutil.copy(HOLD_EV / "A01_tracking_RU741852963CN.pdf", ev / f"A01_tracking_{o}.pdf")
        shutil.copy(HOLD_EV / "A02_seller-panel_RU741852963CN.png", ev / f"A02_seller-panel_{o}.png")
    return ev


def _defaults(folder: Path, **extra) -> Path:
    path = folder / "defaults.yaml"
    path.write_text(yaml.safe_dump({**DEFAULTS, **extra}, allow_unicode=True), encoding="utf-8")
    return path


def _row(order: str, day: int, amount: str = "3480.00 RUB", evidence: str = "") -> list[str]:
    return [order, f"RU7418529{day:02d}CN", amount, f"2026-10-{day}", f"2026年10月{day}日买家在提货点签收包裹。",
            f"{day}.10.2026 покупатель получил посылку в пункте выдачи заказов.", evidence]


@pytest.fixture(scope="module")
def csv_batch(tmp_path_factory, languagetool):
    """A CSV of 5 held orders, 3 of them bad, built once (2 workers) for the tests below."""
    base = tmp_path_factory.mktemp("csv-batch")
    _evidence(base, ["58213741-0017-1", "58213742-0017-1"])
    rows = [HEADER, _row("58213741-0017-1", 24),
            _row("", 25),  # row 3: no order
            _row("58213742-0017-1", 26),
            _row("58213743-0017-1", 27, evidence="A09_missing_*.pdf"),  # row 5: no such file
            _row("58213744-0017-1", 28)]
    rows[5][3] = "31.02.2026"  # row 6: not a date
    with open(base / "holds.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    defaults = _defaults(base)
    batch = run_batch(base / "holds.csv", BatchOptions(defaults=defaults, jobs=2, bundle=False))
    return base, batch


def test_csv_with_three_bad_rows_builds_the_others_and_names_them(csv_batch):
    base, batch = csv_batch
    assert batch.exit_code == 2
    assert sorted(r.id for r in batch.results) == ["hold-58213741-0017-1", "hold-58213742-0017-1"]
    assert all(r.status == "built" for r in batch.results), [r.problems for r in batch.results]
    where = sorted((p.where.row, p.where.column, p.field) for p in batch.problems)
    assert where == [(3, "货件号", "items[0].order"), (5, "evidence", "evidence"),
                     (6, "事实1日期", "facts[0].date")]
    bad_date = next(p for p in batch.problems if p.where.row == 6)
    assert "is not a date: write it as YYYY-MM-DD" in bad_date.message  # the loader's own words (a code)
    assert "A09_missing_*.pdf" in next(p for p in batch.problems if p.where.row == 5).message
    # nothing half-written for refused rows
    assert sorted(p.name for p in (batch.outdir / "cases").iterdir()) == [
        "hold-58213741-0017-1", "hold-58213742-0017-1"]


def test_generated_case_is_editable_and_builds_alone(csv_batch):
    base, batch = csv_batch
    case_dir = batch.outdir / "cases" / "hold-58213742-0017-1"
    case = load_case(case_dir / "case.yaml").case
    assert [i.order for i in case.items] == ["58213742-0017-1"]
    assert case.items[0].tracking == "RU741852926CN" and case.notice.code == "HOLD-012"
    assert [e.file for e in case.evidence] == ["evidence/A01_tracking_58213742-0017-1.pdf",
                                                "evidence/A02_seller-panel_58213742-0017-1.png"]
    assert case.evidence[0].description_ru == "Скриншот трекинга с сайта перевозчика"  # evidence_kinds.yaml
    # the defaults' fact filled with this row's values, its own fact first
    assert case.facts[0].text_ru.startswith("26.10.2026 покупатель")
    assert "58213742-0017-1" in case.facts[1].text_ru and "3480.00 RUB" in case.facts[1].text_ru
    text = pdf_text(case_dir / "out" / "submit" / "letter.ru.pdf")
    assert "58213742-0017-1" in text and "Приложение 2" in text
    assert "58213741" not in text  # one order per letter


def test_report_lists_cases_and_refused_rows(csv_batch):
    base, batch = csv_batch
    wb = openpyxl.load_workbook(batch.outdir / "batch-report.xlsx")
    cases = list(wb["Cases"].iter_rows(values_only=True))
    assert cases[0][:4] == ("case", "type", "orders / SKUs", "status")
    assert {(r[0], r[2], r[3], r[4]) for r in cases[1:]} == {
        ("hold-58213741-0017-1", "58213741-0017-1", "built", "draft"),
        ("hold-58213742-0017-1", "58213742-0017-1", "built", "draft")}
    assert all(r[9].startswith("cases/") and r[9].endswith("/out/submit") for r in cases[1:])
    refused = list(wb["Refused rows"].iter_rows(values_only=True))[1:]
    assert sorted((r[0], r[2], r[3]) for r in refused) == [("holds.csv", 3, "货件号"), ("holds.csv", 5, "evidence"),
                                                           ("holds.csv", 6, "事实1日期")]
    page = (batch.outdir / "batch-report.html").read_text(encoding="utf-8")
    assert "hold-58213741-0017-1" in page and "事实1日期" in page and "3 refused row(s)" in page


def test_only_changed_skips_unchanged_cases_and_rebuilds_changed(csv_batch):
    base, batch = csv_batch
    fixed = base / "fixed.csv"
    rows = list(csv.reader(open(base / "holds.csv", encoding="utf-8")))
    with open(fixed, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([rows[0], rows[1], rows[3]])
    ev = base / "evidence" / "A02_seller-panel_58213742-0017-1.png"
    ev.write_bytes(ev.read_bytes())  # same bytes: still unchanged
    shutil.copy(HOLD_EV / "A01_tracking_RU741852963CN.pdf", base / "evidence" / "A03_tracking_58213741-0017-1.pdf")
    opts = BatchOptions(outdir=batch.outdir, defaults=base / "defaults.yaml", jobs=1, bundle=False, only_changed=True)
    again = run_batch(fixed, opts)
    status = {r.id: r.status for r in again.results}
    assert status == {"hold-58213741-0017-1": "built", "hold-58213742-0017-1": "unchanged"}
    assert again.exit_code == 0
    kept = next(r for r in again.results if r.id == "hold-58213742-0017-1")
    assert kept.state == "draft" and kept.summary["error"] == 0


def test_xlsx_headers_in_three_languages_and_grouping_rules(tmp_path):
    ev = _evidence(tmp_path, ["58213746-0021-1"])
    shutil.copy(SAMPLES / "listing-takedown" / "evidence" / "EAC_1184520937_2026.pdf", ev)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Удержания"
    ws.append(["Номер отправления", "Трек-номер", "Сумма", "Тип", "Факт", "Факт ru", "冻结原因"])
    ws.append(["58213746-0017-1; 58213746-0018-1", "RU1", "10.00 RUB", "资金冻结", "买家已签收。",
               "Покупатель получил посылку.", "HOLD-012"])  # one held-order row listing two orders → two cases
    ws2 = wb.create_sheet("Takedowns")
    ws2.append(["SKU", "Артикул", "下架原因", "case type", "fact"])
    ws2.append([1184520937, "EX-65C-WHT", "Нет сертификата соответствия", "listing_takedown", "已取得证书。"])
    ws2.append([1184520937, "EX-65C-WHT", "缺少EAC证书", "listing_takedown", "包装已印 EAC 标志。"])
    ws2.append([1184520940, "EX-CBL", "Фото нарушает авторские права", "listing_takedown", "图片为自有版权。"])
    ws3 = wb.create_sheet("Rating")
    ws3.append(["posting number", "metric", "window", "notice code", "notice date", "type", "事实", "Fact date"])
    for n in (21, 22, 23):
        ws3.append([f"58213746-00{n}-1", "准时发货率", 30, "RATING-OTD-30", "2026-10-31", "performance_review",
                    f"货件 58213746-00{n}-1 按时交付承运商。", "2026-10-01"])
    ws4 = wb.create_sheet("#notes")  # a sheet starting with # is not read
    ws4.append(["anything", "at all"])
    src = tmp_path / "mixed.xlsx"
    wb.save(src)
    defaults = _defaults(tmp_path, facts=[], case_type="support_request")
    plan = plan_batch(src, tmp_path / "out", defaults)
    assert not plan.problems, [str(p) for p in plan.problems]
    cases = {j.id: load_case(j.case_path).case for j in plan.jobs}
    assert sorted(cases) == ["hold-58213746-0017-1", "hold-58213746-0018-1", "perf-on_time_delivery-RATING-OTD-30",
                             "sku-1184520937", "sku-1184520940"]
    for cid in ("hold-58213746-0017-1", "hold-58213746-0018-1"):  # fund_hold: exactly one order each
        assert [i.order for i in cases[cid].items] == [cid[5:]] and cases[cid].hold_reason == "HOLD-012"
    sku = cases["sku-1184520937"]  # listing_takedown: one case per SKU, rows merged
    assert [i.sku for i in sku.items] == ["1184520937"] and sku.reason == "certificate_missing"
    assert [f.text for f in sku.facts] == ["已取得证书。", "包装已印 EAC 标志。"]
    assert [e.file for e in sku.evidence] == ["evidence/EAC_1184520937_2026.pdf"]  # found by SKU in the name
    assert cases["sku-1184520940"].reason == "image_rights"
    perf = cases["perf-on_time_delivery-RATING-OTD-30"]  # one case per metric + notice, every order
    assert [i.order for i in perf.items] == ["58213746-0021-1", "58213746-0022-1", "58213746-0023-1"]
    assert perf.metric == "on_time_delivery" and perf.window_days == 30
    assert [e.file for e in perf.evidence] == ["evidence/A01_tracking_58213746-0021-1.pdf",
                                               "evidence/A02_seller-panel_58213746-0021-1.png"]


def test_unknown_column_is_named(tmp_path):
    src = tmp_path / "rows.csv"
    src.write_text("order,amount,Ordr date\n58213746-0017-1,1.00 RUB,2026-10-01\n", encoding="utf-8")
    plan = plan_batch(src, tmp_path / "out", _defaults(tmp_path))
    assert [(p.where.row, p.where.column) for p in plan.problems] == [(1, "Ordr date")]
    assert "unknown column" in plan.problems[0].message


def test_seller_api_posting_list_gives_one_fund_hold_case_per_posting(tmp_path):
    _evidence(tmp_path, ["58213746-0031-1"])
    src = tmp_path / "postings.json"
    shutil.copy(DATA / "fbs-posting-list.json", src)
    defaults = _defaults(tmp_path, facts=[{
        "text": "货件 {order} 于 {delivering_date} 签收，物流单号 {tracking}。",
        "text_ru": "Отправление {order} получено покупателем {delivering_date}, трек-номер {tracking}."}])
    plan = plan_batch(src, tmp_path / "out", defaults)
    assert not plan.problems, [str(p) for p in plan.problems]
    cases = {j.id: load_case(j.case_path).case for j in plan.jobs}
    assert sorted(cases) == ["hold-58213746-0031-1", "hold-58213746-0032-1"]
    one = cases["hold-58213746-0031-1"]
    assert (one.items[0].order, one.items[0].tracking, one.items[0].sku, one.items[0].amount) == (
        "58213746-0031-1", "RU741852971CN", "1184520937", "3480.00 RUB")
    assert one.facts[0].text == "货件 58213746-0031-1 于 2026年10月24日 签收，物流单号 RU741852971CN。"
    assert one.facts[0].text_ru == "Отправление 58213746-0031-1 получено покупателем 24.10.2026, трек-номер RU741852971CN."
    assert len(one.evidence) == 2 and cases["hold-58213746-0032-1"].evidence == []
    two = cases["hold-58213746-0032-1"].items[0]
    assert two.sku is None and two.amount == "3480.00 RUB"  # two products: 2 × 990 + 1500


def test_seller_api_posting_list_as_one_performance_case(tmp_path):
    src = tmp_path / "postings.json"
    shutil.copy(DATA / "fbs-posting-list.json", src)
    defaults = _defaults(tmp_path, case_type="performance_review", metric="on_time_delivery", window_days=30,
                         notice={"date": "2026-10-31", "code": "RATING-OTD-30"},
                         facts=[{"text": "{order_count} 个货件因承运商停收延迟交接。"}])
    plan = plan_batch(src, tmp_path / "out", defaults)
    assert not plan.problems, [str(p) for p in plan.problems]
    [job] = plan.jobs
    case = load_case(job.case_path).case
    assert [i.order for i in case.items] == ["58213746-0031-1", "58213746-0032-1"]
    assert case.facts[0].text == "2 个货件因承运商停收延迟交接。"


def test_seller_api_product_list_takedowns_and_root_causes(tmp_path, languagetool):
    src = tmp_path / "products.json"
    shutil.copy(DATA / "product-info-list.json", src)
    defaults = _defaults(tmp_path, case_type="listing_takedown", facts=[], notice={"date": "2026-10-12"},
                         request="请恢复该商品的销售。", request_ru="Просим восстановить товар в продаже.")
    batch = run_batch(src, BatchOptions(defaults=defaults, jobs=1, bundle=False))
    assert batch.exit_code == 0, [str(p) for p in batch.problems] + [r.problems for r in batch.results]
    assert [r.id for r in batch.results] == ["sku-1184520937", "sku-1184520940", "sku-1184520951"]
    assert batch.skipped and "1184520962" in str(batch.skipped[0])  # available: no letter
    case = load_case(batch.outdir / "cases" / "sku-1184520940" / "case.yaml").case
    assert case.reason == "image_rights"
    assert case.facts[0].text_ru == ("Товар SKU 1184520940 скрыт от покупателей; причина, указанная площадкой: "
                                     "«Изображение нарушает права правообладателя».")
    text = pdf_text(batch.outdir / "cases" / "sku-1184520940" / "out" / "submit" / "letter.ru.pdf")
    assert "Изображение нарушает права правообладателя" in text
    causes = list(openpyxl.load_workbook(batch.outdir / "batch-report.xlsx")["Root causes"].iter_rows(values_only=True))
    assert [(r[0], r[1]) for r in causes[1:]] == [("certificate_missing", 2), ("image_rights", 1)]
    assert "EAC" in causes[1][4] and "1184520937, 1184520951" == causes[1][6]


def test_cli_folder_of_cases_with_strict_and_plain_progress(tmp_path, capsys, languagetool):
    src = tmp_path / "cases"
    for name in ("a", "b"):
        shutil.copytree(SAMPLES / "fund-hold", src / name, ignore=shutil.ignore_patterns("out"))
    case = src / "b" / "case.yaml"  # drop a human translation: an `untranslated` error remains
    case.write_text(case.read_text(encoding="utf-8").replace("request_ru:", "# request_ru:"), encoding="utf-8")
    code = main(["batch", str(src), "-o", str(tmp_path / "out"), "--jobs", "1", "--strict", "--no-bundle",
                 "--format", "pdf"])
    out = capsys.readouterr()
    assert code == 3
    assert "[1/2] built a" in out.err and "[2/2] built b" in out.err  # plain lines when not a terminal
    assert "2 built, 0 unchanged, 0 failed" in out.out
    assert (tmp_path / "out" / "cases" / "a" / "out" / "submit" / "letter.ru.pdf").is_file()
    assert not (tmp_path / "out" / "cases" / "a" / "out" / "submit" / "letter.ru.docx").exists()  # --format pdf
    rows = list(openpyxl.load_workbook(tmp_path / "out" / "batch-report.xlsx")["Cases"].iter_rows(values_only=True))
    assert [(r[0], r[5], r[7]) for r in rows[1:]] == [("a", 0, None), ("b", 1, "untranslated 1")]


def test_cli_unknown_format_is_bad_input_before_any_case(tmp_path, capsys):
    src = tmp_path / "rows.csv"
    src.write_text("order\n58213746-0017-1\n", encoding="utf-8")
    assert main(["batch", str(src), "--format", "odt"]) == 2
    assert "--format: unknown output format 'odt'; known: docx, pdf" in capsys.readouterr().err
    assert not (tmp_path / "rows-batch").exists()


def test_cli_bad_defaults_is_bad_input(tmp_path, capsys):
    src = tmp_path / "rows.csv"
    src.write_text("order\n58213746-0017-1\n", encoding="utf-8")
    bad = tmp_path / "defaults.yaml"
    bad.write_text("case_type: fund_hold\nsellr: {}\n", encoding="utf-8")
    assert main(["batch", str(src), "--defaults", str(bad)]) == 2
    assert "defaults.yaml:2: sellr: unknown field" in capsys.readouterr().err
    assert not (tmp_path / "rows-batch").exists()


def test_dask_executor_on_a_local_cluster(tmp_path, languagetool):
    """The per-case builds on Dask distributed: a real LocalCluster (one worker process)."""
    src = tmp_path / "cases"
    shutil.copytree(SAMPLES / "fund-hold", src / "fund-hold", ignore=shutil.ignore_patterns("out"))
    batch = run_batch(src, BatchOptions(outdir=tmp_path / "out", executor="dask", jobs=1, bundle=False))
    [r] = batch.results
    assert (r.id, r.status, r.state) == ("fund-hold", "built", "draft"), r.problems
    import os

    assert r.worker != os.getpid()  # built in the cluster's worker process, not here
    assert "58213746-0017-1" in pdf_text(tmp_path / "out" / "cases" / "fund-hold" / "out" / "submit" / "letter.ru.pdf")


def test_a_case_edited_by_hand_is_kept_and_an_unchanged_one_untouched(tmp_path):
    src = tmp_path / "postings.json"
    shutil.copy(DATA / "fbs-posting-list.json", src)
    defaults = _defaults(tmp_path, facts=[{"text": "货件 {order} 已签收。"}])
    first = {j.id: Path(j.case_path) for j in plan_batch(src, tmp_path / "out", defaults).jobs}
    edited, same = first["hold-58213746-0031-1"], first["hold-58213746-0032-1"]
    edited.write_text(edited.read_text(encoding="utf-8").replace("已签收。", "已于10月24日签收。"), encoding="utf-8")
    stamp = same.stat().st_mtime_ns
    again = {j.id: j for j in plan_batch(src, tmp_path / "out", defaults).jobs}
    assert "edited by hand" in again["hold-58213746-0031-1"].note
    assert "已于10月24日签收。" in edited.read_text(encoding="utf-8")
    assert again["hold-58213746-0032-1"].note is None and same.stat().st_mtime_ns == stamp


def test_cli_scheduler_without_dask_is_bad_input(tmp_path, capsys):
    """--scheduler without --executor dask: exit 2 with the message, not an internal error."""
    src = tmp_path / "rows.csv"
    src.write_text("order\n58213746-0017-1\n", encoding="utf-8")
    assert main(["batch", str(src), "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    err = capsys.readouterr().err
    assert f"{src}: --scheduler: only applies to --executor dask" in err and "internal error" not in err
    assert not (tmp_path / "rows-batch").exists()


# -- in the UI language (--ui zh / DOCGEN_UI): messages, progress, summary and the report --------------------


@pytest.fixture
def _english_after():
    from docgen import i18n

    yield
    i18n.set_language("en")


def test_cli_refused_rows_and_report_in_chinese_and_english(tmp_path, capsys, _english_after):
    """Only bad rows: nothing is built (quick), the refusals and the report speak the UI language."""
    src = tmp_path / "holds.csv"
    with open(src, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER + ["类型"], _row("", 25) + ["资金冻结"], _row("58213743-0017-1", 27) + ["退货"]])
    defaults = _defaults(tmp_path, case_type=None)
    assert main(["batch", str(src), "--defaults", str(defaults), "-o", str(tmp_path / "zh"), "--ui", "zh"]) == 2
    out = capsys.readouterr()
    assert f"docgen: 未处理：{src} 第 2 行「货件号」列: items[0].order: 资金冻结（fund_hold）的行必须填订单号" in out.err
    assert f"docgen: 未处理：{src} 第 3 行「类型」列: case_type: 未知的案件类型「退货」（可选：{'、'.join(CASE_TYPES)}）" \
        in out.err
    assert "docgen: 批量处理：已生成 0 个，无变化 0 个，失败 0 个，未处理 2 行" in out.out
    shown = (out.err + out.out).replace(str(tmp_path), "")
    assert "docgen: 报告：" in out.out and not {"row", "column", "refused", "built", "report"} & set(shown.split())
    wb = openpyxl.load_workbook(tmp_path / "zh" / "batch-report.xlsx")
    assert wb.sheetnames == ["案件", "未处理的行"]
    assert next(wb["案件"].iter_rows(values_only=True))[:5] == ("案件", "类型", "订单 / SKU", "处理结果", "审校状态")
    refused = list(wb["未处理的行"].iter_rows(values_only=True))
    assert refused[0] == ("文件", "工作表", "行", "列", "字段", "问题", "案件")
    assert refused[1][:5] == ("holds.csv", None, 2, "货件号", "items[0].order")  # machine values as they are
    assert refused[1][5].startswith("资金冻结（fund_hold）的行必须填订单号")
    page = (tmp_path / "zh" / "batch-report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and "<h1>docgen 批量处理报告</h1>" in page and "<h2>未处理的行</h2>" in page
    assert "共 0 个案件" in page and "未处理 2 行" in page

    assert main(["batch", str(src), "--defaults", str(defaults), "-o", str(tmp_path / "en"), "--ui", "en"]) == 2
    err = capsys.readouterr().err
    assert f"docgen: refused: {src} row 2 column «货件号»: items[0].order: a fund_hold row needs an order" in err
    wb = openpyxl.load_workbook(tmp_path / "en" / "batch-report.xlsx")
    assert wb.sheetnames == ["Cases", "Refused rows"]
    refused = list(wb["Refused rows"].iter_rows(values_only=True))
    assert refused[0] == ("file", "sheet", "row", "column", "field", "message", "case")
    assert refused[2][5] == f"unknown case type «退货» (one of {', '.join(CASE_TYPES)})"


def test_report_in_chinese_with_status_words_and_machine_values(csv_batch, tmp_path):
    """The built batch's report written in zh: status/state words and headers in Chinese,
    ids, check names and paths as they are; a loader refusal in the loader's Chinese."""
    import dataclasses

    from docgen.batch.report import write_reports
    from docgen.i18n import render

    base, batch = csv_batch
    xlsx, page = write_reports(dataclasses.replace(batch, outdir=tmp_path), "zh")
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["案件", "未处理的行"]
    cases = list(wb["案件"].iter_rows(values_only=True))
    assert cases[0] == ("案件", "类型", "订单 / SKU", "处理结果", "审校状态", "错误", "警告", "错误（按检查项）",
                        "警告（按检查项）", "提交给 Ozon 的文件夹", "备注")
    assert {r[:5] for r in cases[1:]} == {
        ("hold-58213741-0017-1", "fund_hold", "58213741-0017-1", "已生成", "草稿"),
        ("hold-58213742-0017-1", "fund_hold", "58213742-0017-1", "已生成", "草稿")}
    assert all(r[9].endswith("/out/submit") for r in cases[1:])
    refused = {r[2]: r[5] for r in list(wb["未处理的行"].iter_rows(values_only=True))[1:]}
    assert refused[5].endswith("里没有与「A09_missing_*.pdf」匹配的文件")
    assert refused[3].startswith("资金冻结（fund_hold）的行必须填订单号")
    bad_date = next(p for p in batch.problems if p.where.row == 6).message
    assert bad_date.code == "case.not-a-date" and refused[6] == render(bad_date, "zh")  # the loader's message
    assert "不是有效日期" in refused[6]
    text = page.read_text(encoding="utf-8")
    assert "<h2>案件</h2>" in text and "共 2 个案件：已生成 2 个" in text and '<tr class="built">' in text



def test_progress_bar_and_plain_lines_in_chinese(_english_after):
    """The rich bar (a stream that says it is a terminal) and the plain lines, in zh; a case id
    is shown as it is, never read as rich markup."""
    import io
    import re

    from docgen import i18n
    from docgen.batch.run import JobResult, Progress
    from docgen.errors import Problem
    from docgen.i18n import msg

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    i18n.set_language("zh")
    term, piped = Terminal(), io.StringIO()
    for stream in (term, piped):
        bar = Progress(2, stream)
        bar.update(JobResult("hold-[bold]1", "fund_hold", ["1"], "failed", "/x",
                             problems=[Problem("case.yaml", "seller", msg("case.field-missing"), 3)]))
        bar.update(JobResult("hold-2", "fund_hold", ["2"], "built", "/x", summary={"error": 0, "warning": 1}))
        bar.close()
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", term.getvalue())
    assert "失败：1" in shown and "失败 hold-[bold]1: case.yaml:3: seller: 缺少必填字段" in shown
    lines = piped.getvalue().splitlines()
    assert lines[0].startswith("docgen: [1/2] 失败 hold-[bold]1：case.yaml:3: seller: 缺少必填字段（已失败 1 个，预计还需")
    assert lines[1].startswith("docgen: [2/2] 已生成 hold-2：0 个错误，1 个警告（已失败 1 个")


def test_only_changed_rebuilds_a_case_built_without_the_bundle(fund_hold_case):
    """`--only-changed` after a `--no-bundle` run: the same inputs, but the earlier build
    wrote less than this run would (no bundle), so the case is not "unchanged"."""
    from docgen import BuildOptions, build
    from docgen.batch.run import _inputs_unchanged

    out = fund_hold_case.parent / "out"
    build(fund_hold_case, BuildOptions(outdir=out, bundle=False, languagetool=False))
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["options"] == \
        {"bundle": False, "formats": ["docx", "pdf"], "pdfa": False}
    assert _inputs_unchanged(fund_hold_case, out, bundle=False) == "draft"
    assert _inputs_unchanged(fund_hold_case, out, bundle=True) is None
    assert _inputs_unchanged(fund_hold_case, out, bundle=False, formats=("pdf",)) is None  # `batch --format pdf`
