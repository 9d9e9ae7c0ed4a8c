/*
 * What the harvester's commands (harvest, harvest-group) share: the archive and control API
 * options, the test and emulator knobs read from the environment, option parsing, and the stop
 * that SIGTERM and SIGINT begin.
 */

import { ENDS_WITH_PARENT } from '../../platform/harvester-launch.js';
import { UserError } from '../../platform/errors.js';
import type { HarvestTuning } from '../../harvester/harvest-context.js';
import { StopController } from '../../harvester/stop.js';
import { scaleOwnServiceToZero } from '../../harvester/own-ecs-service.js';
import type { ParsedArgs } from '../command.js';
import { givenArchive } from './archive-option.js';
import type { CliIo } from '../io.js';

/** The options both harvester commands take, as parseArgs reads them. */
export const HARVESTER_OPTIONS = {
  archive: { type: 'string' },
  'control-host': { type: 'string' },
  'control-port': { type: 'string' },
  'advertise-host': { type: 'string' },
  'stale-after': { type: 'string' },
} as const;

/** The ECS service a stream (or stream group) runs as, which the reconciler names in its task definition. */
export const OWN_SERVICE_OPTIONS = {
  'ecs-cluster': { type: 'string' },
  'ecs-service': { type: 'string' },
} as const;

/** Ends the command's own ECS service (desired count 0) when it is done for good; undefined when not run as a service. */
export function ownServiceEnd(args: ParsedArgs): (() => Promise<void>) | undefined {
  const cluster = stringOption(args, 'ecs-cluster');
  const service = stringOption(args, 'ecs-service');
  if ((cluster === undefined) !== (service === undefined)) throw new UserError('--ecs-cluster and --ecs-service go together');
  return cluster !== undefined && service !== undefined ? scaleOwnServiceToZero({ cluster, service }) : undefined;
}

/** The tuning knobs tests and emulators set through the environment (schedules never need them). */
export function envTuning(io: CliIo): Partial<HarvestTuning> {
  return {
    ...optional('streamSilenceMs', envNumber(io, 'TWARC_CLOUD_STREAM_SILENCE_MS')),
    ...optional('backoffScale', envNumber(io, 'TWARC_CLOUD_BACKOFF_SCALE')),
    ...optional('rateLimitMarginMs', envNumber(io, 'TWARC_CLOUD_RATE_LIMIT_MARGIN_MS')),
    ...optional('requestTimeoutMs', envNumber(io, 'TWARC_CLOUD_REQUEST_TIMEOUT_MS')),
  };
}

/**
 * Runs a harvest whose stop SIGTERM and SIGINT begin; started by `run` or `up` (ENDS_WITH_PARENT),
 * the end of its parent's pipe on standard input begins it too, so that it never outlives that parent.
 */
export async function stoppedBySignals<T>(io: CliIo, run: (stop: StopController) => Promise<T>): Promise<T> {
  const stop = new StopController();
  const onSignal = (signal: NodeJS.Signals): void => {
    stop.stop('signal', `${signal} received`);
  };
  const onParentGone = (): void => {
    stop.stop('signal', 'the process that started it (run or up) ended');
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const watchParent = io.env[ENDS_WITH_PARENT] === '1';
  if (watchParent) {
    process.stdin.on('end', onParentGone);
    process.stdin.on('error', onParentGone);
    process.stdin.resume();
  }
  try {
    return await run(stop);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    if (watchParent) {
      process.stdin.off('end', onParentGone);
      process.stdin.destroy();
    }
  }
}

export function archiveLocation(args: ParsedArgs, io: CliIo, fallback: (io: CliIo) => string): string {
  return givenArchive(args, io) ?? fallback(io);
}

export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function numberOption(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new UserError(`--${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  return value;
}

export function secondsOption(args: ParsedArgs, name: string): number | undefined {
  const seconds = numberOption(args, name, 0, 86_400);
  return seconds === undefined ? undefined : seconds * 1000;
}

/** Test and emulator knobs, read from the environment so that schedules never need them. */
export function envNumber(io: CliIo, name: string): number | undefined {
  const raw = io.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new UserError(`${name} must be a non-negative number, not "${raw}"`);
  return value;
}
