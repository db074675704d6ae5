import { z } from 'zod';
import {
  photosMissingRequestSchema,
  photosMissingResponseSchema,
  photosUploadRequestSchema,
  photosUploadResponseSchema,
  portalRequestSchema,
  portalSettingsSchema,
  publishRequestSchema,
  publishResponseSchema,
  pullQuerySchema,
  pullResponseSchema,
} from '../../src/shared/sync/contract.js';
import {
  photosMissingRequestSchemaV1,
  photosMissingResponseSchemaV1,
  photosUploadRequestSchemaV1,
  photosUploadResponseSchemaV1,
  publishRequestSchemaV1,
  publishResponseSchemaV1,
  pullResponseSchemaV1,
} from '../../src/shared/sync/contract-v1.js';
import type { SyncProtocol } from '../../src/shared/sync/protocol.js';

/**
 * The sync contract's payloads described as JSON Schema (what zod accepts as input), by protocol, and the rule a
 * protocol's schemas keep against their committed description (tests/fixtures/sync/contract/protocol-N.json).
 *
 * Who reads each payload decides what may change within a protocol:
 * - sent by the office, read by the portal ('accepts'): the portal must still accept everything an office of the
 *   protocol sends: no field removed, retyped or made required, no enum value or alternative dropped, no bound tightened;
 *   a new field only if optional; a new enum value or a looser bound is fine.
 * - sent by the portal, read by the office ('produces'): an office of the protocol must still read every answer: the
 *   same, and no enum value or alternative added, no bound loosened, no field that was always there made optional.
 */

export type Direction = 'accepts' | 'produces';
type Json = Record<string, unknown>;

/** Each payload and who reads it. */
export const PAYLOAD_DIRECTIONS: Record<string, Direction> = {
  pullQuery: 'accepts',
  publishRequest: 'accepts',
  portalSettings: 'accepts',
  photosMissingRequest: 'accepts',
  photosUploadRequest: 'accepts',
  portalRequest: 'produces',
  pullResponse: 'produces',
  publishResponse: 'produces',
  photosMissingResponse: 'produces',
  photosUploadResponse: 'produces',
};

const describe = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input' }) as Json;

/** The schemas of every payload of `protocol` as the code has them now. */
export function contractSchemas(protocol: SyncProtocol): Record<string, z.ZodType> {
  const common = { pullQuery: pullQuerySchema, portalRequest: portalRequestSchema, portalSettings: portalSettingsSchema };
  if (protocol === 1) {
    return {
      ...common,
      pullResponse: pullResponseSchemaV1,
      publishRequest: publishRequestSchemaV1,
      publishResponse: publishResponseSchemaV1,
      photosMissingRequest: photosMissingRequestSchemaV1,
      photosMissingResponse: photosMissingResponseSchemaV1,
      photosUploadRequest: photosUploadRequestSchemaV1,
      photosUploadResponse: photosUploadResponseSchemaV1,
    };
  }
  return {
    ...common,
    pullResponse: pullResponseSchema,
    publishRequest: publishRequestSchema,
    publishResponse: publishResponseSchema,
    photosMissingRequest: photosMissingRequestSchema,
    photosMissingResponse: photosMissingResponseSchema,
    photosUploadRequest: photosUploadRequestSchema,
    photosUploadResponse: photosUploadResponseSchema,
  };
}

/** The committed form: { protocol, <payload>: JSON Schema, … }. */
export function describeContract(protocol: SyncProtocol, schemas: Record<string, z.ZodType> = contractSchemas(protocol)): Json {
  return { protocol, ...Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, describe(schema)])) };
}

/** A union's alternatives, nested unions flattened (a nullable union is one list); null when not a union. */
function alternatives(schema: Json): Json[] | null {
  const list = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  return Array.isArray(list) ? list.flatMap((inner) => alternatives(inner) ?? [inner]) : null;
}

const MAX_KEYS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems'] as const;
const MIN_KEYS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems'] as const;

/**
 * What `after` breaks of `before` for the payload's reader, one sentence per place ($.families[].children[].photo …);
 * empty when the change is additive.
 */
