import { describe, expect, it } from 'vitest';
import { allItems, pagesOf } from '../../shared/app/pages';
import type { Page } from '../../shared/app/ports/page';

/** A listing of `items` in pages of `size`, whose cursor is the index of the next item; it records every read. */
function listing(items: readonly string[], size: number) {
  const reads: (string | undefined)[] = [];
  const fetchPage = async (cursor: string | undefined): Promise<Page<string>> => {
    reads.push(cursor);
    const from = Number(cursor ?? 0);
    const to = from + size;
    return { items: items.slice(from, to), nextCursor: to < items.length ? String(to) : null };
  };
  return { fetchPage, reads };
}

describe('pagesOf (the one paging loop)', () => {
  it('reads every page in order, passing each page the cursor the one before returned', async () => {
    const { fetchPage, reads } = listing(['a', 'b', 'c', 'd', 'e'], 2);
    const pages: string[][] = [];
    for await (const page of pagesOf(fetchPage)) pages.push(page.items);
    expect(pages).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(reads).toEqual([undefined, '2', '4']);
  });

  it('starts from the cursor it is given', async () => {
    const { fetchPage, reads } = listing(['a', 'b', 'c', 'd', 'e'], 2);
    const pages: string[][] = [];
    for await (const page of pagesOf(fetchPage, '3')) pages.push(page.items);
    expect(pages).toEqual([['d', 'e']]);
    expect(reads).toEqual(['3']);
  });

  it('reads one (empty) page of an empty listing', async () => {
    const { fetchPage, reads } = listing([], 2);
    expect(await allItems(fetchPage)).toEqual([]);
    expect(reads).toEqual([undefined]);
  });

  it('reads no further page once the caller leaves the loop', async () => {
    const { fetchPage, reads } = listing(['a', 'b', 'c', 'd', 'e'], 2);
    for await (const page of pagesOf(fetchPage)) {
      if (page.items.includes('c')) break;
    }
    expect(reads).toEqual([undefined, '2']);
  });

  it('allItems gathers every item of every page', async () => {
    const { fetchPage } = listing(['a', 'b', 'c', 'd', 'e', 'f', 'g'], 3);
    expect(await allItems(fetchPage)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });
});
