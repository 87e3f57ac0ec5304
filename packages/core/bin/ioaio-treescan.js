#!/usr/bin/env node
// The installed command: the built CLI, which runs on import. A file of its own, committed, so the
// package manager can link the command before the first build.
import '../dist/cli.js';
