import { z } from 'zod';

const FRENCH = z.locales.fr();

/**
 * Parses with zod's own messages in French (ours are French already), so a refusal read by a family or an agent
 * never shows 'Invalid input'.
 */
/** Turns zod issues into one French message per field path ("responsable1.telMobile"), first issue wins. */
export function fieldErrors(error: z.ZodError, prefix: string[] = []): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = [...prefix, ...issue.path.map(String)].join('.') || '_';
    fields[key] ??= issue.message;
  }
  return fields;
}

export function parseFrench<S extends z.ZodType>(schema: S, value: unknown): z.ZodSafeParseResult<z.output<S>> {
  return schema.safeParse(value, { error: FRENCH.localeError });
}
