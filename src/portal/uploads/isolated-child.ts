import { spawn } from 'node:child_process';
import { HttpError } from '../http/context.js';

/**
 * Uploaded files are read by libraries that can end their process (Skia's segmentation fault on a malformed image,
 * V8's fatal « heap limit » on a PDF whose streams inflate to gigabytes): each reading runs in a child process of its
 * own, with a bounded heap and a time limit, so a hostile file costs one upload, never the portal. Worker threads are
 * not enough: V8 may abort the whole process when a thread reaches its resourceLimits.
 */

/** A child is killed after this long (a file built to make its reader loop). */
export const CHILD_TIMEOUT_MS = 20_000;
/** At most this many readings at once, images and PDFs together: each may hold a few hundred Mo while it runs. */
const MAX_PARALLEL = 2;
/**
 * Files waiting for a reader, at most: past this the portal is flooded (a reading takes up to CHILD_TIMEOUT_MS), and
 * a file left waiting longer than a submission key's patience would be handled twice when sent again.
 */
export const MAX_WAITING = 8;
export const UPLOADS_BUSY_MESSAGE = 'Le portail reçoit beaucoup de fichiers en ce moment : réessayez dans une minute.';

let running = 0;
const waiting: Array<() => void> = [];

/** Runs `work` when a reading slot is free; refuses at once (503, in French) when MAX_WAITING files already wait. */
export async function readingSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_PARALLEL) {
    if (waiting.length >= MAX_WAITING) throw new HttpError(503, UPLOADS_BUSY_MESSAGE);
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

export interface ChildResult {
  /** Null when the child was killed (time limit, signal, V8's fatal error). */
  code: number | null;
  stdout: Buffer;
}

/**
 * Node run on `args` (its flags, then `-e` and a program, then the program's arguments), `input` written on its stdin,
 * its whole stdout read back. It gets no environment but PATH: nothing of the portal's secrets reaches a reader.
 */
export function runChild(args: string[], input: Buffer): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: CHILD_TIMEOUT_MS,
      env: { PATH: process.env.PATH ?? '' },
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out) }));
    // A child that died early closes its stdin: the error is the child's exit, read above.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
