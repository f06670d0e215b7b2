#!/usr/bin/env node
// The package's command line; the code is bundled into dist/cli.js by `npm run build`.
require('../dist/cli.js');
