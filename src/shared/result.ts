/** Errors cross the IPC / HTTP hop as plain data, so the renderer can show them next to the right field. */
export type ApiErrorCode = 'validation' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'internal';

export interface ApiError {
  code: ApiErrorCode;
  /** Short French message for the user. */
  message: string;
  /** For validation errors: French message per field path ("responsable1.telMobile"). */
  fields?: Record<string, string>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (error: ApiError): Result<never> => ({ ok: false, error });
