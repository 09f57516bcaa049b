// One settings card for every integration kind, drawn from its description (GET /api/integration-kinds):
// the fields in order, an optional guide, the demo's sandbox values, Test Settings / Save Settings, and the sync.
import { useId, useState } from 'react';
import { Button, Checkbox, Code, Divider, Group, List, NativeSelect, PasswordInput, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconLink } from '@tabler/icons-react';
import type { Integration, IntegrationKindInfo, SettingsField, SettingsGuide } from '../api.js';
import { linksPath } from '../integration-kinds.js';
import { navigate } from '../router.js';
import { CUSTOM_PRESET, fieldLabels, hintLabels, hintValues, initialValues, presetOf, settingsBody, validateSettings, type FormValues } from '../settings-form.js';
import { DemoHintBox } from './DemoHints.js';
import { IntegrationCard, SECRET_SAVED_PLACEHOLDER, SettingsActions, useSettingsForm } from './settings-shared.js';
import { SyncPanel } from './SyncPanel.js';

export function IntegrationSettingsCard({
  info,
  integration,
  hints,
}: {
  info: IntegrationKindInfo;
  integration: Integration | undefined;
  /** The demo's sandbox values for this kind (field name → value), when running as the demo. */
  hints: Record<string, string | boolean> | undefined;
}) {
  const settings = integration?.settings ?? {};
  const configured = integration?.configured ?? false;
  const [values, setValues] = useState<FormValues>(() => initialValues(info.fields, settings));
  const setValue = (name: string, value: string | boolean) => setValues((prev) => ({ ...prev, [name]: value }));
  const clearSecrets = () =>
    setValues((prev) => ({ ...prev, ...Object.fromEntries(info.fields.filter((f) => f.type === 'secret').map((f) => [f.name, ''])) }));

  const secretsSet = new Set(info.fields.filter((f) => settings[`${f.name}Set`] === true).map((f) => f.name));
  const form = useSettingsForm(info.kind, {
    body: () => settingsBody(info.fields, values),
    clearSecrets,
    validate: () => validateSettings(info.fields, values, secretsSet),
    ...fieldLabels(info.fields),
  });
  const { errors, onSubmit } = form;
  const inputs = info.fields.filter((f) => f.type !== 'boolean');
  const checkboxes = info.fields.filter((f) => f.type === 'boolean');
  const fieldProps = (f: SettingsField) => ({
    field: f,
    value: values[f.name],
    onChange: (v: string | boolean) => setValue(f.name, v),
    error: errors[f.name],
    secretSet: settings[`${f.name}Set`] === true,
  });

  return (
    <IntegrationCard
      id={`integration-${info.kind}`}
      title={info.displayName}
      subtitle={info.description}
      configured={configured}
      extra={
        info.role === 'supplemental' && (
          <Button onClick={() => navigate(linksPath(info.kind))} size="xs" variant="light" leftSection={<IconLink size={14} aria-hidden />}>
            Link Companies
          </Button>
        )
      }
    >
      <Stack gap="md">
        {hints !== undefined && (
          <DemoHintBox values={hintLabels(info.fields, hints)} onFill={() => setValues((prev) => ({ ...prev, ...hintValues(info.fields, hints) }))} />
        )}
        <form onSubmit={onSubmit} noValidate aria-label={`${info.displayName} settings`}>
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
              {inputs.map((f) => (
                <FieldInput key={f.name} {...fieldProps(f)} />
              ))}
            </SimpleGrid>
            {checkboxes.map((f) => (
              <FieldInput key={f.name} {...fieldProps(f)} />
            ))}
            {info.guide !== null && <GuideBox guide={info.guide} />}
            <SettingsActions {...form} />
          </Stack>
        </form>
        <Divider />
        <SyncPanel kind={info.kind} configured={configured} lastRun={integration?.lastSyncRun ?? null} />
      </Stack>
    </IntegrationCard>
  );
}

/** Help under the input: side-by-side inputs line up whether or not they have help. */
const INPUT_ORDER: ('label' | 'input' | 'description' | 'error')[] = ['label', 'input', 'description', 'error'];

