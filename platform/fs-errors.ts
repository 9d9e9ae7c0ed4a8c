/*
 * File-system failures a person can fix (a full disk, a read-only or forbidden folder, a path that
 * is a file where a folder is needed), as messages with a fix; anything else is left to be
 * reported as a bug.
 */
import { UserError } from './errors.js';

const REMEDY: Readonly<Record<string, { readonly what: string; readonly hint: string }>> = {
  ENOSPC: {
    what: 'the disk is full',
    hint: 'free some space there, or write elsewhere, and run again (a file twarc-cloud writes is written whole or not at all)',
  },
  EDQUOT: {
    what: 'the disk quota is used up',
    hint: 'free some of your space there, or write elsewhere, and run again (a file twarc-cloud writes is written whole or not at all)',
  },
  EROFS: { what: 'the file system is read-only', hint: 'point twarc-cloud at a writable folder, or remount it writable' },
  EACCES: { what: 'permission is denied', hint: 'check who owns that path and its permissions' },
  EPERM: { what: 'the operation is not permitted', hint: 'check who owns that path and its permissions' },
  ENOTDIR: {
    what: 'a part of the path is a file, not a folder',
    hint: 'check the path (local.archive in twarc-cloud.yaml names a folder)',
  },
  EISDIR: { what: 'it is a folder, not a file', hint: 'give the path of a file' },
  ENOENT: { what: 'no such file or folder', hint: 'check the path; folders are not created for it' },
  ENAMETOOLONG: { what: 'the path is too long', hint: 'use a shorter path' },
  EMFILE: { what: 'too many files are open', hint: 'raise the limit of open files (ulimit -n) and run again' },
};

export class FileSystemProblem extends UserError {}

export function fileSystemUserError(error: unknown): FileSystemProblem | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, path, syscall } = error as NodeJS.ErrnoException;
  const remedy = code === undefined ? undefined : REMEDY[code];
  if (!remedy) return undefined;
  // A failed write on an open file names no path; the condition (a full disk) is what matters then.
  return new FileSystemProblem(
    `cannot ${verb(syscall)}${path !== undefined ? ` ${path}` : ''}: ${remedy.what} (${String(code)})`,
    remedy.hint,
  );
}

function verb(syscall: string | undefined): string {
  switch (syscall) {
    case 'open':
    case 'write':
    case 'mkdir':
    case 'rename':
    case 'link':
    case 'unlink':
    case 'rmdir':
    case 'copyfile':
      return 'write';
    case 'scandir':
    case 'read':
    case 'stat':
    case 'lstat':
      return 'read';
    default:
      return 'use';
  }
}
