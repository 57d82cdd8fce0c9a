// One line of the report: a measured value, and when there is a target, whether it was met.

/**
 * @param {{scenario: string, metric: string, value: number | null, unit?: string,
 *   target?: {op: '>=' | '<=', limit: number}}} o  without target the row is information only.
 */
export function row(o) {
  const target = o.target ? `${o.target.op === '>=' ? '≥' : '≤'} ${o.target.limit}` : '';
  let met = null;
  if (o.target && o.value !== null) {
    met = o.target.op === '>=' ? o.value >= o.target.limit : o.value <= o.target.limit;
  }
  return {
    scenario: o.scenario,
    metric: o.metric,
    value: o.value,
    unit: o.unit ?? '',
    target,
    met,
  };
}
