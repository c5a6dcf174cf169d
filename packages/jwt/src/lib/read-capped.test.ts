import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { CappedReadError, readCapped, readCappedText } from './read-capped.js';

function failure(err: unknown): string {
  assert.ok(err instanceof CappedReadError, String(err));
  return err.failure;
}

describe('readCapped', () => {
  test('joins chunks up to the cap, strings as UTF-8', async () => {
    const bytes = await readCapped(Readable.from([Buffer.from('ab'), 'cé']), 5);
    assert.equal(bytes.toString('utf8'), 'abcé');
  });

  test('stops with too-large past the cap, without reading the rest', async () => {
    let pulled = 0;
    async function* chunks() {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield new Uint8Array(10);
      }
    }
    await assert.rejects(readCapped(chunks(), 25), (err) => failure(err) === 'too-large');
    assert.equal(pulled, 3);
  });

  test('lets other stream errors through unchanged', async () => {
    const boom = new Error('boom');
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(1);
      throw boom;
    }
    await assert.rejects(readCapped(chunks(), 10), (err) => err === boom);
  });
});

describe('readCappedText', () => {
  test('returns the body text', async () => {
    assert.equal(await readCappedText(new Response('{"keys":[]}'), 100), '{"keys":[]}');
  });

  test('refuses a declared length over the cap before reading', async () => {
    const response = new Response('x'.repeat(10), { headers: { 'content-length': '1000000' } });
    await assert.rejects(readCappedText(response, 100), (err) => failure(err) === 'too-large');
  });

  test('refuses a body that grows past the cap without a declared length', async () => {
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(64));
      },
    });
    await assert.rejects(readCappedText(new Response(stream), 1000), (err) => failure(err) === 'too-large');
  });

  test('refuses invalid UTF-8', async () => {
    const response = new Response(new Uint8Array([0x7b, 0xff, 0x7d]));
    await assert.rejects(readCappedText(response, 100), (err) => failure(err) === 'not-utf8');
  });

  test('wraps a broken stream as read-failed, keeping the cause', async () => {
    const boom = new Error('reset');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.error(boom);
      },
    });
    await assert.rejects(readCappedText(new Response(stream), 100), (err) => {
      return failure(err) === 'read-failed' && (err as CappedReadError).cause === boom;
    });
  });
});
