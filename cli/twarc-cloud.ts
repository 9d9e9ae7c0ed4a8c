// The twarc-cloud program (bin/twarc-cloud.js runs it): the full command table.
import { COMMANDS } from './command-table.js';
import { runCliProcess } from './main.js';

await runCliProcess(process.argv.slice(2), COMMANDS);
