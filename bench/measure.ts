/** Timing helpers shared by the benchmarks: several runs, the measured path paired with its baseline in each. */

export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(middle)] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { min: sorted[0] ?? NaN, median: median ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
}

export function formatSpread({ min, median, max }: Spread, digits = 3, unit = ' s'): string {
  return `${median.toFixed(digits)}${unit} (min ${min.toFixed(digits)}, max ${max.toFixed(digits)})`;
}

export async function seconds(run: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * Runs each named measurement `runs` times, interleaved (a, b, c, a, b, c, ...) so that whatever the
 * machine is doing weighs on all of them alike; returns the seconds of every run, by name.
 */
export async function interleaved<Name extends string>(
  runs: number,
  measurements: Readonly<Record<Name, () => unknown>>,
): Promise<Record<Name, number[]>> {
  const names = Object.keys(measurements) as Name[];
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
  for (let run = 0; run < runs; run++) {
    for (const name of names) times[name].push(await seconds(measurements[name]));
  }
  return times;
}

/**
 * How long one case of a bench may take (BENCH_CASE_LIMIT_S, default 15 minutes): a case past it
 * is ended and reported as a failure, never left hanging.
 */
export const CASE_LIMIT_MS = 1000 * Number(process.env['BENCH_CASE_LIMIT_S'] ?? 900);
