import { test } from "node:test";
import assert from "node:assert/strict";
import { exclusion_id, is_excluded, with_added_id, without_excluded } from "../src/shared/not-interested.js";

test("a card stands for its master when it has one, else its release", () => {
  assert.equal(exclusion_id({ master_id: 7, release_id: 8 }), 7);
  assert.equal(exclusion_id({ master_id: null, release_id: 8 }), 8);
  assert.equal(exclusion_id({}), null);
});

test("excluded items are recognised by master or release id", () => {
  const excluded = new Set([7, 80]);
  assert.equal(is_excluded({ master_id: 7, release_id: 1 }, excluded), true);
  assert.equal(is_excluded({ master_id: null, release_id: 80 }, excluded), true);
  assert.equal(is_excluded({ master_id: 9, release_id: 10 }, excluded), false);
  assert.deepEqual(without_excluded([{ master_id: 7 }, { master_id: 9 }], [7]), [{ master_id: 9 }]);
});

test("the remembered list keeps the newest ids, once each", () => {
  assert.deepEqual(with_added_id([1, 2, 3], 2), [1, 3, 2]);
  const long = Array.from({ length: 1000 }, (_, index) => index + 1);
  const added = with_added_id(long, 5000);
  assert.equal(added.length, 1000);
  assert.equal(added[0], 2);
  assert.equal(added.at(-1), 5000);
});
