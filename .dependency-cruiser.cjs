// The architecture's boundaries, checked by `npm test` (npm run check:boundaries); see docs/architecture.md.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'platform-is-shared',
      comment: 'platform/ holds what reconciler and harvester share; it imports neither of them, nor the CLI that composes them.',
      severity: 'error',
      from: { path: '^platform/' },
      to: { path: '^(reconciler|targets|harvester|curation|cli)/' },
    },
    {
      name: 'reconciler-names-no-target',
      comment:
        'The reconciler plans and applies against the Target port (reconciler/target.ts) and never names an adapter: the CLI opens one from targets/ and passes it down.',
      severity: 'error',
      from: { path: '^reconciler/' },
      to: { path: '^targets/' },
    },
    {
      name: 'targets-are-adapters',
      comment:
        'targets/ holds the adapters of the Target port: they implement what reconciler/ declares, on platform/; they import neither the harvester, curation nor the CLI.',
      severity: 'error',
      from: { path: '^targets/' },
      to: { path: '^(harvester|curation|cli)/' },
    },
    {
      name: 'reconciler-and-harvester-apart',
      comment:
        'The reconciler, the harvester and curation (what is done with an archive afterwards) never import each other (nor the CLI above them): what they share lives in platform/.',
      severity: 'error',
      from: { path: '^(reconciler|harvester|curation)/' },
      to: { path: '^(reconciler|harvester|curation|cli|targets)/', pathNot: '^$1/' },
    },
    {
      name: 'plan-is-pure',
      comment:
        'plan() is a function of (desired, live): reconciler/plan/ imports no I/O, only its own modules, the schedule grammar and hashing (types from elsewhere are fine).',
      severity: 'error',
      from: { path: '^reconciler/plan/' },
      to: { pathNot: ['^reconciler/plan/', '^reconciler/schedule/', '^(node:)?crypto$'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'schedule-is-pure',
      comment:
        'The schedule grammar and its fire times are pure computation, which plan() may use: reconciler/schedule/ imports only itself.',
      severity: 'error',
      from: { path: '^reconciler/schedule/' },
      to: { pathNot: ['^reconciler/schedule/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Folders depend on each other in one direction only.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-module-cycles',
      comment: 'Modules depend on each other in one direction only.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'simulator-stands-apart',
      comment:
        "simulator/ is a stand-in for X (the demo serves it, the tests run against it): it knows X's wire, not twarc-cloud's workings, so it imports only platform/ helpers, and of the product only the CLI's demo imports it.",
      severity: 'error',
      from: { path: '^simulator/' },
      to: { path: '^(cli|reconciler|targets|harvester|curation|test|bench|scripts)/' },
    },
    {
      name: 'only-the-demo-simulates',
      comment:
        'No part of the product but the CLI (its demo command) reaches the simulator: nothing real ever talks to a stand-in by accident.',
      severity: 'error',
      from: { path: '^(platform|reconciler|targets|harvester|curation)/' },
      to: { path: '^simulator/' },
    },
    {
      name: 'product-not-tests',
      comment: 'Shipped code never reaches into tests or benchmarks.',
      severity: 'error',
      from: { path: '^(cli|simulator|platform|reconciler|targets|harvester|curation)/' },
      to: { path: '^(test|bench|scripts)/' },
    },
  ],
  options: {
    // Core modules and packages stay in the graph (plan-is-pure needs to see them); packages are not followed.
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.cts'] },
  },
};
