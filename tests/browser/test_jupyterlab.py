"""The tutorial as people use it: JupyterLab in a real browser (headless Chromium).

Starts ``jupyter lab`` on a free port with a token, opens every notebook (copies, so
JupyterLab's autosave cannot touch the tracked files), runs all cells through the menu
(Run > Run All Cells), waits until every cell has finished, and checks what a student
sees: no error output, figures rendered as images, the exercise checks' feedback, the
explorers responding to typing. One screenshot per notebook goes to
``output/browser-test/``. The server is stopped by the PID this test started.

Needs Debian's ``chromium`` and ``chromium-driver`` (README, "Set-up"): the test fails,
with the command to install them, when they are missing.
"""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from analysis.core.paths import PROJECT_ROOT
from analysis.tutorial.notebooks import notebook_paths

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
INSTALL = "sudo apt-get update && sudo apt-get install -y chromium chromium-driver"
SCREENSHOTS = PROJECT_ROOT / "output" / "browser-test"
CELL_TIMEOUT = 900  # seconds for one notebook's Run All (the slowest runs ~1 min on an idle machine)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on copies of the notebooks: (base URL, token, folder)."""
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.fail(f"headless Chromium is needed for the browser test; install it with: {INSTALL}")
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(PROJECT_ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "ANALYSIS_OUTPUT_DIR": str(root / "output"), "MPLBACKEND": "module://matplotlib_inline.backend_inline",
           "JUPYTER_CONFIG_PATH": str(PROJECT_ROOT / ".jupyter"), "JUPYTER_RUNTIME_DIR": str(root / "runtime")}
    env.pop("ANALYSIS_FIGURES_DIR", None)
    settings = root / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')
    # every cell in the page, not only those scrolled into view, so every output can be checked
    notebook_settings = root / "lab-settings" / "@jupyterlab" / "notebook-extension"
    notebook_settings.mkdir(parents=True)
    (notebook_settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    env["JUPYTERLAB_SETTINGS_DIR"] = str(root / "lab-settings")
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root / 'notebooks'}",
               "--ServerApp.open_browser=False", "--LabApp.news_url=", "--LabApp.check_for_updates_class="
               "jupyterlab.NeverCheckForUpdate", "--ContentsManager.allow_hidden=True"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = open(root / "server.log", "w")
    server = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"jupyter lab did not start; see {root / 'server.log'}:\n"
                                       + (root / "server.log").read_text()[-3000:])
                time.sleep(0.5)
        yield base, token, root
    finally:
        server.send_signal(signal.SIGTERM)  # only the server this fixture started, by its PID
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}", "--window-size=1400,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(120)
    yield driver
    driver.quit()


def _click_menu(driver, menu: str, command: str) -> None:
    """Open a top menu by its label and click the item running ``command`` (JupyterLab command id)."""
    wait = WebDriverWait(driver, 60)
    bar = wait.until(EC.element_to_be_clickable(
        (By.XPATH, f"//li[contains(@class, 'lm-MenuBar-item')][.//div[text()='{menu}']]")))
    bar.click()
    wait.until(EC.element_to_be_clickable(
        (By.CSS_SELECTOR, f"li.lm-Menu-item[data-command='{command}']"))).click()


def _prompts(driver) -> list[str]:
    script = ("return Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt'))"
              ".map(e => e.textContent.trim());")
    return driver.execute_script(script)


