/**
 * The Node versions the service supports: 20.19+ and 22 LTS (and 24, tested in CI). The image
 * runs on 22 LTS, CI tests every supported major, and the V8 flags every start command shares
 * (tests/static/deployment.test.ts, "node flags") must be ones the running Node accepts: run
 * under each CI matrix version, that check covers each of them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(root, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  engines: { node: string };
  scripts: Record<string, string>;
};
const HEAP_FLAGS = pkg.scripts.start.split(' ').filter((a) => a.startsWith('--'));

/** The image of each FROM line of a Dockerfile (continuations and flags such as --platform skipped). */
const baseImages = (dockerfile: string): string[] =>
  dockerfile
    .split(/\r?\n/)
    .map((line) => /^\s*FROM\s+(?:--\S+\s+)*(\S+)/i.exec(line)?.[1])
    .filter((image): image is string => image !== undefined);

/** `node` started with `flags`: its exit status and stderr. */
const startNode = (flags: string[]) =>
  spawnSync(process.execPath, [...flags, '-e', 'process.exit(0)'], { encoding: 'utf8', env: {} });

describe('supported Node versions', () => {
  it('when npm checks engines, then Node 20.19 and later are accepted', () => {
    expect(pkg.engines.node).toBe('>=20.19');
  });

  it('when the image is built, then both stages run on node:22-bookworm-slim', () => {
    const images = baseImages(read('Dockerfile'));
    expect(images.length).toBeGreaterThanOrEqual(2);
    expect(images.filter((image) => image !== 'node:22-bookworm-slim')).toEqual([]);
  });

  it('when CI tests, then a matrix runs the tests on Node 20, 22 and 24 with the npm cache', () => {
    const workflow = parse(read('.github/workflows/ci.yml'));
    const job = workflow.jobs.test;
    const versions = job.strategy.matrix.node.map(String);
    expect(versions).toEqual(['20', '22', '24']);
    expect(job.strategy['fail-fast']).toBe(false);
    const setup = job.steps.find((s: any) => String(s.uses).startsWith('actions/setup-node@'));
    expect(setup.with['node-version']).toBe('${{ matrix.node }}');
    expect(setup.with.cache).toBe('npm');
    // Artifacts of one run need distinct names, one per matrix entry.
    const upload = job.steps.find((s: any) => String(s.uses).startsWith('actions/upload-artifact@'));
    expect(upload.with.name).toContain('${{ matrix.node }}');
  });

  it('when this Node starts with the service flags, then it accepts every one of them', () => {
    expect(HEAP_FLAGS.length).toBeGreaterThan(0);
    const result = startNode(HEAP_FLAGS);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('when the checks see an old base image or an unknown flag, then they report it', () => {
    expect(
      baseImages('FROM node:20-bookworm-slim AS build\nRUN x\nFROM --platform=x node:22 AS y\n'),
    ).toEqual(['node:20-bookworm-slim', 'node:22']);
    expect(startNode(['--no-such-node-flag']).status).not.toBe(0);
  });
});
