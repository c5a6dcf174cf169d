// Admin: the signing keys and their schedule; rotate, and revoke where the server supports it.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, api, describeError, type KeyView } from '../api.js';
import { ActionButton, Card, Empty, Notice, PageHeader, ShortId, When } from '../ui.js';

type State = 'next' | 'active' | 'retired' | 'expired';

/** Where a key stands now, from its schedule. */
function stateOf(k: KeyView, now: number): State {
  const at = (iso: string | null) => (iso === null ? null : Date.parse(iso));
  const expires = at(k.expires_at);
  const retired = at(k.retired_at);
  const activates = at(k.activates_at);
  if (expires !== null && expires <= now) return 'expired';
  if (retired !== null && retired <= now) return 'retired';
  if (activates !== null && activates > now) return 'next';
  return 'active';
}

const STATE_TEXT: Record<State, string> = {
  next: 'published, signs later',
  active: 'signing',
  retired: 'verifies only',
  expired: 'expired',
};

/**
 * The signing keys page.
 *
 * @example
 * <KeysPage /> // at #/admin/keys
 */
export function KeysPage() {
  const [keys, setKeys] = useState<KeyView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setKeys((await api<{ keys: KeyView[] }>('/admin/keys')).keys);
    } catch (err) {
      setError(describeError(err));
    }
  }, []);
  useEffect(() => void load(), [load]);

  const rotate = async (immediate: boolean) => {
    setError(null);
    setDone(null);
    try {
      const key = await api<KeyView>('/admin/keys/rotate', { method: 'POST', body: { immediate } });
      setDone(
        immediate
          ? `Key ${key.kid} signs from now on. Tokens of the previous key stay valid until they expire.`
          : `Key ${key.kid} is published and starts signing once every verifier has fetched it.`,
      );
      await load();
    } catch (err) {
      setError(describeError(err));
    }
  };

  const revoke = async (kid: string) => {
    setError(null);
    setDone(null);
    setConfirm(null);
    try {
      await api(`/admin/keys/${encodeURIComponent(kid)}/revoke`, { method: 'POST' });
      setDone(`Key ${kid} is revoked: every token it signed is refused.`);
      await load();
    } catch (err) {
      if (
        err instanceof ApiError &&
        err.status === 404 &&
        err.code === 'not_found' &&
        /route/.test(err.message)
      ) {
        setError(
          'This server cannot revoke keys yet: update Tessera to a release with POST /admin/keys/:kid/revoke.',
        );
      } else setError(describeError(err));
    }
  };

  const now = Date.now();
  return (
    <div class="page">
      <PageHeader
        title="Signing keys"
        lead="The keys that sign access tokens, as published in /.well-known/jwks.json. Private keys never leave the server."
        actions={
          <>
            <ActionButton kind="secondary" onClick={() => rotate(false)}>
              Rotate
            </ActionButton>
            <ActionButton kind="primary" onClick={() => rotate(true)}>
              Rotate now
            </ActionButton>
          </>
        }
      />
      {error && <Notice kind="error">{error}</Notice>}
      {done && <Notice kind="success">{done}</Notice>}
      <Card>
        <p class="help help-block">
          <strong>Rotate</strong> publishes the next key first, so every verifier knows it before it signs.{' '}
          <strong>Rotate now</strong> signs with a new key at once. <strong>Revoke</strong> refuses every
          token a key signed (after a leak).
        </p>
        {keys === null && !error && <p class="muted">Loading keys…</p>}
        {keys?.length === 0 && <Empty title="No signing keys">The server creates one when it starts.</Empty>}
        {keys && keys.length > 0 && (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Key id</th>
                  <th scope="col">Algorithm</th>
                  <th scope="col">State</th>
                  <th scope="col">Signs from</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => {
                  const state = stateOf(k, now);
                  return (
                    <tr key={k.kid}>
                      <td data-label="Key id">
                        <ShortId id={k.kid} />
                      </td>
                      <td data-label="Algorithm">{k.alg}</td>
                      <td data-label="State">
                        <span class={`badge badge-state-${state}`}>{STATE_TEXT[state]}</span>
                      </td>
                      <td data-label="Signs from">
                        <When iso={k.activates_at} />
                      </td>
                      <td data-label="Expires">
                        <When iso={k.expires_at} />
                      </td>
                      <td class="actions">
                        {state !== 'expired' &&
                          (confirm === k.kid ? (
                            <span class="row">
                              <ActionButton
                                kind="danger"
                                onClick={() => revoke(k.kid)}
                                label={`Confirm revoking key ${k.kid}`}
                              >
                                Revoke
                              </ActionButton>
                              <button type="button" class="btn btn-ghost" onClick={() => setConfirm(null)}>
                                Cancel
                              </button>
                            </span>
                          ) : (
                            <button
                              type="button"
                              class="btn btn-danger-outline"
                              aria-label={`Revoke key ${k.kid}`}
                              onClick={() => setConfirm(k.kid)}
                            >
                              Revoke…
                            </button>
                          ))}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}
