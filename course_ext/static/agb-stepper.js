// @ts-check
// Backprop steppers: step through the graph PyTorch recorded, forward then backward.
// Without this script the page shows the whole graph, every value and gradient, and the
// backward steps in words. This hides what is not computed yet and reveals it step by
// step. The steps, the numbers and every sentence come from the build (course_ext/
// stepper.py): data-agb-steps, data-agb-words, and the page's list of the backward steps in
// words, their math typeset by KaTeX, which the narration copies. No dependencies, no network.
"use strict";

(() => {
  /**
   * @typedef {{name: string, fn: string, value: string, grad: string, entries: number[], inputs: string[], saved: string[]}} StepNode
   * @typedef {{node: string, say?: string, to?: string[], parts?: string[]}} Step
   * @typedef {{nodes: Record<string, StepNode>, forward: Step[], backward: Step[], tensors?: boolean}} Steps
   */

  const PLAY_EVERY_MS = 1400;
  // The quizzes' prefix (agq-quiz.js): the landing page counts predictions as questions.
  const STORAGE_PREFIX = "agq:v2:";

  /** A prediction's verdict, kept as a quiz answer is. @param {string} key @param {string} value @param {boolean} right */
  function remember(key, value, right) {
    try {
      const saved = { value: [value], state: right ? "correct" : "wrong" };
      window.localStorage.setItem(STORAGE_PREFIX + key, JSON.stringify(saved));
    } catch {
      // Storage refused: predicting still works, it is just not remembered.
    }
  }

  /** A prediction's verdict kept before, or null. @param {string} key */
  function recalled(key) {
    try {
      const saved = JSON.parse(window.localStorage.getItem(STORAGE_PREFIX + key) || "null");
      return saved && typeof saved.state === "string" ? saved : null;
    } catch {
      return null; // storage refused or garbled: as if nothing was kept
    }
  }

  /** The learner's numbers: one ("−0.56", "-0,56", "75"), or a tensor's entries row by row
   * ("5, 0, -1" or "[[6, -1], [13, -3]]"); NaN where one is not a number.
   * @param {string} text @param {number} count */
  function numbersIn(text, count) {
    const cleaned = text.trim().replace(/\u2212/g, "-");
    if (count === 1) return [cleaned === "" ? NaN : Number(cleaned.replace(",", "."))];
    return cleaned.replace(/[[\]()]/g, " ").split(/[\s,;]+/).filter(Boolean).map(Number);
  }

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
    // The backward steps in words, one item per step; each gradient passed on an .agb-pass.
    const items = Array.from(figure.querySelectorAll(".agb-steps li"));
    /** Copies of what the page says, to show elsewhere. @param {Iterable<Node>} parts */
    const copies = (parts) => Array.from(parts, (part) => part.cloneNode(true));
    /** The sentences of the i-th backward step that pass a gradient on. @param {number} i */
    const passesOf = (i) => Array.from(items[i] ? items[i].querySelectorAll(".agb-pass") : []);
    const edges = Array.from(figure.querySelectorAll(".agb-edge")).map((e) => /** @type {SVGPathElement} */ (e));
    let step = 0;
    let timer = 0;
    // Predict mode: before each backward step (but the seed's), the learner types the
    // gradient the node is about to receive; right or wrong, the step then proceeds.
    const predictButton = /** @type {HTMLButtonElement} */ ($(".agb-predict"));
    const guess = /** @type {HTMLFormElement} */ ($(".agb-guess"));
    const guessInput = /** @type {HTMLInputElement} */ ($(".agb-guess-input"));
    const verdict = $(".agb-verdict");
    const score = $(".agb-score");
    const questions = Math.max(0, data.backward.length - 1);
    let predicting = false;
    /** @type {number | null} */
    let pending = null; // the backward step whose prediction is asked
    /** @type {Map<number, boolean>} */
    const answers = new Map();

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
      if (step > forwardCount) narration.replaceChildren(...copies(items[step - 1 - forwardCount].childNodes));
      else narration.textContent = current ? current.say || "" : say("start", { output: outputName() });
      details.textContent = "";
      slider.value = String(step);
      slider.setAttribute("aria-valuetext", say("counter", { step, total }));
      $(".agb-counter").textContent = say("counter", { step, total });
    }

    /** The backward step the next step shows, if it needs a prediction first. */
    function questionBefore(/** @type {number} */ next) {
      const index = next - 1 - forwardCount;
      if (!predicting || index < 1 || index >= data.backward.length || answers.has(index)) return null;
      return index;
    }

    /** Next step, unless a prediction is due: then ask it, and wait. */
    function advance() {
      const index = questionBefore(step + 1);
      if (index === null) {
        show(step + 1);
        return true;
      }
      ask(index);
      return false;
    }

    /** A name as a derivative writes it: dh/dx, dh/d(3 * x). @param {string} name */
    const inD = (name) => (/^[A-Za-z_]\w*$/.test(name) ? name : `(${name})`);

    function ask(/** @type {number} */ index) {
      pending = index;
      const node = data.nodes[data.backward[index].node];
      const count = node.entries.length;
      const question = say("question", { name: node.name, output: outputName(), d: inD(node.name) });
      $(".agb-question").textContent = count > 1 ? `${question} ${say("entries", { count })}` : question;
      guessInput.value = "";
      verdict.textContent = "";
      guess.hidden = false;
      guessInput.focus();
    }

    function closeQuestion() {
      pending = null;
      guess.hidden = true;
    }

    /** Why a step's node receives what it does: the sentences of the passes into it, and
     * where paths meet, their sum. @param {number} index */
    function why(index) {
      const id = data.backward[index].node;
      /** @type {Node[]} */
      const said = [];
      data.backward.forEach((s, b) => {
        const passes = passesOf(b);
        (s.to || []).forEach((target, i) => {
          if (target === id && passes[i]) said.push(document.createTextNode(" "), ...copies([passes[i]]));
        });
      });
      const parts = data.backward[index].parts || [];
      if (parts.length > 1) {
        const sum = say("paths_add", { count: parts.length, parts: parts.join(" + "), value: data.nodes[id].grad });
        said.push(document.createTextNode(` ${sum}`));
      }
      return said;
    }

    function check(/** @type {Event} */ event) {
      event.preventDefault();
      if (pending === null) return;
      const index = pending;
      const node = data.nodes[data.backward[index].node];
      const truth = node.entries;
      const typed = numbersIn(guessInput.value, truth.length);
      if (typed.length !== truth.length || typed.some(Number.isNaN)) {
        verdict.textContent = truth.length > 1 ? say("entries", { count: truth.length }) : say("not_a_number");
        return;
      }
      const right = typed.every((v, i) => Math.abs(v - truth[i]) <= Math.max(0.01 * Math.abs(truth[i]), 0.005));
      answers.set(index, right);
      remember(keyOf(index), guessInput.value, right);
      const values = { output: outputName(), name: node.name, d: inD(node.name), value: node.grad };
      if (right) verdict.textContent = say("right", values);
      else verdict.replaceChildren(say("wrong", { ...values, why: "" }).trimEnd(), ...why(index));
      closeQuestion();
      showScore();
      show(step + 1);
      $(".agb-next").focus();
    }

    /** The key of the prediction asked before a backward step. @param {number} index */
    const keyOf = (index) => `stepper:${figure.id}:${data.backward[index].node}`;

    /** The round being played, or else what was predicted here before (this visit or an
     * earlier one), from storage. */
    function showScore() {
      if (predicting) {
        const right = [...answers.values()].filter(Boolean).length;
        score.textContent = say("score", { right, total: questions });
        return;
      }
      const kept = data.backward.slice(1).map((_, i) => recalled(keyOf(i + 1))).filter(Boolean);
      const right = kept.filter((saved) => saved && saved.state === "correct").length;
      score.textContent = kept.length ? say("score_before", { right, total: questions }) : "";
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
        if (step >= total || !advance()) stop();
      }, PLAY_EVERY_MS);
    }

    /** Tell what a node is and what it saved for backward. @param {string} id */
    function describe(id) {
      const node = data.nodes[id];
      const seen = steps.slice(0, step).some((s) => s.node === id);
      const saved = node.saved.length ? say("saved", { saved: node.saved.join(", ") }) : say("nothing_saved");
      const at = data.backward.findIndex((s) => s.node === id);
      const done = at !== -1 && at < step - forwardCount;
      details.textContent = `${say("details", {
        fn: node.fn, name: node.name, value: seen ? node.value : "?", grad: done ? node.grad : "?",
      })} ${saved}`;
      // The rules hold the forward values and the gradients: shown once the node has passed them on.
      const rules = done ? passesOf(at).map((pass) => pass.querySelector(".agb-rule")) : [];
      if (rules.some(Boolean)) {
        const slot = { rules: "\u0000" }; // where the typeset rules go
        const sentence = data.tensors ? say("tensor_rules", slot) : say("rules", slot);
        const [before, after] = sentence.split("\u0000");
        /** @type {(Node | string)[]} */
        const listed = [` ${before}`];
        rules.forEach((rule, i) => { if (rule) listed.push(...(i ? ["; "] : []), ...copies([rule])); });
        details.append(...listed, after);
      }
    }

    // Next step while a prediction is asked skips it: the step is shown, unanswered.
    const next = () => { stop(); if (pending !== null) { closeQuestion(); show(step + 1); } else advance(); };
    $(".agb-next").addEventListener("click", next);
    $(".agb-previous").addEventListener("click", () => { stop(); closeQuestion(); show(step - 1); });
    $(".agb-reset").addEventListener("click", () => { stop(); closeQuestion(); show(0); });
    play.addEventListener("click", () => (timer ? stop() : start()));
    slider.addEventListener("input", () => { stop(); closeQuestion(); show(Number(slider.value)); });
    predictButton.addEventListener("click", () => {
      predicting = !predicting;
      predictButton.setAttribute("aria-pressed", String(predicting));
      if (predicting) answers.clear(); // each round of predictions starts afresh
      else closeQuestion();
      verdict.textContent = "";
      showScore();
    });
    guess.addEventListener("submit", check);
    figure.addEventListener("keydown", (event) => {
      if (event.target === slider || event.target === guessInput) return; // they use the arrows
      if (event.key === "ArrowRight") { next(); event.preventDefault(); }
      if (event.key === "ArrowLeft") { stop(); closeQuestion(); show(step - 1); event.preventDefault(); }
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
    showScore();
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
