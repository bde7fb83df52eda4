import { Command } from 'commander';
import type { ForgetCustomerRequest } from '../generated/nudge/v1/ForgetCustomerRequest';
import type { ForgetCustomerResponse__Output } from '../generated/nudge/v1/ForgetCustomerResponse';
import { adminCaller, withClientOptions, type ClientFlags } from './remote';

/**
 * `nudge customers forget ID`: asks a running server to erase one customer (AdminService.
 * ForgetCustomer, docs/privacy.md). Unlike the offline commands, which read the data directory, this
 * one goes through the server: only the server can drop its caches and, with the Redis store, tell
 * the other processes. Prints what was removed as JSON.
 */
export async function forgetRemote(customerId: string, flags: ClientFlags): Promise<ForgetCustomerResponse__Output> {
  const admin = adminCaller(flags);
  try {
    return await admin.call<ForgetCustomerRequest, ForgetCustomerResponse__Output>('ForgetCustomer', { customerId });
  } finally {
    admin.close();
  }
}

/** A large decision log takes a while to rewrite: the default deadline is generous. */
const FORGET_DEADLINE_MS = 600_000;

export function customersCommand(): Command {
  const cmd = new Command('customers').description('customer data held by a running server');
  withClientOptions(
    cmd
      .command('forget')
      .description('erase one customer: features, contact history, the id in kept decisions (prints what was removed as JSON)')
      .argument('<id>', 'customer id'),
    FORGET_DEADLINE_MS,
    'give up after this long (rewriting a large decision log takes a while)',
  ).action(async (id: string, flags: ClientFlags) => {
    process.stdout.write(JSON.stringify(await forgetRemote(id, flags)) + '\n');
  });
  return cmd;
}
