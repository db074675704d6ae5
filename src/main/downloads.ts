import fs from 'node:fs';
import path from 'node:path';
import { app, shell, type Session } from 'electron';
import type { Logger } from '../office/log.js';
import { pdfDownloadTarget } from './security/downloads.js';
import { isAppUrl } from './security/url-policy.js';

/**
 * The renderer hands generated PDFs over as downloads (<a download> of a blob URL). They are saved to a temporary
 * folder and opened in the system viewer, from which the agent prints. Anything else is cancelled.
 */
export function openDownloadedPdfs(session: Session, log: Logger): void {
  let baseDir: string | undefined;
  session.on('will-download', (event, item, contents) => {
    const fromApp = contents !== undefined && isAppUrl(contents.getURL());
    baseDir ??= fs.mkdtempSync(path.join(app.getPath('temp'), 'grenette-pdf-'));
    // One folder per download, so two documents with the same name never overwrite a file still open in a viewer.
    const folder = fs.mkdtempSync(path.join(baseDir, 'doc-'));
    const target = fromApp ? pdfDownloadTarget(folder, item.getFilename(), item.getMimeType()) : null;
    if (!target) {
      event.preventDefault();
      log.error('download refused', { file: item.getFilename(), mime: item.getMimeType() });
      return;
    }
    item.setSavePath(target);
    item.once('done', (_event, state) => {
      if (state !== 'completed') {
        log.error('PDF download failed', { file: target, state });
        return;
      }
      void shell.openPath(target).then((error) => {
        if (error) log.error('cannot open PDF', { file: target, error });
      });
    });
  });
}
