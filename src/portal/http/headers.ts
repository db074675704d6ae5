import type { FastifyInstance } from 'fastify';

/**
 * The browser features no portal page uses, turned off for the page and anything it could embed: a page that
 * injected script would still not reach the camera, the microphone or the position of a family's phone.
 */
export const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'autoplay=()',
  'browsing-topics=()',
  'camera=()',
  'display-capture=()',
  'encrypted-media=()',
  'fullscreen=()',
  'geolocation=()',
  'gyroscope=()',
  'hid=()',
  'idle-detection=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'picture-in-picture=()',
  'publickey-credentials-get=()',
  'screen-wake-lock=()',
  'serial=()',
  'usb=()',
  'xr-spatial-tracking=()',
].join(', ');

/**
 * Headers every answer carries, set before anything can fail (helmet-headers.ts adds CSP, nosniff, Referrer-Policy and
 * X-Frame-Options in its own hook). Everything but /static/ is private by default: a page, a PDF or a photo holds a
 * family's data and must not stay in a shared cache; a route may still narrow it ('private, no-store').
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  // A callback hook, not an async one: nothing here waits, and a promise per request is not free.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('permissions-policy', PERMISSIONS_POLICY);
    if (!request.url.startsWith('/static/')) reply.header('cache-control', 'no-store');
    done();
  });
}
