import assert from 'node:assert/strict';
import { inspect } from 'node:util';

/**
 * Table-driven checks of a one-argument function: for each `[input, expected]`, `fn(input)` must equal `expected`
 * (strictly, and deeply for objects). Every case is one assertion; a failure names the input.
 */
export function expectCases<I, O>(fn: (input: I) => O, cases: readonly (readonly [I, O])[]): void {
  for (const [input, expected] of cases) {
    const actual = fn(input);
    assert.deepEqual(actual, expected, `${fn.name || 'fn'}(${inspect(input)}) is ${inspect(actual)}, expected ${inspect(expected)}`);
  }
}
