/** One dispatched Server-Sent Event. */
export interface SseEvent {
  /** `message` unless the event named itself. */
  event: string;
  data: string;
  /** The last `id:` seen (it carries over to later events, as the spec says). */
  id: string | undefined;
}

/** What the parser reports besides events. */
export interface SseHandlers {
  event(event: SseEvent): void;
  /** A comment line (`: …`): the server's heartbeat. */
  comment?(): void;
  /** A `retry:` field: the reconnection delay the server asks for, ms. */
  retry?(ms: number): void;
}

/** The parser refuses an event bigger than its cap. */
export class SseTooLargeError extends Error {
  override readonly name = 'SseTooLargeError';
}

/**
 * A small incremental parser of the `text/event-stream` format (the WHATWG HTML "server-sent
 * events" parsing rules): feed it decoded text in chunks of any size; it splits lines on CR, LF
 * or CRLF, collects `event`, `data`, `id` and `retry` fields and dispatches at each blank line.
 * A pending line or event over `maxBytes` characters throws {@link SseTooLargeError}.
 *
 * @example
 * const parser = new SseParser({ event: (e) => console.log(e.id, e.data) }, 1 << 20);
 * parser.push('id: 7\ndata: {"cursor":7}\n\n');
 */
export class SseParser {
  #buffer = '';
  #data: string[] = [];
  #dataLength = 0;
  #event = '';
  #id: string | undefined;
  #sawCr = false;

  constructor(
    private readonly handlers: SseHandlers,
    private readonly maxBytes: number,
  ) {}

  /** The last event id received (what to send as `Last-Event-ID` when reconnecting). */
  get lastEventId(): string | undefined {
    return this.#id;
  }

  /** Parses a chunk of text. */
  push(chunk: string): void {
    let text = chunk;
    // A CR at the end of the previous chunk and an LF at the start of this one are one break.
    if (this.#sawCr && text.startsWith('\n')) text = text.slice(1);
    this.#sawCr = false;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.#line(this.#buffer + text.slice(start, i));
      this.#buffer = '';
      if (c === 13) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else {
          this.#sawCr = true;
        }
      }
      start = i + 1;
    }
    this.#buffer += text.slice(start);
    if (this.#buffer.length + this.#dataLength > this.maxBytes) {
      throw new SseTooLargeError('an event is larger than the limit');
    }
  }

  #line(line: string): void {
    if (line === '') {
      this.#dispatch();
      return;
    }
    if (line.startsWith(':')) {
      this.handlers.comment?.();
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.#event = value;
        return;
      case 'data':
        this.#data.push(value);
        this.#dataLength += value.length + 1;
        if (this.#dataLength > this.maxBytes) throw new SseTooLargeError('an event is larger than the limit');
        return;
      case 'id':
        if (!value.includes('\0')) this.#id = value;
        return;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.handlers.retry?.(Number(value));
        return;
      default:
        return;
    }
  }

  #dispatch(): void {
    const data = this.#data;
    const event = this.#event;
    this.#data = [];
    this.#dataLength = 0;
    this.#event = '';
    if (data.length === 0) return;
    this.handlers.event({ event: event === '' ? 'message' : event, data: data.join('\n'), id: this.#id });
  }
}
