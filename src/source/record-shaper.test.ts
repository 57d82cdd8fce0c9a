import { describe, expect, it } from 'vitest';

import { shapeRecord } from './record-shaper.js';

describe('shapeRecord', () => {
  it('passes a record through when there is no shape', () => {
    const record = { id: 1 };
    expect(shapeRecord(record, undefined, { params: {} })).toEqual([record]);
  });

  it('adds fields from parameters', () => {
    const out = shapeRecord(
      { id: 1 },
      { add: { site_id: 'params.site_id' } },
      { params: { site_id: '9' } },
    );
    expect(out).toEqual([{ id: 1, site_id: '9' }]);
  });

  it('explodes an array into one record per element, with lookups and fallbacks', () => {
    const raw = {
      id: 5,
      comment: 'on the response',
      answers: [
        { question_id: 1, answer: 'yes' },
        { question_id: 2, answer: 'no', comment: 'mine' },
      ],
    };
    const parent = {
      questions: [
        { id: 1, text: 'Q1' },
        { id: 2, text: 'Q2' },
      ],
    };
    const out = shapeRecord(
      raw,
      {
        explode: 'answers',
        fields: {
          response_id: 'record.id',
          question_id: 'item.question_id',
          question_text: {
            lookup: 'parent.questions',
            key: 'id',
            equals: 'item.question_id',
            value: 'text',
          },
          comment: ['item.comment', 'record.comment'],
          position: 'index',
        },
      },
      { params: {}, parent },
    );
    expect(out).toEqual([
      {
        response_id: 5,
        question_id: 1,
        question_text: 'Q1',
        comment: 'on the response',
        position: 0,
      },
      { response_id: 5, question_id: 2, question_text: 'Q2', comment: 'mine', position: 1 },
    ]);
  });

  it('spreads an object with the * key', () => {
    const out = shapeRecord(
      { id: 3, qs: [{ id: 'a', text: 't' }] },
      { explode: 'qs', fields: { survey_id: 'record.id', '*': 'item' } },
      { params: {} },
    );
    expect(out).toEqual([{ survey_id: 3, id: 'a', text: 't' }]);
  });
});
