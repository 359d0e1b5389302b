// README code blocks marked `<!-- example: examples/NAME.mjs -->` are the example files
// (which the packing test runs), checked in every library package; and the checker itself,
// on fixtures that must pass and fixtures that must fail.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLibraryPackages } from './discover-packages';
import { PACKAGES_ROOT, FIXTURES_ROOT } from './paths';
import { checkReadme, checkReadmeExamples, findExampleBlocks, firstDifference, formatProblem } from './readme-examples';

describe('README example blocks equal their files', () => {
  for (const pkg of findLibraryPackages(PACKAGES_ROOT)) {
    it(`${pkg.name} (${pkg.relativeDir}/README.md)`, () => {
      const problems = checkReadme(pkg.name, pkg.dir).map(formatProblem);
      expect(problems, problems.join('\n')).toEqual([]);
    });
  }
});

describe('the README example checker', () => {
  const fixtures = join(FIXTURES_ROOT, 'readme-packages');

  it('compares trimmed texts and says where they first differ', () => {
    expect(firstDifference('\n\na\nb\n', 'a\nb')).toBeUndefined();
    expect(firstDifference('a\r\nb', 'a\nb')).toBeUndefined();
    expect(firstDifference('a\nb\nc', 'a\nB\nc')).toMatchObject({ index: 1, a: 'b', b: 'B' });
    expect(firstDifference('\na\nb', 'a\nb\nc')).toMatchObject({ index: 2, skippedA: 1, skippedB: 0, a: undefined, b: 'c' });
  });

  it('finds the blocks a comment line directly precedes, with their lines', () => {
    const blocks = findExampleBlocks('x\n<!-- example: examples/a.mjs -->\n```js\none\ntwo\n```\n\n```js\nfree\n```\n<!-- example: examples/b.ts -->\n\n```ts\nb\n```\n');
    expect(blocks).toEqual([
      { commentLine: 2, file: 'examples/a.mjs', content: 'one\ntwo', contentLine: 4 },
      { commentLine: 11, file: 'examples/b.ts', contentLine: 12 },
    ]);
  });

  it('passes a README whose blocks equal their files and ignores private packages', () => {
    expect(checkReadme('@fixture/same', join(fixtures, 'same'))).toEqual([]);
    const names = findLibraryPackages(fixtures).map((pkg) => pkg.name);
    expect(names).toEqual(['@fixture/differs', '@fixture/missing', '@fixture/nested', '@fixture/same']);
  });

  it('fails naming the package, the README line and the first differing line', () => {
    const problems = checkReadmeExamples(fixtures).map(formatProblem);
    expect(problems).toEqual([
      `@fixture/differs: ${join(fixtures, 'differs', 'README.md')}:7: the block differs from examples/hello.mjs at its line 3: README has "console.log(\`hi, \${name}\`);", the file has "console.log(\`hello, \${name}\`);"`,
      `@fixture/missing: ${join(fixtures, 'missing', 'README.md')}:3: examples/nope.mjs does not exist`,
      `@fixture/missing: ${join(fixtures, 'missing', 'README.md')}:8: the comment for examples/also-nope.mjs is not directly followed by a fenced code block`,
      `@fixture/nested: ${join(fixtures, 'models', 'nested', 'README.md')}:6: the block differs from examples/short.mjs at its line 2: README has (nothing: it ends here), the file has "console.log(2);"`,
    ]);
  });
});
