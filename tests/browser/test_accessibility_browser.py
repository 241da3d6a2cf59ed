"""The panel for everyone: axe-core finds no WCAG 2.1 A/AA violation, in JupyterLab's light
and dark themes and in presentation mode; the narration is a live region and the diagram's
canvas has a text alternative, and both change on a Step.

axe-core comes from npm (``tests/browser/package.json``; ``.ci/run`` installs it) and is
injected into the page with Playwright. It judges the panel's DOM only: it cannot look
inside the diagram's canvas, which is why the canvas carries a text alternative.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.browser import assert_no_widget_errors, open_notebook_and_run_all, screenshot

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
NOTEBOOK = ROOT / "notebooks" / "01_getting_started.ipynb"
THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page, selector):
    """axe-core's WCAG 2.1 A/AA violations inside the first ``selector``, as readable lines."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed: npm ci --prefix {AXE.parents[2]}")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async ([selector, rules]) => (await axe.run(document.querySelector(selector), "
        "{runOnly: {type: 'tag', values: rules}, resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => "
        "n.target.join(' ') + ': ' + n.failureSummary)}))", [selector, RULES])
    return [json.dumps(violation, ensure_ascii=False) for violation in found]


def set_theme(page, theme):
    page.evaluate("([theme]) => window.jupyterapp.commands.execute('apputils:change-theme', "
                  "{theme})", [THEMES[theme]])
    page.wait_for_function("([theme]) => document.body.dataset.jpThemeName === theme",
                           arg=[THEMES[theme]], timeout=20_000)
    page.wait_for_timeout(500)  # the theme's stylesheet applied


@pytest.mark.parametrize("app", ["lab"])
def test_axe_finds_nothing_in_the_panel_in_both_themes_and_in_presentation_mode(
        app, jupyter, page):
    """…and in predict mode, with a question waiting and with a verdict shown; and with a
    broken network's question, its answer and the diagram's badges."""
    notebook = jupyter.add(NOTEBOOK)
    page.set_viewport_size({"width": 1366, "height": 768})
    open_notebook_and_run_all(page, jupyter.base_url, notebook, app, timeout=120)
    panel = page.locator(".flux-panel").first
    panel.locator("button:has-text('Step')").first.wait_for(timeout=30_000)
    problems = {}
    try:
        for theme in THEMES:
            set_theme(page, theme)
            problems[theme] = axe_violations(page, ".flux-panel")
            screenshot(page, f"axe_{theme}", locator=panel)
            panel.locator(".flux-narration").first.click()
            page.keyboard.press("p")
            page.wait_for_selector(".flux-presenting", timeout=20_000)
            problems[f"{theme}, presenting"] = axe_violations(page, ".flux-panel")
            page.keyboard.press("p")
            page.wait_for_selector(".flux-presenting", state="detached", timeout=20_000)
            box = panel.locator(".flux-predict").first
            if theme == "light":  # predict mode, a question waiting (and so in dark too)
                panel.locator("button:has-text('Predict')").first.click()
                panel.locator("button:has-text('Step')").first.click()
                box.locator("text=Predict:").first.wait_for(timeout=20_000)
                problems["light, a question waiting"] = axe_violations(page, ".flux-panel")
            else:  # answered: the verdict and the score
                choices = box.locator(".widget-toggle-buttons button")
                if choices.count():
                    choices.first.click()
                else:
                    box.locator("input[type='text']").first.fill("0.5")
                box.locator("button:has-text('Answer')").first.click()
                box.locator("text=/Right:|Not quite:/").first.wait_for(timeout=20_000)
                problems[f"{theme}, a verdict shown"] = axe_violations(page, ".flux-panel")
                screenshot(page, f"axe_{theme}_predict", locator=box)
        # a broken network: its question under the narration, the answer shown, and the
        # diagram's badges (dark theme)
        panel.get_by_label("Broken network").first.select_option(label="A dead ReLU layer")
        hint = panel.locator(".flux-hint").first
        hint.locator("text=Think:").first.wait_for(timeout=20_000)
        problems["dark, a hint asked"] = axe_violations(page, ".flux-panel")
        hint.locator("button:has-text('Show answer')").first.click()
        hint.locator("text=Answer:").first.wait_for(timeout=20_000)
        panel.locator("button:has-text('Whole iteration')").first.click()
        panel.locator("button:has-text('Whole iteration')").first.click()
        page.wait_for_selector("text=/octagon with a dotted border/", timeout=20_000)
        problems["dark, badges and a hint"] = axe_violations(page, ".flux-panel")
        screenshot(page, "axe_dark_hint", locator=panel)
    finally:
        set_theme(page, "light")
    assert_no_widget_errors(page)
    found = {where: lines for where, lines in problems.items() if lines}
    assert not found, "\n".join(f"{where}:\n  " + "\n  ".join(lines)
                                for where, lines in found.items())


@pytest.mark.parametrize("app", ["lab"])
def test_the_live_region_and_the_diagrams_text_alternative_follow_a_step(app, jupyter, page):
    notebook = jupyter.add(NOTEBOOK)
    open_notebook_and_run_all(page, jupyter.base_url, notebook, app, timeout=120)
    panel = page.locator(".flux-panel").first
    narration = panel.locator(".flux-narration").first
    narration.wait_for(timeout=30_000)
    diagram = panel.locator(".flux-diagram").first
    page.wait_for_function("() => { const d = document.querySelector('.flux-diagram');"
                           " return d && d.getAttribute('role') === 'img'; }", timeout=20_000)
    assert narration.get_attribute("aria-live") == "polite"
    assert narration.get_attribute("role") == "status"
    assert panel.get_attribute("tabindex") == "0" and panel.get_attribute("aria-label")
    described, said = diagram.get_attribute("aria-label"), narration.inner_text()
    assert "network" in described and "input" in described
    panel.locator("button:has-text('Reset')").first.click()
    panel.locator("button:has-text('Step')").first.click()
    page.wait_for_function("([before]) => document.querySelector('.flux-narration')"
                           ".innerText !== before", arg=[said], timeout=20_000)
    page.wait_for_function("([before]) => document.querySelector('.flux-diagram')"
                           ".getAttribute('aria-label') !== before", arg=[described],
                           timeout=20_000)
    assert "computed last" in diagram.get_attribute("aria-label")
