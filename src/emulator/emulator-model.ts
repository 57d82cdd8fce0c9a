import { timingSafeEqual } from 'node:crypto';

import { stringifyJson } from './api-reply.js';
import { deriveKey, urlSafeMac } from './derive-key.js';
import type { EmulatorClock } from './emulator-clock.js';
import {
  ALL_SCOPES,
  type ApiKey,
  type Organization,
  type Plan,
  type Scope,
  type Site,
  type SiteUser,
  type Survey,
} from './model-types.js';
import { buildResponse, type ResponseJson } from './response-generator.js';
import type { ResponseEntry } from './response-store.js';
import { FIRST_NAMES, LAST_NAMES } from './sample-text.js';
import { SeededRandom, hashInts, hexFrom, uuidFrom } from './seeded-random.js';
import { buildSurvey } from './survey-generator.js';

const YEAR_SECONDS = 365 * 24 * 3600;
const MAX_TOKENS = 20_000;
/** Serialized responses kept for re-reads (about 30 MB at most); records never change. */
const MAX_CACHED_RESPONSES = 20_000;

export interface EmulatorModelOptions {
  seed: number;
  origin: string;
  clock: EmulatorClock;
  bigIds: boolean;
}

export interface CreateOrganizationOptions {
  /** Default `ask_scale`. */
  plan?: Plan;
  /** Default 1. */
  sites?: number;
  /** Per site; default 3. */
  surveys?: number;
  /** Per survey; default 250. */
  responses?: number;
}

export interface CreateKeyOptions {
  organizationId: string;
  /** Default: every scope. */
  scopes?: readonly Scope[];
  /** Lifetime from the emulator's now; default one year. Negative gives an already expired key. */
  expiresInSeconds?: number;
}

/** Organizations, sites, surveys, API keys and tokens of one emulator instance. */
export class EmulatorModel {
  readonly organizations: Organization[] = [];
  private readonly sites = new Map<string, Site>();
  private readonly surveys: Survey[] = [];
  private readonly keys = new Map<string, ApiKey>();
  private readonly tokens = new Map<string, { key: ApiKey; expiresMs: number }>();
  private readonly responseCache = new Map<string, Buffer>();
  private readonly secret: Buffer;
  private keyCount = 0;
  private tokenCount = 0;

  constructor(private readonly options: EmulatorModelOptions) {
    this.secret = deriveKey(options.seed, 'model');
  }

  get seed(): number {
    return this.options.seed;
  }

  get bigIds(): boolean {
    return this.options.bigIds;
  }

  createOrganization(options: CreateOrganizationOptions = {}): Organization {
    const ordinal = this.organizations.length;
    const id = String(100_000 + ordinal * 7_001 + (hashInts(this.seed, 1, ordinal) % 7_001));
    const organization: Organization = {
      ordinal,
      id,
      plan: options.plan ?? 'ask_scale',
      sites: [],
    };
    this.organizations.push(organization);
    for (let i = 0; i < (options.sites ?? 1); i += 1) {
      organization.sites.push(this.createSite(organization, options));
    }

    return organization;
  }

  createKey(options: CreateKeyOptions): ApiKey {
    const organization = this.organizations.find((org) => org.id === options.organizationId);
    if (organization === undefined) {
      throw new RangeError(`no organization ${options.organizationId}`);
    }

    const n = this.keyCount++;
    const createdMs = this.options.clock.nowMs();
    const key: ApiKey = {
      clientId: urlSafeMac(this.secret, `client-id/${n}`, 24),
      clientSecret: urlSafeMac(this.secret, `client-secret/${n}`),
      organization,
      scopes: new Set(options.scopes ?? ALL_SCOPES),
      createdMs,
      expiresMs: createdMs + (options.expiresInSeconds ?? YEAR_SECONDS) * 1000,
    };
    this.keys.set(key.clientId, key);
    return key;
  }

  /** The key for a client ID + secret pair, or null when unknown, wrong or expired. */
  authenticateClient(clientId: string, clientSecret: string): ApiKey | null {
    const key = this.keys.get(clientId);
    if (key === undefined || !sameText(key.clientSecret, clientSecret)) {
      return null;
    }

    return this.isExpired(key) ? null : key;
  }

  issueToken(key: ApiKey, ttlSeconds: number): string {
    if (this.tokens.size >= MAX_TOKENS) {
      this.pruneTokens();
    }

    const token = urlSafeMac(this.secret, `token/${this.tokenCount++}`);
    this.tokens.set(token, { key, expiresMs: this.options.clock.nowMs() + ttlSeconds * 1000 });
    return token;
  }

