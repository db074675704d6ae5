import type { Role, SessionUser } from '../auth/roles.js';
import type { ChildInput, ChildPatch } from '../children/input.js';
import type { DocumentKind, FamilyInput, FamilyPatch } from '../families/input.js';
import type { Result } from '../result.js';

/**
 * The one office API. Every transport (Electron preload over IPC, the loopback dev bridge over HTTP) carries
 * exactly these methods; both adapters `satisfies GrenetteBridge`, so the compiler checks them against this file.
 */

export interface StaffUser extends SessionUser {
  active: boolean;
}

export interface School {
  id: number;
  name: string;
}

/** One row of the families grid. */
export interface FamilySummary {
  id: number;
  nom: string;
  prenom: string;
  responsable2: string;
  enfants: string;
  email: string;
  telephone: string;
  allocataire: string;
  ville: string;
  resident: boolean;
  qf: number | null;
  archived: boolean;
}

/** One row of the children grid. */
export interface ChildSummary {
  id: number;
  familyId: number;
  nom: string;
  prenom: string;
  dateNaissance: string;
  ecole: string;
  classe: string;
  famille: string;
  /** Only for roles that may see health data, else null. */
  pai: boolean | null;
  allergies: string | null;
  archived: boolean;
}

export interface DocumentSummary {
  id: number;
  kind: DocumentKind;
  label: string;
  documentDate: string;
  fileName: string;
  mime: string;
  size: number;
}

export interface FileContent {
  fileName: string;
  mime: string;
  base64: string;
}

export interface CustomField {
  id: number;
  entity: 'family' | 'child';
  label: string;
  kind: 'text' | 'boolean' | 'date';
  active: boolean;
}

export interface FamilyFile {
  id: number;
  data: FamilyInput;
  children: ChildSummary[];
  documents: DocumentSummary[];
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
  actions: { edit: boolean; archive: boolean; addChild: boolean };
}

export interface ChildFile {
  id: number;
  familyId: number;
  familyName: string;
  /** health is null for roles that may not see it. */
  data: Omit<ChildInput, 'health'> & { health: ChildInput['health'] | null };
  photo: { mime: string; base64: string } | null;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
  actions: { edit: boolean; editHealth: boolean; archive: boolean; print: boolean };
}

export interface AuditEntry {
  id: number;
  at: string;
  user: string;
  entity: 'family' | 'child' | string;
  entityId: number | null;
  /** e.g. "Lucas Martin" for a child's change shown in the family's log. */
  subject: string;
  action: 'create' | 'update' | 'archive' | 'unarchive' | string;
  field: string;
  oldValue: string | null;
  newValue: string | null;
}

export type PrintScope =
  | { kind: 'child'; childId: number }
  | { kind: 'family'; familyId: number }
  | { kind: 'class'; schoolId: number; classe: string };

interface Method<Args, Value> {
  args: Args;
  value: Value;
}

export interface OfficeApiSpec {
  'auth.login': Method<{ username: string; password: string }, SessionUser>;
  'auth.logout': Method<Record<string, never>, null>;
  'auth.me': Method<Record<string, never>, SessionUser | null>;
  'auth.changePassword': Method<{ current: string; next: string }, null>;

  'users.list': Method<Record<string, never>, StaffUser[]>;
  'users.save': Method<
    { id: number | null; username: string; displayName: string; role: Role; active: boolean; password: string | null },
    StaffUser
  >;

  'schools.list': Method<Record<string, never>, School[]>;
  'customFields.list': Method<Record<string, never>, CustomField[]>;
  'customFields.save': Method<
    { id: number | null; entity: 'family' | 'child'; label: string; kind: 'text' | 'boolean' | 'date'; active: boolean },
    CustomField
  >;

  'families.search': Method<{ query: string; includeArchived: boolean; limit?: number }, FamilySummary[]>;
  'families.get': Method<{ id: number }, FamilyFile>;
  'families.create': Method<{ data: FamilyInput }, FamilyFile>;
  'families.update': Method<{ id: number; patch: FamilyPatch }, FamilyFile>;
  'families.archive': Method<{ id: number; archived: boolean }, FamilyFile>;

  'documents.add': Method<
    { familyId: number; kind: DocumentKind; label: string; documentDate: string; fileName: string; mime: string; base64: string },
    DocumentSummary
  >;
  'documents.get': Method<{ id: number }, FileContent>;
  'documents.archive': Method<{ id: number }, null>;

  'children.search': Method<{ query: string; includeArchived: boolean; limit?: number }, ChildSummary[]>;
  'children.get': Method<{ id: number }, ChildFile>;
  'children.create': Method<{ familyId: number; data: ChildInput }, ChildFile>;
  'children.update': Method<{ id: number; patch: ChildPatch }, ChildFile>;
  'children.setPhoto': Method<{ id: number; mime: string; base64: string }, ChildFile>;
  'children.archive': Method<{ id: number; archived: boolean }, ChildFile>;

  'audit.forFamily': Method<{ familyId: number }, AuditEntry[]>;
  'audit.forChild': Method<{ childId: number }, AuditEntry[]>;

  'print.childSheets': Method<{ scope: PrintScope }, FileContent>;
}

export type OfficeMethod = keyof OfficeApiSpec;
export type OfficeArgs<M extends OfficeMethod> = OfficeApiSpec[M]['args'];
export type OfficeValue<M extends OfficeMethod> = OfficeApiSpec[M]['value'];

/** What the renderer sees as `window.grenette`, whichever transport carries it. */
export interface GrenetteBridge {
  call<M extends OfficeMethod>(method: M, args: OfficeArgs<M>): Promise<Result<OfficeValue<M>>>;
}

export const OFFICE_IPC_CHANNEL = 'grenette:office-call';
