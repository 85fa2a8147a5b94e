// Writes dist/chrome/ and dist/firefox/: the same sources, each with its own
// manifest. No bundler: the sources are the shipped code.
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build_manifest } from "./manifest.mjs";

const root = new URL("../", import.meta.url);
const source_dir = fileURLToPath(new URL("src/", root));
const BROWSERS = ["chrome", "firefox"];

// Icon sources stay out of the packages.
const SKIPPED = [/\.svg$/];

async function main() {
  const { version } = JSON.parse(await readFile(new URL("package.json", root), "utf8"));
  for (const browser of BROWSERS) {
    const target_dir = fileURLToPath(new URL(`dist/${browser}/`, root));
    await rm(target_dir, { recursive: true, force: true });
    await mkdir(target_dir, { recursive: true });
    await cp(source_dir, target_dir, {
      recursive: true,
      filter: (path) => !SKIPPED.some((pattern) => pattern.test(path)),
    });
    await writeFile(`${target_dir}manifest.json`, `${JSON.stringify(build_manifest(browser, version), null, 2)}\n`);
    console.log(`built ${target_dir}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
