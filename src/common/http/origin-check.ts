import { UNSUBSCRIBE_PATH } from '../../modules/notifications/unsubscribe-link';
/** Methods that change state; GET, HEAD and OPTIONS are never refused by the origin check. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface WriteRequest {
  method: string;
  /** Path without the query string, as routed (global prefix included). */
  path: string;
  origin?: string;
  referer?: string;
  secFetchSite?: string;
}

export interface OriginPolicy {
  /** The SPA's origin (`FRONTEND_URL` reduced to scheme://host:port). */
  allowedOrigin: string;
  /** Paths called server to server and authenticated otherwise (the signed payment webhook). */
  exemptPaths: readonly string[];
}

/** `scheme://host[:port]` of a URL, or undefined when it is not an absolute http(s) URL. */
export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

function normalisePath(path: string): string {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.toLowerCase();
}

/**
 * Whether a request may go on when cookies are `SameSite=None`, i.e. sent by the browser with
 * requests that any site triggers. Reads and the exempt paths always pass. A write passes when:
 * - `Sec-Fetch-Site: same-origin` (the API's own pages, e.g. the Swagger UI);
 * - else its `Origin` is the SPA's (`Origin: null` from sandboxed frames or redirects is foreign);
 * - else, without Origin, its `Referer` is on the SPA's origin;
 * - else, with neither, unless `Sec-Fetch-Site` says another site sent it. Browsers send Origin
 *   on every cross-origin POST/PUT/PATCH/DELETE (fetch, XHR and forms alike), so a write without
 *   both comes from a non-browser client (curl, server code, tests), which holds the cookies it
 *   sends itself and cannot be used to forge a request for someone else.
 */
export function isWriteAllowed(request: WriteRequest, policy: OriginPolicy): boolean {
  if (!STATE_CHANGING.has(request.method.toUpperCase())) return true;
  if (policy.exemptPaths.includes(normalisePath(request.path))) return true;
  const site = request.secFetchSite?.toLowerCase();
  if (site === 'same-origin') return true;
  if (request.origin !== undefined) return request.origin === policy.allowedOrigin;
  if (request.referer !== undefined) return originOf(request.referer) === policy.allowedOrigin;
  return site !== 'cross-site' && site !== 'same-site';
}

/** The policy for an app: the SPA's origin and the webhook path under the optional prefix. */
export function originPolicy(frontendUrl: string, globalPrefix?: string): OriginPolicy {
  const allowedOrigin = originOf(frontendUrl);
  if (!allowedOrigin) throw new Error(`FRONTEND_URL is not an http(s) URL: ${frontendUrl}`);
  const prefix = globalPrefix ? `/${globalPrefix.replace(/^\/+|\/+$/g, '')}` : '';
  return {
    allowedOrigin,
    exemptPaths: [
      normalisePath(`${prefix}/payment/webhook`),
      // Signed one-click unsubscribe links, posted by mail providers and the link's own page.
      normalisePath(`${prefix}${UNSUBSCRIBE_PATH}`),
    ],
  };
}
