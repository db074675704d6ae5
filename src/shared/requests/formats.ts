import { isIsoDay } from '../calendar/days.js';
import { dayShapeFr } from '../calendar/format.js';
import { bicProblem, ibanProblem, normaliseIban } from '../validation/bank.js';
import { formatEuros, parseEuros } from '../money.js';
import { formatPhone, normalisePhone } from '../validation/phone.js';

/**
 * How a value a family may ask to change is typed, carried and shown. A change request carries the value in one
 * canonical text form (ISO day, integer cents, hundredths, 'true'/'false', enum key, IBAN without spaces), so the
 * office reads it without guessing; families type it and see it the French way (31/12/2027, « 32 450,50 € », 2,5).
 */

export type Parsed = { ok: true; value: string } | { ok: false; error: string };

export interface ValueFormat<T = unknown> {
  kind: 'text' | 'phone' | 'email' | 'postcode' | 'digits' | 'date' | 'euros' | 'hundredths' | 'integer' | 'boolean' | 'enum' | 'iban' | 'bic';
  /** What to type, shown next to the field ('jj/mm/aaaa'). */
  hint: string;
  /** Text typed by a person → canonical text, or a French message. */
  parse(typed: string): Parsed;
  /** Canonical text → the record's value; undefined when the text is not in canonical form. */
  read(canonical: string): T | undefined;
  /** The record's value → canonical text. */
  write(value: T): string;
  /** Canonical text → as shown to people. */
  display(canonical: string): string;
  /** An enum's answers, canonical key → label (a form offers them as a list). */
  options?: Readonly<Record<string, string>>;
}

const SPACES = /[\s\u00a0\u202f]/g;
const ok = (value: string): Parsed => ({ ok: true, value });
const fail = (error: string): Parsed => ({ ok: false, error });
const trimmed = (value: string) => value === value.trim();

export const textFormat: ValueFormat<string> = {
  kind: 'text',
  hint: '',
  parse: (typed) => ok(typed.trim()),
  read: (canonical) => (trimmed(canonical) ? canonical : undefined),
  write: (value) => value,
  display: (canonical) => canonical,
};

/** Carried in E.164 (+33612345678), typed and shown the French way (06 12 34 56 78): src/shared/validation/phone.ts. */
export const phoneFormat: ValueFormat<string> = {
  kind: 'phone',
  hint: 'ex. 06 12 34 56 78',
  parse(typed) {
    const parsed = normalisePhone(typed);
    return parsed.ok ? ok(parsed.value) : fail(parsed.error);
  },
  // A value stored before phones were normalised (kept as typed) is still a value the family may replace.
  read: (canonical) => (trimmed(canonical) ? canonical : undefined),
  write: (value) => value,
  display: (canonical) => formatPhone(canonical),
};

export const emailFormat: ValueFormat<string> = { ...textFormat, kind: 'email', hint: 'ex. prenom.nom@exemple.fr' };

function digitsFormat(kind: 'postcode' | 'digits', hint: string): ValueFormat<string> {
  return {
    kind,
    hint,
    parse: (typed) => ok(typed.replace(SPACES, '')),
    read: (canonical) => (/^\S*$/.test(canonical) ? canonical : undefined),
    write: (value) => value,
    display: (canonical) => canonical,
  };
}
export const postcodeFormat = digitsFormat('postcode', '5 chiffres');
export const digitsTextFormat = digitsFormat('digits', '');

/** An ISO day shown and typed dd/mm/yyyy; empty means none. */
export const dateFormat: ValueFormat<string | null> = {
  kind: 'date',
  hint: 'jj/mm/aaaa',
  parse(typed) {
    const text = typed.trim();
    if (text === '') return ok('');
    const iso = dayShapeFr(text);
    if (iso === null) return fail('Date attendue au format jj/mm/aaaa (ex. 31/12/2027).');
    if (!isIsoDay(iso)) return fail(`Le ${showDay(iso)} n’existe pas dans le calendrier.`);
    return ok(iso);
  },
  read: (canonical) => (canonical === '' ? null : isIsoDay(canonical) ? canonical : undefined),
  write: (value) => value ?? '',
  display: (canonical) => (canonical === '' ? '' : showDay(canonical)),
};

