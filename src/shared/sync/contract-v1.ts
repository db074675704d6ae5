import { z } from 'zod';
import {
  familyPublicationSchema,
  photoRefSchema,
  photosMissingRequestSchema,
  photosMissingResponseSchema,
  photosUploadRequestSchema,
  photosUploadResponseSchema,
  publishRequestSchema,
  publishResponseSchema,
  pullResponseSchema,
} from './contract.js';

/**
 * Protocol 1's schemas, as offices deployed before the protocol header send them and as portals of that time answered:
 * the portal still accepts them (protocol.ts) and reads the publications it stored in them. Written as the current
 * schemas with what protocol 2 changed put back, so an optional field added to both stays in both; the committed
 * description of protocol 1 (tests/unit/sync-contract.test.ts) fails any change here that an office of protocol 1
 * could not read or send.
 */

/** A child's photo with its bytes inline: what offices sent before the photo store, and still may. */
export const inlinePhotoSchema = z.object({ mime: z.string(), base64: z.string() });
export type InlinePhoto = z.infer<typeof inlinePhotoSchema>;

const childV2 = familyPublicationSchema.shape.children.element;

export const familyPublicationSchemaV1 = familyPublicationSchema.extend({
  children: z.array(childV2.extend({ photo: z.union([photoRefSchema, inlinePhotoSchema]).nullable() })),
});
export type FamilyPublicationV1 = z.infer<typeof familyPublicationSchemaV1>;

export const publishRequestSchemaV1 = publishRequestSchema.extend({
  protocol: z.literal(1),
  families: z.array(familyPublicationSchemaV1).max(500),
});
export type PublishRequestV1 = z.infer<typeof publishRequestSchemaV1>;

export const pullResponseSchemaV1 = pullResponseSchema.extend({ protocol: z.literal(1) });
export const publishResponseSchemaV1 = publishResponseSchema.extend({ protocol: z.literal(1) });
export const photosMissingRequestSchemaV1 = photosMissingRequestSchema.extend({ protocol: z.literal(1) });
export const photosMissingResponseSchemaV1 = photosMissingResponseSchema.extend({ protocol: z.literal(1) });
export const photosUploadRequestSchemaV1 = photosUploadRequestSchema.extend({ protocol: z.literal(1) });
export const photosUploadResponseSchemaV1 = photosUploadResponseSchema.extend({ protocol: z.literal(1) });
