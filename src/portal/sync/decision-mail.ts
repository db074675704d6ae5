import { formatDayFr } from '../../shared/calendar/format.js';
import type { FamilyPublication, PortalSettings } from '../../shared/sync/contract.js';

type PublishedRequest = FamilyPublication['requests'][number];
type PublishedItem = PublishedRequest['items'][number];

/** 'votre demande …', with the French elision before a vowel. */
const KIND_TEXT: Record<PublishedRequest['kind'], string> = {
  book: 'de réservation',
  cancel: 'd’annulation',
  absence: 'd’absence',
  data_change: 'de modification de données',
  photo: 'de nouvelle photo',
};

function itemKey(item: PublishedItem, index: number): string {
  return item.day === null ? `#${index}` : `${item.childId}|${item.serviceId}|${item.day}`;
}

export interface DecisionMail {
  subject: string;
  text: string;
}

/**
 * One French message per request with items that left 'pending' between the publication held and the new one (a
 * request the old publication did not list yet counts as pending: the family submitted it here).
 */
/** The items of each request that left 'pending' between the two publications, by request uid (none: left out). */
export function newlyDecided(previous: FamilyPublication | null, next: FamilyPublication): Map<string, FamilyPublication['requests'][number]['items']> {
  const before = new Map((previous?.requests ?? []).map((request) => [request.uid, request]));
  const out = new Map<string, FamilyPublication['requests'][number]['items']>();
  for (const request of next.requests) {
    const oldStatus = new Map((before.get(request.uid)?.items ?? []).map((item, index) => [itemKey(item, index), item.status]));
    const decided = request.items.filter((item, index) => item.status !== 'pending' && (oldStatus.get(itemKey(item, index)) ?? 'pending') === 'pending');
    if (decided.length > 0) out.set(request.uid, decided);
  }
  return out;
}

export function decisionMails(
  previous: FamilyPublication | null,
  next: FamilyPublication,
  settings: PortalSettings | null,
  /** What each data-change request (by uid) asked to change, by label only: a mail never carries the values (an IBAN). */
  changedLabels: ReadonlyMap<string, readonly string[]> = new Map(),
): DecisionMail[] {
  const decidedNow = newlyDecided(previous, next);
  const childName = new Map(next.children.map((child) => [child.id, child.prenom]));
  const serviceName = new Map((settings?.services ?? []).map((service) => [service.id, service.name]));
  const mails: DecisionMail[] = [];
  for (const request of next.requests) {
    const decided = decidedNow.get(request.uid);
    if (!decided) continue;
    const lines = decided.map((item) => {
      const what = [
        item.day ? formatDayFr(item.day) : null,
        item.serviceId !== null ? (serviceName.get(item.serviceId) ?? null) : null,
        item.childId !== null ? (childName.get(item.childId) ?? null) : null,
      ]
        .filter((part): part is string => part !== null)
        .join(', ');
      const outcome = item.status === 'accepted' ? 'acceptée' : `refusée${item.refusalReason ? `. Motif : ${item.refusalReason}` : ''}`;
      const labels = changedLabels.get(request.uid) ?? [];
      return `- ${what || (labels.length > 0 ? labels.join(', ') : 'Votre demande')} : ${outcome}`;
    });
    const submitted = formatDayFr(request.submittedAt.slice(0, 10));
    const refusedCount = decided.filter((item) => item.status === 'refused').length;
    const subject =
      refusedCount === 0
        ? `Votre demande ${KIND_TEXT[request.kind]} a été acceptée`
        : refusedCount === decided.length
          ? `Votre demande ${KIND_TEXT[request.kind]} a été refusée`
          : `Réponse à votre demande ${KIND_TEXT[request.kind]}`;
    const office = settings ? `\n\n${settings.commune.service}\n${settings.commune.phone} · ${settings.commune.email}` : '';
    mails.push({
      subject,
      text:
        `Bonjour,\n\nLe service a répondu à votre demande ${KIND_TEXT[request.kind]} envoyée le ${submitted} :\n\n${lines.join('\n')}\n\n` +
        `Vous retrouvez le détail sur le portail famille, rubrique Accueil.${office}\n`,
    });
  }
  return mails;
}