def _wait_until_all_ran(driver, timeout: float) -> list[str]:
    """Wait until every code cell shows an execution number ('[3]:'), none a star ('[*]:'),
    or until nothing runs any more after an error (Run All stops at the first error)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        prompts = _prompts(driver)
        running = any("*" in p for p in prompts)
        if prompts and not running and all(p.startswith("[") and p[1:-2].strip().isdigit() for p in prompts):
            return prompts
        if prompts and not running and any(_is_error(t) for t in _output_texts(driver)):
            return prompts
        time.sleep(1)
    raise AssertionError(f"cells still running or not run after {timeout} s: {_prompts(driver)}")


def _is_error(text: str) -> bool:
    return "Traceback (most recent call last)" in text or "Error:" in text.split("\n")[0]


def _output_texts(driver) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('.jp-Notebook .jp-OutputArea-output'))"
        ".map(e => e.innerText);")


def _kernel_idle(driver) -> bool:
    """The notebook's kernel is idle as the page shows it: the notebook toolbar's execution
    indicator (``data-status="idle"``; seen in JupyterLab 4.6.6, whose status bar no longer shows it) or
    the status bar's kernel item (JupyterLab 4.0 and earlier: "Python 3 (ipykernel) | Idle")."""
    return bool(driver.execute_script(
        "const indicator = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) "
        ".jp-Notebook-ExecutionIndicator');"
        "if (indicator !== null && indicator.dataset.status) return indicator.dataset.status === 'idle';"
        "const bar = document.querySelector('.jp-StatusBar-Widget, #jp-main-statusbar');"
        "return bar !== null && bar.innerText.includes('Idle');"))


def _api(base: str, token: str, endpoint: str):
    return json.loads(urllib.request.urlopen(f"{base}/api/{endpoint}?token={token}", timeout=10).read())


def _page_state(driver) -> str:
    """What the page shows about its kernel: the status bar and any open dialog."""
    return driver.execute_script(
        "const bar = document.querySelector('#jp-main-statusbar');"
        "const indicator = document.querySelector('.jp-Notebook-ExecutionIndicator');"
        "const dialogs = Array.from(document.querySelectorAll('.jp-Dialog')).map(d => d.innerText);"
        "return 'status bar: ' + (bar ? bar.innerText.replace(/\\n/g, ' | ') : '(none)')"
        " + '; execution indicator: ' + (indicator ? (indicator.dataset.status || '(no status)') : '(none)')"
        " + '; dialogs: ' + (dialogs.length ? dialogs.join(' || ') : '(none)');")


def _accept_dialog(driver) -> str | None:
    """Accept a dialog JupyterLab put in front of the notebook (e.g. a kernel choice); returns its text."""
    for dialog in driver.find_elements(By.CSS_SELECTOR, ".jp-Dialog"):
        text = dialog.text
        buttons = dialog.find_elements(By.CSS_SELECTOR, "button.jp-mod-accept")
        if buttons:
            buttons[0].click()
            return text
    return None


def _wait_for_kernel(driver, base: str, token: str, root, name: str, timeout: float = 300) -> None:
    """Wait until the notebook's kernel is idle in the page. On time-out, fail with what the page,
    the server's REST API and the server log said, so that a failure far away (CI) can be read."""
    deadline, dialogs = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        if _kernel_idle(driver):
            return
        accepted = _accept_dialog(driver)
        if accepted:
            dialogs.append(accepted)
        time.sleep(1)
    try:
        sessions = _api(base, token, "sessions")
    except OSError as error:
        sessions = f"(REST API unreachable: {error})"
    log = (root / "server.log").read_text(errors="replace")[-4000:]
    raise AssertionError(f"{name}: the kernel was not idle in the page after {timeout:.0f} s\n"
                         f"{_page_state(driver)}\naccepted dialogs: {dialogs}\nsessions: {sessions}\n"
                         f"server log (tail):\n{log}")


def open_and_run_all(driver, base: str, token: str, root, name: str) -> None:
    """Open a notebook, wait for its kernel to be idle, then Run > Run All Cells (again if nothing started)."""
    driver.get(f"{base}/lab/tree/{name}?token={token}&reset")
    WebDriverWait(driver, 180).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".jp-Notebook .jp-CodeCell")))
    _wait_for_kernel(driver, base, token, root, name)
    for attempt in range(3):
        _click_menu(driver, "Run", "runmenu:run-all")  # Run > Run All Cells
        try:
            WebDriverWait(driver, 60).until(lambda d: any(p != "[ ]:" for p in _prompts(d)))
            return
        except TimeoutException:
            driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)  # close a menu left open
    raise AssertionError(f"{name}: Run All Cells started nothing; prompts {_prompts(driver)}")


