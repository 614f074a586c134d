import { RunRefused } from '../domain/codes.js';
import type { LocationFields } from '../domain/location.js';

/**
 * The life of an order (seeds 000-002), pure. An order arrives (`pending`), is mapped to its
 * organisations, or handed to someone else who will (`delegated`); then each ordered service is
 * set up now (`provisioned`) or later. "Set up later" leaves the order unprovisioned until the
 * next sign-in, so it is a state a person must be able to list.
 */

export type ServiceStatus = 'not-ordered' | 'pending' | 'later' | 'provisioned';
export type MappedFor = 'customer' | 'self' | 'delegate';
export type PartnerRole = 'provisioning-admin' | 'full-admin';
export type Service = 'meetings' | 'calling';

export const SERVICE_NAME: Record<Service, string> = { meetings: 'Webex Meetings', calling: 'Webex Calling' };

export interface MeetingsSite {
  url: string;
  licences: number;
}

/** The headquarters location of a Calling setup. */
export type CallingLocation = LocationFields;

export interface Subscription {
  id: string;
  contactEmail: string;
  meetingsLicences: number;
  callingLicences: number;
  mappedFor: MappedFor | null;
  delegateEmail: string | null;
  partnerOrgId: string | null;
  /** The organisation the services go to: the customer's, or the partner's own for "self". */
  orgId: string | null;
  partnerRole: PartnerRole | null;
  setupBy: 'partner' | 'customer';
  meetings: { status: ServiceStatus; timezone: string | null; earlyRelease: boolean; sites: MeetingsSite[] };
  calling: { status: ServiceStatus; location: CallingLocation | null };
  createdAt: string;
  mappedAt: string | null;
}

export type SubscriptionState = 'pending' | 'delegated' | 'mapped' | 'customer-sets-up' | 'set-up-later' | 'provisioned';

const SERVICES: readonly Service[] = ['meetings', 'calling'];

export function orderedServices(s: Subscription): Service[] {
  return SERVICES.filter((service) => s[service].status !== 'not-ordered');
}

export function subscriptionState(s: Subscription): SubscriptionState {
  if (s.orgId === null) return s.mappedFor === 'delegate' ? 'delegated' : 'pending';
  const statuses = orderedServices(s).map((service) => s[service].status);
  if (statuses.every((status) => status === 'provisioned')) return 'provisioned';
  if (statuses.includes('later')) return 'set-up-later';
  return s.setupBy === 'customer' ? 'customer-sets-up' : 'mapped';
}

/** What is left to do, in words, each with the command that does it. */
export function pendingSteps(s: Subscription): string[] {
  if (s.orgId === null) {
    const map = `map it: bulkhub subscriptions map ${s.id} --for customer|self|delegate`;
    return s.mappedFor === 'delegate' ? [`waiting for ${s.delegateEmail} to complete the order (or ${map})`] : [map];
  }
  return orderedServices(s)
    .filter((service) => s[service].status !== 'provisioned')
    .map((service) => {
      const how = s[service].status === 'later' ? 'set up later' : 'not set up yet';
      const who = s.setupBy === 'customer' ? ', the customer admin sets it up' : '';
      return `${SERVICE_NAME[service]}: ${how}${who} (bulkhub services setup ${service} ${s.id} ...)`;
    });
}

/** An order is mapped once; a delegated one can still be mapped by the person completing it. */
export function assertCanMap(s: Subscription): void {
  if (s.orgId !== null) {
    throw new RunRefused(
      'SUBSCRIPTION_STATE',
      `Subscription ${s.id} is already mapped (${s.mappedFor}, organisation ${s.orgId}); the organisations of an order cannot change once it is mapped.`,
    );
  }
}

/** A service is set up (or put off) once the order is mapped, and only once it is provisioned. */
export function assertCanSetUp(s: Subscription, service: Service): void {
  const name = SERVICE_NAME[service];
  if (s.orgId === null) {
    throw new RunRefused(
      'SUBSCRIPTION_STATE',
      `Subscription ${s.id} is ${subscriptionState(s)}: map it to its organisation first (bulkhub subscriptions map ${s.id} ...).`,
    );
  }
  if (s[service].status === 'not-ordered') {
    throw new RunRefused('SUBSCRIPTION_STATE', `Subscription ${s.id} has no ${name} licences: there is no ${name} to set up.`);
  }
  if (s[service].status === 'provisioned') {
    throw new RunRefused('SUBSCRIPTION_STATE', `${name} of subscription ${s.id} is already provisioned; change it in Control Hub, not here.`);
  }
}
