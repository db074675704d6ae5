import { useEffect } from 'react';

/**
 * One guard for every form with unsaved changes: leaving it (a link, the main menu, a tab, the back key, Échap) asks
 * « Abandonner les modifications ? » first. Forms declare their state with useUnsavedChanges; whoever leaves asks
 * mayDiscard(). The question is the browser's own confirm dialog, announced by screen readers and modal, like the other
 * confirmations of the office (archiving a file).
 */

export const DISCARD_QUESTION = 'Abandonner les modifications ?';

const dirtyForms = new Set<symbol>();

export function hasUnsavedChanges(): boolean {
  return dirtyForms.size > 0;
}

/** True when nothing is being edited, or when the agent agrees to lose what they typed. */
export function mayDiscard(): boolean {
  return dirtyForms.size === 0 || window.confirm(DISCARD_QUESTION);
}

/** Declares a form with changes not saved yet, for as long as `dirty` holds and the form is on screen. */
export function useUnsavedChanges(dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return;
    const token = Symbol('unsaved form');
    dirtyForms.add(token);
    return () => {
      dirtyForms.delete(token);
    };
  }, [dirty]);
}

let approvedHash: string | null = null;

/** Lets the next move to `hash` through without asking (a page that saved its record and now opens it). */
export function approveNavigation(hash: string): void {
  approvedHash = hash.startsWith('#') ? hash : `#${hash}`;
}

let installed = false;

/**
 * Installed once before the app renders, so that its listeners run before the pages' own hashchange listeners:
 * an in-app link clicked while a form has changes asks first; a hash changed otherwise (back key, typed address) is
 * undone when the agent keeps their changes, before any page sees it.
 */
export function installLeaveGuard(): void {
  if (installed) return;
  installed = true;
  let currentUrl = window.location.href;

  document.addEventListener(
    'click',
    (event) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
      const href = link?.getAttribute('href');
      if (!href || !href.startsWith('#') || href === window.location.hash) return;
      if (!mayDiscard()) {
        event.preventDefault();
        event.stopPropagation();
        return;
      }
      approveNavigation(href);
    },
    true,
  );

  window.addEventListener('hashchange', (event) => {
    const approved = approvedHash !== null && approvedHash === window.location.hash;
    approvedHash = null;
    if (approved || mayDiscard()) {
      currentUrl = window.location.href;
      return;
    }
    // Kept: back to where the form is, without a new hashchange; the pages never hear of the move.
    event.stopImmediatePropagation();
    window.history.replaceState(window.history.state, '', currentUrl);
  });
}
