/**
 * Reads a log in pages, each from the id after the last one read, until a page comes back
 * empty, as a follower catching up does. Resolves to the number of items read.
 */
export async function readAll<T>(
  start: number,
  page: (next: number) => Promise<readonly T[]> | readonly T[],
  idOf: (item: T) => number,
): Promise<number> {
  let next = start;
  let read = 0;
  for (;;) {
    const items = await page(next);
    const last = items.at(-1);
    if (last === undefined) return read;
    read += items.length;
    next = idOf(last) + 1;
  }
}
