// Original file: proto/nudge/v1/nudge.proto

import type { DriftBin as _nudge_v1_DriftBin, DriftBin__Output as _nudge_v1_DriftBin__Output } from '../../nudge/v1/DriftBin';
import type { Long } from '@grpc/proto-loader';

export interface FeatureDrift {
  'feature'?: (string);
  /**
   * "number" (binned on reference deciles) or "category" (one bin per value).
   */
  'kind'?: (string);
  'psi'?: (number | string);
  /**
   * "stable" (< 0.1), "moderate" (0.1 to 0.25), "significant" (> 0.25); "no-data" when either
   * sample is empty (psi is then 0).
   */
  'band'?: (string);
  'nReference'?: (number | string | Long);
  'nCurrent'?: (number | string | Long);
  'bins'?: (_nudge_v1_DriftBin)[];
}

export interface FeatureDrift__Output {
  'feature': (string);
  /**
   * "number" (binned on reference deciles) or "category" (one bin per value).
   */
  'kind': (string);
  'psi': (number);
  /**
   * "stable" (< 0.1), "moderate" (0.1 to 0.25), "significant" (> 0.25); "no-data" when either
   * sample is empty (psi is then 0).
   */
  'band': (string);
  'nReference': (number);
  'nCurrent': (number);
  'bins': (_nudge_v1_DriftBin__Output)[];
}
