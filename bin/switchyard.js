#!/usr/bin/env node
// Installed entry point: runs the bundled headless CLI (`npm run build:main` produces it: tsc, then scripts/bundle-cli.mjs).
// The bundle is CommonJS (it compiles its chunks with a V8 code cache, main/cli/code-cache.ts); required rather than
// imported, Node loads it without running its CommonJS export scan first.
import { createRequire } from 'node:module';

createRequire(import.meta.url)('../dist/cli/switchyard.js');
