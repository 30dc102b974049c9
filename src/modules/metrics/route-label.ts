/** The label of requests that matched no route (404s, CORS preflights, body errors). */
export const UNMATCHED_ROUTE = 'unmatched';

const MAX_LABEL_LENGTH = 120;
/** Path segments that are values, not names: ObjectIds, UUIDs, numbers, long hex or base64. */
const VALUE_SEGMENT =
  /^(?:[0-9a-f]{24}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+|[0-9a-f]{16,}|[A-Za-z0-9_-]{32,})$/i;

/** What Express leaves on a request once a route matched (`req.route`, `req.baseUrl`). */
export interface RoutedRequest {
  route?: { path?: unknown };
  baseUrl?: string;
}

/**
 * The route template of a request for metric labels (`/chat/:targetUserId`), never its raw URL:
 * the matched route's path, under the router it is mounted on (Bull Board). A request that
 * matched no endpoint gets {@link UNMATCHED_ROUTE}. As a safety net, a segment that looks like a
 * value (an id) becomes `:value`, so a label can never carry one.
 */
export function routeLabel(req: RoutedRequest): string {
  const path = req.route?.path;
  // A wildcard is a middleware mount (Nest applies module middleware as `/{*path}` routes, and
  // Express leaves the last route seen on the request): the request reached no endpoint.
  if (typeof path === 'string' && path.includes('*')) return UNMATCHED_ROUTE;
  if (typeof path !== 'string') {
    // A route with several paths (Bull Board's UI entry point): label it by its mount point.
    return Array.isArray(path) && req.baseUrl
      ? normaliseTemplate(`${req.baseUrl}/*`)
      : UNMATCHED_ROUTE;
  }
  return normaliseTemplate(`${req.baseUrl ?? ''}${path}`);
}

/** Labels already worked out: templates come from route definitions, so they are few. */
const labelsByTemplate = new Map<string, string>();
const MAX_REMEMBERED_LABELS = 1000;

/** Collapses value-like segments and trailing slashes; bounds the length. */
export function normaliseTemplate(template: string): string {
  let label = labelsByTemplate.get(template);
  if (label === undefined) {
    label = labelOf(template);
    if (labelsByTemplate.size < MAX_REMEMBERED_LABELS) labelsByTemplate.set(template, label);
  }
  return label;
}

function labelOf(template: string): string {
  const segments = template
    .split('/')
    .map((segment) => (VALUE_SEGMENT.test(segment) ? ':value' : segment));
  const joined = segments
    .join('/')
    .replace(/\/+/g, '/')
    .replace(/(.)\/$/, '$1');
  const label = joined.startsWith('/') ? joined : `/${joined}`;
  return label.length > MAX_LABEL_LENGTH ? `${label.slice(0, MAX_LABEL_LENGTH)}…` : label;
}
