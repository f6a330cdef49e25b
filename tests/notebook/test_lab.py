"""The analyst's JupyterLab, for real: started as ``make lab`` starts it, driven in Chromium.

A temporary clone of the repository (its ``.venv`` a link to this project's, the
git filter set up as ``make install`` does) is served by ``.venv/bin/jupyter lab``
on a free localhost port with a token, with the settings ``make install`` puts
into ``.venv`` (``jupyter/``) and a fresh user (no settings or workspaces of the
person running the tests; autosave off, so that only the test's Ctrl+S saves).

An analyst's session in Chromium, as one test (each step needs the one before):
open ``01_clean``, ``02_analyze`` and ``03_report`` in turn, run all cells from the
menu (実行 → すべてのセルを実行: the menus are in Japanese), check that no cell
failed, that the headings are Japanese and the results are there (02: four
charts; 03: the report written), and save with Ctrl+S. Then, in 03, type period
``2017-09`` into its parameters cell and run all: the period's report is made
although 01 and 02 never ran for it in this clone. Then ``2030-03``: one Japanese
line listing the periods, no traceback. Then the parameters cell as it was, and
save. ``git status`` shows no change although the saved files hold the outputs,
and the next ``reform-workbook`` finds everything up to date: 03 made each report
by the pipeline's own run, and a notebook's outputs are not in the fingerprint.

The kernel runs the project's code with ``REFORM_DATA_DIR`` and
``REFORM_OUTPUT_DIR`` set to the clone's folders, so nothing is written into this
project. Without Chromium or Playwright the tests skip; with
``REFORM_REQUIRE_BROWSER=1`` (CI) they fail instead.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support import git, make_clone, set_up_filter

from helpers.core import paths
from helpers.present.pdf import CHROMIUM, launch_chromium

pytestmark = pytest.mark.browser

NOTEBOOKS = ("notebooks/01_clean.ipynb", "notebooks/02_analyze.ipynb", "notebooks/03_report.ipynb")
REPORT_NB = NOTEBOOKS[2]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
KERNEL = "reform-workbook"
# generous bounds for a loaded 2-core machine; the tests wait for events, not for time
START_SECONDS = 180
RUN_MS = 300_000


def _unavailable(message: str):
    if os.environ.get("REFORM_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message} (REFORM_REQUIRE_BROWSER=1 requires the browser tests to run)")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    def __init__(self, clone: Path, port: int, token: str, proc: subprocess.Popen, log: Path):
        self.clone, self.port, self.token, self.proc, self.log = clone, port, token, proc, log

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str):
        req = urllib.request.Request(
            self.url(path), headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            body = resp.read().decode("utf-8")
        return json.loads(body) if body.lstrip().startswith(("{", "[")) else body


def _wait_until_up(lab: Lab) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if lab.proc.poll() is not None:
            raise AssertionError(
                f"jupyter lab exited: {lab.log.read_text(encoding='utf-8')[-3000:]}"
            )
        try:
            lab.get("/api/status")
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(
        f"jupyter lab did not answer: {lab.log.read_text(encoding='utf-8')[-3000:]}"
    )


def _lab_env(tmp: Path, clone: Path) -> dict[str, str]:
    """A user with no JupyterLab settings of their own; the kernel works on the clone's data."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "REFORM_"))}
    for var, sub in (
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTERLAB_SETTINGS_DIR", "user-settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
    ):
        env[var] = str(tmp / sub)
    env["REFORM_DATA_DIR"] = str(clone / "data")
    env["REFORM_OUTPUT_DIR"] = str(clone / "outputs")
    # autosave off: the file on disk changes only when the test saves; every cell drawn
    # (JupyterLab leaves cells out of the page while they are scrolled out of view)
    for plugin, setting in (
        ("docmanager-extension/plugin", {"autosave": False}),
        ("notebook-extension/tracker", {"windowingMode": "none"}),
    ):
        path = tmp / "user-settings" / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(setting), encoding="utf-8")
    return env


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    installed = Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.json"
    if (
        not installed.is_file()
        or installed.read_bytes()
        != (paths.PROJ_ROOT / "jupyter" / "jupyter_server_config.json").read_bytes()
    ):
        pytest.fail("JupyterLab's settings are not installed in .venv: run make install")
    tmp = tmp_path_factory.mktemp("lab")
    clone = make_clone(tmp / "clone")
    set_up_filter(clone)
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        str(clone / ".venv" / "bin" / "jupyter"),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={clone}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = tmp / "lab.log"
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            command, cwd=clone, env=_lab_env(tmp, clone), stdout=out, stderr=subprocess.STDOUT
        )
    server = Lab(clone, port, token, proc, log)
    try:
        _wait_until_up(server)
        yield server
    finally:
        proc.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ------------------------------------------------------------ the server's settings


