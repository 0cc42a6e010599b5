// Docs cannot rot: a code block in README.md or docs/*.md preceded by `<!-- file: PATH -->` must be exactly the
// file at PATH, and that file is run by the test suite or a script. `npm run docs:sync` rewrites the blocks.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const documents = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const MARKED_BLOCK = /<!-- file: (\S+) -->\s*\n```[a-z]*\n([\s\S]*?)```/g;

const blocks = documents.flatMap((document) =>
  [...readFileSync(join(root, document), 'utf8').matchAll(MARKED_BLOCK)].map(
    (match) => [document, match[1]!, match[2]!] as const,
  ),
);

describe('documentation snippets', () => {
  it('exist', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks)('%s shows %s verbatim', (_document, path, shown) => {
    expect(shown).toBe(readFileSync(join(root, path), 'utf8'));
  });
});
