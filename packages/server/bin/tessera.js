#!/usr/bin/env node
// The `tessera` command. A committed file rather than the build output itself: npm links a
// package's bin when it installs it, and in this repository `npm ci` links the workspaces
// before `prepare` builds dist/, so a bin pointing into dist/ was never linked.
import '../dist/cli/main.js';
