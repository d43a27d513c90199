/**
 * The layer table of DESIGN.md ("Which layer may import which"), enforced in `npm test`.
 * Deviations from the table, each explained:
 *  - ipc/ may use Node I/O: DESIGN.md places the loopback WebSocket carrier in ipc/, and a carrier is I/O.
 *  - media/ and services/ may import values (not only types) from protocol/, as the table says; platform/
 *    may import protocol/ values for pure helpers such as the SIP stream framer (bytes → messages), since
 *    duplicating the framer in platform would be worse than the dependency (protocol stays pure either way).
 */

const layer = (name) => `^src-main/${name}/`;

module.exports = {
  forbidden: [
    { name: 'no-circular-between-layers', severity: 'error', from: { path: '^src-' }, to: { circular: true, pathNot: '^src-renderer/.*\\.vue$', dependencyTypesNot: ['type-only'] } },
    { name: 'shared-is-pure', comment: 'src-shared: no Node, no Electron, no DOM-specific code, nothing from main or renderer', severity: 'error', from: { path: '^src-shared/' }, to: { pathNot: ['^src-shared/', '^node_modules/valibot/'] } },
    { name: 'renderer-only-shared', comment: 'the renderer reaches main only through the contract', severity: 'error', from: { path: '^src-renderer/' }, to: { path: ['^src-main/', '^node_modules/electron/'] } },
    { name: 'renderer-no-node', severity: 'error', from: { path: '^src-(renderer|shared)/' }, to: { dependencyTypes: ['core'] } },
    { name: 'base-depends-on-nothing', severity: 'error', from: { path: layer('base'), pathNot: '\\.test\\.ts$' }, to: { pathNot: [layer('base')] } },
    { name: 'protocol-is-pure', comment: 'protocol: base and protocol only', severity: 'error', from: { path: layer('protocol') }, to: { dependencyTypesNot: ['core'], pathNot: [layer('base'), layer('protocol'), '^node_modules/'] } },
    { name: 'protocol-only-crypto', comment: 'node:crypto is the only Node module protocol code may use (tests may do more)', severity: 'error', from: { path: layer('protocol'), pathNot: '\\.test\\.ts$' }, to: { dependencyTypes: ['core'], pathNot: '^(node:)?crypto$' } },
    { name: 'protocol-no-io-packages', severity: 'error', from: { path: layer('protocol'), pathNot: '\\.test\\.ts$' }, to: { path: '^node_modules/', pathNot: '^node_modules/(@types/)' } },
    { name: 'media-layers', severity: 'error', from: { path: layer('media') }, to: { path: [layer('services'), layer('ipc'), layer('app'), layer('cli'), '^src-shared/', '^node_modules/electron/'] } },
    { name: 'media-platform-types-only', severity: 'error', from: { path: layer('media'), pathNot: '\\.test\\.ts$' }, to: { path: layer('platform'), dependencyTypesNot: ['type-only'] } },
    // services produce the closed error codes of src-shared/ipc/errors.ts (pure data, no dependency of
    // its own; the issue that introduced it places the union there): that one file is allowed.
    { name: 'services-layers', severity: 'error', from: { path: layer('services') }, to: { path: [layer('ipc'), layer('app'), layer('cli'), '^src-shared/ipc/', '^node_modules/electron/'], pathNot: '^src-shared/ipc/errors\\.ts$' } },
    // One composition of the phone (DESIGN.md "The phone boundary"): only services/phone/create-phone.ts
    // constructs PhoneService; everyone else may use its types (and tests may build one directly).
    { name: 'phone-composed-once', severity: 'error', from: { path: '^src-main/', pathNot: ['^src-main/services/phone/create-phone\\.ts$', '\\.test\\.ts$'] }, to: { path: '^src-main/services/phone/phone-service\\.ts$', dependencyTypesNot: ['type-only'] } },
    { name: 'services-platform-types-only', severity: 'error', from: { path: layer('services'), pathNot: '\\.test\\.ts$' }, to: { path: layer('platform'), dependencyTypesNot: ['type-only'] } },
    { name: 'platform-layers', severity: 'error', from: { path: layer('platform') }, to: { path: [layer('ipc'), layer('app'), layer('cli'), '^src-shared/ipc/'] } },
    // The account connection adapter reads the shared account schema's *type* (the services hand it
    // the validated config); values from src-shared stay out of platform.
    { name: 'platform-shared-model-types-only', severity: 'error', from: { path: layer('platform') }, to: { path: '^src-shared/model/', dependencyTypesNot: ['type-only'] } },
    { name: 'platform-upper-types-only', severity: 'error', from: { path: layer('platform'), pathNot: '\\.test\\.ts$' }, to: { path: [layer('media'), layer('services')], dependencyTypesNot: ['type-only'] } },
    { name: 'platform-electron-storage-only', severity: 'error', from: { path: layer('platform'), pathNot: layer('platform/storage') }, to: { path: '^node_modules/electron/' } },
    { name: 'ipc-layers', severity: 'error', from: { path: layer('ipc') }, to: { path: [layer('protocol'), layer('media'), layer('app'), layer('cli')] } },
    { name: 'ipc-platform-only-in-tests', severity: 'error', from: { path: layer('ipc'), pathNot: '\\.test\\.ts$' }, to: { path: layer('platform') } },
    { name: 'preload-contract-only', severity: 'error', from: { path: layer('preload') }, to: { pathNot: ['^src-shared/ipc/', '^src-shared/model/', '^node_modules/electron/', '^node_modules/valibot/', layer('preload')] } },
    { name: 'no-electron-outside-app', comment: 'Node-run code (services, CLI, tests) must never load Electron', severity: 'error', from: { path: '^src-main/', pathNot: ['^src-main/(app|preload)/', '^src-main/platform/storage/', '\\.test\\.ts$'] }, to: { path: '^node_modules/electron/', dependencyTypesNot: ['type-only'] } },
    { name: 'app-cli-apart', severity: 'error', from: { path: '^src-main/(app|cli)/' }, to: { path: '^src-main/(app|cli)/', pathNot: '^src-main/$1/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^out/|^dist/|^test/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.vue', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
