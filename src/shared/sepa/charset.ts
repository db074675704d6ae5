/**
 * The SEPA (Latin) character set: what a pain.008 file and a RUM may carry. DOMAIN.md: A-Z a-z 0-9 / - ? : ( ) . , ' +
 * and space. Names typed with accents are kept as typed on screen and transliterated only when a file is written
 * (« Hélène D’Aubigné-Müller » → « Helene D'Aubigne-Muller »), never refused.
 */

const SEPA_CHARS = /^[A-Za-z0-9/\-?:().,'+ ]*$/;

const SPECIAL: Record<string, string> = {
  Æ: 'AE', æ: 'ae', Œ: 'OE', œ: 'oe', ß: 'ss', Ø: 'O', ø: 'o', Ð: 'D', ð: 'd', Þ: 'TH', þ: 'th', Ł: 'L', ł: 'l',
  '’': "'", '‘': "'", '`': "'", '´': "'", '«': '"', '»': '"', '–': '-', '—': '-', '&': '+', '_': '-', '°': '.',
};

export function isSepaText(text: string): boolean {
  return SEPA_CHARS.test(text);
}

/**
 * Text in the SEPA set: accents dropped, ligatures spelled out, typographic quotes and dashes made plain, anything else
 * outside the set turned into a space; runs of spaces collapsed, trimmed, cut at `max` characters.
 */
export function toSepaText(text: string, max = 70): string {
  const spelled = [...text].map((char) => SPECIAL[char] ?? char).join('');
  const plain = spelled.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  const inSet = [...plain].map((char) => (SEPA_CHARS.test(char) ? char : ' ')).join('');
  return inSet.replace(/\s+/g, ' ').trim().slice(0, max).trim();
}
