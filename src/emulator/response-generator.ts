import type { Question, SiteUser, Survey } from './model-types.js';
import { PHRASES, SHORT_TEXTS, TAGS } from './sample-text.js';
import { SeededRandom, hashInts, uuidFrom } from './seeded-random.js';

export interface AnswerJson {
  question_id: number;
  answer: string | number | string[] | null;
  comment: string | null;
  tags: { name: string }[];
  sentiment: 'positive' | 'negative' | 'neutral' | null;
}

export interface ResponseJson {
  id: number | bigint;
  created_time: string;
  is_complete: boolean;
  device: string;
  browser: string;
  os: string;
  country: string;
  hotjar_user_id: string;
  response_origin_url: string;
  recording_url: string | null;
  user_attributes: { name: string; value: unknown }[];
  window_size?: { width: number; height: number };
  answers: AnswerJson[];
}

export interface ResponseBuildOptions {
  seed: number;
  survey: Survey;
  seq: number;
  createdMs: number;
  user: SiteUser | null;
  /** Ids and one attribute above 2^53, so clients must keep integers exact. */
  bigIds: boolean;
}

const DEVICES = ['desktop', 'desktop', 'mobile', 'mobile', 'tablet'];
const BROWSERS = ['Chrome', 'Safari', 'Firefox', 'Edge', 'Samsung Internet', 'Opera'];
const SYSTEMS = ['Windows', 'macOS', 'iOS', 'Android', 'Linux', 'ChromeOS'];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'ES', 'BR', 'JP', 'CN', 'KR', 'EG', 'IL', 'IN', 'VN'];
const SIZES = [
  { width: 1920, height: 1080 },
  { width: 390, height: 844 },
  { width: 1366, height: 768 },
  { width: 820, height: 1180 },
];

const BIG_OFFSET = 9_007_199_254_740_993n;

function longText(random: SeededRandom): string {
  const parts: string[] = [];
  let size = 0;
  const target = random.between(3_000, 9_000);
  while (size < target) {
    const text = random.pick(PHRASES).text;
    parts.push(text);
    size += Buffer.byteLength(text) + 1;
  }

  return parts.join('\n');
}

function freeText(random: SeededRandom): { text: string; sentiment: AnswerJson['sentiment'] } {
  const roll = random.next();
  if (roll < 0.05) {
    return { text: '', sentiment: null };
  }

  if (roll < 0.07) {
    return { text: longText(random), sentiment: 'neutral' };
  }

  const phrase = random.pick(PHRASES);
  return { text: phrase.text, sentiment: phrase.sentiment };
}

function scaled(random: SeededRandom, max: number, min = 1): string | number {
  const value = random.between(min, max);
  return random.chance(0.1) ? value : String(value);
}

function choiceTexts(question: Question): string[] {
  return (question.choices ?? []).map((choice) =>
    typeof choice === 'string' ? choice : choice.text,
  );
}

function answerOf(
  question: Question,
  answer: AnswerJson['answer'],
  extra: Partial<Pick<AnswerJson, 'comment' | 'tags' | 'sentiment'>> = {},
): AnswerJson {
  return {
    question_id: question.id,
    answer,
    comment: extra.comment ?? null,
    tags: extra.tags ?? [],
    sentiment: extra.sentiment ?? null,
  };
}

function answerValue(question: Question, random: SeededRandom, user: SiteUser | null): AnswerJson {
  switch (question.type) {
    case 'long-text': {
      const { text, sentiment } = freeText(random);
      const tags = random.sample(TAGS, random.int(3)).map((name) => ({ name }));
      return answerOf(question, text, { tags, sentiment });
    }
    case 'short-text':
      return answerOf(question, random.pick(SHORT_TEXTS));
    case 'single-option': {
      const choices = choiceTexts(question);
      const answer = random.pick(choices);
      const commentable = typeof question.choices?.[0] === 'object' && answer === choices.at(-1);
      return answerOf(question, answer, {
        comment: commentable ? random.pick(PHRASES).text : null,
      });
    }
    case 'multiple-option': {
      const picked = random.sample(choiceTexts(question), random.between(1, 3));
      return answerOf(question, random.chance(0.1) ? picked : picked.join(', '));
    }
    case 'email':
      return answerOf(question, user?.email ?? `visitor${random.int(10_000)}@example.org`);
    case 'reaction':
    case 'rating-1-5':
      return answerOf(question, scaled(random, 5));
    case 'reaction-binary':
      return answerOf(question, scaled(random, 1, 0));
    case 'rating-1-7':
      return answerOf(question, scaled(random, 7));
    case 'nps':
      return answerOf(question, scaled(random, 10, 0));
    default:
      return answerOf(question, random.pick(SHORT_TEXTS));
  }
}

