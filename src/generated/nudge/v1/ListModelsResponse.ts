// Original file: proto/nudge/v1/nudge.proto

import type { ModelInfo as _nudge_v1_ModelInfo, ModelInfo__Output as _nudge_v1_ModelInfo__Output } from '../../nudge/v1/ModelInfo';

export interface ListModelsResponse {
  'models'?: (_nudge_v1_ModelInfo)[];
  /**
   * Version in use ("" when none).
   */
  'active'?: (string);
}

export interface ListModelsResponse__Output {
  'models': (_nudge_v1_ModelInfo__Output)[];
  /**
   * Version in use ("" when none).
   */
  'active': (string);
}
