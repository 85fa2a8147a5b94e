// Writes dist/chrome/ and dist/firefox/: the same sources, each with its own
// manifest. No bundler: the sources are the shipped code.
// It also copies the card module (and the two modules it imports) to the web
// page's static folder: the web page and the extension render cards with the
// same file, and test/web-cards.test.js fails when the copies are stale.
import { copyFile, cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build_manifest } from "./manifest.mjs";

const root = new URL("../", import.meta.url);
const source_dir = fileURLToPath(new URL("src/", root));
const BROWSERS = ["chrome", "firefox"];

export const WEB_SHARED_DIR = new URL("../server/static/web/shared/", root);
export const WEB_SHARED_MODULES = ["card-rendering.js", "dom-building.js", "discogs-urls.js"];

async function copy_cards_to_the_web_page() {
  await mkdir(WEB_SHARED_DIR, { recursive: true });
  for (const name of WEB_SHARED_MODULES) {
    await copyFile(new URL(`src/shared/${name}`, root), new URL(name, WEB_SHARED_DIR));
  }
  console.log(`copied ${WEB_SHARED_MODULES.join(", ")} to ${fileURLToPath(WEB_SHARED_DIR)}`);
}

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
  // The tests build with --no-web: they must check the committed copies, not refresh them.
  if (!process.argv.includes("--no-web")) await copy_cards_to_the_web_page();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
