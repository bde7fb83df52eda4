// Original file: proto/nudge/v1/nudge.proto

import type { Calibration as _nudge_v1_Calibration, Calibration__Output as _nudge_v1_Calibration__Output } from '../../nudge/v1/Calibration';

export interface ModelCalibration {
  'modelVersion'?: (string);
  'calibration'?: (_nudge_v1_Calibration | null);
}

export interface ModelCalibration__Output {
  'modelVersion': (string);
  'calibration': (_nudge_v1_Calibration__Output | null);
}
