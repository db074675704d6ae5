import { z } from 'zod';

const FRENCH = z.locales.fr();

/**
 * Parses with zod's own messages in French (ours are French already), so a refusal read by a family or an agent
 * never shows 'Invalid input'.
 */
export function parseFrench<S extends z.ZodType>(schema: S, value: unknown): z.ZodSafeParseResult<z.output<S>> {
  return schema.safeParse(value, { error: FRENCH.localeError });
}
