import { Alert, Button, Code, Text } from '@mantine/core';
import { IconFlask } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { api, type DemoHints } from '../api.js';

/** GET /api/demo-hints: the sandboxes' settings values by kind in demo mode, {} otherwise. */
export function useDemoHints() {
  return useQuery({
    queryKey: ['demo-hints'],
    queryFn: (): Promise<DemoHints> => api.demoHints(),
    staleTime: Infinity,
    retry: false,
  });
}

export function DemoHintBox({ values, onFill }: { values: Record<string, string>; onFill: () => void }) {
  return (
    <Alert color="blue" variant="light" icon={<IconFlask aria-hidden />} title="Sandbox running: use these values">
      <Text size="sm" mb="xs">
        The demo started a local sandbox that imitates this service.
      </Text>
      <dl className="cw-hints">
        {Object.entries(values).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>
              <Code style={{ overflowWrap: 'anywhere' }}>{v === '' ? '(leave empty)' : v}</Code>
            </dd>
          </div>
        ))}
      </dl>
      <Button size="xs" variant="light" onClick={onFill}>
        Fill in sandbox values
      </Button>
    </Alert>
  );
}
