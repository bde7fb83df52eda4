import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, type DashboardApi } from './api';
import type { Asset } from './assets';
import { DashboardAuth } from './auth';
import { loginPage } from './login';

/**
 * The dashboard on the HTTP listener that serves /metrics:
 *   GET /                      campaign list (page)       GET /campaigns/<name>   one campaign (page)
 *   GET /assets/<file>         script, style, uPlot       GET /api/v1/...         JSON (api.ts)
 *   GET|POST /login, POST /logout                          the session cookie (auth.ts)
 * Returns false for paths it does not serve.
 */
export interface DashboardRoutes {
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

/**
 * Scripts only from this origin, no inline script or style, nothing framed: campaign text and offer
 * attributes are inserted as text (textContent), and this stops anything that slipped through.
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const SECURITY: Record<string, string> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};
const MAX_FORM_BYTES = 4096;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...SECURITY, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

function sendAsset(req: IncomingMessage, res: ServerResponse, a: Asset): void {
  const headers = { ...SECURITY, 'content-type': a.type, etag: a.etag, 'cache-control': a.cacheControl };
  if (req.headers['if-none-match'] === a.etag) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': String(a.body.length) }).end(req.method === 'HEAD' ? undefined : a.body);
}

/** Only paths of this site after a login (no scheme, no host, no //evil.example). */
function safeNext(next: string | null): string {
  return next !== null && /^\/(?!\/)[\x21-\x7e]*$/.test(next) && !next.includes('\\') ? next : '/';
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_FORM_BYTES) {
        reject(new RangeError('form too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

export function dashboardRoutes(api: DashboardApi, auth: DashboardAuth, assets: { page: Asset; files: ReadonlyMap<string, Asset> }, secure: boolean): DashboardRoutes {
  const unauthorized = (res: ServerResponse, isApi: boolean, next: string): void => {
    if (isApi) {
      res.setHeader('www-authenticate', 'Bearer realm="nudge"');
      json(res, 401, { error: { code: 'NUDGE_UNAUTHENTICATED', message: 'the dashboard API needs "authorization: Bearer <admin token>" or a login session' } });
    } else {
      res.writeHead(401, { ...SECURITY, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'www-authenticate': 'Bearer realm="nudge"' }).end(loginPage(next, ''));
    }
  };

  const api1 = async (path: string, q: URLSearchParams, res: ServerResponse): Promise<void> => {
    try {
      if (path === '/api/v1/campaigns') return json(res, 200, await api.campaigns());
      if (path === '/api/v1/serving') return json(res, 200, { serving: await api.serving() });
      const m = /^\/api\/v1\/campaigns\/([^/]+)(\/series)?$/.exec(path);
      if (m !== null) {
        const name = decodeURIComponent(m[1]!);
        return json(res, 200, m[2] === undefined ? await api.campaignView(name, q) : await api.series(name, q));
      }
      json(res, 404, { error: { code: 'NUDGE_NOT_FOUND', message: `no API at ${path}` } });
    } catch (err) {
      if (err instanceof ApiError) json(res, err.status, { error: { code: err.code, message: err.message } });
      else if (err instanceof URIError) json(res, 400, { error: { code: 'NUDGE_INVALID_ARGUMENT', message: 'malformed percent-encoding in the path' } });
      else json(res, 500, { error: { code: 'NUDGE_INTERNAL', message: (err as Error).message } });
    }
  };

  return {
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
      const path = url.pathname;
      const method = req.method ?? 'GET';
      const get = method === 'GET' || method === 'HEAD';
      if (path.startsWith('/assets/')) {
        const a = assets.files.get(path.slice('/assets/'.length));
        if (a === undefined || !get) return false;
        // Assets hold no data: served without a session, so the login page can use the stylesheet.
        sendAsset(req, res, a);
        return true;
      }
      if (path === '/login') {
        if (get) {
          res.writeHead(200, { ...SECURITY, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(loginPage(safeNext(url.searchParams.get('next')), ''));
          return true;
        }
        if (method !== 'POST') return false;
        readForm(req).then(
          (form) => {
            const next = safeNext(form.get('next'));
            if (!auth.tokenMatches(form.get('token') ?? '')) {
              res.writeHead(401, { ...SECURITY, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(loginPage(next, 'That token is not valid.'));
              return;
            }
            res.writeHead(303, { ...SECURITY, location: next, 'set-cookie': auth.sessionCookie(secure), 'cache-control': 'no-store' }).end();
          },
          () => res.writeHead(413, { ...SECURITY, 'content-type': 'text/plain' }).end('form too large\n'),
        );
        return true;
      }
      if (path === '/logout' && method === 'POST') {
        res.writeHead(303, { ...SECURITY, location: '/login', 'set-cookie': DashboardAuth.clearedCookie() }).end();
        return true;
      }
      const isApi = path.startsWith('/api/');
      const isPage = path === '/' || /^\/campaigns\/[^/]+$/.test(path);
      if (!isApi && !isPage) return false;
      if (!get) {
        json(res, 405, { error: { code: 'NUDGE_METHOD_NOT_ALLOWED', message: `${method} is not served at ${path}` } });
        return true;
      }
      if (!auth.allowed(req)) {
        unauthorized(res, isApi, path);
        return true;
      }
      if (isPage) sendAsset(req, res, assets.page);
      else void api1(path, url.searchParams, res);
      return true;
    },
  };
}
