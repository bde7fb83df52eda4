// Original file: proto/nudge/v1/nudge.proto

import type { ReliabilityBin as _nudge_v1_ReliabilityBin, ReliabilityBin__Output as _nudge_v1_ReliabilityBin__Output } from '../../nudge/v1/ReliabilityBin';
import type { Long } from '@grpc/proto-loader';

/**
 * Reliability of predicted probabilities (10 bins of 0.1): expected calibration error (the
 * count-weighted mean of |observed - predicted| over bins) and Brier score (mean squared error).
 */
export interface Calibration {
  'n'?: (number | string | Long);
  'ece'?: (number | string);
  'brier'?: (number | string);
  'bins'?: (_nudge_v1_ReliabilityBin)[];
}

/**
 * Reliability of predicted probabilities (10 bins of 0.1): expected calibration error (the
 * count-weighted mean of |observed - predicted| over bins) and Brier score (mean squared error).
 */
export interface Calibration__Output {
  'n': (number);
  'ece': (number);
  'brier': (number);
  'bins': (_nudge_v1_ReliabilityBin__Output)[];
}
