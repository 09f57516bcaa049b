#!/usr/bin/env node
// `npm start`: the compiled server (dist/server/src/main.js) with plain node; compiles it first when needed (see launch.js).
import { launch } from './launch.js';

await launch('src/main');
