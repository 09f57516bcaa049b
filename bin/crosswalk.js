#!/usr/bin/env node
// Entry point for the `crosswalk` command: the compiled CLI (dist/server/src/cli/index.js) with plain node; compiles
// it first when it is missing or older than src/, and runs the sources through tsx when that fails (scripts/launch.js).
import { launch } from '../scripts/launch.js';

await launch('src/cli/index');
