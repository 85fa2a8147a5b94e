// The web page (server/static/web/) renders cards with the extension's own
// module: `npm run build` copies it there, and this test fails when a copy is
// stale (run `cd extension && npm run build` and commit the copies).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { WEB_SHARED_DIR, WEB_SHARED_MODULES } from "../scripts/build.mjs";

test("server/static/web/shared/ holds exact copies of the card module and its imports", () => {
  for (const name of WEB_SHARED_MODULES) {
    const source = readFileSync(new URL(`../src/shared/${name}`, import.meta.url), "utf8");
    const copy = readFileSync(new URL(name, WEB_SHARED_DIR), "utf8");
    assert.equal(copy, source, `server/static/web/shared/${name} differs from extension/src/shared/${name}: run npm run build`);
  }
});

test("the copied modules import nothing else", () => {
  for (const name of WEB_SHARED_MODULES) {
    const source = readFileSync(new URL(`../src/shared/${name}`, import.meta.url), "utf8");
    const imports = [...source.matchAll(/^import .* from "\.\/([^"]+)";$/gm)].map((match) => match[1]);
    for (const imported of imports) assert.ok(WEB_SHARED_MODULES.includes(imported), `${name} imports ${imported}, which the web page lacks`);
  }
});

test("the web page imports the shared module, and no card code of its own is left", () => {
  const page = readFileSync(new URL("../../server/static/web/page.js", import.meta.url), "utf8");
  assert.match(page, /from "\.\/shared\/card-rendering\.js"/);
  assert.throws(() => readFileSync(new URL("../../server/static/web/cards.js", import.meta.url)), { code: "ENOENT" });
});
