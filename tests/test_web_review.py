"""`docgen review serve`: the translator's page, in a real browser (Debian's chromium
driven by Selenium through chromium-driver) and through Flask's test client."""
from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from docgen import BuildOptions, build
from docgen.web.app import create_app
from tests.conftest import pdf_text

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
FACT3 = "В личном кабинете продавца статус отправления — «Доставлено», однако выплата на сумму 3480.00 RUB удержана."
FACT3_BROKEN = FACT3.replace("3480.00", "3408.00")
FACT3_FIXED = FACT3.replace("однако", "при этом")
GREETING = "Уважаемая служба поддержки продавцов!"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A fund-hold letter built once; each test works on its own copy of the output."""
    from tests.conftest import copy_sample

    base = tmp_path_factory.mktemp("web")
    case = copy_sample("fund-hold", base)
    build(case, BuildOptions(languagetool=False, formats=("pdf",), bundle=False))  # the page serves letter.ru.pdf
    return case.parent


@pytest.fixture
def case_dir(built, tmp_path):
    dest = tmp_path / "fund-hold"
    shutil.copytree(built, dest)
    return dest


class Server:
    """The page on a free loopback port, in a thread (what `docgen review serve` runs)."""

    def __init__(self, path: Path):
        from werkzeug.serving import make_server

        self.app = create_app(path, languagetool=False)
        self.httpd = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/{self.app.config['TOKEN']}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("chromium and chromium-driver are installed by scripts/setup")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1000", "--lang=ru", "--no-first-run", "--disable-extensions"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=opts)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _shot(driver, name: str, element=None) -> None:
    """DOCGEN_SCREENSHOTS=folder keeps the pages as PNG (the README's screenshots)."""
    folder = os.environ.get("DOCGEN_SCREENSHOTS")
    if folder:
        if element is not None:
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def _row(driver, seg_id):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, f"seg-{seg_id}")


def _type(driver, seg_id, text, selector="textarea"):
    from selenium.webdriver.common.by import By

    el = _row(driver, seg_id).find_element(By.CSS_SELECTOR, selector)
    el.clear()
    el.send_keys(text)
    return el


def _findings(driver, seg_id):
    from selenium.webdriver.common.by import By

    return [li.text for li in _row(driver, seg_id).find_elements(By.CSS_SELECTOR, "ul.findings li")]


def _wait(driver, predicate, timeout=30):
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # a page being replaced (after «Sign») leaves stale elements for a moment: poll again
    return WebDriverWait(driver, timeout, poll_frequency=0.2,
                         ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)
                         ).until(lambda d: predicate())


def test_review_edit_recheck_sign_in_browser(browser, case_dir):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    out = case_dir / "out"
    server = Server(out)
    try:
        browser.get(server.url)  # one letter: straight to its page
        assert "fund-hold/out" in browser.find_element(By.TAG_NAME, "h1").text
        src = _row(browser, "fact.3").find_element(By.CSS_SELECTOR, "td.src").text
        assert "3480.00 RUB" in src and "卖家后台显示" in src
        assert "продавец / seller" in _row(browser, "fact.3").text
        # protected values are shown locked beside the source
        locks = [e.text for e in _row(browser, "fact.1").find_elements(By.CSS_SELECTOR, ".lock")]
        assert "58213746-0017-1" in locks and "RU741852963CN" in locks

        # a broken number: the live re-check shows an error finding in that row
        _type(browser, "fact.3", FACT3_BROKEN)
        _wait(browser, lambda: any("number 3480" in f for f in _findings(browser, "fact.3")))
        assert any(f.startswith("error") for f in _findings(browser, "fact.3"))
        _shot(browser, "review-page-finding", _row(browser, "fact.3"))
        # fixed (with a wording change): the finding goes away; Ctrl+S saves at once
        el = _type(browser, "fact.3", FACT3_FIXED)
        el.send_keys(Keys.CONTROL, "s")
        _wait(browser, lambda: "сохранено ✓" in _row(browser, "fact.3").text and not _findings(browser, "fact.3"))

        # a template sentence changed for this letter, with a reason
        _row(browser, "greeting").find_element(By.TAG_NAME, "summary").click()
        _type(browser, "greeting", GREETING)
        _type(browser, "greeting", "обращаемся к поддержке продавцов", "input[name=reason]")
        _wait(browser, lambda: "сохранено" in _row(browser, "greeting").text)
        _wait(browser, lambda: not _findings(browser, "greeting"))

        # drafts survive a restart of the page
        server.stop()
        server = Server(out)
        browser.get(server.url)
        assert _row(browser, "fact.3").find_element(By.TAG_NAME, "textarea").get_attribute("value") == FACT3_FIXED
        assert "edited" in _row(browser, "fact.3").get_attribute("class")

        # keyboard: Alt+↓ moves to the next seller segment
        _row(browser, "fact.1").find_element(By.TAG_NAME, "textarea").click()
        browser.switch_to.active_element.send_keys(Keys.ALT, Keys.ARROW_DOWN)
        _wait(browser, lambda: "current" in _row(browser, "fact.2").get_attribute("class"))

        # checklist, name, native language, contact → sign
        form = browser.find_element(By.CSS_SELECTOR, "form.sign")
        for item in ("numbers", "terms", "attachments", "complete"):
            form.find_element(By.NAME, item).click()
        form.find_element(By.NAME, "reviewer").send_keys("Анна Иванова")
        Select(form.find_element(By.NAME, "native_language")).select_by_value("ru")
        form.find_element(By.NAME, "contact").send_keys("anna@example.com")
        _shot(browser, "review-page-sign", form)
        form.find_element(By.ID, "sign").click()
        _wait(browser, lambda: "Подписано" in browser.find_element(By.TAG_NAME, "h1").text, timeout=120)
        page = browser.find_element(By.CSS_SELECTOR, "article.signoff").text
        _shot(browser, "signed-signoff")
    finally:
        server.stop()

    # the signed sign-off page, as shown
    assert "Анна Иванова" in page and "русский / 俄语" in page
    assert "✓ Номера заказов" in page and "□" not in page
    assert FACT3 in page and FACT3_FIXED in page  # before → after
    assert "обращаемся к поддержке продавцов" in page and GREETING in page
    assert "Я, Анна Иванова, подтверждаю" in page
    # the rebuilt letter and its records
    text = " ".join(pdf_text(out / "submit" / "letter.ru.pdf").split())
    assert "«Доставлено», при этом выплата на сумму" in text and GREETING in text  # amounts typeset at print
    signoff = " ".join(pdf_text(out / "review" / "signoff.pdf").split())
    assert "Проверяющий (ФИО) / 审核人（姓名）: Анна Иванова" in signoff
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["state"] == "reviewed" and m["review"]["file"] == "web page"
    assert {"id": "fact.3", "before": FACT3, "after": FACT3_FIXED} in m["review"]["changed"]
    assert m["deviations"][0]["id"] == "greeting" and m["deviations"][0]["reason"] == "обращаемся к поддержке продавцов"
    assert all(s["reviewed"] for s in m["segments"].values())


