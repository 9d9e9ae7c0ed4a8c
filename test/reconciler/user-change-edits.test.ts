import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyUserChanges } from '../../reconciler/users/user-change-edits.js';

const FILE = `# yaml-language-server: $schema=../schemas/collection.schema.json
# Climate scientists, reviewed every term.
id: scientists
type: user_timeline
schedule: rate(1 day)
users:
  "1001":
    screen_name: old_name   # renamed last spring?
    note: keep this note
  "1002":
    screen_name: gone_account
  "1003":
    screen_name: steady
delete_users_for: [suspended]
`;

describe('applying user changes to a collection file', () => {
  it('renames and removes, keeping every comment and the rest of the file as written', () => {
    const { text, edits } = applyUserChanges(
      FILE,
      [
        { user_id: '1001', kind: 'renamed', screen_name: 'new_name', previous_screen_name: 'old_name', action: 'harvested' },
        { user_id: '1002', kind: 'suspended', action: 'skipped' },
        { user_id: '1003', kind: 'protected', action: 'skipped' },
        { user_id: '9999', kind: 'not_found', action: 'skipped' },
      ],
      ['suspended'],
    );
    assert.deepEqual(
      edits.map((e) => [e.userId, e.kind]),
      [
        ['1001', 'renamed'],
        ['1002', 'removed'],
      ],
    );
    assert.match(text, /screen_name: new_name +# renamed last spring\?/);
    assert.match(text, /note: keep this note/);
    assert.doesNotMatch(text, /gone_account|"1002"/);
    assert.match(text, /"1003":\n {4}screen_name: steady/);
    assert.ok(
      text.startsWith('# yaml-language-server: $schema=../schemas/collection.schema.json\n# Climate scientists, reviewed every term.\n'),
    );
    assert.match(text, /delete_users_for: \[suspended\]\n$/);
  });

  it('leaves a file untouched, byte for byte, when nothing applies', () => {
    assert.equal(applyUserChanges(FILE, [{ user_id: '1003', kind: 'protected', action: 'skipped' }], []).text, FILE);
  });
});
