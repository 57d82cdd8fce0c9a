import type { Question, Site, Survey } from './model-types.js';
import { ResponseStore } from './response-store.js';
import { SeededRandom, hashInts, uuidFrom } from './seeded-random.js';

/** The emulator's fixed "now" at start: every generated record is older than this instant. */
export const EPOCH_MS = Date.parse('2026-01-01T00:00:00.000Z');

/** Generated responses spread over this span before the epoch (about a year). */
const SPAN_SECONDS = 364 * 24 * 3600;

/** Every question type Hotjar is known to send, in the order the first survey of a site uses. */
export const QUESTION_TYPES = [
  'reaction',
  'reaction-binary',
  'long-text',
  'short-text',
  'single-option',
  'multiple-option',
  'email',
  'rating-1-5',
  'rating-1-7',
  'nps',
  'statement',
  'thank-you',
] as const;

const SURVEY_TYPES = ['popover', 'full_screen', 'link', 'button', 'inline', 'bubble'];
const SURVEY_NAMES = ['Exit intent', 'NPS Q3', 'Checkout feedback', 'Onboarding', 'Pricing page'];
const CHOICES = ['Price', 'Quality', 'Délai de livraison', '使いやすさ', 'Other 🤔'];

const QUESTION_TEXT: Record<string, string> = {
  reaction: 'How would you rate your experience today?',
  'reaction-binary': 'Was this page helpful?',
  'long-text': 'What could we do to improve?',
  'short-text': 'What brought you here?',
  'single-option': 'What matters most to you?',
  'multiple-option': 'Which features do you use? (pick all that apply)',
  email: 'Leave your email if we may follow up',
  'rating-1-5': 'Rate the search results',
  'rating-1-7': 'How easy was it to find what you needed?',
  nps: 'How likely are you to recommend us to a friend?',
  statement: 'We read every answer. Merci ! ありがとう！',
  'thank-you': 'Thank you for your feedback!',
};

const SCALED = new Set(['reaction', 'rating-1-5', 'rating-1-7', 'nps']);

export interface SurveyBuildOptions {
  seed: number;
  site: Site;
  /** Unique across the emulator. */
  ordinal: number;
  /** Position within the site: 0 is the newest survey. */
  indexInSite: number;
  responses: number;
  /** The emulator's origin, for `responses_url`. */
  origin: string;
}

function surveyKey(seed: number, ordinal: number): string {
  if (ordinal % 3 === 2) {
    return `survey_${uuidFrom(seed, 21, ordinal)}`;
  }

  return String(1_000_000 + ordinal * 7_919 + (hashInts(seed, 22, ordinal) % 7_919));
}

function buildQuestion(
  options: { ordinal: number; position: number; type: string },
  random: SeededRandom,
): Question {
  const { ordinal, position, type } = options;
  const options_ = type === 'single-option' || type === 'multiple-option';
  const objectChoices = ordinal % 2 === 1;
  return {
    id: 50_000_000 + ordinal * 100 + position,
    text: QUESTION_TEXT[type] ?? type,
    type,
    is_required: type !== 'statement' && type !== 'thank-you' && random.chance(0.4),
    choices: !options_
      ? null
      : objectChoices
        ? CHOICES.map((text, i) => ({ text, allow_comment: i === CHOICES.length - 1 }))
        : [...CHOICES],
    labels: SCALED.has(type) ? { low_label: 'Not at all', high_label: 'Extremely' } : null,
    image_url: random.chance(0.15)
      ? `https://cdn.example.com/survey/${ordinal}/${position}.png`
      : null,
  };
}

function questionTypes(indexInSite: number, random: SeededRandom): string[] {
  if (indexInSite === 0) {
    return [...QUESTION_TYPES];
  }

  const answerable = QUESTION_TYPES.filter((t) => t !== 'statement' && t !== 'thank-you');
  const picked = random.sample(answerable, random.between(2, 5));
  return random.chance(0.3) ? [...picked, 'statement', 'thank-you'] : [...picked, 'thank-you'];
}

/** Creation time of base response `index` (0 = newest): spread over a year, a few exact ties. */
function responseTimeline(seed: number, ordinal: number, count: number): (index: number) => number {
  const newestSeconds = EPOCH_MS / 1000 - 60;
  const raw = (index: number): number => {
    const jitter = (hashInts(seed, 23, ordinal, index) % 900) / 1000;
    return (newestSeconds - Math.floor(((index + jitter) * SPAN_SECONDS) / count)) * 1000;
  };

  return (index) => raw(index % 47 === 46 ? index - 1 : index);
}

/** Which site user (if any) gave response `seq`: about a third are anonymous. */
export function userOfResponse(seed: number, ordinal: number, seq: number): number | null {
  const h = hashInts(seed, 24, ordinal, seq);
  return h % 100 < 35 ? null : (h >>> 8) % USERS_PER_SITE;
}

export const USERS_PER_SITE = 400;

/** Builds one survey with its questions and its (lazy) responses. */
export function buildSurvey(options: SurveyBuildOptions): Survey {
  const { seed, site, ordinal, indexInSite } = options;
  const random = new SeededRandom(hashInts(seed, 20, ordinal));
  const key = surveyKey(seed, ordinal);
  const createdMs = EPOCH_MS - (30 + indexInSite * 11) * 86_400_000 - random.int(86_400) * 1000;
  const questions = questionTypes(indexInSite, random).map((type, position) =>
    buildQuestion({ ordinal, position, type }, random),
  );

  const store = new ResponseStore({
    baseCount: options.responses,
    baseCreatedMs: responseTimeline(seed, ordinal, Math.max(options.responses, 1)),
    userOf: (seq) => userOfResponse(seed, ordinal, seq),
  });

  const json = {
    id: /^\d+$/.test(key) ? Number(key) : key,
    name: `${random.pick(SURVEY_NAMES)} #${ordinal + 1}`,
    type: random.pick(SURVEY_TYPES),
    is_enabled: random.chance(0.8),
    created_time: new Date(createdMs).toISOString(),
    updated_time: new Date(createdMs + random.int(20 * 86_400) * 1000).toISOString(),
    url: `${site.url}/${random.pick(['', 'pricing', 'checkout', 'blog/launch'])}`,
    responses_url: `${options.origin}/v1/sites/${site.id}/surveys/${encodeURIComponent(key)}/responses`,
    sentiment_analysis_enabled: random.chance(0.7),
  };

  return { ordinal, key, site, json, questions, store };
}
