/** A named place with a postal address: a customer's location, or the Calling headquarters of an order. */
export interface LocationFields {
  /** At most 80 characters (Webex Calling location names). */
  name: string;
  /** ISO 3166 two-letter code, upper case. */
  country: string;
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  stateOrProvince?: string;
  zipOrPostalCode?: string;
}
