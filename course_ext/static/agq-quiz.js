// @ts-check
// Quizzes: check answers, explain them, keep score, remember answers in localStorage.
// The HTML already works without this script (a folded answer per question); this
// upgrades it. No dependencies, no network.
"use strict";

(() => {
  const STORAGE_PREFIX = "agq:v1:";

  /** @typedef {{value: string[], state: "correct"|"wrong"|"revealed"|"open"}} Saved */

  /** @param {HTMLElement} quiz */
  function storageKey(quiz) {
    return `${STORAGE_PREFIX}${window.location.pathname}#${quiz.dataset.agqQuiz}`;
  }

  /** @param {HTMLElement} quiz @returns {Record<string, Saved>} */
  function load(quiz) {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey(quiz)) || "{}");
    } catch {
      return {}; // storage disabled or corrupt: start afresh
    }
  }

  /** @param {HTMLElement} quiz @param {Record<string, Saved>} saved */
  function save(quiz, saved) {
    try {
      window.localStorage.setItem(storageKey(quiz), JSON.stringify(saved));
    } catch {
      // Private mode or full storage: the quiz still works, it just forgets.
    }
  }

  /** @param {HTMLFieldSetElement} question */
  function inputs(question) {
    return Array.from(question.querySelectorAll("input"));
  }

  /** @param {HTMLFieldSetElement} question @returns {string[]} */
  function chosen(question) {
    if (question.dataset.agqType === "numeric") {
      const value = inputs(question)[0].value.trim();
      return value ? [value] : [];
    }
    return inputs(question).filter((input) => input.checked).map((input) => input.value);
  }

  /** @param {string} text */
  function parseNumber(text) {
    const cleaned = text.replace(/\s/g, "").replace(",", ".");
    return cleaned && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(cleaned) ? Number(cleaned) : NaN;
  }

  /** @param {HTMLFieldSetElement} question @param {string[]} value */
  function isRight(question, value) {
    if (question.dataset.agqType === "numeric") {
      const answer = Number(question.dataset.agqAnswer);
      const tolerance = Number(question.dataset.agqTolerance);
      const number = parseNumber(value[0] || "");
      return Number.isFinite(number) && Math.abs(number - answer) <= tolerance + 1e-12;
    }
    const correct = JSON.parse(question.dataset.agqCorrect || "[]").map(String).sort();
    const picked = [...value].sort();
    return correct.length === picked.length && correct.every((c, i) => c === picked[i]);
  }

  /** @param {HTMLFieldSetElement} question @param {string} key */
  function explanation(question, key) {
    const source = question.querySelector(`.agq-explanation[data-agq-explains="${key}"]`);
    return source ? /** @type {HTMLElement} */ (source.cloneNode(true)) : null;
  }

  /**
   * Show the verdict and the explanations of what was chosen.
   * @param {HTMLFieldSetElement} question
   * @param {Saved} saved
   */
  function render(question, saved) {
    const feedback = /** @type {HTMLElement} */ (question.querySelector(".agq-feedback"));
    const retry = /** @type {HTMLButtonElement} */ (question.querySelector(".agq-retry"));
    const reveal = /** @type {HTMLButtonElement} */ (question.querySelector(".agq-reveal"));
    const check = /** @type {HTMLButtonElement} */ (question.querySelector(".agq-check"));
    const numeric = question.dataset.agqType === "numeric";
    const correct = JSON.parse(question.dataset.agqCorrect || "[]").map(String);

    question.classList.remove("agq-is-correct", "agq-is-wrong", "agq-is-revealed");
    feedback.replaceChildren();
    for (const option of question.querySelectorAll(".agq-option")) {
      option.classList.remove("agq-picked-right", "agq-picked-wrong", "agq-was-correct");
      const mark = option.querySelector(".agq-mark");
      if (mark) mark.textContent = "";
    }
    const answered = saved.state !== "open";
    for (const input of inputs(question)) input.disabled = answered;
    check.hidden = answered;
    retry.hidden = saved.state !== "wrong";
    reveal.hidden = saved.state !== "wrong";
    if (!answered) return;

    question.classList.add(`agq-is-${saved.state}`);
    const verdict = document.createElement("p");
    verdict.className = "agq-verdict";
    verdict.textContent = {
      correct: "✓ Correct.",
      wrong: numeric
        ? `✗ Not quite: ${saved.value[0] || "(empty)"} is not the answer.`
        : "✗ Not quite.",
      revealed: "The answer is shown below.",
    }[saved.state];
    feedback.append(verdict);
    if (saved.state === "wrong" && !numeric && saved.value.every((v) => correct.includes(v))) {
      const hint = document.createElement("p");
      hint.textContent = "What you chose is right, but another answer is right too.";
      feedback.append(hint);
    }

    if (numeric) {
      if (saved.state !== "wrong") {
        const answer = document.createElement("p");
        const tolerance = Number(question.dataset.agqTolerance);
        answer.textContent = `Answer: ${question.dataset.agqAnswer}` +
          (tolerance ? ` (within ±${tolerance})` : "");
        if (saved.state === "revealed") feedback.append(answer);
        const why = explanation(question, "answer");
        if (why) feedback.append(why);
      } else if (Number.isNaN(parseNumber(saved.value[0] || ""))) {
        const hint = document.createElement("p");
        hint.textContent = "Type a number, for example 12.5 or -3.";
        feedback.append(hint);
      }
      return;
    }

    const shown = saved.state === "revealed" ? correct : saved.value;
    for (const option of question.querySelectorAll(".agq-option")) {
      const key = /** @type {HTMLElement} */ (option).dataset.agqOption || "";
      const mark = option.querySelector(".agq-mark");
      const picked = saved.value.includes(key);
      if (picked) {
        const right = correct.includes(key);
        option.classList.add(right ? "agq-picked-right" : "agq-picked-wrong");
        if (mark) mark.textContent = right ? "✓ right" : "✗ wrong";
      } else if (saved.state === "revealed" && correct.includes(key)) {
        option.classList.add("agq-was-correct");
        if (mark) mark.textContent = "✓ correct answer";
      }
    }
    for (const key of shown) {
      const why = explanation(question, key);
      if (why) feedback.append(why);
    }
  }

  /** @param {HTMLElement} quiz @param {Record<string, Saved>} saved */
  function updateScore(quiz, saved) {
    const questions = quiz.querySelectorAll(".agq-question");
    const right = Object.values(saved).filter((s) => s.state === "correct").length;
    const done = Object.values(saved).filter((s) => s.state !== "open").length;
    const score = /** @type {HTMLElement} */ (quiz.querySelector(".agq-score"));
    score.textContent = `${right} of ${questions.length} correct` +
      (done < questions.length ? ` (${questions.length - done} still to answer)` : "");
  }

  /** @param {HTMLElement} quiz */
  function setUp(quiz) {
    const saved = load(quiz);
    quiz.classList.add("agq-ready");

    for (const element of quiz.querySelectorAll(".agq-question")) {
      const question = /** @type {HTMLFieldSetElement} */ (element);
      const id = question.dataset.agqQuestion || "";
      const answer = /** @type {HTMLDetailsElement} */ (question.querySelector(".agq-answer"));
      answer.hidden = true; // the feedback region takes over from the folded answer

      const restore = saved[id];
      if (restore) {
        for (const input of inputs(question)) {
          if (input.type === "text") input.value = restore.value[0] || "";
          else input.checked = restore.value.includes(input.value);
        }
        render(question, restore);
      }

      const act = (/** @type {Saved["state"]} */ state) => {
        const value = state === "revealed" && saved[id] ? saved[id].value : chosen(question);
        saved[id] = { value, state };
        save(quiz, saved);
        render(question, saved[id]);
        updateScore(quiz, saved);
      };

      const check = /** @type {HTMLButtonElement} */ (question.querySelector(".agq-check"));
      check.addEventListener("click", () => {
        const value = chosen(question);
        const feedback = /** @type {HTMLElement} */ (question.querySelector(".agq-feedback"));
        if (value.length === 0) {
          feedback.textContent = question.dataset.agqType === "numeric"
            ? "Type a number first." : "Choose an answer first.";
          return;
        }
        act(isRight(question, value) ? "correct" : "wrong");
      });
      // Enter in the number field checks it, as in a form.
      for (const input of inputs(question)) {
        if (input.type === "text") {
          input.addEventListener("keydown", (event) => {
            if (event.key === "Enter") { event.preventDefault(); check.click(); }
          });
        }
      }
      question.querySelector(".agq-retry")?.addEventListener("click", () => {
        act("open");
        const first = inputs(question)[0];
        if (first) first.focus();
      });
      question.querySelector(".agq-reveal")?.addEventListener("click", () => {
        act("revealed");
        /** @type {HTMLElement} */ (question.querySelector(".agq-feedback")).focus();
      });
    }

    quiz.querySelector(".agq-reset")?.addEventListener("click", () => {
      for (const key of Object.keys(saved)) delete saved[key];
      save(quiz, saved);
      for (const element of quiz.querySelectorAll(".agq-question")) {
        const question = /** @type {HTMLFieldSetElement} */ (element);
        for (const input of inputs(question)) {
          input.checked = false;
          if (input.type === "text") input.value = "";
        }
        render(question, { value: [], state: "open" });
      }
      updateScore(quiz, saved);
      const first = quiz.querySelector("input");
      if (first) first.focus();
    });
    updateScore(quiz, saved);
  }

  const start = () => document.querySelectorAll(".agq-quiz").forEach((q) => setUp(/** @type {HTMLElement} */ (q)));
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
