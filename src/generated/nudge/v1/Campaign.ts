// Original file: proto/nudge/v1/nudge.proto

import type { Offer as _nudge_v1_Offer, Offer__Output as _nudge_v1_Offer__Output } from '../../nudge/v1/Offer';
import type { Decay as _nudge_v1_Decay, Decay__Output as _nudge_v1_Decay__Output } from '../../nudge/v1/Decay';
import type { Route as _nudge_v1_Route, Route__Output as _nudge_v1_Route__Output } from '../../nudge/v1/Route';
import type { Fatigue as _nudge_v1_Fatigue, Fatigue__Output as _nudge_v1_Fatigue__Output } from '../../nudge/v1/Fatigue';
import type { Feature as _nudge_v1_Feature, Feature__Output as _nudge_v1_Feature__Output } from '../../nudge/v1/Feature';
import type { SessionFeature as _nudge_v1_SessionFeature, SessionFeature__Output as _nudge_v1_SessionFeature__Output } from '../../nudge/v1/SessionFeature';
import type { Lever as _nudge_v1_Lever, Lever__Output as _nudge_v1_Lever__Output } from '../../nudge/v1/Lever';
import type { Long } from '@grpc/proto-loader';

export interface Campaign {
  'name'?: (string);
  /**
   * thompson (default), epsilon-greedy, ucb1, fixed, random, risk-averse.
   */
  'policy'?: (string);
  'offers'?: (_nudge_v1_Offer)[];
  /**
   * Share of customers (sticky by hash) held out as a control group, in [0, 1).
   */
  'controlShare'?: (number | string);
  /**
   * Offer the control group gets; defaults to the first offer.
   */
  'defaultOffer'?: (string);
  /**
   * A decision with no outcome after this long receives default_reward; 0 = never.
   */
  'rewardWaitMs'?: (number | string | Long);
  'defaultReward'?: (number | string);
  'decay'?: (_nudge_v1_Decay | null);
  /**
   * Feature names whose values form the segment key under which posteriors are kept.
   */
  'segmentBy'?: (string)[];
  /**
   * Policy parameters, e.g. epsilon=0.05, quantile=0.1.
   */
  'policyParams'?: ({[key: string]: string});
  'routing'?: (_nudge_v1_Route)[];
  'fatigue'?: (_nudge_v1_Fatigue | null);
  /**
   * Salt of the sticky hashes (control group, fixed split).
   */
  'salt'?: (string);
  /**
   * Set by the server: increases with every change.
   */
  'version'?: (number | string | Long);
  'description'?: (string);
  /**
   * Features the campaign's contextual policies and models use (see docs/contextual.md).
   */
  'features'?: (_nudge_v1_Feature)[];
  /**
   * How an active model is used beside the policy: "" / "none", "prior", "blend".
   */
  'modelUse'?: (string);
  /**
   * Virtual observations of a model prior (model_use = prior).
   */
  'modelPriorWeight'?: (number | string);
  /**
   * Weight b of the model in score = (1 - b) * draw + b * model (model_use = blend).
   */
  'modelBlend'?: (number | string);
  /**
   * In-session features computed from events (docs/events.md), read as session.<name>.
   */
  'sessionFeatures'?: (_nudge_v1_SessionFeature)[];
  /**
   * A session ends after this long without an event; 0 = 30 minutes.
   */
  'sessionTimeoutMs'?: (number | string | Long);
  /**
   * JSON Logic rule (JSON text) over features, context, session.<name> and model.<campaign>; when
   * false, Decide answers no_action. Empty: always.
   */
  'trigger'?: (string);
  /**
   * Adds the implicit arm "no-action", learned like an offer; when it wins, Decide answers no_action.
   */
  'noActionArm'?: (boolean);
  /**
   * Arbitration weights by offer attribute (score x value x levers).
   */
  'levers'?: (_nudge_v1_Lever)[];
  /**
   * Offers whose predicted probability is below this are not shown; 0 = no threshold.
   */
  'minProbability'?: (number | string);
}

export interface Campaign__Output {
  'name': (string);
  /**
   * thompson (default), epsilon-greedy, ucb1, fixed, random, risk-averse.
   */
  'policy': (string);
  'offers': (_nudge_v1_Offer__Output)[];
  /**
   * Share of customers (sticky by hash) held out as a control group, in [0, 1).
   */
  'controlShare': (number);
  /**
   * Offer the control group gets; defaults to the first offer.
   */
  'defaultOffer': (string);
  /**
   * A decision with no outcome after this long receives default_reward; 0 = never.
   */
  'rewardWaitMs': (number);
  'defaultReward': (number);
  'decay': (_nudge_v1_Decay__Output | null);
  /**
   * Feature names whose values form the segment key under which posteriors are kept.
   */
  'segmentBy': (string)[];
  /**
   * Policy parameters, e.g. epsilon=0.05, quantile=0.1.
   */
  'policyParams': ({[key: string]: string});
  'routing': (_nudge_v1_Route__Output)[];
  'fatigue': (_nudge_v1_Fatigue__Output | null);
  /**
   * Salt of the sticky hashes (control group, fixed split).
   */
  'salt': (string);
  /**
   * Set by the server: increases with every change.
   */
  'version': (number);
  'description': (string);
  /**
   * Features the campaign's contextual policies and models use (see docs/contextual.md).
   */
  'features': (_nudge_v1_Feature__Output)[];
  /**
   * How an active model is used beside the policy: "" / "none", "prior", "blend".
   */
  'modelUse': (string);
  /**
   * Virtual observations of a model prior (model_use = prior).
   */
  'modelPriorWeight': (number);
  /**
   * Weight b of the model in score = (1 - b) * draw + b * model (model_use = blend).
   */
  'modelBlend': (number);
  /**
   * In-session features computed from events (docs/events.md), read as session.<name>.
   */
  'sessionFeatures': (_nudge_v1_SessionFeature__Output)[];
  /**
   * A session ends after this long without an event; 0 = 30 minutes.
   */
  'sessionTimeoutMs': (number);
  /**
   * JSON Logic rule (JSON text) over features, context, session.<name> and model.<campaign>; when
   * false, Decide answers no_action. Empty: always.
   */
  'trigger': (string);
  /**
   * Adds the implicit arm "no-action", learned like an offer; when it wins, Decide answers no_action.
   */
  'noActionArm': (boolean);
  /**
   * Arbitration weights by offer attribute (score x value x levers).
   */
  'levers': (_nudge_v1_Lever__Output)[];
  /**
   * Offers whose predicted probability is below this are not shown; 0 = no threshold.
   */
  'minProbability': (number);
}
