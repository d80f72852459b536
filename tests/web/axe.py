"""axe-core run in a page, whatever the page's Content-Security-Policy.

The pages allow only their own scripts (``script-src 'self'``), so axe is not added as a
``<script>`` tag: its source is evaluated through the DevTools protocol, which a page's
policy does not govern, as a browser extension's would be.
"""

from __future__ import annotations

from typing import Any

from .conftest import AXE, need

__all__ = ["SMALL_TARGETS", "violations"]

_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ")),
  }));
}"""

#: Every visible control smaller than ``min`` px either way (WCAG 2.5.5/2.5.8), as text.
SMALL_TARGETS = """(min) => Array.from(document.querySelectorAll(
    "a[href], button, .btn, input:not([type=hidden]), select, textarea, [role=button]"))
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, r]) => r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden")
  .filter(([el, r]) => !el.matches(".skip:not(:focus)"))
  .filter(([el, r]) => r.height < min || r.width < min)
  .map(([el, r]) => `${el.outerHTML.slice(0, 80)} ${r.width | 0}x${r.height | 0}`)"""


def violations(page: Any) -> list[dict[str, Any]]:
    """Every axe-core violation on ``page``, of any impact."""
    need(AXE, "axe-core (npm install --prefix .cache/npm axe-core@4)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(f"(() => {{ {AXE.read_text(encoding='utf-8')}\n }})()")
    found: list[dict[str, Any]] = page.evaluate(_RUN)
    return found
