import type { GridPage } from '../../shared/api/contract.js';
import type { Result } from '../../shared/result.js';

/** The first page answers a keystroke within the search budget (npm run bench); the rest follows it. */
export const FIRST_PAGE = 100;

const count = new Intl.NumberFormat('fr-FR');

/** « 501 résultats », « 100 sur 30 000 (chargement de la suite…) », « 12 affichés sur 501 » with a grid filter. */
export function resultCountText(loaded: number | null, total: number, shown: number): string {
  if (loaded === null) return 'Recherche…';
  if (loaded < total) return `${count.format(loaded)} sur ${count.format(total)} (chargement de la suite…)`;
  if (shown < total) return `${count.format(shown)} affiché${shown > 1 ? 's' : ''} sur ${count.format(total)}`;
  return `${count.format(total)} résultat${total > 1 ? 's' : ''}`;
}

/**
 * Every row of a grid's query: the first page, shown at once, then all the others in one call. `show` receives the
 * rows loaded so far and the total, and answers false when the query is no longer the current one (stop there).
 * Never cut: the last call has no limit.
 */
export async function loadEveryRow<Row>(
  fetch: (offset: number, limit?: number) => Promise<Result<GridPage<Row>>>,
  show: (rows: Row[], total: number) => boolean,
): Promise<Result<null>> {
  const first = await fetch(0, FIRST_PAGE);
  if (!first.ok) return first;
  if (!show(first.value.rows, first.value.total) || first.value.rows.length >= first.value.total) return { ok: true, value: null };
  const rest = await fetch(first.value.rows.length);
  if (!rest.ok) return rest;
  const rows = [...first.value.rows, ...rest.value.rows];
  show(rows, Math.max(rest.value.total, rows.length));
  return { ok: true, value: null };
}
