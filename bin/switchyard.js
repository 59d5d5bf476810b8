#!/usr/bin/env node
// Installed entry point: runs the bundled headless CLI (`npm run build:main` produces it: tsc, then scripts/bundle-cli.mjs).
import '../dist/cli/switchyard.js';
