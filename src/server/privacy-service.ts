import type { ForgetCustomerRequest__Output } from '../generated/nudge/v1/ForgetCustomerRequest';
import type { ForgetCustomerResponse } from '../generated/nudge/v1/ForgetCustomerResponse';
import { forgetCustomer, type ForgetDeps } from '../privacy/forget';
import { unary } from './unary';

/**
 * AdminService.ForgetCustomer, registered with the other AdminService handlers, so it is behind the
 * same admin token check (instrumentService, NUDGE_ADMIN_TOKEN).
 */
export function privacyHandlers(deps: ForgetDeps) {
  return {
    ForgetCustomer: unary<ForgetCustomerRequest__Output, ForgetCustomerResponse>((req) => forgetCustomer(deps, req.customerId)),
  };
}
