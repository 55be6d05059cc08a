// @ts-check
// The theme's print and full-screen buttons, without inline `onclick` attributes: csp.py
// turns `onclick="window.print()"` into `data-agc-click="print"` (and the same for
// full screen), so the Content-Security-Policy can refuse every inline handler.
"use strict";
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
