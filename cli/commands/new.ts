import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { writeOutputFile } from '../../platform/output-file.js';
import { dirname, join, relative, resolve } from 'node:path';
import { COLLECTION_TYPES, isCollectionType } from '../../reconciler/desired/kinds.js';
import { collectionTemplate } from '../../reconciler/desired/templates.js';
import { validateCollectionBytes } from '../../reconciler/desired/validate-file.js';
import { UserError } from '../../platform/errors.js';
import { SCHEMAS_DIR } from '../../platform/paths.js';
import { relativeToCwd } from '../../reconciler/problems.js';
import { findProjectRoot, loadSettings } from '../../reconciler/settings/settings.js';
import type { CommandSpec } from '../command.js';
import { NAME_RULES } from './reconcile-options.js';

export const newCommand: CommandSpec = {
  usage: `twarc-cloud new <${COLLECTION_TYPES.join('|')}> <id> [--dir <directory>]`,
  help: [
    'The new collection starts with state: suspended; set it to active when it is ready.',
    '',
    'Options:',
    '  --dir <directory>  where to write the file (default: the collections/ folder of this repository)',
    '  --active          start it with state: active (harvests once applied)',
    '',
  ].join('\n'),
  examples: [
    ['A search collection, suspended until you set it active', 'twarc-cloud new search floods'],
    ['A timeline collection, then its accounts', 'twarc-cloud new user_timeline mps && twarc-cloud users add mps @XDevelopers'],
  ],
  options: { dir: { type: 'string' }, active: { type: 'boolean' } },
  async run(args, io) {
    const [type, id, ...extra] = args.positionals;
    if (type === undefined || id === undefined || extra.length > 0) {
      throw new UserError('expected a type and an id', `usage: ${this.usage}`);
    }
    if (!isCollectionType(type)) {
      throw new UserError(`unknown collection type "${type}"`, `choose one of ${COLLECTION_TYPES.join(', ')}`);
    }
    const { settings } = loadSettings(findProjectRoot(io.cwd), io.cwd);
    const dir = typeof args.values['dir'] === 'string' ? resolve(io.cwd, args.values['dir']) : settings.collectionsDir;
    const path = join(dir, `${id}.yaml`);
    const shown = relativeToCwd(path, io.cwd);
    if (existsSync(path)) throw new UserError(`${shown} already exists`, 'edit it, or choose another id');

    const schemaPath = relative(dirname(path), join(SCHEMAS_DIR, 'collection.schema.json')).split('\\').join('/');
    const template = collectionTemplate(type, id, schemaPath);
    const text = args.values['active'] === true ? template.replace(/^state: suspended$/m, 'state: active') : template;
    // The template goes through the same validation as any file, so the id rules live in one place.
    const { problems } = validateCollectionBytes(shown, new TextEncoder().encode(text), id, {
      limits: settings.limits,
      accessLevel: settings.accessLevel,
      keepDocument: false,
    });
    const idProblem = problems[0] ?? NAME_RULES(settings.deployment, { id, compliance: false })[0];
    if (idProblem) throw new UserError(`cannot create collection "${id}": ${idProblem.message}`);

    await mkdir(dir, { recursive: true });
    await writeOutputFile(path, text, { replace: false, forceHint: 'edit it, or choose another id' });
    io.out(`Created ${shown} (state: ${args.values['active'] === true ? 'active' : 'suspended'}). Edit it, then run: twarc-cloud validate`);
    return 0;
  },
};