  /** The key behind a bearer token, or null when unknown, expired, or its key expired. */
  keyForToken(token: string): ApiKey | null {
    const entry = this.tokens.get(token);
    if (entry === undefined || entry.expiresMs <= this.options.clock.nowMs()) {
      return null;
    }

    return this.isExpired(entry.key) ? null : entry.key;
  }

  findSite(siteId: string): Site | undefined {
    return this.sites.get(siteId);
  }

  allSurveys(): readonly Survey[] {
    return this.surveys;
  }

  /** Adds `count` newest responses to one survey, or round-robin over every survey. */
  /**
   * Adds `count` newest responses to one survey, or spread over every survey of the first
   * organization — the one whose key the emulator hands out, so a client sees all of them.
   */
  addResponses(count: number, survey?: Survey): number {
    const first = this.surveys[0]?.site.organization;
    const targets =
      survey === undefined ? this.surveys.filter((s) => s.site.organization === first) : [survey];
    if (targets.length === 0) {
      return 0;
    }

    for (let i = 0; i < count; i += 1) {
      targets[i % targets.length]?.store.add(this.options.clock.nowMs());
    }

    return count;
  }

  responseJson(survey: Survey, entry: ResponseEntry): ResponseJson {
    const user = survey.store.userOf(entry.seq);
    return buildResponse({
      seed: this.seed,
      survey,
      seq: entry.seq,
      createdMs: entry.createdMs,
      user: user === null ? null : survey.site.user(user),
      bigIds: this.bigIds,
    });
  }

  /**
   * One response as UTF-8 JSON, from a bounded cache (generation dominates page cost).
   * TODO(#2): a page of 100 freshly generated responses (~160 KB) costs a few ms of CPU, mostly
   * JSON serialization, so paging uncached data sustains only a few hundred pages/s per core.
   */
  responseBytes(survey: Survey, entry: ResponseEntry): Buffer {
    const cacheKey = `${survey.ordinal}:${entry.seq}`;
    let text = this.responseCache.get(cacheKey);
    if (text === undefined) {
      text = Buffer.from(stringifyJson(this.responseJson(survey, entry), this.bigIds));
      if (this.responseCache.size >= MAX_CACHED_RESPONSES) {
        const oldest = this.responseCache.keys().next();
        if (oldest.done !== true) {
          this.responseCache.delete(oldest.value);
        }
      }

      this.responseCache.set(cacheKey, text);
    }

    return text;
  }

  private isExpired(key: ApiKey): boolean {
    return key.expiresMs <= this.options.clock.nowMs();
  }

  private pruneTokens(): void {
    const now = this.options.clock.nowMs();
    for (const [token, entry] of this.tokens) {
      if (entry.expiresMs <= now) {
        this.tokens.delete(token);
      }
    }
  }

  private createSite(organization: Organization, options: CreateOrganizationOptions): Site {
    const ordinal = this.sites.size;
    const id = String(2_000_000 + ordinal * 10_007 + (hashInts(this.seed, 2, ordinal) % 10_007));
    const users = new Map<number, SiteUser>();
    const site: Site = {
      ordinal,
      id,
      url: `https://shop${ordinal + 1}.example.com`,
      organization,
      surveys: [],
      surveyByKey: new Map(),
      user: (index) => cachedUser(users, index, () => this.siteUser(ordinal, index)),
    };
    this.sites.set(id, site);
    for (let indexInSite = 0; indexInSite < (options.surveys ?? 3); indexInSite += 1) {
      const survey = buildSurvey({
        seed: this.seed,
        site,
        ordinal: this.surveys.length,
        indexInSite,
        responses: options.responses ?? 250,
        origin: this.options.origin,
      });
      site.surveys.push(survey);
      site.surveyByKey.set(survey.key, survey);
      this.surveys.push(survey);
    }

    return site;
  }

  private siteUser(siteOrdinal: number, index: number): SiteUser {
    const random = new SeededRandom(hashInts(this.seed, 3, siteOrdinal, index));
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    return {
      index,
      email: `${first}.${last}${index}@${random.pick(['example.com', 'mail.example.org'])}`,
      userId: `usr_${hexFrom(12, this.seed, 4, siteOrdinal, index)}`,
      hotjarUserId: uuidFrom(this.seed, 5, siteOrdinal, index),
    };
  }
}

function cachedUser(cache: Map<number, SiteUser>, index: number, make: () => SiteUser): SiteUser {
  let user = cache.get(index);
  if (user === undefined) {
    user = make();
    cache.set(index, user);
  }

  return user;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
