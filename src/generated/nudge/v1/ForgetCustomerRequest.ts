// Original file: proto/nudge/v1/nudge.proto


export interface ForgetCustomerRequest {
  'customerId'?: (string);
}

export interface ForgetCustomerRequest__Output {
  'customerId': (string);
}
