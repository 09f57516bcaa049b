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

/** Called with each page as it arrives (its 0-based number), e.g. to change the sandbox mid-read. */
export type OnPage<T> = (page: Page<T>, index: number) => void;

/** Consumes a page generator to its end: the pages, their records and the final StreamResult. */
export async function collect<T>(gen: AsyncGenerator<Page<T>, StreamResult>, onPage?: OnPage<T>): Promise<Collected<T>> {
  const pages: Page<T>[] = [];
  for (;;) {
    const n = await gen.next();
    if (n.done === true) return { records: pages.flatMap((p) => p.records), pages, totals: pages.map((p) => p.total), result: n.value };
    onPage?.(n.value, pages.length);
    pages.push(n.value);
  }
}

/** Reads a stream to its end: a full read, or an incremental one from `since`. */
export function drain<T>(stream: Stream<T>, since: Date | null = null, onPage?: OnPage<T>): Promise<Collected<T>> {
  return collect(stream.read({ since }), onPage);
}
