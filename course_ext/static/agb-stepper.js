// @ts-check
// Backprop steppers: step through the graph PyTorch recorded, forward then backward.
// Without this script the page shows the whole graph, every value and gradient, and the
// backward steps in words. This hides what is not computed yet and reveals it step by
// step. The steps, the numbers and every sentence come from the build (course_ext/
// stepper.py) in data-agb-steps and data-agb-words. No dependencies, no network.
"use strict";

(() => {
  /**
   * @typedef {{name: string, fn: string, value: string, grad: string, inputs: string[], saved: string[], rules?: string[]}} StepNode
   * @typedef {{node: string, say: string, to?: string[]}} Step
   * @typedef {{nodes: Record<string, StepNode>, forward: Step[], backward: Step[]}} Steps
   */

  const PLAY_EVERY_MS = 1400;

  /** @param {HTMLElement} figure */
  function setUp(figure) {
    /** @type {Steps} */
    const data = JSON.parse(figure.dataset.agbSteps || "{}");
    /** @type {Record<string, string>} */
    const words = JSON.parse(figure.dataset.agbWords || "{}");
    const say = (/** @type {string} */ key, /** @type {Record<string, any>} */ values = {}) =>
      (words[key] || key).replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
    const steps = [...data.forward, ...data.backward];
    const total = steps.length;
    const forwardCount = data.forward.length;
    const $ = (/** @type {string} */ selector) => /** @type {HTMLElement} */ (figure.querySelector(selector));
    const slider = /** @type {HTMLInputElement} */ ($(".agb-slider"));
    const play = /** @type {HTMLButtonElement} */ ($(".agb-play"));
    const narration = $(".agb-say");
    const details = $(".agb-details");
    const boxes = new Map(
      Array.from(figure.querySelectorAll(".agb-node")).map((g) => [
        /** @type {SVGGElement} */ (g).dataset.agbNode || "", /** @type {SVGGElement} */ (g),
      ]),
    );
    const edges = Array.from(figure.querySelectorAll(".agb-edge")).map((e) => /** @type {SVGPathElement} */ (e));
    let step = 0;
    let timer = 0;

    function show(/** @type {number} */ at) {
      step = Math.max(0, Math.min(total, at));
      const seen = new Set(data.forward.slice(0, step).map((s) => s.node));
      const done = new Set(data.backward.slice(0, Math.max(0, step - forwardCount)).map((s) => s.node));
      const current = step > 0 ? steps[step - 1] : null;
      for (const [id, box] of boxes) {
        box.classList.toggle("agb-unseen", !seen.has(id));
        box.querySelector(".agb-value")?.classList.toggle("agb-hidden", !seen.has(id));
        box.querySelector(".agb-grad")?.classList.toggle("agb-hidden", !done.has(id));
        box.classList.toggle("agb-current", current !== null && current.node === id);
      }
      const flowing = current && step > forwardCount ? new Set(current.to || []) : new Set();
      for (const edge of edges) {
        const into = current !== null && edge.dataset.agbTo === current.node;
        const back = into && flowing.has(edge.dataset.agbFrom || "");
        edge.classList.toggle("agb-flow", back);
        edge.classList.toggle("agb-feed", into && step <= forwardCount);
      }
      narration.textContent = current ? current.say : say("start", { output: outputName() });
      details.textContent = "";
      slider.value = String(step);
      slider.setAttribute("aria-valuetext", say("counter", { step, total }));
      $(".agb-counter").textContent = say("counter", { step, total });
    }

    function outputName() {
      const last = data.forward[data.forward.length - 1];
      return last ? data.nodes[last.node].name : "";
    }

    function stop() {
      window.clearInterval(timer);
      timer = 0;
      play.textContent = say("play");
      play.setAttribute("aria-pressed", "false");
    }

    function start() {
      if (step >= total) show(0);
      play.textContent = say("pause");
      play.setAttribute("aria-pressed", "true");
      timer = window.setInterval(() => {
        if (step >= total) stop();
        else show(step + 1);
      }, PLAY_EVERY_MS);
    }

    /** Tell what a node is and what it saved for backward. @param {string} id */
    function describe(id) {
      const node = data.nodes[id];
      const seen = steps.slice(0, step).some((s) => s.node === id);
      const saved = node.saved.length ? say("saved", { saved: node.saved.join(", ") }) : say("nothing_saved");
      const done = data.backward.slice(0, Math.max(0, step - forwardCount)).some((s) => s.node === id);
      // The rules hold the forward values and the gradients: shown once the node has passed them on.
      const rules = done && node.rules && node.rules.length ? ` ${say("rules", { rules: node.rules.join("; ") })}` : "";
      details.textContent = `${say("details", {
        fn: node.fn, name: node.name, value: seen ? node.value : "?", grad: done ? node.grad : "?",
      })} ${saved}${rules}`;
    }

    $(".agb-next").addEventListener("click", () => { stop(); show(step + 1); });
    $(".agb-previous").addEventListener("click", () => { stop(); show(step - 1); });
    $(".agb-reset").addEventListener("click", () => { stop(); show(0); });
    play.addEventListener("click", () => (timer ? stop() : start()));
    slider.addEventListener("input", () => { stop(); show(Number(slider.value)); });
    figure.addEventListener("keydown", (event) => {
      if (event.target === slider) return; // the slider moves itself with the arrow keys
      if (event.key === "ArrowRight") { stop(); show(step + 1); event.preventDefault(); }
      if (event.key === "ArrowLeft") { stop(); show(step - 1); event.preventDefault(); }
    });
    // The nodes become buttons: the picture is then a group of controls, no longer an image.
    figure.querySelector(".agb-graph")?.setAttribute("role", "group");
    for (const [id, box] of boxes) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "button");
      box.addEventListener("click", () => describe(id));
      box.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") { describe(id); event.preventDefault(); }
      });
    }
    const list = /** @type {HTMLDetailsElement | null} */ (figure.querySelector(".agb-steps"));
    if (list) list.open = false; // the narration takes over; the list stays, folded
    figure.classList.add("agb-ready");
    show(0);
  }

  const run = () => {
    for (const figure of document.querySelectorAll(".agb-stepper")) {
      try {
        setUp(/** @type {HTMLElement} */ (figure));
      } catch (error) {
        // One broken stepper leaves the page and the others as they are (static and complete).
        console.warn("backprop stepper:", error);
      }
    }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
