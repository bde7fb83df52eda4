// Original file: proto/nudge/v1/nudge.proto


export interface DriftBin {
  'label'?: (string);
  'referenceShare'?: (number | string);
  'currentShare'?: (number | string);
}

export interface DriftBin__Output {
  'label': (string);
  'referenceShare': (number);
  'currentShare': (number);
}
