// Typesets TeX with KaTeX for course_ext/katex_math.py, which starts this once per build:
// one JSON request per line on stdin, {"tex": "...", "display": true|false}, and one JSON
// answer per line on stdout, {"html": "..."} or {"error": "..."}.
// Usage: node katex_render.js <path of the katex package>
"use strict";
const katex = require(process.argv[2]);
const readline = require("readline");

const OPTIONS = {
  output: "htmlAndMathml", // what a screen reader reads (MathML) beside what is seen
  throwOnError: true, // a formula KaTeX cannot read is the contributor's error, not red text
  strict: "error",
  trust: false, // no \href, \url or \includegraphics from a chapter's TeX
};

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const { tex, display } = JSON.parse(line);
  let answer;
  try {
    answer = { html: katex.renderToString(tex, { ...OPTIONS, displayMode: display }) };
  } catch (error) {
    answer = { error: String(error.message) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
