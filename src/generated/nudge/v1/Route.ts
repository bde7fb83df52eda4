// Original file: proto/nudge/v1/nudge.proto


export interface Route {
  'name'?: (string);
  /**
   * JSON Logic rule over features and context (JSON text); empty matches everything.
   */
  'when'?: (string);
  'policy'?: (string);
  'params'?: ({[key: string]: string});
}

export interface Route__Output {
  'name': (string);
  /**
   * JSON Logic rule over features and context (JSON text); empty matches everything.
   */
  'when': (string);
  'policy': (string);
  'params': ({[key: string]: string});
}
