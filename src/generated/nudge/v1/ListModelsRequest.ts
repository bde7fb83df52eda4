// Original file: proto/nudge/v1/nudge.proto


export interface ListModelsRequest {
  'campaign'?: (string);
}

export interface ListModelsRequest__Output {
  'campaign': (string);
}
