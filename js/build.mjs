// Build every js/<name>/index.ts into tda_widgets/static/<name>.js (+ <name>.css).
// One esbuild call; `--watch` rebuilds on change.
import { build, context } from "esbuild";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = new URL(".", import.meta.url).pathname;
const entryPoints = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, d.name, "index.ts")))
  .map((d) => ({ in: join(root, d.name, "index.ts"), out: d.name }));

if (entryPoints.length === 0) {
  console.error("js/build.mjs: no js/<name>/index.ts found");
  process.exit(1);
}

const options = {
  entryPoints,
  outdir: join(root, "..", "tda_widgets", "static"),
  bundle: true,
  format: "esm",
  target: "es2020",
  minify: !process.argv.includes("--dev") && !process.argv.includes("--watch"),
  sourcemap: false,
  logLevel: "info",
};

if (process.argv.includes("--watch")) {
  const ctx = await context(options);
  await ctx.watch();
} else {
  await build(options);
}
