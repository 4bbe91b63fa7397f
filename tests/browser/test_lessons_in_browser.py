"""Every lesson as a learner sees it: JupyterLab in a real (headless) Chromium, 1024 px wide.

For each lesson the test opens it, runs all cells and asserts that every cell ran, every plotly
figure was drawn, no widget shows an error, the browser logged no error, and, from the page's own
element boxes, that no text overlaps other text in an image grid or a figure, no thumbnail is
under 96 px, no output is wider than the page and no curve is squeezed into a sliver of its axis.
Then it saves the notebook, shuts its kernel down, reopens it and asserts that every widget is
still drawn, and that the notebook exported with nbconvert to HTML draws every figure too. One
screenshot per lesson goes to build/screenshots/.

Needs Debian's `chromium` and the `playwright` package (dev extras); without them the module is
skipped with one line saying how to enable it. `.ci/run` installs the browser, and sets
MMLAB_REQUIRE_BROWSER=1 so that a missing browser fails there instead of skipping.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from lab_server import LabServer, browser_missing, chromium_path

REPO = Path(__file__).resolve().parents[2]
LESSONS = sorted(p.name for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SCREENSHOTS = REPO / "build" / "screenshots"
MIN_THUMBNAIL_PX = 96
WINDOW = {"width": 1024, "height": 768}
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

MISSING = browser_missing()
if MISSING and os.environ.get("MMLAB_REQUIRE_BROWSER") == "1":
    raise RuntimeError(f"MMLAB_REQUIRE_BROWSER=1 but {MISSING}")
if MISSING:
    pytest.skip(MISSING, allow_module_level=True)


def budget_of(name: str) -> float:
    metadata = json.loads((REPO / "notebooks" / name).read_text())["metadata"]
    return float(metadata.get("mmlab", {}).get("budget_s", 120))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab serving a copy of the lessons (saving must not touch notebooks/)."""
    scratch = tmp_path_factory.mktemp("lab")
    root = scratch / "root"
    root.mkdir()
    for name in LESSONS:
        shutil.copy(REPO / "notebooks" / name, root / name)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env.pop("MMLAB_RECORD", None)
    server = LabServer(root, scratch, env)
    yield server
    server.stop()
    assert server.process.poll() is not None, "jupyter lab is still running"


