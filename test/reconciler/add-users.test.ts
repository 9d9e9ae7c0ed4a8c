import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectionTemplate } from '../../reconciler/desired/templates.js';
import { addUsersToYaml } from '../../reconciler/users/add-users.js';

describe('adding accounts to a collection file', () => {
  it("turns a new collection's `users: {}` into entries, changing no other line", () => {
    const template = collectionTemplate('user_timeline', 'fresh', '../schemas/collection.schema.json');
    const { text, added } = addUsersToYaml(template, [{ id: '12', screenName: 'jack' }]);
    assert.equal(added.length, 1);
    const before = template.split('\n');
    const after = text.split('\n');
    assert.deepEqual(
      after.filter((line) => !before.includes(line)),
      ['users:', '  "12":', '    screen_name: jack'],
    );
    assert.deepEqual(
      before.filter((line) => !after.includes(line)),
      ['users: {}'],
    );
  });

  it("follows the file's own quoting of ids, and skips ids already there", () => {
    const file = "id: x\ntype: user_timeline\nusers:\n  '1':\n    screen_name: a\n";
    const { text, added } = addUsersToYaml(file, [
      { id: '1', screenName: 'a' },
      { id: '2', screenName: 'b' },
    ]);
    assert.deepEqual(
      added.map((u) => u.id),
      ['2'],
    );
    assert.equal(text, `${file}  '2':\n    screen_name: b\n`);
  });
});
