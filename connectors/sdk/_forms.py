"""Fill a whole form, or read a whole result table, in one round trip to the browser.

Playwright's `fill` and `select_option` each cost a round trip and an actionability wait: for an
11-field form, a fifth of a robot's time. `fill_by_labels` finds every control by its <label>
text (exact, after trimming and dropping a trailing ：or *), sets text boxes and selects the way
`fill` does (value, then `input` and `change` events, so page scripts see the change), and
reports every label it could not find, or every option a select lacks, in one RobotBroken.

Use it for plain forms. Where a page reacts to each change (a cascade that fetches the next
select's options), keep that field out and use the step-by-step helpers.
"""

from __future__ import annotations

from collections.abc import Mapping

from playwright.async_api import Frame, Locator, Page

from hub.errors import RobotBroken

_FILL = """
(values) => {
  const clean = (t) => t.replace(/\\s+/g, "").replace(/[：:*＊]+$/, "");
  const labelText = (label) => {  // a control inside its label adds no words (its options)
    const copy = label.cloneNode(true);
    copy.querySelectorAll("select, input, textarea, button").forEach((c) => c.remove());
    return clean(copy.textContent);
  };
  const controls = new Map();
  for (const label of document.querySelectorAll("label")) {
    const control = label.control;
    if (control) controls.set(labelText(label), control);
  }
  const problems = [];
  for (const [label, value] of Object.entries(values)) {
    const control = controls.get(clean(label));
    if (!control) { problems.push(`no field labelled ${label}`); continue; }
    if (control.disabled || control.readOnly) { problems.push(`${label} is read-only`); continue; }
    if (control.tagName === "SELECT") {
      if (![...control.options].some((o) => o.value === value)) {
        problems.push(`${label} has no option ${value}`);
        continue;
      }
    }
    control.focus();
    control.value = value;
    control.dispatchEvent(new Event("input", { bubbles: true }));
    control.dispatchEvent(new Event("change", { bubbles: true }));
    control.blur();
  }
  return problems;
}
"""


async def fill_by_labels(page: Page | Frame, values: Mapping[str, str]) -> None:
    """Fill each labelled control with its value, all at once; RobotBroken lists what failed."""
    problems: list[str] = await page.evaluate(_FILL, dict(values))
    if problems:
        # Labels and option codes only: the values themselves (personal data) stay out.
        raise RobotBroken("form not as expected: " + "; ".join(p for p in problems))


_TABLE = """
(table) => {
  const text = (cell) => cell.innerText.trim();
  const headers = [...table.querySelectorAll("th")].map(text);
  const rows = [];
  for (const row of table.querySelectorAll("tr")) {
    const cells = [...row.querySelectorAll("td")].map(text);
    if (cells.length === headers.length && cells.length) rows.push(cells);
  }
  return { headers, rows };
}
"""


async def read_table(table: Locator) -> list[dict[str, str]]:
    """A result table's rows as column header -> cell text, read in one round trip. Rows whose
    cell count differs from the header's (a 未查询到记录 row spanning the table) are left out."""
    found = await table.evaluate(_TABLE)
    headers: list[str] = found["headers"]
    return [dict(zip(headers, cells, strict=True)) for cells in found["rows"]]
