/**
 * A README's code block that says which example file it shows (an HTML comment line
 * `<!-- example: examples/NAME.mjs -->` directly before the fence) must be that file, so the
 * code a reader copies is the code the packing test runs. Pure functions over text, plus one
 * that walks a packages root (a parameter, so the tests can point it at fixtures).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { findLibraryPackages } from './discover-packages';

export interface ReadmeExampleBlock {
  /** 1-based line of the `<!-- example: ... -->` comment. */
  commentLine: number;
  /** The path the comment names, relative to the package. */
  file: string;
  /** The block's content (between the fences), or undefined when no fence follows the comment. */
  content?: string;
  /** 1-based line of the block's first content line. */
  contentLine: number;
}

const COMMENT = /^\s*<!--\s*example:\s*(\S+?)\s*-->\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})/;

export function findExampleBlocks(markdown: string): ReadmeExampleBlock[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const blocks: ReadmeExampleBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const comment = COMMENT.exec(lines[i]);
    if (!comment) continue;
    const open = FENCE.exec(lines[i + 1] ?? '');
    if (!open) {
      blocks.push({ commentLine: i + 1, file: comment[1], contentLine: i + 2 });
      continue;
    }
    const marker = open[2];
    const closing = new RegExp(`^\\s*${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`);
    let end = i + 2;
    while (end < lines.length && !closing.test(lines[end])) end++;
    blocks.push({ commentLine: i + 1, file: comment[1], content: lines.slice(i + 2, end).join('\n'), contentLine: i + 3 });
    i = end;
  }
  return blocks;
}

export interface FirstDifference {
  /** 0-based index of the first differing line, counted from each text's first non-blank line. */
  index: number;
  /** How many leading lines trimming removed from each text (to turn `index` into a line number). */
  skippedA: number;
  skippedB: number;
  a: string | undefined;
  b: string | undefined;
}

function trimmedLines(text: string): { lines: string[]; skipped: number } {
  const normalized = text.replace(/\r\n?/g, '\n');
  const start = normalized.length - normalized.trimStart().length;
  const skipped = normalized.slice(0, start).split('\n').length - 1;
  return { lines: normalized.trim().split('\n'), skipped };
}

/** Where two texts first differ once both are trimmed, or undefined when they are equal. */
export function firstDifference(a: string, b: string): FirstDifference | undefined {
  const left = trimmedLines(a);
  const right = trimmedLines(b);
  if (left.lines.join('\n') === right.lines.join('\n')) return undefined;
  let index = 0;
  while (index < left.lines.length && index < right.lines.length && left.lines[index] === right.lines[index]) index++;
  return { index, skippedA: left.skipped, skippedB: right.skipped, a: left.lines[index], b: right.lines[index] };
}

export interface ReadmeProblem {
  package: string;
  readme: string;
  line: number;
  file: string;
  message: string;
}

const show = (line: string | undefined) => (line === undefined ? '(nothing: it ends here)' : JSON.stringify(line));

/** Every example block of one README against the files of its package folder. */
export function checkReadme(packageName: string, packageDir: string, readmeName = 'README.md'): ReadmeProblem[] {
  const readme = join(packageDir, readmeName);
  if (!existsSync(readme)) return [];
  const problems: ReadmeProblem[] = [];
  for (const block of findExampleBlocks(readFileSync(readme, 'utf8'))) {
    const at = { package: packageName, readme, file: block.file };
    const target = normalize(join(packageDir, block.file));
    if (!target.startsWith(normalize(packageDir + '/'))) {
      problems.push({ ...at, line: block.commentLine, message: `the example comment names ${block.file}, outside the package` });
    } else if (block.content === undefined) {
      problems.push({ ...at, line: block.commentLine, message: `the comment for ${block.file} is not directly followed by a fenced code block` });
    } else if (!existsSync(target)) {
      problems.push({ ...at, line: block.commentLine, message: `${block.file} does not exist` });
    } else {
      const difference = firstDifference(block.content, readFileSync(target, 'utf8'));
      if (difference) {
        const line = block.contentLine + difference.skippedA + difference.index;
        problems.push({
          ...at,
          line,
          message: `the block differs from ${block.file} at its line ${difference.skippedB + difference.index + 1}: README has ${show(difference.a)}, the file has ${show(difference.b)}`,
        });
      }
    }
  }
  return problems;
}

/** Every library package's README under a packages root. */
export function checkReadmeExamples(packagesRoot: string): ReadmeProblem[] {
  return findLibraryPackages(packagesRoot).flatMap((pkg) => checkReadme(pkg.name, pkg.dir));
}

export function formatProblem(problem: ReadmeProblem): string {
  return `${problem.package}: ${problem.readme}:${problem.line}: ${problem.message}`;
}
