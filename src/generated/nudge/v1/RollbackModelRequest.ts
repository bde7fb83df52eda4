// Original file: proto/nudge/v1/nudge.proto


export interface RollbackModelRequest {
  'campaign'?: (string);
}

export interface RollbackModelRequest__Output {
  'campaign': (string);
}
