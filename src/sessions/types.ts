/**
 * In-session events and the session features campaigns compute from them (docs/events.md).
 *
 * Events are kept per customer, raw and bounded (the newest `maxEventsPerCustomer`, only the types and
 * properties some campaign uses); a campaign's session features are aggregated from them when a
 * Decide needs them, so two campaigns with different windows or timeouts read the same events.
 */

/** One accepted event, as the store keeps it (validated: see src/sessions/validate.ts). */
export interface SessionEvent {
  readonly type: string;
  /** ms since epoch (already resolved: 0 in the request means "now" at the server). */
  readonly ts: number;
  /** "" when the caller gave none. */
  readonly sessionId: string;
  readonly value: number;
  /** Only the properties some campaign reads (filters, `last`, `distinct_count`). */
  readonly properties: Readonly<Record<string, string>>;
}

export type SessionAggregate = 'count' | 'sum' | 'last' | 'time_since_last_ms' | 'distinct_count';

/** One declared session feature of a campaign, validated (src/campaigns/moments.ts). */
export interface SessionFeatureSpec {
  readonly name: string;
  readonly eventTypes: readonly string[];
  /** Every listed property must equal the given value; empty: no filter. */
  readonly propertyFilter: Readonly<Record<string, string>>;
  readonly aggregate: SessionAggregate;
  /** The property `last` and `distinct_count` read ("" for the others). */
  readonly property: string;
  /** Sliding window ending now; 0 = the whole session. */
  readonly windowMs: number;
}

/** What a campaign asks of the customer's events. */
export interface SessionPlan {
  /** A session ends after this long without an event (and when the session id changes). */
  readonly timeoutMs: number;
  readonly features: readonly SessionFeatureSpec[];
}

/**
 * Session feature values by name: a number (count, sum, time_since_last_ms, distinct_count), a string
 * (last), or null when nothing in the window (last, time_since_last_ms) matched.
 */
export type SessionValues = Record<string, number | string | null>;

/** Which events are worth keeping: the union of every campaign's session features. */
export interface SessionInterest {
  /** Event type -> property keys some campaign reads for that type. */
  readonly types: ReadonlyMap<string, ReadonlySet<string>>;
  /** How long an event can matter: the largest session timeout or window over all campaigns (ms). */
  readonly horizonMs: number;
}

export interface SessionStoreStats {
  /** Customers with kept events. */
  readonly customers: number;
  /** Customers dropped to stay within the bound since start (least recently used first). */
  readonly evictions: number;
  /** The store's own account of the memory it holds (bytes; 0 for Redis, whose memory is Redis's). */
  readonly bytes: number;
}

/**
 * The narrow contract both backends (memory, Redis) pass in test/sessions/contract.
 * `append` resolves once the events are kept (for Redis: once Redis answered), so an EventAck
 * means the next Decide on any replica sees the event.
 */
export interface SessionStore {
  /** Replaces the interest (on every campaign change); events of other types are not kept. */
  setInterest(interest: SessionInterest): void;
  /** True when some campaign reads events of this type. */
  wants(type: string): boolean;
  /**
   * Keeps the customer's events as validated: the store itself keeps only the types the interest
   * wants, only the properties it reads (keepProperties in interest.ts), none older than the horizon,
   * and keeps them in time order (a late event goes among the earlier ones).
   */
  append(customerId: string, events: readonly SessionEvent[]): Promise<void>;
  /**
   * The customer's kept events, oldest first, none older than the interest's horizon before `now`.
   * Memory answers synchronously; Redis with a promise (one round trip).
   */
  read(customerId: string, now: number): readonly SessionEvent[] | Promise<readonly SessionEvent[]>;
  /** Erases the customer's events (ForgetCustomer). */
  forget(customerId: string): Promise<void>;
  stats(): SessionStoreStats;
  close(): Promise<void>;
}
