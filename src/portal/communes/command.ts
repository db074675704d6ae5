import { parseArgs } from 'node:util';
import { systemClock } from '../../shared/clock.js';
import type { PortalConfig } from '../config.js';
import { portalStorage } from '../db/open.js';
import { communeConfig } from './portal.js';
import { CommuneError, openCommuneRegistry } from './registry.js';

const USAGE = `Utilisation :
  npm run portal -- commune add <clé> --nom "Nom de la commune" [--hote famille.ville.fr]… [--url https://…]
  npm run portal -- commune list`;

/**
 * `npm run portal -- commune …` (cli.ts): adds a commune to the registry (its schema or file created and migrated) and
 * prints its pairing secret, once: it is stored for checking the office's signatures and never shown again (`list`
 * shows the communes without it). Writes to `out` and returns the exit code; a refusal is said in French on `err`.
 */
export async function communeCommand(args: string[], config: PortalConfig, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const [action, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: { nom: { type: 'string' }, hote: { type: 'string', multiple: true }, url: { type: 'string' } } });
  } catch (error) {
    err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (action !== 'add' && action !== 'list') {
    err(USAGE);
    return 2;
  }
  const registry = openCommuneRegistry(portalStorage(config));
  try {
    if (action === 'list') {
      if (parsed.positionals.length > 0) {
        err(USAGE);
        return 2;
      }
      const communes = await registry.list();
      if (communes.length === 0) out('Aucune commune enregistrée.');
      for (const commune of communes) {
        const address = config.communeRouting ? communeConfig(config, commune).publicUrl : commune.publicUrl ?? '—';
        out(`${commune.key}\t${commune.name}\thôtes : ${commune.hosts.join(', ') || '—'}\tadresse : ${address}\tcréée le ${commune.createdAt}`);
      }
      return 0;
    }
    const [key, ...extra] = parsed.positionals;
    if (!key || extra.length > 0) {
      err(USAGE);
      return 2;
    }
    const commune = await registry.add({ key, name: parsed.values.nom ?? '', hosts: parsed.values.hote ?? [], publicUrl: parsed.values.url ?? null }, systemClock);
    out(`Commune « ${commune.key} » (${commune.name}) ajoutée.`);
    if (config.communeRouting === 'host' && commune.hosts.length === 0) {
      err('Attention : aucun --hote donné ; avec GRENETTE_PORTAL_COMMUNE_ROUTING=host, cette commune ne sera atteinte par aucune adresse.');
    }
    if (config.communeRouting) out(`Adresse du portail : ${communeConfig(config, commune).publicUrl}`);
    else out('Le portail sert les communes enregistrées quand GRENETTE_PORTAL_COMMUNE_ROUTING vaut host ou path.');
    out('Secret d’appairage, affiché cette seule fois : à saisir dans le logiciel du service (Paramètres › Portail famille) avec l’adresse du portail.');
    out(commune.syncSecret);
    return 0;
  } catch (error) {
    if (error instanceof CommuneError) {
      err(error.message);
      return 1;
    }
    throw error;
  } finally {
    await registry.close();
  }
}
