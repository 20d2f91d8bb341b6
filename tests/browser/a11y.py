"""Accessibility checks for the browser tests: axe-core on a page as it is now, and what screen
readers are told through live regions.

axe-core comes from npm, pinned in tests/browser/package-lock.json; `make test` installs it into
tests/browser/node_modules (`make axe`), and it is put into the page under test from there: never
from a CDN. Without it the checks are skipped on a developer's machine and fail in CI.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from ..conftest import IN_CI

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"

# The pages' Content-Security-Policy allows no inline script, which is how axe-core is put into
# them: the contexts the checks run in bypass it (`checked_context`).
BYPASS_CSP = {"bypass_csp": True}

# WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Experimental in axe, so off unless asked for: a control's accessible name contains its visible
# label (WCAG 2.5.3, Label in Name), which speech users rely on to say what they see.
EXTRA_RULES = ["label-content-name-mismatch"]


@cache
def axe_source() -> str:
    if not AXE.exists():
        if IN_CI:
            pytest.fail("axe-core is missing; `make test` installs it (make axe: npm ci in tests/browser).")
        pytest.skip("axe-core is not installed: run `make axe`")
    return AXE.read_text()


def checked_context(new_context, device: dict):
    """A browser context (conftest's `new_context`) whose pages axe-core can be put into."""
    return new_context({**device, **BYPASS_CSP})


def violations(page, *, exclude: list[str] | None = None) -> list[dict]:
    """axe-core's WCAG 2.x A and AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source())
    options = {
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "rules": {rule: {"enabled": True} for rule in EXTRA_RULES},
        "resultTypes": ["violations"],
    }
    context = {"include": [["html"]], "exclude": [[selector] for selector in exclude or []]}
    return page.evaluate(
        """async ([context, options]) => {
          // axe-core measures a position: sticky element as if it were position: relative
          // (dequelabs/axe-core#3720), so whatever happens to be scrolled under a sticky bar at
          // this moment would be reported as an obscured target. While it runs, sticky elements
          // sit at their own place in the flow, which they keep anyway, and are put back after.
          const sticky = [...document.querySelectorAll("body *")].filter(
            (node) => getComputedStyle(node).position === "sticky"
          );
          const before = sticky.map((node) => node.style.getPropertyValue("position"));
          for (const node of sticky) node.style.setProperty("position", "static", "important");
          let results;
          try {
            results = await axe.run(context, options);
          } finally {
            sticky.forEach((node, index) => node.style.setProperty("position", before[index]));
          }
          return results.violations.map((v) => ({
            rule: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map((node) => ({
              target: node.target.map(String).join(" "),
              summary: node.failureSummary,
            })),
          }));
        }""",
        [context, options],
    )


def describe(found: list[dict]) -> str:
    """A list a person can act on: the rule, how bad, where, and what to fix."""
    lines = []
    for violation in found:
        lines.append(f"- {violation['rule']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    at {node['target']}: {summary}")
    return "\n".join(lines)


def assert_accessible(page, state: str, *, exclude: list[str] | None = None) -> None:
    """Fail with a readable list if axe-core finds any WCAG 2.x A or AA violation on `page`."""
    found = violations(page, exclude=exclude)
    if found:
        pytest.fail(
            f"{state} ({page.url}): {len(found)} accessibility rule(s) broken:\n{describe(found)}",
            pytrace=False,
        )


class Audit:
    """Checks a walk through many pages and states, and fails once, at the end, with every problem
    found (so one run shows them all), each under the state it was found in."""

    def __init__(self) -> None:
        self.checked: list[str] = []
        self.problems: list[str] = []

    def check(self, page, state: str) -> None:
        found = violations(page)
        self.checked.append(state)
        if found:
            self.problems.append(f"{state} ({page.url}):\n{describe(found)}")

    def assert_clean(self) -> None:
        if self.problems:
            pytest.fail(
                f"Accessibility rules broken in {len(self.problems)} of {len(self.checked)} states:\n"
                + "\n".join(self.problems),
                pytrace=False,
            )


# --- what screen readers are told -----------------------------------------------------------------

# Kept in the page, roughly as a screen reader hears it: each time a live region (aria-live, or a
# role that is one: status, alert, log) changes while shown, what it says: its whole text when it
# is atomic (aria-atomic, status and alert), else the text that was added. Emptying a region says
# nothing; setting the same words again says them again.
RECORD_LIVE_REGIONS = """() => {
  if (window.liveAnnouncements) return;
  window.liveAnnouncements = [];
  const LIVE = '[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"]';
  const squash = (text) => (text || "").replace(/\\s+/g, " ").trim();
  const atomic = (region) => {
    const stated = region.getAttribute("aria-atomic");
    return stated ? stated === "true" : ["status", "alert"].includes(region.getAttribute("role"));
  };
  const shown = (region) =>
    region.checkVisibility({ visibilityProperty: true }) || region.matches(".visually-hidden");
  const regionOf = (node) => {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element && element.closest(LIVE);
  };
  new MutationObserver((mutations) => {
    const added = new Map(); // region -> the text added in this batch
    for (const mutation of mutations) {
      const region = regionOf(mutation.target);
      if (!region) continue;
      let text = "";
      if (mutation.type === "characterData") text = mutation.target.data;
      else for (const node of mutation.addedNodes) text += " " + (node.innerText ?? node.textContent);
      added.set(region, (added.get(region) || "") + " " + text);
    }
    for (const [region, text] of added) {
      const said = squash(atomic(region) ? region.innerText : text);
      if (!said || !shown(region)) continue;
      window.liveAnnouncements.push({ region: region.id || region.className, text: said, at: Date.now() });
    }
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
}"""


def record_live_regions(page) -> None:
    """Start keeping what the page's live regions say (see `announcements`)."""
    page.evaluate(RECORD_LIVE_REGIONS)


def announcements(page) -> list[dict]:
    """What the page's live regions have said since `record_live_regions`, in order."""
    return page.evaluate("() => window.liveAnnouncements")


def dump(found: list[dict]) -> str:
    return json.dumps(found, indent=1)
