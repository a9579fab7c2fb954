// docgen review page: save a segment and re-check it, keyboard navigation. No framework.
(function () {
  "use strict";
  const rows = Array.from(document.querySelectorAll("tr.seg"));
  let current = null;
  function focusRow(row) {
    if (!row) return;
    if (current) current.classList.remove("current");
    current = row;
    row.classList.add("current");
    const det = row.querySelector("details");
    const ta = row.querySelector("textarea");
    if (ta && (!det || det.open)) ta.focus(); else row.scrollIntoView({block: "center"});
  }
  function step(delta) {
    const seller = rows.filter(r => r.classList.contains("seller"));
    const i = seller.indexOf(current);
    focusRow(seller[Math.min(seller.length - 1, Math.max(0, i + delta))]);
  }
  const timers = new Map();
  async function save(row) {
    const ta = row.querySelector("textarea");
    if (!ta) return;
    const body = new URLSearchParams({text: ta.value});
    const reason = row.querySelector("input[name=reason]");
    if (reason) body.set("reason", reason.value);
    const status = row.querySelector(".status");
    status.textContent = "проверка… / checking…";
    const resp = await fetch(row.dataset.url, {method: "POST", body: body, credentials: "same-origin"});
    const data = await resp.json();
    row.querySelector("ul.findings").innerHTML = data.html;
    row.classList.add("edited");
    status.textContent = data.findings.length ? "сохранено, есть замечания / saved, see findings" : "сохранено ✓ / saved ✓";
    row.dataset.checked = String(Date.now());
  }
  rows.forEach(row => {
    row.addEventListener("focusin", () => { if (current !== row) { if (current) current.classList.remove("current"); current = row; row.classList.add("current"); } });
    row.querySelectorAll("textarea, input[name=reason]").forEach(el => el.addEventListener("input", () => {
      clearTimeout(timers.get(row));
      timers.set(row, setTimeout(() => save(row), 600));  // live re-check while typing
    }));
  });
  document.addEventListener("keydown", e => {
    if (e.altKey && e.key === "ArrowDown") { e.preventDefault(); step(1); }
    else if (e.altKey && e.key === "ArrowUp") { e.preventDefault(); step(-1); }
    else if ((e.ctrlKey || e.metaKey) && e.key === "s") { e.preventDefault(); if (current) { clearTimeout(timers.get(current)); save(current); } }
    else if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.preventDefault(); if (current) { clearTimeout(timers.get(current)); save(current); step(1); } }
  });
  const form = document.querySelector("form.sign");
  if (form) {
    form.querySelectorAll("input[type=checkbox]").forEach(cb => cb.addEventListener("change", () => {
      const body = new URLSearchParams();
      form.querySelectorAll("input[type=checkbox]").forEach(c => { if (c.checked) body.set(c.name, "1"); });
      fetch(form.dataset.checklist, {method: "POST", body: body, credentials: "same-origin"});
    }));
  }
  const first = rows.find(r => r.classList.contains("seller"));
  if (first && !document.activeElement.matches("input, textarea")) focusRow(first);
})();
