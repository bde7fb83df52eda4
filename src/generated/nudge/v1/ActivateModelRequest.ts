// Original file: proto/nudge/v1/nudge.proto


export interface ActivateModelRequest {
  'campaign'?: (string);
  'version'?: (string);
}

export interface ActivateModelRequest__Output {
  'campaign': (string);
  'version': (string);
}
