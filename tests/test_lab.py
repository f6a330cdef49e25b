"""The analyst's JupyterLab, for real: started as ``make lab`` starts it, driven in Chromium.

A temporary clone of the repository (its ``.venv`` a link to this project's, the
git filter set up as ``make install`` does) is served by ``.venv/bin/jupyter lab``
on a free localhost port with a token, with the settings ``make install`` puts
into ``.venv`` (``jupyter/``) and a fresh user (no settings or workspaces of the
person running the tests). Chromium opens ``notebooks/01_clean.ipynb``, runs all
cells from the menu (実行 → すべてのセルを実行: the menus are in Japanese), waits
until every cell has run, checks that no cell failed and that the headings are
drawn, saves with Ctrl+S, and checks that ``git status`` shows no change although
the saved file holds the outputs.

The kernel runs the project's code with ``REFORM_DATA_DIR`` and
``REFORM_OUTPUT_DIR`` set to the clone's folders, so nothing is written into this
project. Without Chromium or Playwright the tests skip; with
``REFORM_REQUIRE_BROWSER=1`` (CI) they fail instead.
"""

from __future__ import annotations

import json
import os
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
from test_gitfilter import git, make_clone, set_up_filter

from helpers import paths

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
NOTEBOOK = "notebooks/01_clean.ipynb"
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


def _wait_for_all_cells(page) -> None:
    """Until every code cell shows an execution count (``[*]`` while running, ``[ ]`` before)."""
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                .map(p => p.textContent.trim());
            return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p));
        }""",
        timeout=RUN_MS,
    )


def test_run_all_cells_then_save_leaves_git_clean(lab, chromium):
    in_own_thread(run_all_and_save, lab, chromium)


def run_all_and_save(lab: Lab, chromium: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=LAUNCH_ARGS)
        try:
            drive(lab, browser)
        finally:
            browser.close()


def drive(lab: Lab, browser) -> None:
    """A person's session: open the notebook, run all from the menu, save with Ctrl+S."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    try:
        page.goto(lab.url(f"/lab/tree/{NOTEBOOK}?token={lab.token}"), wait_until="load")
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=RUN_MS)
        # the kernel is the project's, and JupyterLab speaks Japanese
        page.wait_for_selector(f".jp-KernelName:has-text('Python ({KERNEL})')", timeout=RUN_MS)
        page.get_by_role("menuitem", name="実行", exact=True).click()
        page.get_by_role("menuitem", name="すべてのセルを実行", exact=True).click()
        _wait_for_all_cells(page)

        errors = page.eval_on_selector_all(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error'],"
            " .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
            "els => els.map(e => e.textContent.slice(0, 300))",
        )
        assert errors == []
        headings = page.eval_on_selector_all(
            ".jp-MarkdownCell .jp-RenderedMarkdown h1, .jp-MarkdownCell .jp-RenderedMarkdown h2",
            "els => els.map(e => e.textContent.trim())",
        )
        assert len(headings) >= 2 and all(headings)
        outputs = page.eval_on_selector_all(".jp-OutputArea-output", "els => els.length")
        assert outputs > 0
        assert "period: 2018-03" in page.inner_text(".jp-NotebookPanel")

        page.click(".jp-NotebookPanel .jp-Cell")  # focus the notebook, then save as a person does
        page.keyboard.press("Control+s")
        page.wait_for_function(
            "() => !document.querySelector('.jp-mod-current.jp-mod-dirty, .lm-TabBar-tab.jp-mod-dirty')",
            timeout=RUN_MS,
        )
        saved = json.loads((lab.clone / NOTEBOOK).read_text(encoding="utf-8"))
        counts = [c["execution_count"] for c in saved["cells"] if c["cell_type"] == "code"]
        assert all(isinstance(n, int) for n in counts)  # the file on disk holds the run
        assert any(c.get("outputs") for c in saved["cells"] if c["cell_type"] == "code")
        diff = git(lab.clone, "diff")
        assert not diff, f"git diff after saving:\n{diff}"
        assert git(lab.clone, "status", "--porcelain") == "", lab.log.read_text(encoding="utf-8")[
            -2000:
        ]
        assert page_errors == []
    finally:
        page.close()
