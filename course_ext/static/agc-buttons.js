// @ts-check
// The theme's buttons, made to work.
//
// Print and full screen, without inline `onclick` attributes: finish/csp.py turns
// `onclick="window.print()"` into `data-agc-click="print"` (and the same for full screen),
// so the Content-Security-Policy can refuse every inline handler.
//
// The sidebar toggles. pydata-sphinx-theme 0.17.1 and sphinx-book-theme 1.3.0 each bind
// their handler to `document.querySelector(".primary-toggle")` (and ".secondary-toggle"):
// the first such button, the navbar's, which sphinx-book-theme hides. The one a reader
// sees, in the article header, did nothing: on a phone the navigation drawer never
// opened (pydata-sphinx-theme issue 2451, sphinx-book-theme pull request 991, both open).
// A click on any other toggle is passed to the first, so the themes' own code runs.
"use strict";
document.addEventListener(
  "click",
  (event) => {
    const target = /** @type {Element} */ (event.target);
    for (const kind of [".primary-toggle", ".secondary-toggle"]) {
      const toggle = target.closest && target.closest(kind);
      const bound = document.querySelector(kind);
      if (toggle && bound instanceof HTMLElement && toggle !== bound) {
        event.preventDefault();
        event.stopPropagation();
        bound.click();
        return;
      }
    }
  },
  true, // before the themes' own listeners see the click
);
document.addEventListener("click", (event) => {
  const target = /** @type {Element} */ (event.target);
  const button = target.closest && target.closest("[data-agc-click]");
  if (!(button instanceof HTMLElement)) return;
  const action = button.dataset.agcClick;
  const win = /** @type {any} */ (window);
  if (action === "print") window.print();
  else if (action === "fullscreen" && typeof win.toggleFullScreen === "function") {
    win.toggleFullScreen(); // defined by sphinx-book-theme.js
  }
});
