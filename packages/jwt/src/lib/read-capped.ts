/** Why a capped read failed: over the cap, the stream broke, or the bytes are not UTF-8. */
export type CappedReadFailure = 'too-large' | 'read-failed' | 'not-utf8';

/** The failure of readCapped / readCappedText; `cause` holds the stream's own error for `read-failed`. */
export class CappedReadError extends Error {
  override readonly name = 'CappedReadError';
  constructor(
    readonly failure: CappedReadFailure,
    options?: { cause: unknown },
  ) {
    super(`capped read failed: ${failure}`, options);
  }
}

/**
 * Reads chunks (a Node stream, a fetch body) into one buffer, and stops with a
 * `too-large` CappedReadError as soon as more than `maxBytes` have arrived, so
 * a hostile peer cannot make the process buffer without bound. Other errors of
 * the stream pass through unchanged.
 *
 * @example
 * const bytes = await readCapped(process.stdin, 64 * 1024);
 */
export async function readCapped(
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  maxBytes: number,
): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    const part = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += part.length;
    if (size > maxBytes) throw new CappedReadError('too-large');
    parts.push(part);
  }
  return Buffer.concat(parts);
}

/**
 * The body of a fetch response as strict UTF-8 text, refused when its declared
 * length or the bytes that actually arrive exceed `maxBytes`. Every failure is
 * a CappedReadError (the body is cancelled first), which the caller turns into
 * its own error.
 *
 * @example
 * const text = await readCappedText(await fetch(url, { redirect: 'manual' }), 512 * 1024);
 */
export async function readCappedText(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  let bytes: Buffer;
  try {
    if (declared > maxBytes) throw new CappedReadError('too-large');
    bytes = await readCapped(response.body ?? [], maxBytes);
  } catch (err) {
    await response.body?.cancel().catch(() => {});
    throw err instanceof CappedReadError ? err : new CappedReadError('read-failed', { cause: err });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CappedReadError('not-utf8');
  }
}
