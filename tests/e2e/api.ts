import type { OfficeArgs, OfficeMethod, OfficeValue } from '../../src/shared/api/contract.js';
import { DEMO_PASSWORD, type Bridge } from './bridge.js';

/** One typed office call: the method's value, or an Error carrying the office's French message (and field errors). */
export type OfficeCall = <M extends OfficeMethod>(method: M, args: OfficeArgs<M>) => Promise<OfficeValue<M>>;

type CallResult<M extends OfficeMethod> =
  | { ok: true; value: OfficeValue<M> }
  | { ok: false; error: { message: string; fields?: Record<string, string> } };

/**
 * A second staff session on the same office, over the dev bridge's HTTP API: the specs prepare and check data as the
 * portal or another agent would, without going through the page under test.
 */
export async function officeApi(office: Bridge, username = 'accueil'): Promise<OfficeCall> {
  const origin = new URL(office.url).origin;
  const token = decodeURIComponent(/token=([^&]+)/.exec(office.url)?.[1] ?? '');
  const session = `test-${Math.random().toString(36).slice(2, 12)}`;
  const call: OfficeCall = async (method, args) => {
    const response = await fetch(`${origin}/api/call`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'X-Grenette-Session': session, 'Content-Type': 'application/json' },
      body: JSON.stringify({ method, args }),
    });
    const result = (await response.json()) as CallResult<typeof method>;
    if (!result.ok) {
      const fields = result.error.fields && Object.keys(result.error.fields).length > 0 ? ` ${JSON.stringify(result.error.fields)}` : '';
      throw new Error(`${method}: ${result.error.message}${fields}`);
    }
    return result.value;
  };
  await call('auth.login', { username, password: DEMO_PASSWORD });
  return call;
}
