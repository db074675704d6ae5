import type { Generated } from 'kysely';

/** Kysely's view of migrations/portal: snake_case columns as in the SQL, instants and days as ISO text. */
export interface PortalDatabase {
  accounts: {
    id: Generated<number>;
    family_id: number;
    responsable_rank: number;
    email: string;
    password_hash: string | null;
    activation_code_hash: string | null;
    activation_expires_at: string | null;
    activated_at: string | null;
    disabled: Generated<number>;
    created_at: string;
    updated_at: string;
  };
  sessions: {
    id: string;
    account_id: number;
    family_id: number;
    csrf_token: string;
    created_at: string;
    last_seen_at: string;
    expires_at: string;
  };
  password_resets: {
    token_hash: string;
    account_id: number;
    created_at: string;
    expires_at: string;
    used_at: string | null;
  };
  login_throttle: {
    key: string;
    failures: number;
    last_failure_at: string;
    locked_until: string | null;
  };
  publications: {
    family_id: number;
    version: number;
    data: string;
    published_at: string;
    /** The sync protocol `data` came in (src/shared/sync/protocol.ts); read through src/shared/sync/upgrade.ts. */
    protocol: Generated<number>;
  };
  portal_content: {
    key: string;
    version: number;
    data: string;
    published_at: string;
    /** As publications.protocol, for the settings; meaningless for the database's identity. */
    protocol: Generated<number>;
  };
  requests: {
    seq: Generated<number>;
    uid: string;
    family_id: number;
    account_id: number;
    kind: string;
    body: string;
    submitted_at: string;
    late: Generated<number>;
  };
  email_outbox: {
    id: Generated<number>;
    to_address: string;
    subject: string;
    text_body: string;
    created_at: string;
    sent_at: string | null;
    attempts: Generated<number>;
    last_error: string | null;
    /** The sender holding the row (mail/outbox.ts), until claimed_until; null: never claimed. */
    claim_token: string | null;
    claimed_until: string | null;
  };
  sync_nonces: {
    nonce: string;
    seen_at: string;
  };
  uploads: {
    id: Generated<number>;
    request_uid: string;
    family_id: number;
    kind: 'photo' | 'certificate';
    child_id: number | null;
    sha256: string;
    mime: string;
    size: number;
    content: Buffer;
    created_at: string;
    acknowledged_at: string | null;
  };
  photo_blobs: {
    sha256: string;
    mime: string;
    size: number;
    content: Buffer;
    received_at: string;
  };
  publication_photos: {
    family_id: number;
    child_id: number;
    sha256: string;
  };
  form_submissions: {
    submission_key: string;
    fingerprint: string;
    account_id: number;
    status: number | null;
    location: string | null;
    created_at: string;
  };
}
