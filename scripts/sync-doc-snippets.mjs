#!/usr/bin/env node
// Rewrites every code block in README.md and docs/*.md that is preceded by `<!-- file: PATH -->` with the current
// content of PATH. __tests__/docs/snippets.test.ts fails when a block and its file differ; run this to fix that.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const documents = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
for (const document of documents) {
  const path = join(root, document);
  const before = readFileSync(path, 'utf8');
  const after = before.replace(
    /(<!-- file: (\S+) -->\s*\n```[a-z]*\n)[\s\S]*?```/g,
    (_all, head, file) => `${head}${readFileSync(join(root, file), 'utf8')}\`\`\``,
  );
  if (after !== before) {
    writeFileSync(path, after);
    console.log(`updated ${document}`);
  }
}
