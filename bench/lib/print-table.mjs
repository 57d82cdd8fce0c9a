// The report as an aligned text table (also valid Markdown, for BENCHMARKS.md).

const HEADERS = ['scenario', 'metric', 'value', 'target', 'met?'];

function cells(r) {
  const value =
    r.value === null
      ? 'n/a'
      : `${r.value}${r.unit && r.unit !== '/s' && r.unit !== '/min' ? ` ${r.unit}` : ''}`;
  const met = r.met === null ? '' : r.met ? 'yes' : 'NO';
  return [r.scenario, r.metric, value, r.target, met];
}

/** Markdown table text for the rows. */
export function formatTable(rows) {
  const lines = [HEADERS, ...rows.map(cells)];
  const widths = HEADERS.map((_, i) => Math.max(...lines.map((line) => String(line[i]).length)));
  const format = (line) =>
    `| ${line.map((cell, i) => String(cell).padEnd(widths[i])).join(' | ')} |`;
  const rule = `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`;
  return [format(HEADERS), rule, ...lines.slice(1).map(format)].join('\n');
}
