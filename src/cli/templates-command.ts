import { Command } from 'commander';

import { hotjarTemplates } from '../connectors/hotjar/template-registry.js';
import type { Template } from '../connectors/hotjar/template-schema.js';
import type { CliContext } from './cli-context.js';

/** `templates`: the Hotjar templates with their parameters (`--json`). */
export function buildTemplatesCommand(cli: CliContext): Command {
  return new Command('templates')
    .description('list the Hotjar endpoint templates and their parameters')
    .option('--json', 'print them as JSON')
    .action((options: { json?: boolean }) => {
      const templates = [...hotjarTemplates().values()];
      if (options.json === true) {
        cli.stdout.write(`${JSON.stringify(templates.map(describeTemplate))}\n`);
        return;
      }

      for (const template of templates) cli.stdout.write(formatTemplate(template));
    });
}

/** The public view of a template: what a user picks and fills in. */
export function describeTemplate(template: Template): Record<string, unknown> {
  return {
    name: template.name,
    title: template.title,
    description: template.description,
    params: template.params,
    primary_key: template.primary_key,
    incremental: template.incremental !== undefined,
  };
}

function formatTemplate(template: Template): string {
  const lines = [`${template.name} — ${template.title}`, `  ${template.description}`];
  for (const [name, param] of Object.entries(template.params)) {
    const flag = param.required ? 'required' : 'optional';
    lines.push(`  ${name} (${param.type}, ${flag}): ${param.description}`);
  }
  lines.push(
    `  primary key: ${template.primary_key.join(', ')}${template.incremental === undefined ? '' : ' · incremental'}`,
  );
  return `${lines.join('\n')}\n\n`;
}
