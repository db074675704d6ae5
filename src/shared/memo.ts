/**
 * A pure function of one string kept with its answers, within a bound: the portal's pages and the office's grids ask
 * for the same few French dates and deadlines thousands of times (a week's days share one deadline, a month's cells
 * the same day names). When the memo outgrows `max` it is emptied and refilled: simpler than an LRU, and the keys a
 * page needs come back within one request. Only for functions whose answer depends on the key alone (no clock, no
 * settings): tests hold each memo equal to its function.
 */
export function memoizeByString<T>(compute: (key: string) => T, max = 20_000): (key: string) => T {
  const kept = new Map<string, T>();
  return (key: string): T => {
    const known = kept.get(key);
    if (known !== undefined) return known;
    const value = compute(key);
    if (kept.size >= max) kept.clear();
    kept.set(key, value);
    return value;
  };
}
