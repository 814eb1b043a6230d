"""IT's command line for form templates (`python -m hub.forms`): check names every problem of a
file and exits 1; publish writes versions into the configured store; list shows them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.forms import FORMS_FOLDER
from hub.forms.__main__ import main
from hub.settings import get_settings
from hub.store import migrate
from tests.factories import store_url
from tests.hub.forms._trial_form import MAPPING, trial, with_tables

REPO_ROOT = Path(__file__).resolve().parents[3]


def write(folder: Path, text: str, name: str = "trial.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated SQLite store, the one the command's settings point at."""
    for name in [name for name in os.environ if name.startswith("HUB_")]:
        monkeypatch.delenv(name)
    url = store_url(tmp_path)
    migrate(url)
    monkeypatch.setenv("HUB_DATABASE__URL", url)
    get_settings.cache_clear()  # the settings are read once per process
    yield url
    get_settings.cache_clear()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_passes_every_bundled_template(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check")

    assert (code, err) == (0, "")
    assert out.count("通过") == len(list(FORMS_FOLDER.glob("*.toml"))) == 7
    assert "elderly-allowance 第 2 版  高龄津贴申请" in out
    assert "collect-elderly-80 第 1 版  80周岁以上老人信息核对" in out


def test_check_of_a_broken_file_exits_1_and_prints_every_problem(tmp_path: Path) -> None:
    # Run as IT runs it, to see the exit code the shell sees.
    broken = with_tables(elderly_api=MAPPING | {"xm": "name"}).replace(
        'type = "tel"', 'type = "telephone"'
    )
    path = write(tmp_path, broken)
    good = write(tmp_path, trial(), "good.toml")

    argv = [sys.executable, "-m", "hub.forms", "check", str(path), str(good)]
    done = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)

    assert done.returncode == 1
    assert f"{path}: sections[0].fields[4] (phone): unknown type 'telephone'" in done.stderr
    assert "1 个文件有误" in done.stderr
    assert "通过  trial 第 1 版  试用表单" in done.stdout


def test_check_names_each_mapping_problem_with_its_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    without_date = {k: v for k, v in MAPPING.items() if k != "applied_on"}
    path = write(tmp_path, with_tables(elderly_api=without_date, nowhere={"name": "name"}))

    code, out, err = run(capsys, "check", str(path))

    assert (code, out) == (1, "")
    assert f"{path}: 目标 elderly_api 的必填字段 applied_on（申请日期）没有映射" in err
    assert f"{path}: 目标 nowhere 不是已安装的连接器" in err


def test_check_refuses_two_files_of_one_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write(tmp_path, trial(), "a.toml")
    second = write(tmp_path, trial(version=2), "b.toml")

    code, _, err = run(capsys, "check", str(first), str(second))

    assert code == 1
    assert f"{second}: 表单 id trial 与 {first} 相同" in err


def test_publish_then_list_shows_each_version_newest_first(
    store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write(tmp_path, trial(), "v1.toml")
    second = write(tmp_path, trial(version=2, title="试用表单二"), "v2.toml")

    published = run(capsys, "publish", str(first), "--by", "it-li")
    again = run(capsys, "publish", str(first), "--by", "it-li")
    newer = run(capsys, "publish", str(second), "--by", "it-wang")
    code, listed, _ = run(capsys, "list")

    assert published == (0, f"已发布  trial 第 1 版  试用表单  ({first})\n", "")
    assert again[:2] == (0, f"未变（此版本已发布，内容相同）  trial 第 1 版  试用表单  ({first})\n")
    assert newer[0] == 0 and "已发布  trial 第 2 版" in newer[1]
    lines = listed.splitlines()
    assert code == 0 and len(lines) == 3
    assert lines[0] == "trial  试用表单二"
    assert lines[1].startswith("  第 2 版  ") and "发布人 it-wang" in lines[1]
    assert lines[2].startswith("  第 1 版  ") and "发布人 it-li" in lines[2]


def test_publish_of_changed_text_under_a_published_version_exits_1_with_the_reason(
    store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, trial())
    run(capsys, "publish", str(path), "--by", "it-li")
    write(tmp_path, trial(title="试用表单（改）"))

    code, out, err = run(capsys, "publish", str(path), "--by", "it-li")

    assert (code, out) == (1, "")
    assert f"{path}: 表单 trial 第 1 版已发布且内容不同，请把 version 改为 2" in err


def test_publish_goes_on_past_a_broken_file_and_exits_1(
    store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = write(tmp_path, trial(targets='targets = ["nowhere"]'), "broken.toml")
    good = write(tmp_path, trial(), "good.toml")

    code, out, err = run(capsys, "publish", str(broken), str(good), "--by", "it-li")
    _, listed, _ = run(capsys, "list")

    assert code == 1
    assert f"{broken}: 目标 nowhere 不是已安装的连接器" in err
    assert out.startswith("已发布  trial 第 1 版")
    assert listed.splitlines()[0] == "trial  试用表单"


def test_list_of_a_store_with_no_forms_says_so(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "list") == (0, "尚未发布任何表单\n", "")


def test_publish_asks_who_publishes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["publish"])
    assert exc.value.code == 2
    assert "--by" in capsys.readouterr().err
