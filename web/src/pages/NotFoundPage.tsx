import { Button } from '@mantine/core';
import { navigate } from '../router.js';
import { Empty, PageHeader } from '../components/common.js';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <Empty
        title="There is nothing at this address"
        description="The link may be outdated."
        action={<Button onClick={() => navigate('/companies')}>Go to Companies</Button>}
      />
    </>
  );
}
