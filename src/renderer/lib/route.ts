import { useEffect, useState } from 'react';
import { approveNavigation } from './unsaved.js';

/** Hash routes ("#/familles/12"): no page load, so the Electron window and the dev bridge behave the same. */
export type Route =
  | { name: 'families' }
  | { name: 'newFamily' }
  | { name: 'family'; id: number }
  | { name: 'qfToUpdate' }
  | { name: 'newChild'; familyId: number }
  | { name: 'children' }
  | { name: 'child'; id: number };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const id = Number(parts[1]);
  if (parts[0] === 'enfants') {
    return parts[1] && Number.isInteger(id) ? { name: 'child', id } : { name: 'children' };
  }
  if (parts[0] === 'familles' && parts[1] === 'nouvelle') return { name: 'newFamily' };
  if (parts[0] === 'familles' && parts[1] === 'qf-a-mettre-a-jour') return { name: 'qfToUpdate' };
  if (parts[0] === 'familles' && Number.isInteger(id) && parts[1]) {
    return parts[2] === 'nouvel-enfant' ? { name: 'newChild', familyId: id } : { name: 'family', id };
  }
  return { name: 'families' };
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'families':
      return '#/familles';
    case 'newFamily':
      return '#/familles/nouvelle';
    case 'family':
      return `#/familles/${route.id}`;
    case 'qfToUpdate':
      return '#/familles/qf-a-mettre-a-jour';
    case 'newChild':
      return `#/familles/${route.familyId}/nouvel-enfant`;
    case 'children':
      return '#/enfants';
    case 'child':
      return `#/enfants/${route.id}`;
  }
}

/** Opens a page from code, without asking: a page leaving a form with changes asks mayDiscard() itself first. */
export function navigate(route: Route): void {
  approveNavigation(routeHref(route));
  window.location.hash = routeHref(route).slice(1);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
