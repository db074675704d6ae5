import path from 'node:path';

/**
 * Where a download from the renderer lands, or null to cancel it. Only PDFs are accepted (the renderer downloads the
 * documents it generated); the name is reduced to a safe base name so a crafted filename cannot escape the folder.
 */
export function pdfDownloadTarget(folder: string, suggestedName: string, mimeType: string): string | null {
  const base = path.basename(suggestedName.replaceAll('\\', '/'));
  const isPdf = mimeType === 'application/pdf' || base.toLowerCase().endsWith('.pdf');
  if (!isPdf) return null;
  const cleaned = base
    .replace(/\.pdf$/i, '')
    .replace(/[^\p{L}\p{N} ._-]+/gu, '_')
    .replace(/^[.\s]+/, '')
    .slice(0, 120)
    .trim();
  return path.join(folder, `${cleaned || 'document'}.pdf`);
}
