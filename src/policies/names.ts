/** Policy names accepted in campaigns and routes (DESIGN.md).  */
export const POLICY_NAMES = ['thompson', 'epsilon-greedy', 'ucb1', 'fixed', 'random', 'risk-averse', 'logistic-thompson', 'model'] as const;

/** Policies that need the campaign's feature vector (and contextual weights) at decision time. */
export const CONTEXTUAL_POLICIES: readonly string[] = ['logistic-thompson'];
export type PolicyName = (typeof POLICY_NAMES)[number];

export function isPolicyName(s: string): s is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(s);
}

/**
 * Route parameters that belong to the route, not to its policy (behavioural boosts, see
 * src/engine/boosts.ts): stripped before a policy is created from route or campaign parameters.
 */
export const ROUTE_ONLY_PARAMS: readonly string[] = ['boost_tag', 'boost'];
