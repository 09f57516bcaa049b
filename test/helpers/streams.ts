/** Reading connector streams to the end in tests. */
import type { Page, Stream, StreamResult } from '../../src/connectors/contract.js';

export interface Collected<T> {
  /** every record of every page, in order */
  records: T[];
  pages: Page<T>[];
  /** each page's `total`, in order */
  totals: (number | null)[];
  result: StreamResult;
}

/** Consumes a page generator to its end: the pages, their records and the final StreamResult. */
export async function collect<T>(gen: AsyncGenerator<Page<T>, StreamResult>): Promise<Collected<T>> {
  const pages: Page<T>[] = [];
  for (;;) {
    const n = await gen.next();
    if (n.done === true) return { records: pages.flatMap((p) => p.records), pages, totals: pages.map((p) => p.total), result: n.value };
    pages.push(n.value);
  }
}

/** Reads a stream to its end: a full read, or an incremental one from `since`. */
export function drain<T>(stream: Stream<T>, since: Date | null = null): Promise<Collected<T>> {
  return collect(stream.read({ since }));
}
