import type { FastifyHelmetOptions } from '@fastify/helmet';

/**
 * Security headers for every response (@fastify/helmet): nosniff, no framing (X-Frame-Options DENY and
 * CSP frame-ancestors 'none'), no referrer, and a CSP the built web UI and /docs run under: scripts,
 * fetches, fonts and images from this origin only; inline styles allowed because Mantine injects
 * its CSS variables in a <style> element. upgrade-insecure-requests only when served over https.
 */
export function securityHeaders(opts: { https: boolean }): FastifyHelmetOptions {
  return {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        ...(opts.https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: opts.https ? { maxAge: 31536000, includeSubDomains: false } : false,
    crossOriginEmbedderPolicy: false,
  };
}
