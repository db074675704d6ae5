import { useEffect, useRef } from 'react';

export interface MenuItem<K extends string> {
  key: K;
  label: string;
}

/**
 * A WAI-ARIA menu at a screen position: arrows, Home and End move, Enter or Space choose, Escape and Tab close.
 * Built here because ag-grid Community has no context menu.
 */
export function ActionMenu<K extends string>({
  label,
  items,
  x,
  y,
  onChoose,
  onClose,
}: {
  label: string;
  items: MenuItem<K>[];
  x: number;
  y: number;
  onChoose(key: K): void;
  onClose(): void;
}) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    refs.current[0]?.focus();
    const onPointer = (event: MouseEvent) => {
      if (menuRef.current && !menuRef.current.contains(event.target as Node)) onClose();
    };
    document.addEventListener('mousedown', onPointer);
    return () => document.removeEventListener('mousedown', onPointer);
  }, [onClose]);

  function move(from: number, step: number) {
    const next = (from + step + items.length) % items.length;
    refs.current[next]?.focus();
  }

  return (
    <div
      ref={menuRef}
      className="action-menu"
      role="menu"
      aria-label={label}
      // Position only: CSSOM style properties are allowed by the renderer's CSP, unlike style attributes in HTML.
      style={{ left: Math.max(4, Math.min(x, window.innerWidth - 260)), top: Math.max(4, Math.min(y, window.innerHeight - 40 * items.length - 8)) }}
    >
      {items.map((item, index) => (
        <button
          key={item.key}
          ref={(element) => {
            refs.current[index] = element;
          }}
          type="button"
          role="menuitem"
          tabIndex={-1}
          className="action-menu-item"
          onClick={() => {
            onClose();
            onChoose(item.key);
          }}
          onKeyDown={(event) => {
            if (event.key === 'ArrowDown') move(index, 1);
            else if (event.key === 'ArrowUp') move(index, -1);
            else if (event.key === 'Home') refs.current[0]?.focus();
            else if (event.key === 'End') refs.current[items.length - 1]?.focus();
            else if (event.key === 'Escape' || event.key === 'Tab') onClose();
            else return;
            event.preventDefault();
          }}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}
