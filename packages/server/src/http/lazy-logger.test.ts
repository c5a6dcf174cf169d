import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { lazyChildLogger } from './lazy-logger.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const parent = pino({ level, redact: ['*.password'] }, stream);
  let children = 0;
  const child = parent.child;
  // Children inherit this property from the parent: count only the parent's own children.
  parent.child = function (this: typeof parent, ...args: Parameters<typeof child>) {
    if (this === parent) children += 1;
    return child.apply(this, args);
  } as typeof parent.child;
  return { parent: parent as unknown as FastifyBaseLogger, lines, children: () => children };
}

describe('lazyChildLogger', () => {
  it('makes no child for lines under the level, and one child with the bindings otherwise', async () => {
    const { parent, lines, children } = capture('warn');
    const log = lazyChildLogger(parent, { reqId: 'req-1' }, {});
    log.info('request completed');
    log.debug({ a: 1 }, 'details');
    assert.equal(children(), 0);
    assert.equal(log.level, 'warn');
    log.error({ err: { type: 'TypeError' } }, 'request failed');
    log.warn('second');
    assert.equal(children(), 1);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      lines.map((l) => [l.reqId, l.msg]),
      [
        ['req-1', 'request failed'],
        ['req-1', 'second'],
      ],
    );
  });

  it('writes every enabled level, keeps redaction, and is a valid Fastify logger', async () => {
    const { parent, lines } = capture('trace');
    const log = lazyChildLogger(parent, { reqId: 'req-2' }, {});
    for (const m of ['info', 'error', 'debug', 'fatal', 'warn', 'trace', 'child'] as const) {
      assert.equal(typeof log[m], 'function', m);
    }
    log.info({ body: { password: 'hunter2hunter2' } }, 'body');
    log.child({ user: 'u1' }).trace('nested');
    await new Promise((r) => setImmediate(r));
    assert.equal(lines.length, 2);
    assert.deepEqual(lines[0]?.body, { password: '[Redacted]' });
    assert.deepEqual([lines[1]?.reqId, lines[1]?.user], ['req-2', 'u1']);
  });

  it('setting the level makes the child', () => {
    const { parent, children } = capture('warn');
    const log = lazyChildLogger(parent, { reqId: 'req-3' }, {});
    log.level = 'debug';
    assert.equal(children(), 1);
    assert.equal(log.level, 'debug');
    assert.equal(parent.level, 'warn');
  });
});
