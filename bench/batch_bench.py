"""Batch benchmark: N generated cases (from the four samples, every ID made unique)
built by `docgen batch` with full QA (the real LanguageTool) and every output (PDF,
DOCX, bundle). Prints cases/minute cold and warm at 1 and N jobs, the peak RSS of
the whole process tree (20 cases vs N cases: memory must stay flat), and the share
of time per stage (one process, a sample of cases, stages timed in-process).

    .venv/bin/python bench/batch_bench.py [--cases 200] [--single 40] [--jobs N]

LT_URL=http://host:port uses a running LanguageTool server; otherwise one is started.
Generated cases live in bench/.data/batch/ (git-ignored)."""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DATA = ROOT / "bench" / ".data" / "batch"
IDS = re.compile(r"58213746-00\d\d-1|1184520937|RU741852963CN")


def generate(n: int) -> Path:
    """n case folders: the samples in turn, every order, SKU and tracking number unique."""
    dest = DATA / f"cases-{n}"
    if dest.is_dir() and len(list(dest.glob("*/case.yaml"))) == n:
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    samples = sorted(p for p in SAMPLES.iterdir() if (p / "case.yaml").is_file())
    for i in range(n):
        sample = samples[i % len(samples)]
        folder = dest / f"{i:04d}-{sample.name}"
        shutil.copytree(sample, folder, ignore=shutil.ignore_patterns("out"), copy_function=os.link)
        mapping: dict[str, str] = {}

        def new_id(m: re.Match) -> str:
            old = m.group()
            if old not in mapping:
                k = len(mapping)
                if old.startswith("RU"):
                    mapping[old] = f"RU7{i:05d}{k:03d}CN"
                elif "-" in old:
                    mapping[old] = f"5821{i:04d}-00{k:02d}-1"
                else:
                    mapping[old] = f"11{i:05d}{k:03d}"
            return mapping[old]

        # IDs made unique in the case file, in file names and in earlier rounds' manifests
        for path in sorted(folder.rglob("*"), key=lambda p: -len(p.parts)):
            if path.is_file() and path.suffix in (".yaml", ".json"):
                text = IDS.sub(new_id, path.read_text(encoding="utf-8"))
                path.unlink()  # a hard link: never write through it into the sample
                path.write_text(text, encoding="utf-8")
            if IDS.search(path.name):
                path.rename(path.with_name(IDS.sub(new_id, path.name)))
    return dest


def held_orders_csv(n: int) -> Path:
    """A CSV of n held orders (货件号, 物流单号, 金额, a dated fact each), a defaults file
    and an evidence folder with two files per order: the agency's everyday batch."""
    dest = DATA / f"holds-{n}"
    if (dest / "holds.csv").is_file():
        return dest / "holds.csv"
    shutil.rmtree(dest, ignore_errors=True)
    (dest / "evidence").mkdir(parents=True)
    ev = SAMPLES / "fund-hold" / "evidence"
    rows = ["货件号,物流单号,金额,冻结原因,事实1日期,事实1,Факт 1 (ru)"]
    for i in range(n):
        order, track, day = f"5822{i:04d}-0001-1", f"RU8{i:05d}000CN", 10 + i % 18
        os.link(ev / "A01_tracking_RU741852963CN.pdf", dest / "evidence" / f"A01_tracking_{order}.pdf")
        os.link(ev / "A02_seller-panel_RU741852963CN.png", dest / "evidence" / f"A02_seller-panel_{order}.png")
        rows.append(f"{order},{track},{1000 + i}.00 RUB,HOLD-012,2026-10-{day},2026年10月{day}日买家在提货点签收包裹。,"
                    f"{day}.10.2026 покупатель получил посылку в пункте выдачи заказов.")
    (dest / "holds.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (dest / "defaults.yaml").write_text(
        "case_type: fund_hold\nlanguage: zh\ntarget: ru\nletter_date: 2026-11-02\n"
        "seller:\n  name: 深圳市示例科技有限公司\n  name_latin: Shenzhen Example Technology Co., Ltd.\n"
        "  shop_id: \"123456789\"\n  signatory: Li Wei\nnotice:\n  date: 2026-10-28\n  code: HOLD-012\n"
        "facts:\n  - text: 卖家后台显示货件 {order} 状态为“已送达”，但金额 {amount} 的回款已被冻结。\n"
        "    text_ru: В личном кабинете продавца статус отправления {order} — «Доставлено», однако выплата на сумму "
        "{amount} удержана.\nrequest: 请求解除该订单的资金冻结。\nrequest_ru: Просим снять удержание средств по заказу.\n",
        encoding="utf-8")
    return dest / "holds.csv"


class TreeRSS:
    """Samples the RSS of this process's children (the docgen batch run and its workers)."""

    def __init__(self, pid: int):
        import psutil

        self.proc = psutil.Process(pid)
        self.peak_total = 0
        self.peak_one = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self.proc] + self.proc.children(recursive=True)
                rss = []
                for p in procs:
                    try:
                        if "java" not in p.name():
                            rss.append(p.memory_info().rss)
                    except psutil.Error:
                        pass
                self.peak_total = max(self.peak_total, sum(rss))
                self.peak_one = max(self.peak_one, max(rss, default=0))
            except psutil.Error:
                pass
            self._stop.wait(0.2)

    def stop(self) -> None:
        self._stop.set()
        self._t.join()


