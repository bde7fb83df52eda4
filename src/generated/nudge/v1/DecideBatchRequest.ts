// Original file: proto/nudge/v1/nudge.proto


export interface DecideBatchRequest {
  'campaign'?: (string);
  'customerIds'?: (string)[];
  'channel'?: (string);
  'context'?: ({[key: string]: string});
  'numOffers'?: (number);
  'excludeOffers'?: (string)[];
}

export interface DecideBatchRequest__Output {
  'campaign': (string);
  'customerIds': (string)[];
  'channel': (string);
  'context': ({[key: string]: string});
  'numOffers': (number);
  'excludeOffers': (string)[];
}
