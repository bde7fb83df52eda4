import { invalidArgument } from '../errors';
import { forgetFeatures } from '../features/tombstones';
import type { PrivacyStore } from '../store/types';
import { customerToken, MAX_CUSTOMER_ID_BYTES } from './token';

/** What ForgetCustomer answers (ForgetCustomerResponse). */
export interface ForgetReport {
  readonly token: string;
  readonly featuresRemoved: boolean;
  readonly contactRecordsRemoved: number;
  readonly decisionsTokenized: number;
  readonly tombstoneRecorded: boolean;
}

export interface ForgetDeps {
  readonly store: PrivacyStore;
  /** This node's data directory (its feature snapshots). */
  readonly dataDir: string;
  readonly logger: { info(obj: object, msg?: string): void };
  /** The session store: the customer's in-session events go too. */
  readonly sessions?: { forget(customerId: string): Promise<void> } | null;
}

/** Checks a ForgetCustomer request's id; the message never repeats the id. */
export function checkCustomerId(v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) throw invalidArgument('customer_id', 'is required');
  if (v.length > MAX_CUSTOMER_ID_BYTES / 3 && Buffer.byteLength(v, 'utf8') > MAX_CUSTOMER_ID_BYTES) {
    throw invalidArgument('customer_id', `must be at most ${MAX_CUSTOMER_ID_BYTES} bytes`);
  }
  return v;
}

/**
 * Erases one customer (docs/privacy.md). The tombstone goes in with the removal of the feature row,
 * before anything else: from then on no load brings the customer back, even if a later step fails
 * (ForgetCustomer is safe to repeat). Then the store's part: contact history, decision records and,
 * with Redis, the tombstone every other process applies. The log line carries the token only.
 */
export async function forgetCustomer(deps: ForgetDeps, rawId: unknown): Promise<ForgetReport> {
  const customerId = checkCustomerId(rawId);
  const secret = await deps.store.tokenSecret();
  const token = customerToken(secret, customerId);
  const features = await forgetFeatures(deps.dataDir, secret, customerId, token);
  const removed = await deps.store.forgetCustomer(customerId, token);
  await deps.sessions?.forget(customerId);
  const report: ForgetReport = {
    token,
    featuresRemoved: features.removed,
    contactRecordsRemoved: removed.contacts,
    decisionsTokenized: removed.decisions,
    tombstoneRecorded: true,
  };
  deps.logger.info({ ...report }, 'customer forgotten');
  return report;
}
