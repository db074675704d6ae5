/** Forms are small; only routes with `config: { upload: true }` accept multipart, up to UPLOAD_BODY_LIMIT. */
export const FORM_BODY_LIMIT = 64 * 1024;
export const UPLOAD_FILE_LIMIT = 2 * 1024 * 1024;
export const UPLOAD_BODY_LIMIT = 3 * 1024 * 1024;
