/** The portal's settings, from environment variables (README: "Portail famille"). */
export interface PortalConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Public URL families reach (links in mails; https turns on Secure cookies, the __Host- prefix and HSTS). */
  publicUrl: string;
  smtpUrl: string | null;
  mailFrom: string;
  syncSecret: string | null;
  /** Secret for signing the pre-session CSRF cookie; random per process when unset (forms then expire at restart). */
  cookieSecret: string;
  production: boolean;
}

export function isHttps(config: Pick<PortalConfig, 'publicUrl'>): boolean {
  return config.publicUrl.startsWith('https://');
}

export function readPortalConfig(env: NodeJS.ProcessEnv = process.env, randomSecret: () => string): PortalConfig {
  const port = Number(env.GRENETTE_PORTAL_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`GRENETTE_PORTAL_PORT invalide : ${env.GRENETTE_PORTAL_PORT}`);
  const host = env.GRENETTE_PORTAL_HOST ?? '127.0.0.1';
  return {
    port,
    host,
    dataDir: env.GRENETTE_PORTAL_DATA ?? './.data/portal',
    publicUrl: (env.GRENETTE_PORTAL_URL ?? `http://${host}:${port}`).replace(/\/+$/, ''),
    smtpUrl: env.GRENETTE_SMTP_URL ?? null,
    mailFrom: env.GRENETTE_MAIL_FROM ?? 'Portail famille <no-reply@localhost>',
    syncSecret: env.GRENETTE_SYNC_SECRET ?? null,
    cookieSecret: env.GRENETTE_PORTAL_COOKIE_SECRET ?? randomSecret(),
    production: env.NODE_ENV === 'production',
  };
}
