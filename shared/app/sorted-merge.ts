/** Merges ascending streams into one ascending stream without repeats. */
export async function* mergeAscending(streams: readonly AsyncIterator<string>[]): AsyncGenerator<string> {
  const heads = await Promise.all(streams.map((stream) => stream.next()));
  let last: string | undefined;
  for (;;) {
    let smallest = -1;
    heads.forEach((head, i) => {
      if (head.done) return;
      const current = smallest >= 0 ? heads[smallest]! : undefined;
      if (!current || current.done || head.value < current.value) smallest = i;
    });
    if (smallest < 0) return;
    const value = heads[smallest]!.value as string;
    heads[smallest] = await streams[smallest]!.next();
    if (value === last) continue;
    last = value;
    yield value;
  }
}
