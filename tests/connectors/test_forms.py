"""fill_by_labels and read_table on small pages in real Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from connectors.sdk import BrowserPool, fill_by_labels, read_table
from hub.errors import RobotBroken
from hub.settings import BrowserSettings

FORM = """
<form>
  <label for="n">姓名：</label><input id="n" name="n">
  <label>性别
    <select name="s"><option value="">请选择</option><option value="2">女</option></select>
  </label>
  <label for="d">申请日期*</label><input id="d" readonly>
  <input id="echo">
</form>
<script>
  document.getElementById("n").addEventListener("input", (e) => {
    document.getElementById("echo").value = "heard " + e.target.value;
  });
</script>
"""


@pytest.fixture(scope="module")
async def browsers() -> AsyncIterator[BrowserPool]:
    pool = BrowserPool(executable=BrowserSettings().executable)
    try:
        yield pool
    finally:
        await pool.close()


TABLE = """
<table id="t"><tr><th>受理编号</th><th>状态</th></tr>
<tr><td> MZ1 </td><td>已受理</td></tr><tr><td colspan="2">共1条</td></tr></table>
"""


async def test_fills_text_and_selects_by_label_and_page_scripts_see_it(browsers: BrowserPool):
    async with browsers.context() as context:
        page = await context.new_page()
        await page.set_content(FORM)

        await fill_by_labels(page, {"姓名": "𠮷祥英", "性别": "2"})

        assert await page.locator("#n").input_value() == "𠮷祥英"
        assert await page.locator("select").input_value() == "2"
        assert await page.locator("#echo").input_value() == "heard 𠮷祥英"


async def test_every_missing_field_or_option_is_named_and_no_value_is(browsers: BrowserPool):
    async with browsers.context() as context:
        page = await context.new_page()
        await page.set_content(FORM)

        with pytest.raises(RobotBroken) as broken:
            await fill_by_labels(
                page, {"户籍地址": "玉祁路1号", "性别": "9", "申请日期": "2026-11-28"}
            )

    detail = broken.value.detail
    assert "no field labelled 户籍地址" in detail and "性别 has no option 9" in detail
    assert "申请日期 is read-only" in detail
    assert "玉祁路1号" not in detail  # labels and codes only, never what was typed


async def test_reads_a_result_table_without_its_summary_row(browsers: BrowserPool):
    async with browsers.context() as context:
        page = await context.new_page()
        await page.set_content(TABLE)

        rows = await read_table(page.locator("#t"))

    assert rows == [{"受理编号": "MZ1", "状态": "已受理"}]