function answers(
  options: ResponseBuildOptions,
  random: SeededRandom,
  complete: boolean,
): AnswerJson[] {
  const answerable = options.survey.questions.filter(
    (q) => q.type !== 'statement' && q.type !== 'thank-you',
  );
  const answered = complete ? answerable.length : random.int(answerable.length);
  const out: AnswerJson[] = [];
  for (const question of answerable.slice(0, answered)) {
    const skipped = !question.is_required && random.chance(0.1);
    const answer = skipped ? answerOf(question, null) : answerValue(question, random, options.user);
    out.push(
      options.survey.json.sentiment_analysis_enabled ? answer : { ...answer, sentiment: null },
    );
  }

  return out;
}

function userAttributes(
  options: ResponseBuildOptions,
  random: SeededRandom,
): ResponseJson['user_attributes'] {
  const { user } = options;
  if (user === null) {
    return random.chance(0.5)
      ? []
      : [{ name: 'locale', value: random.pick(['en-US', 'ar-EG', 'ja-JP']) }];
  }

  const attributes: ResponseJson['user_attributes'] = [
    { name: 'email', value: user.email },
    { name: 'user_id', value: user.userId },
    { name: 'plan', value: random.pick(['free', 'pro', 'enterprise']) },
    { name: 'lifetime_value', value: Math.round(random.next() * 500_000) / 100 },
    { name: 'is_trial', value: random.chance(0.3) },
    { name: 'company', value: random.chance(0.5) ? null : 'Ääkköset Oy' },
    {
      name: 'preferences',
      value: { theme: random.pick(['dark', 'light']), seats: random.int(50) },
    },
    { name: 'segments', value: random.sample(['beta', 'newsletter', 'vip', 'churn-risk'], 2) },
  ];
  if (options.bigIds) {
    attributes.push({ name: 'account_number', value: BIG_OFFSET + BigInt(user.index) });
  }

  return attributes;
}

/**
 * Builds response `seq` of a survey; the same inputs always give the same record.
 * TODO(#2): no knob yet for the published variant that puts `comment` and `tags` on the response
 * instead of on each answer.
 */
export function buildResponse(options: ResponseBuildOptions): ResponseJson {
  const { seed, survey, seq, user } = options;
  const random = new SeededRandom(hashInts(seed, 30, survey.ordinal, seq));
  const numericId = 10_000_000_000 + survey.ordinal * 100_000_000 + seq;
  const complete = random.chance(0.85);
  const siteUrl = survey.site.url;
  const recordingUrl = `https://insights.hotjar.com/r?site=${survey.site.id}&recording=${hashInts(seed, 32, seq)}`;
  const record: ResponseJson = {
    id: options.bigIds ? BIG_OFFSET + BigInt(numericId) : numericId,
    created_time: new Date(options.createdMs).toISOString(),
    is_complete: complete,
    device: random.pick(DEVICES),
    browser: random.pick(BROWSERS),
    os: random.pick(SYSTEMS),
    country: random.pick(COUNTRIES),
    hotjar_user_id: user?.hotjarUserId ?? uuidFrom(seed, 31, survey.ordinal, seq),
    response_origin_url: `${siteUrl}/${random.pick(['', 'pricing', 'checkout?step=2', 'ja/ホーム'])}`,
    recording_url: random.chance(0.6) ? recordingUrl : null,
    user_attributes: userAttributes(options, random),
    ...(random.chance(0.6) ? { window_size: random.pick(SIZES) } : {}),
    answers: answers(options, random, complete),
  };
  return record;
}
