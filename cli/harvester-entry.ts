import { runCli } from './main.js';

// The container's entry point: the CLI, bundled (scripts/bundle.ts). ECS runs `harvest <id>`.
process.exitCode = await runCli(process.argv.slice(2));
