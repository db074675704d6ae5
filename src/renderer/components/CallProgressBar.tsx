import type { CallProgress } from '../../shared/api/progress.js';

/** The progress a long office call reports (a batch of sheets...), as a bar with its French label and counts. */
export function CallProgressBar({ progress }: { progress: CallProgress }) {
  return (
    <div className="call-progress">
      <progress value={progress.done} max={Math.max(progress.total, 1)} aria-label={progress.label} />
      <span>
        {progress.label} : {progress.done} / {progress.total}
      </span>
    </div>
  );
}
