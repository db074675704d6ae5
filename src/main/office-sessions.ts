import type { OfficeSession } from '../office/api/handler.js';

/**
 * One OfficeSession per renderer (webContents id): a reload keeps the login, a closed window forgets it.
 */
export class OfficeSessions {
  private readonly sessions = new Map<number, OfficeSession>();

  constructor(private readonly open: () => OfficeSession) {}

  for(ownerId: number): OfficeSession {
    let session = this.sessions.get(ownerId);
    if (!session) {
      session = this.open();
      this.sessions.set(ownerId, session);
    }
    return session;
  }

  drop(ownerId: number): void {
    this.sessions.delete(ownerId);
  }

  get size(): number {
    return this.sessions.size;
  }
}
