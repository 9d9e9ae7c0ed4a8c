import { DESIRED_KINDS, type CollectionType } from './kinds.js';

/**
 * Commented starting points for `twarc-cloud new` (the original tool's `collection-config template`).
 * Each starts suspended, so a new file can be merged before it is ready, and validates as written.
 */
export function collectionTemplate(type: CollectionType, id: string, schemaPath: string): string {
  return `# yaml-language-server: $schema=${schemaPath}
# A twarc-cloud collection. Field reference: README.md ("The collection format").
id: ${id}  # must equal the file name
type: ${type}
description: Describe the purpose, project and contact for this collection.
# The credentials profile to harvest with: a name, never the secrets (see README, "Credentials").
credentials: default
# Starts suspended: nothing is harvested until you set this to active.
state: suspended
${DESIRED_KINDS[type].template}
# Optional: how tweet files are cut (defaults shown).
# output:
#   tweets_per_file: 250000
#   rotate_minutes: 30
labels: {}
`;
}
