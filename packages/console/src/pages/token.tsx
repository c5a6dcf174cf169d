// The token inspector: the current access token or a pasted JWT, decoded, verified against the
// server's JWKS, with its expiry counting down and the findings of `tessera token lint`.
import { type Finding, LINT_RULES, lintToken, parseTokenLeniently } from '@tessera/server/lint';
import { useEffect, useState } from 'preact/hooks';
import { client, describeError } from '../api.js';
import { fetchJwks, type Verdict, verifyWithJwks } from '../inspect.js';
import { Card, Empty, Notice, PageHeader, useTick } from '../ui.js';

type Source = 'current' | 'pasted';

/**
 * The token inspector page.
 *
 * @example
 * <TokenPage /> // at #/token
 */
export function TokenPage() {
  const [source, setSource] = useState<Source>('current');
  const [pasted, setPasted] = useState('');
  const [current, setCurrent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (source !== 'current') return;
    client
      .getAccessToken()
      .then((t) => setCurrent(t))
      .catch((err) => setError(describeError(err)));
  }, [source]);

  const token = source === 'current' ? current : pasted.trim();
  return (
    <div class="page">
      <PageHeader
        title="Token inspector"
        lead="Decode a JWT, check its signature against this server's published keys, and run the same checks as tessera token lint. Nothing leaves your browser."
      />
      <Card>
        <fieldset class="segmented">
          <legend class="sr-only">Which token</legend>
          <input
            type="radio"
            id="source-current"
            name="source"
            checked={source === 'current'}
            onChange={() => setSource('current')}
          />
          <label for="source-current">My access token</label>
          <input
            type="radio"
            id="source-pasted"
            name="source"
            checked={source === 'pasted'}
            onChange={() => setSource('pasted')}
          />
          <label for="source-pasted">Paste a JWT</label>
        </fieldset>
        {source === 'pasted' && (
          <div class="form">
            <label for="jwt">JWT</label>
            <textarea
              id="jwt"
              rows={4}
              spellcheck={false}
              autoComplete="off"
              placeholder="eyJhbGciOi…"
              value={pasted}
              onInput={(e) => setPasted((e.target as HTMLTextAreaElement).value)}
            />
            <p class="help">The token stays on this page: it is not sent anywhere nor stored.</p>
          </div>
        )}
        {source === 'current' && token && (
          <details class="token-raw">
            <summary>Show the raw token</summary>
            <code>{token}</code>
          </details>
        )}
        {error && <Notice kind="error">{error}</Notice>}
      </Card>
      {token ? (
        <Inspection token={token} />
      ) : (
        source === 'pasted' && (
          <Empty title="Paste a token to inspect it">
            Header, claims, signature and lint findings appear here.
          </Empty>
        )
      )}
    </div>
  );
}

function Inspection(props: { token: string }) {
  const { token } = props;
  const parsed = parseTokenLeniently(token);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [findings, setFindings] = useState<Finding[] | null>(null);
  const [jwksError, setJwksError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setVerdict(null);
    setFindings(null);
    setJwksError(null);
    void lintToken(token).then((f) => live && setFindings(f));
    fetchJwks()
      .then((keys) => verifyWithJwks(token, keys))
      .then((v) => live && setVerdict(v))
      .catch(
        () =>
          live && setJwksError('The server’s keys could not be loaded, so the signature was not checked.'),
      );
    return () => {
      live = false;
    };
  }, [token]);

  if ('reason' in parsed) {
    return (
      <Card title="Not a JWT" id="malformed">
        <Notice kind="error">This is not a signed JWT: {parsed.reason}.</Notice>
      </Card>
    );
  }
  const exp = typeof parsed.payload.exp === 'number' ? parsed.payload.exp : undefined;
  return (
    <>
      <div class="grid-2">
        <Card title="Signature" id="signature">
          {jwksError && <Notice kind="warn">{jwksError}</Notice>}
          {!jwksError && <VerdictView verdict={verdict} />}
        </Card>
        <Card title="Expiry" id="expiry">
          <Countdown exp={exp} />
        </Card>
      </div>
      <Card title="Lint findings" id="findings">
        <p class="help">
          The rules of <code>tessera token lint</code>, run here in your browser.
        </p>
        <Findings findings={findings} />
      </Card>
      <div class="grid-2">
        <Card title="Header" id="header">
          <Json value={parsed.header} />
        </Card>
        <Card title="Claims" id="claims">
          <Json value={parsed.payload} />
          <TimeClaims payload={parsed.payload} />
        </Card>
      </div>
    </>
  );
}

