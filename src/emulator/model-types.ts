import type { ResponseStore } from './response-store.js';

/** Hotjar plans: Ask Scale may export surveys and look users up; Observe Scale only looks up. */
export type Plan = 'ask_scale' | 'observe_scale';

export const PLANS: readonly Plan[] = ['ask_scale', 'observe_scale'];

/** Scopes an emulated API key can carry; the default key has all of them. */
export const ALL_SCOPES = [
  'surveys:read',
  'responses:read',
  'user-lookup',
  'user-deletion',
] as const;

export type Scope = (typeof ALL_SCOPES)[number];

export interface Question {
  id: number;
  text: string;
  type: string;
  is_required: boolean;
  choices: string[] | { text: string; allow_comment: boolean }[] | null;
  labels: { low_label: string; high_label: string } | null;
  image_url: string | null;
}

/** A survey as the API shows it, without `questions`. */
export interface SurveyJson {
  id: number | string;
  name: string;
  type: string;
  is_enabled: boolean;
  created_time: string;
  updated_time: string;
  url: string;
  responses_url: string;
  sentiment_analysis_enabled: boolean;
}

export interface Survey {
  /** Unique across the emulator; feeds every hash of this survey's responses. */
  ordinal: number;
  /** The id as it appears in URLs. */
  key: string;
  site: Site;
  json: SurveyJson;
  questions: Question[];
  store: ResponseStore;
}

/** A visitor of a site who identified themselves (the target of user lookups). */
export interface SiteUser {
  index: number;
  email: string;
  userId: string;
  hotjarUserId: string;
}

export interface Site {
  ordinal: number;
  id: string;
  url: string;
  organization: Organization;
  surveys: Survey[];
  surveyByKey: Map<string, Survey>;
  user(index: number): SiteUser;
}

export interface Organization {
  ordinal: number;
  id: string;
  plan: Plan;
  sites: Site[];
}

export interface ApiKey {
  clientId: string;
  clientSecret: string;
  organization: Organization;
  scopes: ReadonlySet<Scope>;
  createdMs: number;
  expiresMs: number;
}
