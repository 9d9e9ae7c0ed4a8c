/*
 * Loaded into every unit-tier test file (scripts/run-tests.ts): the unit tier starts no child
 * process and no server, so that it stays fast and never waits on another program. A test that
 * needs either belongs in a file named *.e2e.test.ts; this says so instead of letting it slip in.
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

const MOVE = 'belongs in the e2e tier: name its file *.e2e.test.ts (docs/architecture.md, "Two tiers")';

function refuse(what: string): never {
  throw new Error(`a unit-tier test ${what}; that ${MOVE}`);
}

// The runner's own process (which starts a process per file) loads this too; only the files' processes are guarded.
const inTestFile = process.env['NODE_TEST_CONTEXT'] !== undefined;

for (const name of inTestFile ? (['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) : []) {
  Object.defineProperty(childProcess, name, {
    value: () => refuse(`started a child process (child_process.${name})`),
    configurable: true,
    writable: true,
  });
}
if (inTestFile) {
  net.Server.prototype.listen = function listen(): never {
    return refuse('opened a server (listen)');
  };
}
// ESM importers of node:child_process see the replaced functions too.
syncBuiltinESMExports();
