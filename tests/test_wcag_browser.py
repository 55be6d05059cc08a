"""WCAG 2.2 AA criteria that axe-core does not check, on every page.

- 2.5.8 Target size (minimum): each control is at least 24 x 24 CSS pixels, or a 24 px
  circle on its centre touches no other control (the criterion's spacing exception).
  Links inside a sentence are exempt (the criterion's inline exception), and so is a
  radio or checkbox inside its label: the label is the target.
- 2.4.7 Focus visible and 2.4.11 Focus not obscured: tabbing through the page, every
  focused element draws an outline (or a ring) and is not hidden under the sticky header.
Reflow (1.4.10) is test_browser.py's phone test, at 320 and 375 px.
"""

from __future__ import annotations

import pytest
from support.browser import problems_on_every_page

pytestmark = pytest.mark.slow

SMALL_TARGETS = """() => {
  const selector = 'button, select, summary, input:not([type=hidden]), [role=button], '
    + '.bd-header a, .prev-next-area a, .header-article-items a, nav a';
  const controls = [...document.querySelectorAll(selector)]
    .filter(e => e.checkVisibility() && !e.closest('.bd-sidebar-primary, .bd-sidebar-secondary'))
    .map(e => e.closest('label') || e)  // a radio's target is its whole label
    .filter((e, i, all) => all.indexOf(e) === i);
  const boxes = controls.map(e => [e, e.getBoundingClientRect()]).filter(([, r]) => r.width);
  const small = [];
  for (const [e, r] of boxes) {
    if (r.width >= 23.5 && r.height >= 23.5) continue;
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    const crowded = boxes.some(([o, q]) => o !== e && !o.contains(e) && !e.contains(o)
      && Math.hypot(Math.max(q.left - cx, 0, cx - q.right),
                    Math.max(q.top - cy, 0, cy - q.bottom)) < 12);
    if (crowded) small.push(`${e.tagName.toLowerCase()}.${e.className} ${r.width|0}x${r.height|0}`);
  }
  return small.slice(0, 5);
}"""

FOCUS = """() => {
  const e = document.activeElement;
  // The theme's skip link slides in from above as it takes focus: sampled mid-slide.
  if (!e || e === document.body || e.closest('.skip-link')) return null;
  const style = getComputedStyle(e);
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== 'none';
  const r = e.getClientRects()[0] || e.getBoundingClientRect();  // a wrapped link: line 1
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(r.top + Math.min(r.height / 2, 10), 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  const hidden = top && !(e === top || e.contains(top) || top.contains(e))
    && !top.closest('.skip-link');  // sliding back out of view after it lost focus
  const text = (e.textContent || e.value || e.getAttribute('aria-label') || '').trim();
  return {name: `${e.tagName.toLowerCase()} "${text.slice(0, 30)}"`,
          ring, hidden: hidden ? `${top.tagName.toLowerCase()}.${top.className}` : null};
}"""


@pytest.mark.parametrize("width", [375, 1280])
def test_every_control_is_a_big_enough_target(visit_each, html_pages, width):
    viewport = {"width": width, "height": 900}
    small = problems_on_every_page(visit_each, html_pages, SMALL_TARGETS, viewport=viewport)
    assert not small, "\n".join(small)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_focus_is_always_visible_and_never_hidden(visit_each, html_pages, scheme):
    problems = []
    viewport = {"width": 1280, "height": 900}
    for path, page in visit_each(html_pages, viewport=viewport, color_scheme=scheme):
        for _ in range(60):  # the header, the contents, and well into the page
            page.keyboard.press("Tab")
            focus = page.evaluate(FOCUS)
            if focus is None:
                continue
            if not focus["ring"]:
                problems.append(f"{path}: {focus['name']} shows no focus ring")
            if focus["hidden"]:
                problems.append(f"{path}: {focus['name']} is under {focus['hidden']}")
    assert not problems, "\n".join(sorted(set(problems))[:20])
