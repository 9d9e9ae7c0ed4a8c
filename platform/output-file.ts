/*
 * The one rule for every file a command writes outside the archive (export, report, plan --out,
 * new, import, users add): the content goes to a new file beside the target, which is renamed into
 * place once whole. A target that is a device, a FIFO, a socket, a folder or a symlink is refused
 * (writing there would clobber something that is not ours, or follow a link we did not make), and
 * so is an existing file, unless the command was told to replace it (`--force`, or a file it edits
 * on purpose). The folder must exist: a typo in a path is a message, not a new tree of folders.
 * What a killed run left beside the target (its partial file) is removed by the next run.
 */
import { randomBytes } from 'node:crypto';
import { lstat, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from './errors.js';
import { removeLeftoversOfDeadProcesses } from './local-process.js';

export interface OutputOptions {
  /** Replace a regular file already at the path (`--force`, or a file the command edits). */
  readonly replace: boolean;
  /** How to say "pass --force" for this command, when the target exists. */
  readonly forceHint?: string;
}

/** A file being written: write to `partial`, then `commit()` it into place, or `discard()` it. */
export interface OutputFile {
  readonly path: string;
  readonly partial: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

const PARTIAL_INFIX = '.partial-';

/** Checks where a file is about to be written and names the partial file beside it; writes nothing yet. */
export async function openOutput(path: string, options: OutputOptions): Promise<OutputFile> {
  await checkTarget(path, options);
  const folder = dirname(path);
  await removeLeftoversOfDeadProcesses(folder, `.${basename(path)}${PARTIAL_INFIX}`);
  const partial = join(folder, `.${basename(path)}${PARTIAL_INFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  return {
    path,
    partial,
    async commit() {
      // Checked again: something may have appeared at the path while the content was written.
      await checkTarget(path, options);
      await rename(partial, path);
    },
    discard: () => rm(partial, { force: true }),
  };
}

/**
 * Opens a file to write later by the rule, and writes its (empty) partial now: a command about to
 * buy what it will write (users add's look-ups on X) finds out first that the folder cannot take it.
 */
export async function reserveOutputFile(
  path: string,
  options: OutputOptions,
): Promise<{ write(content: string | Uint8Array): Promise<void>; discard(): Promise<void> }> {
  const output = await openOutput(path, options);
  await writeFile(output.partial, '', { flag: 'wx', mode: 0o644 }).catch(async (error: unknown) => {
    await output.discard();
    throw error;
  });
  return {
    async write(content) {
      try {
        await writeFile(output.partial, content);
        await output.commit();
      } catch (error) {
        await output.discard();
        throw error;
      }
    },
    discard: () => output.discard(),
  };
}

/** Writes a whole file by the rule: partial beside it, renamed into place. */
export async function writeOutputFile(path: string, content: string | Uint8Array, options: OutputOptions): Promise<void> {
  await (await reserveOutputFile(path, options)).write(content);
}

async function checkTarget(path: string, options: OutputOptions): Promise<void> {
  // The folder may be reached through a link the user made (say /tmp on macOS); the file may not.
  const folder = await stat(dirname(path)).catch(() => undefined);
  if (!folder?.isDirectory())
    throw new UserError(
      `cannot write ${path}: the folder ${dirname(path)} does not exist`,
      'create it first, or give a path in a folder that exists',
    );
  const found = await lstat(path).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  if (!found) return;
  const kind = found.isSymbolicLink()
    ? 'a symbolic link (it is not followed)'
    : found.isDirectory()
      ? 'a folder'
      : found.isFIFO()
        ? 'a FIFO'
        : found.isCharacterDevice() || found.isBlockDevice()
          ? 'a device'
          : found.isSocket()
            ? 'a socket'
            : undefined;
  if (kind !== undefined) throw new UserError(`cannot write ${path}: it is ${kind}, not a file`, 'give the path of a regular file');
  if (!options.replace)
    throw new UserError(
      `${path} exists already; it is not replaced`,
      options.forceHint ?? 'give another path, or pass --force to replace it',
    );
}
