import { useCallback, useState } from 'react';
import type { ApiError, Result } from '../../shared/result.js';

export type FieldErrors = Record<string, string>;

/** Zod issues of a client-side pre-check, keyed by the same paths the office uses ("responsable1.telMobile"). */
export function issuesToFields(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  prefix: string,
): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of issues) {
    const key = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    fields[key] ??= issue.message;
  }
  return fields;
}

/** A client-side pre-check with one of the shared zod schemas, as field errors under `prefix`. */
export function check(schema: { safeParse(value: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, prefix: string): FieldErrors {
  const parsed = schema.safeParse(value);
  return parsed.success || !parsed.error ? {} : issuesToFields(parsed.error.issues, prefix);
}

export interface ApiState {
  busy: boolean;
  /** French message for the banner: everything that does not belong next to one field. */
  banner: string | null;
  fields: FieldErrors;
  setFields(fields: FieldErrors): void;
  setBanner(message: string | null): void;
  clear(): void;
  /** Runs one office call; on failure, spreads the error to fields or banner and returns null. */
  run<T>(call: () => Promise<Result<T>>): Promise<T | null>;
}

export function describeError(error: ApiError): { banner: string | null; fields: FieldErrors } {
  if (error.code === 'validation' && error.fields && Object.keys(error.fields).length > 0) {
    // The fields carry the detail; repeating the same sentence in a banner would only add noise.
    const repeated = Object.values(error.fields).includes(error.message);
    return { banner: repeated ? null : error.message || 'Certains champs sont à corriger.', fields: error.fields };
  }
  return { banner: error.message || 'Une erreur est survenue.', fields: {} };
}

export function useApi(): ApiState {
  const [busy, setBusy] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);
  const [fields, setFields] = useState<FieldErrors>({});

  const clear = useCallback(() => {
    setBanner(null);
    setFields({});
  }, []);

  const run = useCallback(async <T,>(call: () => Promise<Result<T>>): Promise<T | null> => {
    setBusy(true);
    setBanner(null);
    setFields({});
    try {
      const result = await call();
      if (result.ok) return result.value;
      const described = describeError(result.error);
      setBanner(described.banner);
      setFields(described.fields);
      return null;
    } finally {
      setBusy(false);
    }
  }, []);

  return { busy, banner, fields, setFields, setBanner, clear, run };
}
