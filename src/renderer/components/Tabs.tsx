import { useRef } from 'react';
import { mayDiscard } from '../lib/unsaved.js';

/** WAI-ARIA tabs: arrow keys move between tabs, the panel follows; leaving a panel with unsaved changes asks first. */
export function Tabs<K extends string>({
  tabs,
  current,
  onChange,
  idPrefix,
}: {
  tabs: readonly [K, string][];
  current: K;
  onChange(key: K): void;
  idPrefix: string;
}) {
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  return (
    <div className="tabs" role="tablist">
      {tabs.map(([key, label], index) => (
        <button
          key={key}
          ref={(element) => {
            refs.current[key] = element;
          }}
          type="button"
          role="tab"
          id={`${idPrefix}-tab-${key}`}
          aria-selected={current === key}
          aria-controls={`${idPrefix}-panel`}
          tabIndex={current === key ? 0 : -1}
          className={current === key ? 'tab active' : 'tab'}
          onClick={() => {
            if (key !== current && mayDiscard()) onChange(key);
          }}
          onKeyDown={(event) => {
            const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
            if (!step) return;
            const next = tabs[(index + step + tabs.length) % tabs.length];
            if (next && mayDiscard()) {
              onChange(next[0]);
              refs.current[next[0]]?.focus();
            }
          }}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
