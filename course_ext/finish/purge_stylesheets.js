// Cuts the built site's third-party stylesheets to the rules its pages and scripts can use,
// for course_ext/finish/purge.py, which runs this once at the end of a build.
// Usage: node purge_stylesheets.js <path of the purgecss package> <request as JSON>
// request: {"content": [html and js files], "css": [css files], "safelist": [regexes]}.
// Each stylesheet is rewritten in place; one line of JSON on stdout gives, per file, its
// size before and after: {"path": [before, after], ...}.
"use strict";
const fs = require("fs");
const { PurgeCSS } = require(process.argv[2]);

const request = JSON.parse(process.argv[3]);

(async () => {
  const results = await new PurgeCSS().purge({
    content: request.content,
    css: request.css,
    // Classes a script builds from parts (Bootstrap's `bs-${name}-auto`), so no file names.
    safelist: { greedy: request.safelist.map((source) => new RegExp(source)) },
    // @font-face, @keyframes and custom properties stay: a rule left in may use them.
    fontFace: false,
    keyframes: false,
    variables: false,
  });
  const sizes = {};
  for (const { file, css } of results) {
    sizes[file] = [fs.statSync(file).size, Buffer.byteLength(css)];
    fs.writeFileSync(file, css);
  }
  process.stdout.write(JSON.stringify(sizes) + "\n");
})().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
  process.exit(1);
});
