import { useEffect, useState } from 'react';
import { api } from '../api/bridge.js';

const CHANGED = 'grenette:requests-changed';

/** Told after any decision or new request, so the menu's badge follows without a page load. */
export function notifyRequestsChanged(): void {
  window.dispatchEvent(new Event(CHANGED));
}

/** Pending items of the validation queue, for the 'Demandes' badge; refreshed on navigation and after decisions. */
export function usePendingCount(enabled: boolean): number | null {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const refresh = () => {
      void api.call('requests.queue', {}).then((result) => {
        if (live && result.ok) setCount(result.value.length);
      });
    };
    refresh();
    window.addEventListener(CHANGED, refresh);
    window.addEventListener('hashchange', refresh);
    return () => {
      live = false;
      window.removeEventListener(CHANGED, refresh);
      window.removeEventListener('hashchange', refresh);
    };
  }, [enabled]);
  return enabled ? count : null;
}
