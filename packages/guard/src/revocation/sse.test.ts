import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type SseEvent, SseParser, SseTooLargeError } from './sse.js';

function parse(chunks: string[], maxBytes = 1 << 20) {
  const events: SseEvent[] = [];
  let comments = 0;
  const retries: number[] = [];
  const parser = new SseParser(
    { event: (e) => events.push(e), comment: () => comments++, retry: (ms) => retries.push(ms) },
    maxBytes,
  );
  for (const chunk of chunks) parser.push(chunk);
  return { events, comments, retries, parser };
}

describe('SseParser', () => {
  test('dispatches at a blank line, with id, event name, and multi-line data', () => {
    const { events } = parse(['id: 7\ndata: {"a":1}\n\nevent: ready\ndata: x\ndata: y\n\n']);
    assert.deepEqual(events, [
      { event: 'message', data: '{"a":1}', id: '7' },
      { event: 'ready', data: 'x\ny', id: '7' },
    ]);
  });

  test('CR, LF and CRLF line ends, split anywhere across chunks (a CRLF too)', () => {
    const text = 'id: 1\r\ndata: one\r\n\r\nid: 2\rdata: two\r\rid: 3\ndata: three\n\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const { events } = parse([text.slice(0, cut), text.slice(cut)]);
      assert.deepEqual(
        events.map((e) => [e.id, e.data]),
        [
          ['1', 'one'],
          ['2', 'two'],
          ['3', 'three'],
        ],
        `cut at ${cut}`,
      );
    }
    const bytewise = parse([...text]);
    assert.equal(bytewise.events.length, 3);
  });

  test('comments are heartbeats, retry is reported, unknown fields and data-less events are ignored', () => {
    const { events, comments, retries, parser } = parse([
      ': keep-alive\n\nretry: 1500\nretry: soon\nfoo: bar\n\nid: 9\n\n',
    ]);
    assert.equal(comments, 1);
    assert.deepEqual(retries, [1500]);
    assert.deepEqual(events, []);
    assert.equal(parser.lastEventId, '9');
  });

  test('"data" without a colon is an empty line of data; only one leading space is dropped', () => {
    const { events } = parse(['data\ndata:  two spaces\n\n']);
    assert.deepEqual(events[0]?.data, '\n two spaces');
  });

  test('an event or an unfinished line bigger than the cap is refused', () => {
    assert.throws(() => parse([`data: ${'x'.repeat(100)}\n`], 50), SseTooLargeError);
    assert.throws(() => parse(['data: ', 'x'.repeat(100)], 50), SseTooLargeError);
    assert.throws(() => parse([`${'data: xxxxxxxxxx\n'.repeat(10)}`], 50), SseTooLargeError);
  });
});
