#!/usr/bin/env -S node --max-semi-space-size=32 --max-old-space-size=256
// Entry point for the `crosswalk` command: runs the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/index.ts');
