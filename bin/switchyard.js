#!/usr/bin/env node
// Installed entry point: runs the compiled headless CLI (`npm run build:main` produces it).
import '../dist/main/cli/main.js';
