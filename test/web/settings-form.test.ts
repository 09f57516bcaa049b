// The generic settings form's values: what the inputs start with and the body Test / Save Settings send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SettingsField } from '../../src/shared/wire.js';
import { CUSTOM_PRESET, hintLabels, hintValues, initialValues, presetOf, settingsBody } from '../../web/src/settings-form.js';

const FIELDS: SettingsField[] = [
  { name: 'baseUrl', label: 'API URL', type: 'url', required: true, default: 'https://a.example', presets: [{ label: 'A', value: 'https://a.example' }] },
  { name: 'authUrl', label: 'Auth URL', type: 'url', required: false },
  { name: 'tenant', label: 'Tenant', type: 'text', required: false },
  { name: 'apiKey', label: 'API Key', type: 'secret', required: true },
  { name: 'pull', label: 'Pull', type: 'boolean', required: true, default: true },
  { name: 'optIn', label: 'Opt in', type: 'boolean', required: true },
  { name: 'statuses', label: 'Statuses', type: 'list', required: false, default: ['Active'] },
];

test('a new form starts from the defaults; a stored one from its settings (never a secret)', () => {
  assert.deepEqual(initialValues(FIELDS, {}), {
    baseUrl: 'https://a.example', authUrl: '', tenant: '', apiKey: '', pull: true, optIn: false, statuses: 'Active',
  });
  assert.deepEqual(
    initialValues(FIELDS, { baseUrl: 'https://b.example', authUrl: null, tenant: 'acme', apiKeySet: true, pull: false, optIn: true, statuses: ['Active', 'Onboarding'] }),
    { baseUrl: 'https://b.example', authUrl: '', tenant: 'acme', apiKey: '', pull: false, optIn: true, statuses: 'Active, Onboarding' },
  );
});

test('the body: trimmed text, an empty secret left out (the stored one is kept), lists split, an empty optional URL null', () => {
  const values = { baseUrl: ' https://b.example/ ', authUrl: '  ', tenant: ' ', apiKey: '', pull: false, optIn: true, statuses: ' Active, , Onboarding ' };
  assert.deepEqual(settingsBody(FIELDS, values), {
    baseUrl: 'https://b.example/', authUrl: null, tenant: '', pull: false, optIn: true, statuses: ['Active', 'Onboarding'],
  });
  assert.deepEqual(settingsBody(FIELDS, { ...values, apiKey: 'secret ', statuses: ' , ' }).apiKey, 'secret ');
  // An emptied list falls back to its default rather than keeping an old value unseen.
  assert.deepEqual(settingsBody(FIELDS, { ...values, statuses: ' , ' }).statuses, ['Active']);
});

test('demo hints: form values for the fields the form has, and labels for the hint box', () => {
  const hints = { baseUrl: 'http://127.0.0.1:4010', apiKey: 'ITG.sandbox', pull: true, other: 'x' };
  assert.deepEqual(hintValues(FIELDS, hints), { baseUrl: 'http://127.0.0.1:4010', apiKey: 'ITG.sandbox', pull: true });
  assert.deepEqual(hintLabels(FIELDS, hints), { 'API URL': 'http://127.0.0.1:4010', 'API Key': 'ITG.sandbox', Pull: 'Yes' });
});

test('a URL is its preset (trailing slashes aside) or custom', () => {
  assert.equal(presetOf(FIELDS[0]!, 'https://a.example/'), 'https://a.example');
  assert.equal(presetOf(FIELDS[0]!, 'http://127.0.0.1:4010'), CUSTOM_PRESET);
});
