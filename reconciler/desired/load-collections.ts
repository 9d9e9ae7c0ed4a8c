import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { relativeToCwd, type Problem } from '../problems.js';
import type { Settings } from '../settings/settings.js';
import { validateYamlFile } from '../validation/validated-yaml.js';
import { toCollection, type Collection, type CollectionDocument } from './collection.js';
import { crossFileProblems, type LoadedCollection } from './cross-file-checks.js';
import { semanticProblems } from './semantic-checks.js';

export interface DesiredState {
  readonly collections: readonly Collection[];
  readonly problems: readonly Problem[];
  readonly files: readonly string[];
}

const YAML_EXTENSIONS = new Set(['.yaml', '.yml']);

/**
 * Loads and validates collection files: the given files and directories, or the project's
 * collections/ folder. Every problem of every file is collected; none stops the others.
 */
export async function loadDesiredState(
  settings: Settings,
  paths: readonly string[] = [],
  cwd: string = process.cwd(),
): Promise<DesiredState> {
  const displayPath = (path: string): string => relativeToCwd(path, cwd);
  const files = await collectionFiles(paths.length > 0 ? paths.map((p) => resolve(cwd, p)) : [settings.collectionsDir], displayPath);
  const problems: Problem[] = [];
  const loaded: LoadedCollection[] = [];
  for (const path of files) {
    const file = displayPath(path);
    const validated = validateYamlFile(file, await readFile(path), 'collection');
    problems.push(...validated.problems);
    const source = validated.source;
    if (!source) continue;
    const document = source.data as CollectionDocument;
    const fileProblems = semanticProblems(source, document, {
      expectedId: basename(path, extname(path)),
      deployment: settings.deployment,
      limits: settings.limits,
      accessLevel: settings.accessLevel,
    });
    problems.push(...fileProblems);
    if (fileProblems.length === 0) {
      loaded.push({ source, collection: toCollection(document, settings.limits.streamRuleLength) });
    }
  }
  problems.push(...crossFileProblems(loaded));
  return { collections: loaded.map((entry) => entry.collection), problems, files: files.map(displayPath) };
}

async function collectionFiles(paths: readonly string[], displayPath: (path: string) => string): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      throw new UserError(`${displayPath(path)} does not exist`, 'give collection files or directories, or run in a repository with a collections/ folder (twarc-cloud new <type> <id> creates one)');
    }
    if (info.isDirectory()) files.push(...(await yamlFilesIn(path)));
    else files.push(path);
  }
  return [...new Set(files)].sort();
}

async function yamlFilesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await yamlFilesIn(path)));
    else if (YAML_EXTENSIONS.has(extname(entry.name))) found.push(path);
  }
  return found;
}
