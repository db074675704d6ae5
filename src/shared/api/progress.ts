/**
 * Progress of a long office call (a batch of sheets today; invoice runs, PDF batches, OCR to come), reported by the
 * office core while the call runs and shown by the UI as a progress bar. `label` is French, for the user.
 */
export interface CallProgress {
  done: number;
  total: number;
  label: string;
}

export type ProgressListener = (progress: CallProgress) => void;

/** What a caller may add to one call: a listener for its progress (calls that report none never call it). */
export interface CallOptions {
  onProgress?: ProgressListener;
}

/** Progress events from the main process to the preload, tagged with the preload's id for the call. */
export const OFFICE_PROGRESS_CHANNEL = 'grenette:office-progress';

export interface ProgressMessage extends CallProgress {
  callId: number;
}

/** The dev bridge streams a call's progress and then its Result as JSON lines when the page asks for this type. */
export const PROGRESS_STREAM_TYPE = 'application/x-ndjson';

/** One line of that stream: progress lines, then exactly one result line. */
export type StreamLine<R> = { progress: CallProgress } | { result: R };

/** Bounds a reported progress to whole numbers with 0 <= done <= total, whatever a long call computed. */
export function clampProgress(done: number, total: number, label: string): CallProgress {
  const safeTotal = Number.isFinite(total) ? Math.max(0, Math.round(total)) : 0;
  const safeDone = Number.isFinite(done) ? Math.min(safeTotal, Math.max(0, Math.round(done))) : 0;
  return { done: safeDone, total: safeTotal, label };
}

/**
 * Splits what arrived of a progress stream into its complete lines and the unfinished rest (a chunk may end in the
 * middle of a line). A line that is not one of ours is an error: the caller shows its "unreadable answer" message.
 */
export function readStreamLines<R>(pending: string, chunk: string): { lines: StreamLine<R>[]; rest: string } {
  const parts = (pending + chunk).split('\n');
  const rest = parts.pop() ?? '';
  const lines: StreamLine<R>[] = [];
  for (const part of parts) {
    if (part.trim() === '') continue;
    const parsed: unknown = JSON.parse(part);
    if (typeof parsed !== 'object' || parsed === null || !('progress' in parsed || 'result' in parsed)) {
      throw new Error('not a progress stream line');
    }
    lines.push(parsed as StreamLine<R>);
  }
  return { lines, rest };
}
