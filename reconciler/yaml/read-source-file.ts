/*
 * Reading a file that will be parsed as configuration, without trusting what sits at its path: the
 * size is checked on the opened descriptor before anything is read (a link to /dev/zero, or a file
 * growing while read, never fills memory), only regular files are read, and a file found in the
 * repository that resolves outside it (a planted link) is refused, so its content never reaches a message.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { sep } from 'node:path';
import { MAX_FILE_BYTES } from './yaml-source.js';

export type SourceFile = { readonly bytes: Buffer } | { readonly problem: { readonly rule: string; readonly message: string } };

/** Reads `path`; when `within` is given (a folder the file was found in by walking), it must resolve inside it. */
export function readSourceFile(path: string, within?: string, limit = MAX_FILE_BYTES): SourceFile {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    return { problem: { rule: 'file/unreadable', message: `cannot read the file (${codeOf(error)})` } };
  }
  let fd: number;
  try {
    // Non-blocking, so that a planted FIFO cannot hang the open; it makes no difference to regular files.
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { problem: { rule: 'file/unreadable', message: `cannot read the file (${codeOf(error)})` } };
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile())
      return {
        problem: {
          rule: 'file/not-a-file',
          message: `it is ${info.isDirectory() ? 'a folder' : 'not a regular file (a device, a pipe or a socket)'}; configuration is read from regular files only`,
        },
      };
    const inside = within === undefined ? undefined : realpathSync(within);
    if (inside !== undefined && real !== inside && !real.startsWith(inside.endsWith(sep) ? inside : `${inside}${sep}`)) {
      return {
        problem: {
          rule: 'file/outside-repository',
          message: `it resolves to ${real}, outside the repository; keep it in the repository itself`,
        },
      };
    }
    if (info.size > limit) return { problem: tooLarge(info.size, limit) };
    // Read one byte more than allowed: a file that grew since fstat is caught too.
    const buffer = Buffer.alloc(Math.min(info.size, limit) + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > limit) return { problem: tooLarge(length, limit) };
      if (length === buffer.length) break;
    }
    return { bytes: buffer.subarray(0, length) };
  } finally {
    closeSync(fd);
  }
}

function tooLarge(size: number, limit: number): { rule: string; message: string } {
  return {
    rule: 'file/too-large',
    message: `file is ${size} bytes; the limit is ${limit} bytes (5 MiB); split a large collection into several`,
  };
}

function codeOf(error: unknown): string {
  return error instanceof Error && 'code' in error ? String(error.code) : String(error);
}
