// Small building blocks shared by the pages: notices, empty states, dates, devices.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A status message: `error` and `success` are announced to screen readers.
 *
 * @example
 * <Notice kind="error">Wrong email or password.</Notice>
 */
export function Notice(props: { kind: 'error' | 'success' | 'info' | 'warn'; children: ComponentChildren }) {
  const role = props.kind === 'error' ? 'alert' : 'status';
  return (
    <div class={`notice notice-${props.kind}`} role={role}>
      {props.children}
    </div>
  );
}

/**
 * What a list shows when it has nothing in it.
 *
 * @example
 * <Empty title="No users yet">Accounts appear here once someone registers.</Empty>
 */
export function Empty(props: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <p class="empty-title">{props.title}</p>
      {props.children && <p class="muted">{props.children}</p>}
    </div>
  );
}

/**
 * A page heading with an optional line under it.
 *
 * @example
 * <PageHeader title="Users" lead="Every account on this server." />
 */
export function PageHeader(props: { title: string; lead?: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <div class="page-header">
      <div>
        <h1 tabIndex={-1} id="page-title">
          {props.title}
        </h1>
        {props.lead && <p class="lead">{props.lead}</p>}
      </div>
      {props.actions && <div class="page-actions">{props.actions}</div>}
    </div>
  );
}

/**
 * A card with a title.
 *
 * @example
 * <Card title="Profile" id="profile">…</Card>
 */
export function Card(props: {
  title?: string;
  id?: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  const headingId = props.id === undefined ? undefined : `${props.id}-title`;
  return (
    <section class="card" aria-labelledby={headingId}>
      {(props.title || props.actions) && (
        <div class="card-header">
          {props.title && <h2 id={headingId}>{props.title}</h2>}
          {props.actions}
        </div>
      )}
      {props.children}
    </section>
  );
}

/**
 * Role and permission names as small badges.
 *
 * @example
 * <Badges names={['user', 'admin']} />
 */
export function Badges(props: { names: string[]; empty?: string }) {
  if (props.names.length === 0) return <span class="muted">{props.empty ?? 'none'}</span>;
  return (
    <span class="badges">
      {props.names.map((n) => (
        <span class="badge" key={n}>
          {n}
        </span>
      ))}
    </span>
  );
}

/**
 * A date as `6 Dec 2026, 09:41` in the reader's locale, with the ISO time on hover.
 *
 * @example
 * <When iso="2026-12-06T09:41:00.000Z" /> // Dec 6, 2026, 9:41 AM
 */
export function When(props: { iso: string | null | undefined }) {
  if (!props.iso) return <span class="muted">—</span>;
  const date = new Date(props.iso);
  return (
    <time dateTime={props.iso} title={props.iso} class="when">
      {date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
    </time>
  );
}

/**
 * A long id shortened to its start, whole on hover and for screen readers.
 *
 * @example
 * <ShortId id={key.kid} /> // jjIO8_H-BXZU…
 */
export function ShortId(props: { id: string; keep?: number }) {
  const keep = props.keep ?? 12;
  if (props.id.length <= keep + 2) return <code>{props.id}</code>;
  return <code title={props.id}>{props.id.slice(0, keep)}…</code>;
}

/**
 * `3 min ago`, `in 2 h`: a duration from now.
 *
 * @example
 * relative(Date.now() - 5 * 60_000); // '5 min ago'
 */
export function relative(ms: number, now = Date.now()): string {
  const delta = Math.round((ms - now) / 1000);
  const abs = Math.abs(delta);
  if (abs < 60) return 'just now';
  const text =
    abs < 3600
      ? `${Math.floor(abs / 60)} min`
      : abs < 86400
        ? `${Math.floor(abs / 3600)} h`
        : `${Math.floor(abs / 86400)} d`;
  return delta >= 0 ? `in ${text}` : `${text} ago`;
}

/**
 * `Chrome on Linux` from a user agent; `Unknown device` without one.
 *
 * @example
 * deviceName('Mozilla/5.0 (X11; Linux x86_64) … Chrome/131.0 Safari/537.36'); // 'Chrome on Linux'
 */
export function deviceName(userAgent: string | null | undefined): string {
  if (!userAgent) return 'Unknown device';
  const ua = userAgent;
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\//.test(ua)
      ? 'Opera'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Chrom(e|ium)\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : /curl\//i.test(ua)
              ? 'curl'
              : /node|undici/i.test(ua)
                ? 'Node.js'
                : /tessera/i.test(ua)
                  ? 'Tessera CLI'
                  : undefined;
  const os = /iPhone|iPad/.test(ua)
    ? 'iOS'
    : /Android/.test(ua)
      ? 'Android'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : undefined;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? (ua.length > 40 ? `${ua.slice(0, 40)}…` : ua);
}

/**
 * Re-renders every `ms` (for countdowns and "3 min ago").
 *
 * @example
 * const now = useTick(1000); // re-renders every second
 */
export function useTick(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/**
 * A button that runs an async action, disabled while it runs.
 *
 * @example
 * <ActionButton kind="danger" onClick={() => revoke(id)}>Revoke</ActionButton>
 */
export function ActionButton(props: {
  onClick: () => Promise<void> | void;
  children: ComponentChildren;
  kind?: 'primary' | 'danger' | 'danger-outline' | 'secondary' | 'ghost';
  label?: string;
  disabled?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      class={`btn btn-${props.kind ?? 'secondary'}`}
      aria-label={props.label}
      disabled={busy || props.disabled}
      aria-busy={busy}
      onClick={async () => {
        setBusy(true);
        try {
          await props.onClick();
        } finally {
          setBusy(false);
        }
      }}
    >
      {props.children}
    </button>
  );
}

/**
 * Splits `admin, editor` into names.
 *
 * @example
 * nameList('user, admin  admin'); // ['user', 'admin']
 */
export function nameList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}
