// Builds the site's one stylesheet: Bootstrap's Sass with the brand (scss/site.scss), then only
// the rules some template, form or script can use (PurgeCSS). Run by `make css`.
//   node courses/assets/build-css.mjs   writes courses/static/batchwise/dist/site.css
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { PurgeCSS } from "purgecss";
import * as sass from "sass";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const output = path.join(root, "courses/static/batchwise/dist/site.css");

// Where class names come from: our templates, the crispy-forms templates and layout code that
// render our forms, the Python that sets classes on fields, and our scripts.
const sitePackages = readdirSync(path.join(root, ".venv/lib"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name.startsWith("python3"))
  .map((entry) => `.venv/lib/${entry.name}/site-packages`)[0];
if (!sitePackages || !existsSync(path.join(root, sitePackages, "crispy_bootstrap5"))) {
  throw new Error("crispy_bootstrap5 was not found in .venv: run `make install` first.");
}
const content = [
  "templates/**/*.html",
  "courses/templates/**/*.html",
  "enquiries/templates/**/*.html",
  "courses/**/*.py",
  "enquiries/**/*.py",
  "config/**/*.py",
  "courses/static/**/*.js",
  "enquiries/static/**/*.js",
  `${sitePackages}/crispy_bootstrap5/**/*.{html,py}`,
  `${sitePackages}/crispy_forms/{layout,bootstrap}.py`,
];

// Classes no file spells out whole: added by Bootstrap's JavaScript (the navbar's collapse),
// by the browser's validation styles, or built from a value at run time (a message's level).
const safelist = {
  standard: [
    "show", "collapsing", "collapse", "fade", "active", "disabled",
    "is-invalid", "is-valid", "was-validated", "invalid-feedback", "valid-feedback",
    /^alert-(success|info|warning|danger|debug)$/,
  ],
};

function report(label, css) {
  const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
  const raw = Buffer.byteLength(css);
  console.log(`${label}: ${kib(raw)} (${kib(gzipSync(css, { level: 9 }).length)} gzipped)`);
}

const compiled = sass.compile(path.join(root, "courses/assets/scss/site.scss"), {
  loadPaths: [path.join(root, "node_modules")],
  style: "compressed",
  // Bootstrap 5.3 still uses @import and global functions; its warnings are not ours to fix.
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "color-functions", "if-function"],
}).css;

const [purged] = await new PurgeCSS().purge({
  content: content.map((pattern) => path.join(root, pattern)),
  css: [{ raw: compiled }],
  safelist,
  keyframes: true,
  fontFace: true,
  variables: true,
});

mkdirSync(path.dirname(output), { recursive: true });
writeFileSync(output, purged.css);
report("Bootstrap + site, compiled", compiled);
report(`after purge, ${path.relative(root, output)}`, purged.css);
