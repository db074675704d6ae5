import { formatInstantFr, parisDay, shortDayFr } from '../../shared/calendar/format.js';

/** 'YYYY-MM-DD' → 'dd/mm/yyyy'; anything else is printed as stored rather than hidden. */
export const frenchDate = shortDayFr;

/** "28/11/2026 à 15h27", the wall-clock time of the office. */
export const frenchDateTime = formatInstantFr;

/**
 * The school year a sheet is filled in for: from August on, the year starting in September (sheets are collected over
 * the summer for the coming year), before that the year under way.
 */
export function schoolYear(instant: Date): string {
  const [year, month] = parisDay(instant).split('-').map(Number) as [number, number];
  const start = month >= 8 ? year : year - 1;
  return `${start}-${start + 1}`;
}

/** ASCII file-name part: "Saint-Exupéry CE1" → "saint-exupery-ce1". */
export function slug(value: string): string {
  const ascii = value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/æ/gi, 'ae')
    .replace(/œ/gi, 'oe')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return ascii || 'sans-nom';
}
