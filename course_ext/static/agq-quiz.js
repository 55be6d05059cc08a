// @ts-check
// Quizzes: check answers, explain them, keep score, remember answers in localStorage.
// The HTML already works without this script (a folded answer per question); this
// upgrades it. No dependencies, no network. Every word comes from the quiz's
// data-agq-words attribute (course_ext/components/quiz/words.py).
"use strict";

(() => {
  const STORAGE_PREFIX = "agq:v2:";

  /**
   * @typedef {{value: string[], state: "correct"|"wrong"|"revealed"|"open"}} Saved
   * @typedef {(key: string, values?: Record<string, any>) => string} Say
   */

  /**
   * The words of one quiz or progress box, from its own data-agq-words: a page may hold
   * quizzes with different tables, so each element gets its own `say`.
   * @param {HTMLElement} element @returns {Say} a word of words.py, its {fields} filled in
   */
  function sayerOf(element) {
    /** @type {Record<string, string>} */
    let words;
    try {
      words = JSON.parse(element.dataset.agqWords || "{}");
    } catch {
      words = {};
    }
    return (key, values = {}) =>
      (words[key] || key).replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  // Answers are kept per question, under a key made from its content (data-agq-key), so
  // an edited or reordered quiz never shows another question's answer, and the landing
  // page can count them.
  /** @param {string} key @returns {Saved | null} */
  function read(key) {
    try {
      const saved = JSON.parse(window.localStorage.getItem(STORAGE_PREFIX + key) || "null");
      return saved && Array.isArray(saved.value) && typeof saved.state === "string" ? saved : null;
    } catch {
      return null; // storage refused or corrupt: start afresh
    }
  }

  /** @param {string} key @param {Saved | null} saved */
  function write(key, saved) {
    try {
      if (saved) window.localStorage.setItem(STORAGE_PREFIX + key, JSON.stringify(saved));
      else window.localStorage.removeItem(STORAGE_PREFIX + key);
    } catch {
      // Private mode or full storage: the quiz still works, it just forgets.
    }
  }

  function storageWorks() {
    try {
      // @ts-ignore: the page's stand-in for a refused storage (templates/layout.html)
      if (window.localStorage.inMemoryOnly) return false;
      window.localStorage.setItem(STORAGE_PREFIX + "probe", "1");
      window.localStorage.removeItem(STORAGE_PREFIX + "probe");
      return true;
    } catch {
      return false;
    }
  }

  /** @param {HTMLElement} quiz */
  function questionsOf(quiz) {
    return Array.from(quiz.querySelectorAll(".agq-question")).map((q) => /** @type {HTMLElement} */ (q));
  }

  /** @param {HTMLElement} quiz @returns {Record<string, Saved>} */
  function load(quiz) {
    /** @type {Record<string, Saved>} */
    const saved = {};
    for (const question of questionsOf(quiz)) {
      const found = read(question.dataset.agqKey || "");
      if (found) saved[question.dataset.agqQuestion || ""] = found;
    }
    return saved;
  }

  /** @param {HTMLElement} quiz @param {Record<string, Saved>} saved */
  function save(quiz, saved) {
    for (const question of questionsOf(quiz)) {
      write(question.dataset.agqKey || "", saved[question.dataset.agqQuestion || ""] || null);
    }
  }

  /** @param {HTMLFieldSetElement} question */
  function inputs(question) {
    return Array.from(question.querySelectorAll("input"));
  }

  /** The items of an order question, as they stand. @param {HTMLFieldSetElement} question */
  function items(question) {
    return Array.from(question.querySelectorAll(".agq-item")).map((li) => /** @type {HTMLElement} */ (li));
  }

  /** @param {HTMLFieldSetElement} question @param {string[]} order */
  function arrange(question, order) {
    const list = question.querySelector(".agq-order");
    const byKey = new Map(items(question).map((li) => [li.dataset.agqItem || "", li]));
    for (const key of order) {
      const li = byKey.get(key);
      if (li && list) list.append(li);
    }
  }

  /** @param {HTMLFieldSetElement} question @returns {string[]} */
  function chosen(question) {
    if (question.dataset.agqType === "order") return items(question).map((li) => li.dataset.agqItem || "");
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
    const correct = /** @type {unknown[]} */ (JSON.parse(question.dataset.agqCorrect || "[]")).map(String);
    if (question.dataset.agqType === "order") return correct.join() === value.join();
    correct.sort();
    const picked = [...value].sort();
    return correct.length === picked.length && correct.every((c, i) => c === picked[i]);
  }

  /** The common wrong number `number` is, or -1. @param {HTMLFieldSetElement} question @param {number} number */
  function mistakeOf(question, number) {
    const tolerance = Number(question.dataset.agqTolerance);
    const mistakes = /** @type {number[]} */ (JSON.parse(question.dataset.agqMistakes || "[]"));
    return mistakes.findIndex((m) => Math.abs(number - m) <= tolerance + 1e-12);
  }

  /** A prediction's answer: the folded output of the next cell, opened. @param {HTMLElement} quiz */
  function openAnswer(quiz) {
    let next = quiz.nextElementSibling;
    while (next && !next.classList.contains("cell")) next = next.nextElementSibling;
    const folded = next?.querySelector("details.hide.below-input");
    if (folded) /** @type {HTMLDetailsElement} */ (folded).open = true;
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
   * @param {Say} say
   */
  function render(question, saved, say) {
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
    for (const button of question.querySelectorAll(".agq-move")) {
      /** @type {HTMLButtonElement} */ (button).disabled = answered;
    }
    check.hidden = answered;
    retry.hidden = saved.state !== "wrong";
    reveal.hidden = saved.state !== "wrong";
    if (saved.state === "open") return; // not `answered`: tsc narrows the state only here

    question.classList.add(`agq-is-${saved.state}`);
    const verdict = document.createElement("p");
    verdict.className = "agq-verdict";
    const order = question.dataset.agqType === "order";
    const inPlace = saved.value.filter((key, i) => key === correct[i]).length;
    verdict.textContent = {
      correct: say("correct"),
      wrong: numeric
        ? say("wrong_number", { value: saved.value[0] || say("empty") })
        : order ? say("wrong_order", { right: inPlace, total: correct.length }) : say("wrong"),
      revealed: say("revealed"),
    }[saved.state];
    feedback.append(verdict);
    if (saved.state === "wrong" && !numeric && !order && saved.value.every((v) => correct.includes(v))) {
      const hint = document.createElement("p");
      hint.textContent = say("partly_right");
      feedback.append(hint);
    }

    if (order) {
      arrange(question, saved.state === "revealed" ? correct : saved.value);
      if (saved.state !== "wrong") {
        const why = explanation(question, "answer");
        if (why) feedback.append(why);
      }
      return;
    }
    if (numeric) {
      if (saved.state !== "wrong") {
        const answer = document.createElement("p");
        const tolerance = Number(question.dataset.agqTolerance);
        answer.textContent = say("answer") + question.dataset.agqAnswer +
          (tolerance ? say("within", { tolerance }) : "");
        if (saved.state === "revealed") feedback.append(answer);
        const why = explanation(question, "answer");
        if (why) feedback.append(why);
      } else if (Number.isNaN(parseNumber(saved.value[0] || ""))) {
        const hint = document.createElement("p");
        hint.textContent = say("type_a_number");
        feedback.append(hint);
      } else {
        // A wrong number many learners give: say what it is (the quiz's `mistakes`).
        const index = mistakeOf(question, parseNumber(saved.value[0] || ""));
        const why = index < 0 ? null : explanation(question, `mistake-${index}`);
        if (why) feedback.append(why);
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
        if (mark) mark.textContent = say(right ? "mark_right" : "mark_wrong");
      } else if (saved.state === "revealed" && correct.includes(key)) {
        option.classList.add("agq-was-correct");
        if (mark) mark.textContent = say("mark_answer");
      }
    }
    for (const key of shown) {
      const why = explanation(question, key);
      if (why) feedback.append(why);
    }
  }

  /** @param {HTMLElement} quiz @param {Record<string, Saved>} saved @param {Say} say */
  function updateScore(quiz, saved, say) {
    const questions = quiz.querySelectorAll(".agq-question");
    const right = Object.values(saved).filter((s) => s.state === "correct").length;
    const done = Object.values(saved).filter((s) => s.state !== "open").length;
    const score = /** @type {HTMLElement | null} */ (quiz.querySelector(".agq-score"));
    if (!score) return; // a prediction keeps no score
    score.textContent = say("score", { right, total: questions.length }) +
      (done < questions.length ? say("still_to_answer", { left: questions.length - done }) : "");
  }

  /**
   * Move buttons on each item, and Alt + arrow keys; each move is announced.
   * @param {HTMLFieldSetElement} question
   * @param {Say} say
   */
  function makeMovable(question, say) {
    const list = /** @type {HTMLElement} */ (question.querySelector(".agq-order"));
    const status = document.createElement("p");
    status.className = "agq-sr-only";
    status.setAttribute("aria-live", "polite");
    list.after(status);
    /** @param {HTMLElement} li @param {number} step */
    const move = (li, step) => {
      const all = items(question);
      const to = all.indexOf(li) + step;
      if (to < 0 || to >= all.length) return;
      if (step < 0) all[to].before(li); else all[to].after(li);
      const text = li.querySelector(".agq-item-text")?.textContent?.trim() || "";
      status.textContent = say("moved", { item: text, position: to + 1, total: all.length });
      // Moving an element drops its focus: give it back to the button that was used.
      /** @type {HTMLElement | null} */ (li.querySelector(step < 0 ? ".agq-up" : ".agq-down"))?.focus();
    };
    for (const li of items(question)) {
      const text = li.querySelector(".agq-item-text")?.textContent?.trim() || "";
      const moves = document.createElement("span");
      moves.className = "agq-moves";
      for (const [kind, step, label, glyph] of /** @type {const} */ ([["up", -1, "move_up", "↑"], ["down", 1, "move_down", "↓"]])) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = `agq-button agq-move agq-${kind}`;
        button.textContent = glyph;
        button.setAttribute("aria-label", say(label, { item: text }));
        button.addEventListener("click", () => move(li, step));
        moves.append(button);
      }
      li.prepend(moves);
      li.addEventListener("keydown", (event) => {
        if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
        event.preventDefault();
        move(li, event.key === "ArrowUp" ? -1 : 1);
      });
    }
  }

  /** @param {HTMLElement} quiz */
  function setUp(quiz) {
    const saved = load(quiz);
    const say = sayerOf(quiz);

    for (const element of quiz.querySelectorAll(".agq-question")) {
      const question = /** @type {HTMLFieldSetElement} */ (element);
      const id = question.dataset.agqQuestion || "";
      const answer = /** @type {HTMLDetailsElement} */ (question.querySelector(".agq-answer"));
      answer.hidden = true; // the feedback region takes over from the folded answer
      const shown = chosen(question); // as the page shows it: what Reset goes back to
      if (question.dataset.agqType === "order") makeMovable(question, say);

      const restore = saved[id];
      if (restore) {
        if (question.dataset.agqType === "order") arrange(question, restore.value);
        for (const input of inputs(question)) {
          if (input.type === "text") input.value = restore.value[0] || "";
          else input.checked = restore.value.includes(input.value);
        }
        render(question, restore, say);
        const answered = restore.state === "correct" || restore.state === "revealed";
        if (answered && quiz.classList.contains("agq-predict")) openAnswer(quiz);
      }

      const act = (/** @type {Saved["state"]} */ state) => {
        const value = state === "revealed" && saved[id] ? saved[id].value : chosen(question);
        saved[id] = { value, state };
        save(quiz, saved);
        render(question, saved[id], say);
        updateScore(quiz, saved, say);
        if (quiz.classList.contains("agq-predict") && (state === "correct" || state === "revealed")) {
          openAnswer(quiz);
        }
      };

      const check = /** @type {HTMLButtonElement} */ (question.querySelector(".agq-check"));
      check.addEventListener("click", () => {
        const value = chosen(question);
        const feedback = /** @type {HTMLElement} */ (question.querySelector(".agq-feedback"));
        if (value.length === 0) {
          feedback.textContent = say(question.dataset.agqType === "numeric" ? "number_first" : "choose_first");
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
        const first = inputs(question)[0] || question.querySelector(".agq-move");
        if (first) /** @type {HTMLElement} */ (first).focus();
      });
      question.dataset.agqShown = JSON.stringify(shown);
      question.querySelector(".agq-reveal")?.addEventListener("click", () => {
        act("revealed");
        /** @type {HTMLElement} */ (question.querySelector(".agq-feedback")).focus();
      });
    }
    quiz.classList.add("agq-ready"); // only now: a quiz that failed keeps its no-JS form

    quiz.querySelector(".agq-reset")?.addEventListener("click", () => {
      for (const key of Object.keys(saved)) delete saved[key];
      save(quiz, saved);
      for (const element of quiz.querySelectorAll(".agq-question")) {
        const question = /** @type {HTMLFieldSetElement} */ (element);
        for (const input of inputs(question)) {
          input.checked = false;
          if (input.type === "text") input.value = "";
        }
        if (question.dataset.agqType === "order") arrange(question, JSON.parse(question.dataset.agqShown || "[]"));
        render(question, { value: [], state: "open" }, say);
      }
      updateScore(quiz, saved, say);
      const first = quiz.querySelector("input");
      if (first) first.focus();
    });
    updateScore(quiz, saved, say);
  }

  /**
   * The landing page: how many questions of each lesson this browser has answered right.
   * @param {HTMLElement} box
   */
  function setUpProgress(box) {
    const say = sayerOf(box);
    const rows = Array.from(box.querySelectorAll("[data-agq-keys]")).map((r) => /** @type {HTMLElement} */ (r));
    const status = /** @type {HTMLElement} */ (box.querySelector(".agq-progress-status"));
    const keysOf = (/** @type {HTMLElement} */ row) => /** @type {string[]} */ (JSON.parse(row.dataset.agqKeys || "[]"));
    const refresh = () => {
      let right = 0;
      let total = 0;
      for (const row of rows) {
        const keys = keysOf(row);
        const done = keys.filter((key) => read(key)?.state === "correct").length;
        right += done;
        total += keys.length;
        const count = /** @type {HTMLElement} */ (row.querySelector(".agq-progress-count"));
        count.textContent = say("progress_lesson", { right: done, total: keys.length });
      }
      return { right, total };
    };
    const { right, total } = refresh();
    status.textContent = storageWorks()
      ? say("progress_total", { right, total })
      : say("progress_unkept");
    box.querySelector(".agq-progress-reset")?.addEventListener("click", () => {
      for (const row of rows) for (const key of keysOf(row)) write(key, null);
      refresh();
      status.textContent = say("progress_forgotten");
    });
    box.classList.add("agq-ready");
  }

  /** One quiz or progress box that fails leaves the others, and the page, working. */
  const alone = (/** @type {(e: HTMLElement) => void} */ setUpOne, /** @type {Element} */ e) => {
    try {
      setUpOne(/** @type {HTMLElement} */ (e));
    } catch (error) {
      console.warn("quiz:", error);
      // Back to its no-JS form: each question with its folded answer below it.
      e.classList.remove("agq-ready");
      e.querySelectorAll(".agq-answer").forEach((answer) => { /** @type {HTMLElement} */ (answer).hidden = false; });
    }
  };
  const start = () => {
    document.querySelectorAll(".agq-quiz").forEach((q) => alone(setUp, q));
    document.querySelectorAll(".agq-progress").forEach((b) => alone(setUpProgress, b));
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
