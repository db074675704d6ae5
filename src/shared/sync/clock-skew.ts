import { parisTimeFr } from '../calendar/format.js';

/**
 * The office's computer clock compared with the portal's, in words for the agent: signed sync calls are refused when
 * the two differ by more than five minutes (SIGNATURE_MAX_SKEW_MS), and an office PC with a wrong clock would otherwise
 * fail every sync with a refusal that does not say what to fix.
 */

/** « 7 min 30 s », « 2 h 5 min », « 3 jours 4 h »: the two largest units that matter. */
export function durationFr(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const rest = seconds % 60;
  const parts: string[] = [];
  if (days > 0) parts.push(`${days} jour${days > 1 ? 's' : ''}`, ...(hours > 0 ? [`${hours} h`] : []));
  else if (hours > 0) parts.push(`${hours} h`, ...(minutes > 0 ? [`${minutes} min`] : []));
  else if (minutes > 0) parts.push(`${minutes} min`, ...(rest > 0 ? [`${rest} s`] : []));
  else parts.push(`${rest} s`);
  return parts.join(' ');
}

/** Why the portal refused the office's call, when the office's clock is `officeNow` and the portal's `portalNow`. */
export function clockSkewMessage(officeNow: Date, portalNow: Date): string {
  const ahead = officeNow.getTime() - portalNow.getTime();
  const direction = ahead > 0 ? 'en avance' : 'en retard';
  return (
    `L’horloge de cet ordinateur est ${direction} de ${durationFr(ahead)} sur celle du portail ` +
    `(il est ${parisTimeFr(portalNow)} à Paris selon le portail) : le portail refuse ` +
    'la synchronisation au-delà de 5 minutes d’écart. Remettez l’ordinateur à l’heure (réglage automatique de la date et de ' +
    'l’heure de Windows), puis relancez la synchronisation.'
  );
}