interface FieldInputProps {
  field: SettingsField;
  value: string | boolean | undefined;
  onChange: (value: string | boolean) => void;
  error: string | undefined;
  /** A secret is stored: the input may stay empty. */
  secretSet: boolean;
}

/** One settings field as its type asks: URL and text inputs, a password input, a checkbox, or a comma-separated list. */
function FieldInput({ field, value, onChange, error, secretSet }: FieldInputProps) {
  const text = typeof value === 'string' ? value : '';
  const common = { label: field.label, description: field.help, error, autoComplete: 'off', inputWrapperOrder: INPUT_ORDER };
  switch (field.type) {
    case 'boolean':
      return (
        <Checkbox label={field.label} description={field.help} checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} error={error} />
      );
    case 'secret':
      return (
        <PasswordInput
          {...common}
          required={field.required && !secretSet}
          placeholder={secretSet ? SECRET_SAVED_PLACEHOLDER : field.placeholder}
          value={text}
          onChange={(e) => onChange(e.currentTarget.value)}
          autoComplete="new-password"
        />
      );
    case 'url':
      if (field.presets !== undefined && field.presets.length > 0) return <UrlWithPresets field={field} url={text} onChange={onChange} error={error} />;
    // falls through: a URL without presets is a text input
    case 'text':
    case 'list':
      return (
        <TextInput {...common} required={field.required} placeholder={field.placeholder} value={text} onChange={(e) => onChange(e.currentTarget.value)} />
      );
  }
}

/** A URL input with a picker of named presets (e.g. regions) beside it; any other URL is "Custom". */
function UrlWithPresets({ field, url, onChange, error }: { field: SettingsField; url: string; onChange: (v: string) => void; error: string | undefined }) {
  // "Custom" stays chosen while the URL still equals a preset, until the URL is edited or a preset picked.
  const [customChosen, setCustomChosen] = useState(false);
  const preset = customChosen ? CUSTOM_PRESET : presetOf(field, url);
  const data = [...(field.presets ?? []), { label: 'Custom', value: CUSTOM_PRESET }];
  return (
    // A whole row of the grid: the picker and a URL long enough to read.
    <Group align="flex-start" gap="xs" wrap="nowrap" style={{ gridColumn: '1 / -1' }}>
      <NativeSelect
        label={field.presetsLabel ?? 'Preset'}
        data={data}
        value={preset}
        onChange={(e) => {
          const v = e.currentTarget.value;
          setCustomChosen(v === CUSTOM_PRESET);
          if (v !== CUSTOM_PRESET) onChange(v);
        }}
        inputWrapperOrder={INPUT_ORDER}
        w={110}
        style={{ flexShrink: 0 }}
      />
      <TextInput
        label={field.label}
        description={field.help}
        required={field.required}
        placeholder={field.placeholder}
        value={url}
        onChange={(e) => {
          setCustomChosen(false);
          onChange(e.currentTarget.value);
        }}
        error={error}
        autoComplete="off"
        inputWrapperOrder={INPUT_ORDER}
        style={{ flex: 1, minWidth: 0 }}
      />
    </Group>
  );
}

/** A short how-to from the integration (e.g. the permissions to grant its API application). */
function GuideBox({ guide }: { guide: SettingsGuide }) {
  const titleId = useId();
  return (
    <div>
      <Text size="sm" fw={600} id={titleId}>
        {guide.title}
      </Text>
      {guide.where !== undefined && (
        <Text size="xs" c="dimmed" mb={4}>
          {guide.where}
        </Text>
      )}
      <List size="sm" spacing={2} aria-labelledby={titleId}>
        {guide.items.map((item) => (
          <List.Item key={item.terms.join(' ')}>
            {item.terms.map((t, i) => (
              <span key={t}>
                {i > 0 && ' and '}
                <Code>{t}</Code>
              </span>
            ))}{' '}
            — {item.text}
          </List.Item>
        ))}
      </List>
      {guide.footer !== undefined && (
        <Text size="xs" c="dimmed" mt={4}>
          {guide.footer}
        </Text>
      )}
    </div>
  );
}
