export interface PathMacroValues {
  flow: string;
  runId: string;
  /** The run's start; `{date}` is its UTC day. */
  now: Date;
}

/**
 * Expands `{flow}`, `{run}` and `{date}` (YYYY-MM-DD, UTC) in a file path. Path separators in
 * the flow name or run id become `_`, so a macro can never move the file to another directory.
 */
export function expandPathMacros(path: string, values: PathMacroValues): string {
  const replacements: Record<string, string> = {
    flow: safeSegment(values.flow),
    run: safeSegment(values.runId),
    date: values.now.toISOString().slice(0, 10),
  };

  return path.replace(/\{(flow|run|date)\}/g, (_match, name: string) => replacements[name] ?? '');
}

function safeSegment(value: string): string {
  return value.replace(/[/\\]/g, '_');
}
