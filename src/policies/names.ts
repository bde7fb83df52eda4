/** Policy names accepted in campaigns and routes (DESIGN.md). Later issues add `logistic-thompson` and `model`. */
export const POLICY_NAMES = ['thompson', 'epsilon-greedy', 'ucb1', 'fixed', 'random', 'risk-averse'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export function isPolicyName(s: string): s is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(s);
}
