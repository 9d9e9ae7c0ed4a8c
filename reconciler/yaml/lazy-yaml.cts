/*
 * The position-keeping YAML parser, loaded on first use: `validate` of valid files never needs it
 * (see plain-yaml.ts). CommonJS on purpose, as platform/lazy-modules.cts explains.
 */

import type * as Yaml from 'yaml';

function loadYaml(): typeof Yaml {
  return require('yaml') as typeof Yaml;
}

export = { loadYaml };
