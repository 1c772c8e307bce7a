"""The analysts' path in a real browser: JupyterLab from the environment `make lab` builds (.venv-lab),
started on 127.0.0.1 with a token and no browser of its own; Chromium (through Playwright) opens
notebooks 02 and 04, runs all cells, and every cell must finish without an error, a warning or a "no
renderer" placeholder; in notebook 02 an analyst's own pyplot figure must then be drawn.
The notebook is never saved, so the committed file stays without outputs.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from kinerja_analysis import paths
from kinerja_analysis.run import artefacts

pytestmark = pytest.mark.slow

LAB_PYTHON = Path(os.environ.get("KINERJA_LAB_PYTHON", paths.ROOT / ".venv-lab" / "bin" / "python"))
CHROMIUM = artefacts.find_chromium()
ARTIFACTS = Path(os.environ.get("KINERJA_ARTIFACTS", paths.ROOT / "test-artifacts"))

if CHROMIUM is None:
    pytest.skip("chromium is not installed; CI installs it", allow_module_level=True)
if not LAB_PYTHON.exists():
    pytest.skip(
        f"no JupyterLab environment at {LAB_PYTHON} (run `make lab` or `make test`)", allow_module_level=True
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    if subprocess.run([str(LAB_PYTHON), "-c", "import jupyterlab"], capture_output=True).returncode != 0:
        pytest.skip(f"jupyterlab is not installed in {LAB_PYTHON}")
    port, token = _free_port(), secrets.token_hex(16)
    home = tmp_path_factory.mktemp("labhome")
    # an analyst's JupyterLab: no MPLBACKEND (conftest sets Agg for the rest of the suite), so kernels
    # use matplotlib's inline backend and a figure made with pyplot is drawn
    env = {
        **{k: v for k, v in os.environ.items() if k != "MPLBACKEND"},
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "ws"),
    }
    # render every cell (no windowing, so the test sees all prompts) and do not ask about news
    settings = home / "settings"
    (settings / "@jupyterlab" / "notebook-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        '{"windowingMode": "none"}'
    )
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}'
    )
    # never save a notebook: an autosave would write outputs into the committed files
    (settings / "@jupyterlab" / "docmanager-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "docmanager-extension" / "plugin.jupyterlab-settings").write_text(
        '{"autosave": false}'
    )
    log = open(home / "lab.log", "w")
    proc = subprocess.Popen(
        [
            str(LAB_PYTHON),
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={paths.ROOT}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            "--ServerApp.allow_root=True",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
        if proc.poll() is not None:
            pytest.fail("JupyterLab exited: " + (home / "lab.log").read_text()[-2000:])
    else:
        proc.terminate()
        pytest.fail("JupyterLab did not start in 90 s: " + (home / "lab.log").read_text()[-2000:])
    yield base, token
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


#: what JupyterLab shows for an output it has no renderer for (private result outputs must not show it)
PLACEHOLDER = "No renderer could be found"


@pytest.mark.parametrize("notebook", ["02_achievement_before_after", "04_region_report"])
def test_notebook_runs_in_jupyterlab(lab_server, notebook):
    """Run all cells; no error, no warning, no placeholder. In notebook 02 the analyst then adds a cell with
    their own pyplot figure, which must be drawn: importing the package must not switch the backend."""
    base, token = lab_server
    nb_path = paths.NOTEBOOKS / f"{notebook}.ipynb"
    before = nb_path.read_bytes()
    try:
        _run_in_lab(base, token, notebook)
    finally:  # whatever happened, the committed notebook must stay as it was
        after = nb_path.read_bytes()
        if after != before:
            nb_path.write_bytes(before)
    assert after == before, "the notebook was modified on disk"


def _run_in_lab(base: str, token: str, notebook: str) -> None:
    args = [f for f in artefacts.CHROMIUM_FLAGS if f != "--headless"]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        # a workspace of its own per notebook: the tabs an earlier test left open are not restored beside it
        page.goto(f"{base}/lab/workspaces/{notebook}/tree/notebooks/{notebook}.ipynb?reset&token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        # a fresh JupyterLab asks which kernel to start: take the notebook's own (python3)
        try:
            page.locator(".jp-Dialog button.jp-mod-accept").click(timeout=15_000)
        except sync_api.TimeoutError:
            pass
        # wait for the kernel to be ready, then Run > Run All Cells
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
        page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        n_code = page.locator(".jp-Notebook .jp-CodeCell").count()

        def done(n=n_code):
            prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt").all_inner_texts()
            return len(prompts) == n and all(re.fullmatch(r"\[\d+\]:", t.strip()) for t in prompts)

        def wait(n=n_code, seconds=180):
            deadline = time.time() + seconds
            while time.time() < deadline and not done(n):
                page.wait_for_timeout(500)

        wait()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"jupyterlab-{notebook}.png"), full_page=False)
        assert done(), page.locator(".jp-InputPrompt").all_inner_texts()
        errors = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        ).all_inner_texts()
        assert errors == [], errors
        assert page.locator(".jp-OutputArea-output h1").count() >= 1  # the report title was shown
        assert PLACEHOLDER not in page.locator(".jp-Notebook").inner_text()
        if notebook == "02_achievement_before_after":
            images_before = page.locator(".jp-OutputArea-output img").count()
            page.locator(".jp-Notebook .jp-Cell").last.click()
            page.keyboard.press("Escape")
            page.keyboard.press("b")  # a new code cell below, in edit mode after Enter
            page.keyboard.press("Enter")
            page.keyboard.type("import matplotlib.pyplot as plt\nplt.plot([1, 2]); plt.show()")
            page.keyboard.press("Control+Enter")  # run in place: Shift+Enter would add one more empty cell
            wait(n_code + 1, seconds=60)
            assert done(n_code + 1), page.locator(".jp-InputPrompt").all_inner_texts()
            page.wait_for_timeout(1000)
            page.screenshot(path=str(ARTIFACTS / f"jupyterlab-{notebook}-own-plot.png"), full_page=False)
            last = page.locator(".jp-Notebook .jp-CodeCell").nth(n_code)
            assert last.locator(".jp-OutputArea-output img").count() == 1, last.inner_text()
            assert page.locator(".jp-OutputArea-output img").count() == images_before + 1
        browser.close()
