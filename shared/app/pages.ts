import type { Page } from './ports/page';

/**
 * Every page of a listing, in order, from `cursor` (the start when absent) until the store says
 * there is no more. The one paging loop of the app: callers read items with `for await`, and stop
 * early by leaving the loop (no further page is read).
 */
export async function* pagesOf<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  cursor?: string,
): AsyncGenerator<Page<T>, void, undefined> {
  let next = cursor;
  do {
    const page = await fetchPage(next);
    yield page;
    next = page.nextCursor ?? undefined;
  } while (next);
}

/** Every item of a listing, all pages read. */
export async function allItems<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pagesOf(fetchPage)) items.push(...page.items);
  return items;
}