def run(source: Path, jobs: int, env: dict, label: str, extra: tuple[str, ...] = ()) -> dict:
    out = Path(tempfile.mkdtemp(prefix="batch-bench-out-"))
    cmd = [str(ROOT / ".venv" / "bin" / "docgen"), "batch", str(source), "-o", str(out), "--jobs", str(jobs), *extra]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    rss = TreeRSS(p.pid)
    stdout, _ = p.communicate()
    rss.stop()
    seconds = time.perf_counter() - t0
    built = len(list(out.glob("cases/*/out/manifest.json")))
    n = len(list(source.glob("*/case.yaml"))) if source.is_dir() else len(list(out.glob("cases/*/case.yaml")))
    for line in stdout.splitlines()[-2:]:
        print(f"    {line}")
    if p.returncode:  # what failed, from the report (kept until the next run)
        keep = DATA / "last-failed-run"
        shutil.rmtree(keep, ignore_errors=True)
        shutil.copytree(out, keep, ignore=shutil.ignore_patterns("cases"))
        print(f"    (report of this run kept in {keep})")
    shutil.rmtree(out, ignore_errors=True)
    row = {"label": label, "cases": n, "built": built, "jobs": jobs, "seconds": seconds,
           "per_min": n / seconds * 60, "rss_total_mb": rss.peak_total / 2**20, "rss_one_mb": rss.peak_one / 2**20,
           "exit": p.returncode}
    print(f"{label:<28} {n:>4} cases  {jobs} job(s)  {seconds:7.1f} s  {row['per_min']:6.1f} cases/min  "
          f"peak RSS {row['rss_total_mb']:6.0f} MB all processes, {row['rss_one_mb']:5.0f} MB largest  "
          f"(built {built}, exit {p.returncode})", flush=True)
    return row


def stages(source: Path, count: int) -> None:
    """Share of time per stage: `count` cases built in this process (one job), each
    stage timed from the pipeline's events (JobResult.stages)."""
    from docgen.batch import BatchOptions, run_batch

    sub = Path(tempfile.mkdtemp(prefix="batch-bench-stages-src-"))
    for case in sorted(source.glob("*/case.yaml"))[:count]:
        os.symlink(case.parent, sub / case.parent.name)
    out = Path(tempfile.mkdtemp(prefix="batch-bench-stages-"))
    try:
        batch = run_batch(sub, BatchOptions(outdir=out, jobs=1))
    finally:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(sub, ignore_errors=True)
    spent: dict[str, float] = defaultdict(float)
    built = [r for r in batch.results if r.status == "built"]
    for r in built:
        for name, s in r.stages.items():
            spent[name] += s
    total = sum(r.seconds for r in built) or 1.0
    spent["other (load, events)"] = max(0.0, total - sum(spent.values()))
    print(f"\nshare of time per stage ({len(built)} cases, one process, warm caches, {total / max(1, len(built)):.2f} s/case):")
    for name, s in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<28} {s / total:6.1%}  ({s / max(1, len(built)):.3f} s/case)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--single", type=int, default=40, help="cases for the 1-job run (the rate is per minute)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--small", type=int, default=20, help="cases of the run whose peak RSS is compared")
    ap.add_argument("--stage-cases", type=int, default=12)
    args = ap.parse_args()

    started = False
    if not os.environ.get("LT_URL"):  # a server of the bench's own, stopped at the end
        os.environ["DOCGEN_STATE_DIR"] = str(DATA / "lt-state")
    from docgen.qa import languagetool as lt

    env = dict(os.environ)
    if not env.get("LT_URL"):
        st = lt.start()
        started = True
        if not st.running:
            print(f"LanguageTool: {st.message}", file=sys.stderr)
            return 1
        env["LT_URL"] = st.url
    print(f"LanguageTool at {env['LT_URL']}; {os.cpu_count()} cores; docgen batch --jobs {args.jobs}", flush=True)
    big, small, single = generate(args.cases), generate(args.small), generate(args.single)
    cache = Path(tempfile.mkdtemp(prefix="batch-bench-cache-"))
    env["DOCGEN_CACHE_DIR"] = str(cache)  # cold: empty segment and grammar caches
    try:
        rows = [run(big, args.jobs, env, "cold (empty caches)"),
                run(big, args.jobs, env, "warm"),
                run(single, 1, env, "warm, one job"),
                run(small, args.jobs, env, f"warm, {args.small} cases")]
        holds = held_orders_csv(50)
        rows.append(run(holds, args.jobs, env, "CSV of 50 held orders",
                        ("--defaults", str(holds.parent / "defaults.yaml"))))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    warm_n, warm_20 = rows[1], rows[3]
    print(f"\nspeed-up {args.jobs} jobs vs 1: {warm_n['per_min'] / rows[2]['per_min']:.2f}x; "
          f"peak RSS {args.cases} vs {args.small} cases: {warm_n['rss_total_mb'] / warm_20['rss_total_mb']:.2f}x "
          f"(largest process {warm_n['rss_one_mb'] / warm_20['rss_one_mb']:.2f}x)")
    os.environ.update({"LT_URL": env["LT_URL"]})
    try:
        stages(small, args.stage_cases)
    finally:
        if started:
            os.environ.pop("LT_URL")
            lt.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
