import { IconBulb } from '@tabler/icons-react';
import { Empty, PageHeader } from '../components/common.js';

export function OpportunitiesPage() {
  return (
    <>
      <PageHeader title="Opportunities" description="vCIO findings you send to the PSA as tickets." />
      <Empty
        icon={<IconBulb size={28} aria-hidden />}
        title="Opportunities arrive in a later release"
        description="You will be able to record an opportunity for a company and export it to your PSA."
      />
    </>
  );
}