def test_only_the_projects_kernel_is_offered(lab):
    specs = lab.get("/api/kernelspecs")
    assert list(specs["kernelspecs"]) == [KERNEL]
    assert specs["default"] == KERNEL
    assert specs["kernelspecs"][KERNEL]["spec"]["display_name"] == "Python (reform-workbook)"


def test_japanese_and_no_news(lab):
    assert "ja_JP" in lab.get("/lab/api/translations")["data"]
    # overrides.json sets the defaults of the settings' schemas (the user's own settings still win)
    locale = lab.get("/lab/api/settings/@jupyterlab/translation-extension:plugin")
    assert locale["schema"]["properties"]["locale"]["default"] == "ja_JP"
    notes = lab.get("/lab/api/settings/@jupyterlab/apputils-extension:notification")
    assert notes["schema"]["properties"]["fetchNews"]["default"] == "false"
    assert notes["schema"]["properties"]["checkForUpdates"]["default"] is False
    page = lab.get(f"/lab?token={lab.token}")
    assert '"news": {"disabled": true}' in page


def test_the_file_browser_starts_at_the_project_folder(lab):
    names = {c["name"] for c in lab.get("/api/contents")["content"]}
    assert {"notebooks", "data", "outputs", "src"} <= names


def test_make_lab_serves_the_project_folder_on_this_environment():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "lab"],
        cwd=paths.PROJ_ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    lab_lines = [line for line in done.stdout.splitlines() if "jupyter lab" in line]
    assert len(lab_lines) == 1
    assert lab_lines[0].startswith(".venv/bin/jupyter lab --ServerApp.root_dir=")
    assert str(paths.PROJ_ROOT) in lab_lines[0]


# ------------------------------------------------------------ in Chromium


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM}: apt-get install chromium fonts-ipaexfont-gothic")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("Playwright is not installed: .venv/bin/pip install -e '.[dev]'")
    return CHROMIUM


def in_own_thread(fn, *args):
    """Playwright's sync API refuses a thread where another of its sessions runs (test_browser's)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args).result()


def _run_all(page) -> None:
    """Run all cells from the menu; wait until the run ended (every cell ran, or one failed)."""
    before = page.eval_on_selector_all(
        f"{PANEL} .jp-CodeCell .jp-InputPrompt",
        "els => Math.max(0, ...els.map(p => parseInt((p.textContent.match(/\\d+/) || ['0'])[0])))",
    )
    page.get_by_role("menuitem", name="実行", exact=True).click()
    page.get_by_role("menuitem", name="すべてのセルを実行", exact=True).click()
    page.wait_for_function(
        r"""([panel, before]) => {
            const prompts = [...document.querySelectorAll(panel + ' .jp-CodeCell .jp-InputPrompt')]
                .map(p => p.textContent.trim());
            if (prompts.length === 0 || prompts.some(p => p.includes('*'))) return false;
            // JupyterLab draws an error as stderr; a run that stopped at a cell has ended
            if (document.querySelector(panel + " [data-mime-type^='application/vnd.jupyter.std"
                + "err'], " + panel + " [data-mime-type='application/vnd.jupyter.error']"))
                return true;
            const last = prompts[prompts.length - 1].match(/\d+/);
            return last !== null && parseInt(last[0]) > before;
        }""",
        arg=[PANEL, before],
        timeout=RUN_MS,
    )


def _texts(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(
        f"{PANEL} {selector}", "els => els.map(e => e.textContent.trim())"
    )


def _errors(page) -> list[str]:
    return _texts(
        page,
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error'],"
        f" {PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
    )


def _save(page, lab: Lab, notebook: str) -> None:
    page.click(f"{PANEL} .jp-Cell")  # focus the notebook, then save as a person does
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    page.wait_for_function(
        "() => !document.querySelector('.jp-mod-current.jp-mod-dirty, .lm-TabBar-tab.jp-mod-dirty')",
        timeout=RUN_MS,
    )
    saved = json.loads((lab.clone / notebook).read_text(encoding="utf-8"))
    counts = [c["execution_count"] for c in saved["cells"] if c["cell_type"] == "code"]
    assert any(isinstance(n, int) for n in counts)  # the file on disk holds the run
    assert any(c.get("outputs") for c in saved["cells"] if c["cell_type"] == "code")


def _open(browser, lab: Lab, notebook: str, page_errors: list[str]):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    # ?reset: a fresh workspace, so that only this notebook is open
    page.goto(lab.url(f"/lab/tree/{notebook}?reset&token={lab.token}"), wait_until="load")
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=RUN_MS)
    # the kernel is the project's, and JupyterLab speaks Japanese
    page.wait_for_selector(f".jp-KernelName:has-text('Python ({KERNEL})')", timeout=RUN_MS)
    return page


def _set_parameters(page, source: str) -> None:
    """Type ``source`` into the parameters cell (the first code cell), as an analyst edits it."""
    editor = page.locator(f"{PANEL} .jp-CodeCell").first.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source)
    page.keyboard.press("Escape")
    assert editor.inner_text().strip() == source.strip()


def _check_run(page, notebook: str) -> str:
    """No error, Japanese headings, results shown; the panel's text."""
    assert _errors(page) == [], notebook
    headings = _texts(
        page, ".jp-MarkdownCell .jp-RenderedMarkdown h1, .jp-MarkdownCell .jp-RenderedMarkdown h2"
    )
    assert len(headings) >= 4, headings
    assert all(JAPANESE.search(h) for h in headings), headings
    assert _texts(page, ".jp-OutputArea-output")
    return page.inner_text(PANEL)