# ---- without a browser: guards, refusals, the batch queue ---------------------------------


def test_token_host_and_files_are_guarded(case_dir):
    app = create_app(case_dir / "out", languagetool=False, token="t0k")
    c = app.test_client()
    assert c.get("/t0k/c/1/", base_url="http://127.0.0.1:5000").status_code == 200
    assert c.get("/wrong/c/1/", base_url="http://127.0.0.1:5000").status_code == 404
    assert c.get("/t0k/c/1/", base_url="http://evil.example:5000").status_code == 403  # DNS rebinding
    assert c.get("/t0k/c/1/file/case.yaml", base_url="http://127.0.0.1:5000").status_code == 404
    assert c.get("/t0k/c/1/file/submit/letter.ru.pdf", base_url="http://127.0.0.1:5000").data[:5] == b"%PDF-"
    r = c.post("/t0k/c/1/segment/fact.1", data={"text": "x"}, base_url="http://127.0.0.1:5000",
               headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    page = c.get("/t0k/c/1/", base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert "http://" not in page.replace("http://127.0.0.1", "") and "https://" not in page  # no outside assets


def test_sign_refused_lists_problems_and_changes_nothing(case_dir):
    out = case_dir / "out"
    app = create_app(out, languagetool=False, token="t")
    c = app.test_client()
    kw = {"base_url": "http://127.0.0.1:5000"}
    r = c.post("/t/c/1/segment/intro", data={"text": "Другое вступление без номеров."}, **kw)
    errors = [f for f in r.get_json()["findings"] if f["severity"] == "error"]
    assert any("needs a reason" in f["message"] for f in errors) and any("123456789" in f["message"] for f in errors)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    r = c.post("/t/c/1/sign", data={"reviewer": "", "native_language": "ru"}, **kw)
    assert r.status_code == 400
    body = r.get_data(as_text=True)
    assert "give the reviewer&#39;s full name" in body and "intro" in body and "give the reason" in body
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_batch_queue_lists_every_case(built, tmp_path):
    batch = tmp_path / "batch"
    for name in ("a", "b"):
        shutil.copytree(built, batch / "cases" / name)
    app = create_app(batch, languagetool=False, token="t")
    c = app.test_client()
    page = c.get("/t/", base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert "cases/a/out" in page and "cases/b/out" in page and "0 / 6" in page
    assert c.get("/t/c/2/", base_url="http://127.0.0.1:5000").status_code == 200
    assert "следующее" in c.get("/t/c/1/", base_url="http://127.0.0.1:5000").get_data(as_text=True)


def test_live_check_runs_languagetool_and_fidelity(languagetool, case_dir):
    from docgen.review.state import load_letter_state
    from docgen.web.review import check_segment

    state = load_letter_state(case_dir / "out")
    found = check_segment(state, "fact.2", "24.10.2026 покупатль получил посылку в пункте выдачи заказов.")
    assert any(f["check"] == "grammar" for f in found)
    dropped = check_segment(state, "fact.3", "Выплата на сумму 3480.00 RUB удержана.")
    assert any(f["check"] == "fidelity-suspect" and "short" in f["message"] for f in dropped)
