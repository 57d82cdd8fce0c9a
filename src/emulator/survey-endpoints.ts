import { authorize, isReply } from './api-auth.js';
import { errorReply, jsonReply, type ApiReply, type ApiRequest } from './api-reply.js';
import type { EmulatorContext } from './emulator-context.js';
import type { FiredFaults } from './fault-injector.js';
import { listPage } from './list-page.js';
import type { ApiKey, Scope, Site, Survey } from './model-types.js';

export interface SurveyRoute {
  siteId: string;
  surveyId?: string;
  faults: FiredFaults | null;
}

function notFound(context: EmulatorContext, what: string, id: string): ApiReply {
  return errorReply(context.settings.errorFormat, {
    status: 404,
    code: `${what}_not_found`,
    message: `no ${what} ${id} in this organization`,
  });
}

/** The key, site and (when asked) survey of the route, or the error answer. */
function resolve(
  context: EmulatorContext,
  request: ApiRequest,
  route: SurveyRoute & { scope: Scope },
): { key: ApiKey; site: Site; survey?: Survey } | ApiReply {
  const key = authorize(context, request, { scope: route.scope, askScaleOnly: true });
  if (isReply(key)) {
    return key;
  }

  const site = context.model.findSite(route.siteId);
  if (site === undefined || site.organization !== key.organization) {
    return notFound(context, 'site', route.siteId);
  }

  if (route.surveyId === undefined) {
    return { key, site };
  }

  const survey = site.surveyByKey.get(route.surveyId);
  return survey === undefined ? notFound(context, 'survey', route.surveyId) : { key, site, survey };
}

function parseBoolean(raw: string | null): boolean | null {
  if (raw === null || raw === 'false' || raw === '0') {
    return false;
  }

  return raw === 'true' || raw === '1' ? true : null;
}

function surveyJson(survey: Survey, withQuestions: boolean): unknown {
  return withQuestions ? { ...survey.json, questions: survey.questions } : survey.json;
}

/** `GET /v1/sites/{site_id}/surveys`, newest first, `with_questions` optional. */
export function listSurveys(
  context: EmulatorContext,
  request: ApiRequest,
  route: SurveyRoute,
): ApiReply {
  const found = resolve(context, request, { ...route, scope: 'surveys:read' });
  if (isReply(found)) {
    return found;
  }

  const withQuestions = parseBoolean(request.query.get('with_questions'));
  if (withQuestions === null) {
    return errorReply(context.settings.errorFormat, {
      status: 400,
      code: 'invalid_parameter',
      message: 'with_questions must be true or false',
    });
  }

  const surveys = found.site.surveys;
  return listPage(context, request, {
    scope: `s/${found.site.id}`,
    positionLength: 1,
    faults: route.faults,
    fetch: (position, count) => {
      const start = position === null ? 0 : (position[0] ?? 0) + 1;
      const slice = surveys.slice(start, start + count);
      return {
        results: slice.map((survey) =>
          Buffer.from(JSON.stringify(surveyJson(survey, withQuestions))),
        ),
        last: slice.length === 0 ? null : [start + slice.length - 1],
        more: start + slice.length < surveys.length,
      };
    },
  });
}

/** `GET /v1/sites/{site_id}/surveys/{survey_id}`: the survey itself, with its questions. */
export function getSurvey(
  context: EmulatorContext,
  request: ApiRequest,
  route: SurveyRoute,
): ApiReply {
  const found = resolve(context, request, { ...route, scope: 'surveys:read' });
  if (isReply(found) || found.survey === undefined) {
    return isReply(found) ? found : notFound(context, 'survey', '');
  }

  return jsonReply(200, surveyJson(found.survey, true));
}

/** `GET …/surveys/{survey_id}/responses`: newest first, keyset cursors on (created time, seq). */
export function listResponses(
  context: EmulatorContext,
  request: ApiRequest,
  route: SurveyRoute,
): ApiReply {
  const found = resolve(context, request, { ...route, scope: 'responses:read' });
  if (isReply(found) || found.survey === undefined) {
    return isReply(found) ? found : notFound(context, 'survey', '');
  }

  const survey = found.survey;
  if (route.faults !== null && route.faults.insert > 0) {
    context.model.addResponses(route.faults.insert, survey);
  }

  // Without faults a page's bytes depend only on the survey's state and the query: reuse them.
  const key = `${survey.ordinal}/${survey.store.version}/${request.query.get('limit') ?? ''}/${request.query.get('cursor') ?? ''}`;
  const cached = route.faults === null ? context.pages.get(key) : undefined;
  if (cached !== undefined) return cached.reply;

  const reply = listPage(context, request, {
    scope: `r/${found.site.id}/${survey.key}`,
    positionLength: 2,
    faults: route.faults,
    fetch: (position, count) => {
      const page = survey.store.pageAfter(
        position === null ? null : [position[0] ?? 0, position[1] ?? 0],
        count,
      );
      const last = page.entries.at(-1);
      return {
        results: page.entries.map((entry) => context.model.responseBytes(survey, entry)),
        last: last === undefined ? null : [last.createdMs, last.seq],
        more: page.more,
      };
    },
  });

  if (route.faults === null && reply.status === 200) {
    context.pages.set(key, { reply, bytes: reply.body.length });
  }
  return reply;
}