def test_an_analysts_session_leaves_git_clean_and_the_reports_up_to_date(lab, chromium):
    in_own_thread(run_session, lab, chromium)
    assert git(lab.clone, "diff") == ""
    assert git(lab.clone, "status", "--porcelain") == "", lab.log.read_text(encoding="utf-8")[
        -2000:
    ]
    out = lab.clone / "outputs" / "kodaira-3"
    assert (out / "2018-03" / "report.html").is_file() and (
        out / "2017-09" / "report.html"
    ).is_file()
    assert not (out / "2030-03").exists()
    rerun = subprocess.run(
        [str(lab.clone / ".venv" / "bin" / "reform-workbook"), "--all"],
        cwd=lab.clone,
        env=_lab_env(lab.clone.parent, lab.clone),
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert rerun.returncode == 0, rerun.stderr
    lines = rerun.stdout.splitlines()
    assert len([line for line in lines if "最新です。前回の実行から" in line]) == 2, lines
    assert lines[-1].endswith("index.html: 最新です"), lines


def run_session(lab: Lab, chromium: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw, chromium)
        try:
            session(lab, browser)
        finally:
            browser.close()


def session(lab: Lab, browser) -> None:
    page_errors: list[str] = []
    for notebook in NOTEBOOKS:
        page = _open(browser, lab, notebook, page_errors)
        _run_all(page)
        text = _check_run(page, notebook)
        assert "期間: 平成29年度末（2018-03）" in text
        assert "同じ処理で、" not in text  # each found what the one before wrote
        if notebook.endswith("02_analyze.ipynb"):  # all four charts
            assert page.eval_on_selector_all(f"{PANEL} .jp-RenderedImage img", "e => e.length") == 4
        _save(page, lab, notebook)
        if notebook != REPORT_NB:
            page.close()
    assert "書き出しました" in text  # 03 made the report, as make report does
    try:
        report_alone_then_an_unknown_period(page, lab)
    finally:
        page.close()
    assert page_errors == []


def report_alone_then_an_unknown_period(page, lab: Lab) -> None:
    original = page.locator(f"{PANEL} .jp-CodeCell").first.locator(".cm-content").inner_text()
    assert 'period: str = ""' in original

    # 2017-09 alone: 01 and 02 never ran for it here; 03 builds their results and says so
    _set_parameters(page, original.replace('period: str = ""', 'period: str = "2017-09"'))
    _run_all(page)
    text = _check_run(page, REPORT_NB)
    assert "期間: 平成29年9月末（2017-09）" in text
    assert "01_clean と同じ処理" in text and "02_analyze と同じ処理" in text
    assert "書き出しました" in text

    # an unknown period: one Japanese line naming the periods there are, no traceback
    _set_parameters(page, original.replace('period: str = ""', 'period: str = "2030-03"'))
    _run_all(page)
    errors = _errors(page)
    # ipykernel cancels the cells queued behind a failed one only if their requests
    # arrived in time (its stop_on_error_timeout); one that slips through meets the
    # guard of issue 19 and says so in Japanese, writing nothing
    assert errors, errors
    for later in errors[1:]:
        assert later.startswith(
            "平成29年9月末（2017-09）の処理は止まっているため、何も書き出しません。"
        ), errors
    message = errors[0]
    assert "\n" not in message and JAPANESE.search(message)
    assert "2030-03（令和11年度末）の生データがありません" in message
    assert "2017-09（平成29年9月末）、2018-03（平成29年度末）" in message
    for word in ("Traceback", "File ", "NotebookStop", "line "):
        assert word not in message, message

    # the parameters as they were, and save: git shows no change
    _set_parameters(page, original)
    _save(page, lab, REPORT_NB)
