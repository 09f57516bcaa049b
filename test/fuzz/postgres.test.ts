import { test } from 'node:test';
import { dialects } from '../helpers/app.js';
import { fuzzSuite } from './suite.js';

if (dialects().includes('postgres')) fuzzSuite('postgres');
else test('API fuzz on postgres', { skip: 'set TEST_DATABASE_URL=postgres://… to fuzz PostgreSQL too' }, () => {});
