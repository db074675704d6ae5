import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { DayChild, DayList, FileContent } from '../../shared/api/contract.js';
import { canSeeHealth, type Role } from '../../shared/auth/roles.js';
import { formatDayFr } from '../../shared/calendar/format.js';
import { parisDay, type Clock } from '../../shared/clock.js';
import type { OfficeDb } from '../db/open.js';
import { slug } from '../printing/format.js';
import { renderPdf } from '../../server/pdfmake.js';
import { dayList } from './day-list.js';
import { loadServices } from './store.js';

/** The children the staff will tick: every one not already known to be away. */
function onSheet(child: DayChild): boolean {
  return child.state !== 'cancelled' && child.state !== 'absent';
}

function healthMark(child: DayChild): string {
  const marks: string[] = [];
  if (child.pai) marks.push('PAI');
  if (child.allergies) marks.push(child.allergies);
  return marks.join(' · ');
}

export function attendanceSheetDocument(list: DayList, evening: boolean, health: boolean, printedAt: Date): TDocumentDefinitions {
  const children = list.children.filter(onSheet);
  const header: TableCell[] = [
    { text: 'Nom', style: 'th' },
    { text: 'Prénom', style: 'th' },
    { text: 'École', style: 'th' },
    { text: 'Classe', style: 'th' },
    ...(health ? [{ text: 'Santé', style: 'th' }] : []),
    { text: 'Présent', style: 'th' },
    ...(evening ? [{ text: 'Heure de départ', style: 'th' }, { text: 'Personne', style: 'th' }] : []),
  ];
  const widths = ['*', '*', 'auto', 'auto', ...(health ? ['*'] : []), 40, ...(evening ? [80, '*'] : [])];
  const content: Content[] = [
    { text: 'Feuille de présence', style: 'title' },
    { text: `${list.serviceName} · ${formatDayFr(list.day)}`, style: 'subtitle' },
  ];
  if (!list.open) content.push({ text: `Service fermé ce jour-là : ${list.closedWhy ?? ''}`, style: 'warning' });

  let group = '';
  let body: TableCell[][] = [];
  const flush = () => {
    if (body.length > 0) content.push({ table: { headerRows: 1, widths, body: [header, ...body] }, margin: [0, 2, 0, 10] });
    body = [];
  };
  for (const child of children) {
    const key = `${child.ecole} · ${child.classe || 'classe non renseignée'}`;
    if (key !== group) {
      flush();
      group = key;
      const count = children.filter((c) => `${c.ecole} · ${c.classe || 'classe non renseignée'}` === key).length;
      content.push({ text: `${key} (${count})`, style: 'group' });
    }
    body.push([
      child.nom.toUpperCase(),
      child.prenom,
      child.ecole,
      child.classe,
      ...(health ? [{ text: healthMark(child), bold: true }] : []),
      '',
      ...(evening ? ['', ''] : []),
    ]);
  }
  flush();
  if (children.length === 0) content.push({ text: 'Aucun enfant attendu.', italics: true });
  content.push({
    text: [
      `Total : ${children.length} enfant${children.length > 1 ? 's' : ''} attendu${children.length > 1 ? 's' : ''}`,
      list.capacity === null ? '' : ` (capacité ${list.capacity})`,
    ].join(''),
    style: 'total',
  });
  for (const count of list.counts) content.push({ text: `${count.ecole} · ${count.classe || '—'} : ${count.expected}`, fontSize: 9 });

  return {
    info: { title: `Feuille de présence ${list.serviceName} ${list.day}` },
    pageSize: 'A4',
    pageMargins: [30, 30, 30, 40],
    defaultStyle: { font: 'Roboto', fontSize: 10 },
    footer: (page, pages) => ({
      text: `Imprimé le ${formatDayFr(parisDay(printedAt))} · page ${page} / ${pages}`,
      fontSize: 8,
      alignment: 'center',
    }),
    content,
    styles: {
      title: { fontSize: 16, bold: true },
      subtitle: { fontSize: 12, margin: [0, 2, 0, 8] },
      group: { fontSize: 11, bold: true, margin: [0, 6, 0, 0] },
      th: { bold: true },
      total: { bold: true, margin: [0, 8, 0, 2] },
      warning: { bold: true, color: '#a00', margin: [0, 0, 0, 6] },
    },
  };
}

export async function attendanceSheet(db: OfficeDb, clock: Clock, role: Role, serviceId: number, day: string): Promise<FileContent> {
  const [list, services] = await Promise.all([dayList(db, role, serviceId, day), loadServices(db)]);
  const service = services.find((s) => s.id === serviceId);
  const health = canSeeHealth(role);
  const pdf = await renderPdf(attendanceSheetDocument(list, service?.kind === 'soir', health, clock()));
  return { fileName: `presence-${slug(list.serviceName)}-${day}.pdf`, mime: 'application/pdf', base64: pdf.toString('base64') };
}
