'use strict';
// Loads the addon that `node-gyp rebuild` (the package's install script) built from the
// vendored speexdsp sources. Node-API keeps the binary ABI-stable, so the same build loads in
// Node and in Electron.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a native addon can only be loaded with require()
module.exports = require('./build/Release/speexdsp_aec.node');
