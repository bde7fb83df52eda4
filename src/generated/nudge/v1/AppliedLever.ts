// Original file: proto/nudge/v1/nudge.proto


export interface AppliedLever {
  'name'?: (string);
  'weight'?: (number | string);
}

export interface AppliedLever__Output {
  'name': (string);
  'weight': (number);
}
