import { COMMANDS } from '../cli/command-table.js';
import { runCli } from '../cli/main.js';

// Runs one CLI command in this process, then prints the process's own CPU time and peak RSS as
// the last line of standard output, for benchmarks to read.
const code = await runCli(process.argv.slice(2), COMMANDS);
const usage = process.resourceUsage();
process.stdout.write(`${JSON.stringify({ cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, maxRssMb: usage.maxRSS / 1024 })}\n`);
process.exitCode = code;
