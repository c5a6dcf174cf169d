// RevocationStreams over a real SQLite store whose reads are counted: streams at one cursor share
// a read per announcement, and sharing never costs a stream an entry.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RevocationStreams } from '../src/service/revocation-streams.js';
import type { RevocationPage, RevocationStore } from '../src/store/index.js';
import { createSqlStore } from '../src/store/index.js';

const dir = await mkdtemp(join(tmpdir(), 'tessera-streams-'));
const store = await createSqlStore({ dialect: 'sqlite', filename: join(dir, 'tessera.db') });
after(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

let reads = 0;
const counted: RevocationStore = {
  add: (entries) => store.revocations.add(entries),
  purge: (now) => store.revocations.purge(now),
  list: (options) => {
    reads++;
    return store.revocations.list(options);
  },
};

function sink() {
  const pages: RevocationPage[] = [];
  return { pages, entries: (page: RevocationPage) => pages.push(page), end: () => {} };
}

const expires = () => Math.floor(Date.now() / 1000) + 600;

describe('revocation streams', () => {
  it('share one store read among the streams at one cursor, and every stream gets every entry', async () => {
    const streams = new RevocationStreams(counted, () => Date.now(), 100);
    const sinks = Array.from({ length: 50 }, sink);
    const handles = sinks.map((s) => streams.open(0, s)!);
    await Promise.all(handles.map((h) => h.replayed));
    const [entry] = await counted.add([{ kind: 'user', sub: 'u1', before: 1, expires: expires() }]);
    reads = 0;
    streams.notify();
    await Promise.all(handles.map((h) => h.replayed));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(reads, 1, 'one read for 50 streams');
    for (const s of sinks) assert.deepEqual(s.pages.at(-1)?.revoked, [entry]);
    for (const h of handles) assert.equal(h.cursor, entry!.cursor);
    for (const h of handles) h.close();
  });

  it('gives a stream opened after an entry was written that entry, whatever reads are under way', async () => {
    const streams = new RevocationStreams(counted, () => Date.now(), 100);
    const first = sink();
    const early = streams.open(0, first)!;
    // A read of the first stream is under way when the entry is written and the second opens.
    const pending = early.replayed;
    const [entry] = await counted.add([{ kind: 'all', before: 2, expires: expires() }]);
    const second = sink();
    const late = streams.open(0, second)!;
    await Promise.all([pending, late.replayed]);
    assert.ok(
      second.pages.some((p) => p.revoked.some((e) => e.cursor === entry!.cursor)),
      'the replay of a stream opened after the write holds the entry',
    );
    early.close();
    late.close();
  });
});
