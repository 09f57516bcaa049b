// Validation messages in words: the server's 400 issues and the settings form's own checks name each field by
// its label, never by a raw path, and a form gets one summary at most.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SettingsField } from '../../src/shared/wire.js';
import { describeIssues, humanize, issueField, issueWords } from '../../web/src/form-errors.js';
import { fieldLabels, validateSettings } from '../../web/src/settings-form.js';
import { expectCases } from '../helpers/cases.js';

const FIELDS: SettingsField[] = [
  { name: 'resourceServerUrl', label: 'Resource Server URL', type: 'url', required: true },
  { name: 'authUrl', label: 'Authorisation Server URL', type: 'url', required: false },
  { name: 'clientId', label: 'Client ID', type: 'text', required: true },
  { name: 'clientSecret', label: 'Client Secret', type: 'secret', required: true },
  { name: 'pullTickets', label: 'Pull Tickets', type: 'boolean', required: true },
];
const { labels, types } = fieldLabels(FIELDS);

test('issue paths: the field name is the last meaningful segment', () => {
  expectCases(issueField, [
    ['body.resourceServerUrl', 'resourceServerUrl'],
    ['body.links.3.psaId', 'psaId'],
    ['query.sort', 'sort'],
    ['body', ''],
  ]);
  assert.equal(humanize('currentPassword'), 'Current password');
});

test('messages become sentences about the labelled field', () => {
  assert.equal(issueWords('is required', 'Resource Server URL'), 'Enter the Resource Server URL');
  assert.equal(issueWords('Invalid input: expected string, received undefined', 'Client ID'), 'Enter the Client ID');
  assert.equal(issueWords('Invalid URL', 'Resource Server URL', 'url'), 'Enter a valid URL starting with https://');
  assert.equal(issueWords('The Resource Server URL is not a valid URL (e.g. https://example.com/api)', 'Resource Server URL', 'url'), 'Enter a valid URL starting with https://');
  // A message that already names the field stays as the server wrote it.
  assert.equal(issueWords('The Resource Server URL must not contain a query or fragment', 'Resource Server URL', 'url'), 'The Resource Server URL must not contain a query or fragment');
  assert.equal(issueWords('must be at least 8 characters', 'Password'), 'Password must be at least 8 characters');
});

test('a 400 about form fields: one message per field, a summary naming them, no raw path anywhere', () => {
  const out = describeIssues([
    { path: 'body.resourceServerUrl', message: 'is required' },
    { path: 'body.resourceServerUrl', message: 'Invalid URL' },
    { path: 'body.clientId', message: 'Enter the Client ID' },
  ], labels, types);
  assert.deepEqual(out.fields, { resourceServerUrl: 'Enter the Resource Server URL', clientId: 'Enter the Client ID' });
  assert.equal(out.summary, 'Check these fields: Resource Server URL, Client ID.');
  for (const text of [out.summary!, ...Object.values(out.fields)]) assert.doesNotMatch(text, /body\.|resourceServerUrl|clientId/);
});

test('an issue about no field on the form is spelled out in the one summary', () => {
  const out = describeIssues([{ path: 'body.rateLimitPer5Min', message: 'must be at most 1000' }, { path: 'body.clientId', message: 'is required' }], labels, types);
  assert.deepEqual(out.fields, { clientId: 'Enter the Client ID' });
  assert.equal(out.summary, 'Check the Client ID field. Rate limit per 5 min must be at most 1000.');
  assert.equal(describeIssues([], labels).summary, null);
});

test('the settings form checks required fields and URLs before sending', () => {
  const values = { resourceServerUrl: '', authUrl: 'not a url', clientId: '  ', clientSecret: '', pullTickets: false };
  assert.deepEqual(validateSettings(FIELDS, values), {
    resourceServerUrl: 'Enter the Resource Server URL',
    authUrl: 'Enter a valid URL starting with https://',
    clientId: 'Enter the Client ID',
    clientSecret: 'Enter the Client Secret',
  });
  // A stored secret may stay empty; http:// is the server's call (sandboxes allow it).
  assert.deepEqual(validateSettings(FIELDS, { ...values, resourceServerUrl: 'http://127.0.0.1:5200/api', authUrl: '', clientId: 'abc' }, new Set(['clientSecret'])), {});
  assert.deepEqual(validateSettings(FIELDS, { ...values, resourceServerUrl: 'ftp://x.example', authUrl: '', clientId: 'abc', clientSecret: 's' }), {
    resourceServerUrl: 'Enter a valid URL starting with https://',
  });
});