function showDay(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

/** Integer cents, typed and shown « 32 450,50 € »; empty means unknown. */
export const eurosFormat: ValueFormat<number | null> = {
  kind: 'euros',
  hint: 'en euros, ex. 32 450,50',
  parse(typed) {
    if (typed.trim() === '') return ok('');
    const amount = parseEuros(typed);
    return amount.ok ? ok(String(amount.cents)) : fail(amount.error);
  },
  read: (canonical) => (canonical === '' ? null : /^-?(0|[1-9]\d*)$/.test(canonical) ? Number(canonical) : undefined),
  write: (value) => (value === null ? '' : String(value)),
  display: (canonical) => (/^-?\d+$/.test(canonical) ? formatEuros(Number(canonical)) : canonical),
};

/** A decimal number kept in hundredths (tax parts: « 2,5 » → 250); empty means unknown. */
export const hundredthsFormat: ValueFormat<number | null> = {
  kind: 'hundredths',
  hint: 'ex. 2,5',
  parse(typed) {
    const text = typed.replace(SPACES, '');
    if (text === '') return ok('');
    const match = /^(\d{1,6})(?:[.,](\d{1,2}))?$/.exec(text);
    if (!match) return fail('Nombre attendu, avec une virgule si besoin (ex. 2,5).');
    return ok(String(Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))));
  },
  read: (canonical) => (canonical === '' ? null : /^(0|[1-9]\d*)$/.test(canonical) ? Number(canonical) : undefined),
  write: (value) => (value === null ? '' : String(value)),
  display(canonical) {
    if (!/^\d+$/.test(canonical)) return canonical;
    const value = Number(canonical);
    const cents = value % 100;
    return `${Math.floor(value / 100)}${cents === 0 ? '' : `,${String(cents).padStart(2, '0').replace(/0$/, '')}`}`;
  },
};

/** A whole number (quotient familial, a year); empty means unknown. */
export const integerFormat: ValueFormat<number | null> = {
  kind: 'integer',
  hint: 'nombre entier',
  parse(typed) {
    const text = typed.replace(SPACES, '');
    if (text === '') return ok('');
    return /^\d{1,9}$/.test(text) ? ok(String(Number(text))) : fail('Nombre entier attendu, sans virgule (ex. 812).');
  },
  read: (canonical) => (canonical === '' ? null : /^(0|[1-9]\d*)$/.test(canonical) ? Number(canonical) : undefined),
  write: (value) => (value === null ? '' : String(value)),
  display: (canonical) => canonical,
};

export const booleanFormat: ValueFormat<boolean> = {
  kind: 'boolean',
  hint: 'oui ou non',
  parse(typed) {
    const text = fold(typed);
    if (['oui', 'o', 'true', '1'].includes(text)) return ok('true');
    if (['non', 'n', 'false', '0'].includes(text)) return ok('false');
    return fail('Répondez « oui » ou « non ».');
  },
  read: (canonical) => (canonical === 'true' ? true : canonical === 'false' ? false : undefined),
  write: (value) => String(value),
  display: (canonical) => (canonical === 'true' ? 'Oui' : canonical === 'false' ? 'Non' : canonical),
};

/** Lower case, no accents, single spaces: how an option typed by hand is matched. */
function fold(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[’']/g, "'").replace(/\s+/g, ' ').trim().toLowerCase();
}

/** One of a fixed list: the key is carried, the label shown; key, label or an alias may be typed. */
export function enumFormat<K extends string>(options: Readonly<Record<K, string>>, aliases: Partial<Record<K, string[]>> = {}): ValueFormat<K> & { options: Readonly<Record<K, string>> } {
  const keys = Object.keys(options) as K[];
  const shown = keys.filter((key) => key !== '').map((key) => options[key]);
  return {
    kind: 'enum',
    hint: shown.join(', '),
    options,
    parse(typed) {
      const text = fold(typed);
      const found = keys.find((key) => [key, options[key], ...(aliases[key] ?? [])].some((name) => fold(name) === text));
      return found === undefined ? fail(`Choisissez parmi : ${shown.join(', ')}.`) : ok(found);
    },
    read: (canonical) => (keys.includes(canonical as K) ? (canonical as K) : undefined),
    write: (value) => value,
    display: (canonical) => (keys.includes(canonical as K) ? options[canonical as K] : canonical),
  };
}

/** Stored without spaces, shown and typed by groups of four (FR76 3000 6000 0112 3456 7890 189). */
export const ibanFormat: ValueFormat<string> = {
  kind: 'iban',
  hint: 'ex. FR76 3000 6000 0112 3456 7890 189',
  parse(typed) {
    if (typed.trim() === '') return ok('');
    const problem = ibanProblem(typed);
    return problem ? fail(problem) : ok(normaliseIban(typed));
  },
  read: (canonical) => (canonical === '' || /^[A-Z]{2}\d{2}[A-Z0-9]{8,30}$/.test(canonical) ? canonical : undefined),
  write: (value) => value,
  display: (canonical) => (/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(canonical) ? canonical.replace(/(.{4})(?=.)/g, '$1 ') : canonical),
};

export const bicFormat: ValueFormat<string> = {
  kind: 'bic',
  hint: '8 ou 11 caractères, ex. AGRIFRPP',
  parse(typed) {
    const bic = typed.replace(SPACES, '').toUpperCase();
    if (bic === '') return ok('');
    const problem = bicProblem(bic);
    return problem ? fail(problem) : ok(bic);
  },
  read: (canonical) => (/^[A-Z0-9]*$/.test(canonical) ? canonical : undefined),
  write: (value) => value,
  display: (canonical) => canonical,
};