@pytest.fixture(scope="module")
def page(lab):
    """One Chromium page on JupyterLab; `page.console_errors` collects what the browser logs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=WINDOW)
        tab = context.new_page()
        tab.console_errors = []
        tab.on("console", lambda m: m.type == "error" and tab.console_errors.append(m.text))
        tab.on("pageerror", lambda e: tab.console_errors.append(f"uncaught: {e}"))
        tab.goto(f"{lab.url}/lab?reset&token={lab.token}")
        tab.wait_for_function("window.jupyterapp && window.jupyterapp.started", timeout=120_000)
        tab.evaluate("() => window.jupyterapp.started")
        tab.evaluate((Path(__file__).parent / "page_checks.js").read_text())
        yield tab
        browser.close()
    assert lab.kernels() == [], "kernels left running after the lessons"


def screenshot(page, name: str) -> Path:
    """The whole notebook in one picture: the window is made as tall as the notebook first."""
    height = min(16000, page.evaluate("mmlab.scrollHeight()") + 200)
    page.set_viewport_size({"width": WINDOW["width"], "height": height})
    page.wait_for_timeout(500)  # plotly redraws after a resize
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{Path(name).stem}.png"
    page.screenshot(path=str(path))
    return path


def run_and_reopen(page, lab, name: str) -> dict:
    """Run the lesson, measure it, save it, shut its kernel down and reopen it. Returns what was
    seen; the notebook is closed and its kernel stopped whatever happens."""
    seen: dict = {"budget": budget_of(name)}
    page.set_viewport_size(WINDOW)
    page.console_errors.clear()
    page.evaluate("path => mmlab.open(path)", name)
    try:
        page.wait_for_function("mmlab.kernelIdle()", timeout=60_000)
        start = time.perf_counter()
        page.evaluate("mmlab.runAll()")
        limit = int(seen["budget"] * 5000)  # the nbclient run holds the budget; this catches hangs
        page.wait_for_function("mmlab.runDone()", timeout=limit, polling=500)
        seen["wall"] = time.perf_counter() - start
        seen["cell_problems"] = page.evaluate("mmlab.cellProblems()")
        page.wait_for_function("mmlab.drawn()", timeout=30_000, polling=250)
        seen["counts"] = page.evaluate("mmlab.counts()")
        seen["screenshot"] = screenshot(page, name)
        seen["layout"] = page.evaluate("n => mmlab.layoutProblems(n)", MIN_THUMBNAIL_PX)
        page.set_viewport_size(WINDOW)
        page.evaluate("mmlab.save()")
        seen["saved_widget_state"] = bool(
            json.loads((lab.root / name).read_text())["metadata"].get("widgets")
        )
    finally:
        page.evaluate("mmlab.closeAndShutdown()")
    page.evaluate("path => mmlab.open(path)", name)
    try:  # plotly figures come back as saved pictures; widgets must come back as widgets
        page.wait_for_function("mmlab.widgetsSettled()", timeout=30_000, polling=250)
        page.wait_for_function("mmlab.kernelIdle()", timeout=60_000, polling=250)
        seen["reopened"] = page.evaluate("mmlab.counts()")
    finally:
        page.evaluate("mmlab.closeAndShutdown()")
    seen["console_errors"] = list(page.console_errors)
    seen["exported"] = exported_figures(page, lab.root / name)
    return seen


def exported_figures(page, notebook: Path) -> tuple[int, int]:
    """Export the saved, run notebook with `jupyter nbconvert --to html` (as a teacher would to
    share it), open the file in the browser and return (plotly outputs, figures drawn)."""
    from nbconvert import HTMLExporter
    from playwright.sync_api import TimeoutError as Timeout

    body, _ = HTMLExporter().from_filename(str(notebook))
    target = notebook.with_suffix(".html")
    target.write_text(body, encoding="utf-8")
    outputs = [
        output
        for cell in json.loads(notebook.read_text())["cells"]
        for output in cell.get("outputs", [])
    ]
    expected = sum("application/vnd.plotly.v1+json" in o.get("data", {}) for o in outputs)
    viewer = page.context.new_page()
    try:
        viewer.goto(target.as_uri())
        script = "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n"
        try:
            viewer.wait_for_function(script, arg=expected, timeout=30_000, polling=250)
        except Timeout:
            pass  # the count below says what was drawn
        drawn = viewer.evaluate("document.querySelectorAll('.js-plotly-plot').length")
    finally:
        viewer.close()
    return expected, drawn


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.timeout(budget_of(n) * 5 + 180)) for n in LESSONS]
)
def test_lesson_in_the_browser(name, page, lab):
    seen = run_and_reopen(page, lab, name)
    print(
        f"{name}: all cells ran in {seen['wall']:.1f} s in the browser (budget {seen['budget']:.0f} s)"
    )
    counts, reopened = seen["counts"], seen["reopened"]
    assert seen["cell_problems"] == []
    assert counts["widgetErrors"] == []
    assert counts["plotlyDrawn"] == counts["plotlySent"], counts
    assert counts["widgetsDrawn"] == counts["widgetsSent"], counts
    shot = seen["screenshot"]
    assert seen["layout"] == [], f"{name} (see {shot}):\n" + "\n".join(seen["layout"])
    assert seen["console_errors"] == []
    expected, drawn = seen["exported"]
    assert drawn == expected, f"exported HTML draws {drawn} of its {expected} plotly figures"
    if counts["widgetsSent"]:
        assert seen["saved_widget_state"], "widget state was not saved with the notebook"
    assert reopened["widgetErrors"] == [], "after save and reopen"
    assert reopened["widgetsDrawn"] == counts["widgetsSent"], ("after save and reopen", reopened)