def _shutdown_kernels(base: str, token: str) -> None:
    """Shut down the kernels this server started (through its REST API), so they do not pile up."""
    kernels = urllib.request.urlopen(f"{base}/api/kernels?token={token}", timeout=10).read()
    for kernel in json.loads(kernels):
        request = urllib.request.Request(f"{base}/api/kernels/{kernel['id']}?token={token}", method="DELETE")
        urllib.request.urlopen(request, timeout=30).read()


def _kwic_explorer_responds(driver) -> None:
    """Type into the KWIC explorer's box: the results follow the new word."""
    box = WebDriverWait(driver, 60).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".kwic-explorer input[type='text']")))
    results = "const e = document.querySelector('.kwic-explorer .widget-html-content'); return e ? e.innerText : '';"
    assert "open source" in driver.execute_script(results)
    driver.execute_script("arguments[0].scrollIntoView();", box)
    box.clear()
    box.send_keys("chercheurs")
    WebDriverWait(driver, 60).until(lambda d: "of chercheurs" in d.execute_script(results))
    assert "occurrence(s) of chercheurs" in driver.execute_script(results)


def _theme_explorer_responds(driver) -> None:
    """Choose another theme in the theme explorer: the forest is redrawn for it."""
    text = "const e = document.querySelector('.theme-explorer'); return e ? e.innerText : '';"
    images = "return document.querySelectorAll('.theme-explorer img').length;"
    WebDriverWait(driver, 60).until(lambda d: "Showing" in d.execute_script(text) and d.execute_script(images))
    before = driver.execute_script("return document.querySelector('.theme-explorer img').src;")
    themes = Select(driver.find_elements(By.CSS_SELECTOR, ".theme-explorer select")[0])
    driver.execute_script("arguments[0].scrollIntoView();", themes._el)
    themes.deselect_all()
    themes.select_by_visible_text("talent_war")
    WebDriverWait(driver, 300).until(lambda d: "Showing talent_war for" in d.execute_script(text)
                                     and d.execute_script(images) == 1 and _kernel_idle(d))
    redrawn = "return document.querySelector('.theme-explorer img').src;"
    assert driver.execute_script(redrawn) != before, "the forest was not redrawn"


INTERACTIONS = {"02_term_frequencies": _kwic_explorer_responds, "05_comparisons": _theme_explorer_responds}


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_notebook_runs_in_jupyterlab(lab, browser, path):
    base, token, root = lab
    try:
        _run_and_check(browser, base, token, root, path)
    finally:
        _shutdown_kernels(base, token)  # also after a failure, so kernels do not pile up


def _run_and_check(browser, base, token, root, path) -> None:
    open_and_run_all(browser, base, token, root, path.name)
    try:
        _wait_until_all_ran(browser, CELL_TIMEOUT)
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(SCREENSHOTS / f"{path.stem}.png"))
    time.sleep(1)  # the last outputs render
    browser.save_screenshot(str(SCREENSHOTS / f"{path.stem}.png"))
    texts = _output_texts(browser)
    errors = [t for t in texts if _is_error(t)]
    assert not errors, f"{path.name}: error output shown:\n{errors[0][:2000]}"
    images = browser.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-OutputArea-output img")
    assert images, f"{path.name}: no figure rendered"
    assert all(browser.execute_script("return arguments[0].naturalWidth", img) > 0 for img in images[:20]), \
        f"{path.name}: an image did not load"
    if "check(" in path.read_text(encoding="utf-8"):
        assert any("Not answered yet" in t for t in texts), f"{path.name}: no exercise feedback shown"
    if path.stem in INTERACTIONS:
        INTERACTIONS[path.stem](browser)
        browser.save_screenshot(str(SCREENSHOTS / f"{path.stem}_explorer.png"))