function VerdictView(props: { verdict: Verdict | null }) {
  const v = props.verdict;
  if (v === null) return <p class="muted">Checking against the server’s JWKS…</p>;
  switch (v.status) {
    case 'valid':
      return (
        <div class="verdict verdict-ok" role="status">
          <strong>Valid signature</strong>
          <span>
            Signed by this server’s key <code>{v.kid}</code>.
          </span>
        </div>
      );
    case 'invalid':
      return (
        <div class="verdict verdict-bad" role="status">
          <strong>Invalid signature</strong>
          <span>
            Key <code>{v.kid}</code> does not verify this token: it was altered, or signed by someone else.
          </span>
        </div>
      );
    default:
      return (
        <div class="verdict verdict-warn" role="status">
          <strong>{v.status === 'no-key' ? 'Unknown key' : 'Not verifiable here'}</strong>
          <span>{capital(v.reason)}.</span>
        </div>
      );
  }
}

function Countdown(props: { exp: number | undefined }) {
  const now = useTick(1000);
  if (props.exp === undefined) {
    return <Notice kind="error">No expiry: this token never expires.</Notice>;
  }
  const left = Math.round(props.exp - now / 1000);
  const at = new Date(props.exp * 1000);
  return (
    <div class={`countdown ${left <= 0 ? 'countdown-over' : left < 60 ? 'countdown-soon' : ''}`}>
      <p class="countdown-value" aria-live="off">
        {left > 0 ? `${clock(left)}` : 'Expired'}
      </p>
      <p class="muted">
        {left > 0 ? 'until it expires, at ' : 'It expired at '}
        <time dateTime={at.toISOString()}>{at.toLocaleString()}</time>
        {left <= 0 && ` (${clock(-left)} ago)`}
      </p>
    </div>
  );
}

function clock(seconds: number): string {
  if (seconds >= 86400) {
    const d = Math.floor(seconds / 86400);
    const hours = Math.floor((seconds % 86400) / 3600);
    return `${d} d ${hours} h`;
  }
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

const SEVERITY_LABEL = { error: 'Error', warn: 'Warning', info: 'Info' } as const;

function Findings(props: { findings: Finding[] | null }) {
  if (props.findings === null) return <p class="muted">Running the checks…</p>;
  if (props.findings.length === 0) {
    return <Empty title="No findings">The token passes every check.</Empty>;
  }
  return (
    <ul class="findings">
      {props.findings.map((f, i) => (
        <li key={`${f.code}-${i}`} class={`finding finding-${f.severity}`}>
          <span class={`sev sev-${f.severity}`}>{SEVERITY_LABEL[f.severity]}</span>
          <div>
            <p class="finding-title">
              <code>{f.code}</code> {f.name}
              <span class="muted"> — {LINT_RULES[f.code].summary}</span>
            </p>
            <p class="finding-message">{f.message}</p>
          </div>
        </li>
      ))}
    </ul>
  );
}

function Json(props: { value: unknown }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling block must be reachable by keyboard
    <pre class="json" tabIndex={0}>
      <code>{JSON.stringify(props.value, null, 2)}</code>
    </pre>
  );
}

function TimeClaims(props: { payload: Record<string, unknown> }) {
  const rows = (['iat', 'nbf', 'exp'] as const).filter((n) => typeof props.payload[n] === 'number');
  if (rows.length === 0) return null;
  return (
    <dl class="facts facts-compact">
      {rows.map((n) => (
        <>
          <dt key={`${n}-t`}>{n}</dt>
          <dd key={`${n}-d`}>{new Date((props.payload[n] as number) * 1000).toLocaleString()}</dd>
        </>
      ))}
    </dl>
  );
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