export function breakingChanges(before: Json, after: Json, direction: Direction, at = '$'): string[] {
  const beforeAlts = alternatives(before);
  const afterAlts = alternatives(after);
  if (beforeAlts || afterAlts) {
    const b = beforeAlts ?? [before];
    const a = afterAlts ?? [after];
    const fits = (from: Json, to: Json) => breakingChanges(from, to, direction, at).length === 0;
    if (direction === 'accepts') {
      return b.filter((old) => !a.some((now) => fits(old, now))).map((old) => `${at}: no longer accepts ${JSON.stringify(old).slice(0, 120)}`);
    }
    return a.filter((now) => !b.some((old) => fits(old, now))).map((now) => `${at}: may now be ${JSON.stringify(now).slice(0, 120)}, which an older reader refuses`);
  }
  const out: string[] = [];
  if (JSON.stringify(before.type) !== JSON.stringify(after.type)) return [`${at}: type ${JSON.stringify(before.type)} became ${JSON.stringify(after.type)}`];
  for (const key of ['const', 'pattern', 'format'] as const) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out.push(`${at}: ${key} ${JSON.stringify(before[key])} became ${JSON.stringify(after[key])}`);
  }
  if (Array.isArray(before.enum) || Array.isArray(after.enum)) {
    const b = new Set((before.enum as unknown[] | undefined) ?? []);
    const a = new Set((after.enum as unknown[] | undefined) ?? []);
    const gone = [...b].filter((value) => !a.has(value));
    const added = [...a].filter((value) => !b.has(value));
    if (direction === 'accepts' && (gone.length > 0 || (b.size === 0 && a.size > 0))) out.push(`${at}: no longer accepts ${JSON.stringify(gone)}`);
    if (direction === 'produces' && (added.length > 0 || (a.size === 0 && b.size > 0))) out.push(`${at}: may now be ${JSON.stringify(added)}, which an older reader refuses`);
  }
  // A tighter bound refuses what an older sender sends; a looser one lets through what an older reader refuses.
  const looser = (key: string, then: unknown, now: unknown, upper: boolean) => {
    if (then === now) return false;
    if (now === undefined) return true;
    if (then === undefined) return false;
    return upper ? (now as number) > (then as number) : (now as number) < (then as number);
  };
  for (const key of [...MAX_KEYS, ...MIN_KEYS]) {
    const upper = (MAX_KEYS as readonly string[]).includes(key);
    if (before[key] === after[key]) continue;
    const loosened = looser(key, before[key], after[key], upper);
    if (direction === 'accepts' && !loosened) out.push(`${at}: ${key} ${String(before[key])} became ${String(after[key])}`);
    if (direction === 'produces' && loosened) out.push(`${at}: ${key} ${String(before[key])} became ${String(after[key])}`);
  }
  if (before.properties || after.properties) {
    const b = (before.properties ?? {}) as Record<string, Json>;
    const a = (after.properties ?? {}) as Record<string, Json>;
    const bRequired = new Set((before.required as string[] | undefined) ?? []);
    const aRequired = new Set((after.required as string[] | undefined) ?? []);
    for (const [key, schema] of Object.entries(b)) {
      if (!(key in a)) out.push(`${at}.${key}: removed`);
      else out.push(...breakingChanges(schema, a[key]!, direction, `${at}.${key}`));
      if (key in a && aRequired.has(key) && !bRequired.has(key)) out.push(`${at}.${key}: now required`);
      if (key in a && direction === 'produces' && bRequired.has(key) && !aRequired.has(key)) out.push(`${at}.${key}: no longer always there`);
    }
    for (const key of Object.keys(a)) if (!(key in b) && aRequired.has(key)) out.push(`${at}.${key}: added as required`);
  }
  if (before.items || after.items) {
    if (!before.items || !after.items) out.push(`${at}[]: items ${before.items ? 'removed' : 'added'}`);
    else out.push(...breakingChanges(before.items as Json, after.items as Json, direction, `${at}[]`));
  }
  const bExtra = before.additionalProperties;
  const aExtra = after.additionalProperties;
  if (bExtra !== null && typeof bExtra === 'object' && aExtra !== null && typeof aExtra === 'object') {
    out.push(...breakingChanges(bExtra as Json, aExtra as Json, direction, `${at}{}`));
  }
  return out;
}

/** Every break of a whole contract against a committed description (a payload gone is a break too). */
export function contractBreaks(committed: Json, current: Json): string[] {
  const out: string[] = [];
  for (const [name, direction] of Object.entries(PAYLOAD_DIRECTIONS)) {
    if (!(name in committed)) continue;
    if (!(name in current)) {
      out.push(`${name}: removed`);
      continue;
    }
    out.push(...breakingChanges(committed[name] as Json, current[name] as Json, direction, name));
  }
  return out;
}
