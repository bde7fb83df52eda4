import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may see the dashboard and its API: with an admin token configured, a request needs
 * `authorization: Bearer <token>` (scripts) or the session cookie the login form sets (people). The
 * cookie holds an expiry and an HMAC of it keyed by the admin token, so the server keeps no session
 * table and changing the token logs everyone out; it is HttpOnly (page scripts cannot read it) and
 * SameSite=Strict (other sites cannot send it along).
 */
export const SESSION_COOKIE = 'nudge_session';
export const SESSION_MS = 12 * 3600_000;

const BEARER = /^Bearer ([\x21-\x7e]+)$/;

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export class DashboardAuth {
  private readonly expected: Buffer | null;

  constructor(private readonly token: string | null) {
    if (token !== null && (typeof token !== 'string' || token.length === 0)) throw new TypeError('token must be a non-empty string or null');
    this.expected = token === null ? null : digest(token);
  }

  get required(): boolean {
    return this.token !== null;
  }

  /** Whether `candidate` is the admin token (constant time in its length's hash). */
  tokenMatches(candidate: string): boolean {
    if (this.expected === null) return true;
    return timingSafeEqual(digest(candidate), this.expected);
  }

  allowed(req: IncomingMessage, now = Date.now()): boolean {
    if (this.expected === null) return true;
    const m = BEARER.exec(req.headers.authorization ?? '');
    if (m !== null) return this.tokenMatches(m[1]!);
    const cookie = readCookie(req.headers.cookie ?? '', SESSION_COOKIE);
    return cookie !== null && this.sessionValid(cookie, now);
  }

  /** The Set-Cookie value after a successful login. */
  sessionCookie(secure: boolean, now = Date.now()): string {
    const expires = now + SESSION_MS;
    const value = `${expires}.${this.sign(expires)}`;
    return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MS / 1000}${secure ? '; Secure' : ''}`;
  }

  static clearedCookie(): string {
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
  }

  private sign(expires: number): string {
    return createHmac('sha256', this.token ?? '').update(`nudge-dashboard-session:${expires}`).digest('hex');
  }

  private sessionValid(value: string, now: number): boolean {
    const dot = value.indexOf('.');
    if (dot <= 0) return false;
    const expires = Number(value.slice(0, dot));
    if (!Number.isSafeInteger(expires) || expires <= now) return false;
    const got = Buffer.from(value.slice(dot + 1), 'utf8');
    const want = Buffer.from(this.sign(expires), 'utf8');
    return got.length === want.length && timingSafeEqual(got, want);
  }
}

export function readCookie(header: string, name: string): string | null {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
