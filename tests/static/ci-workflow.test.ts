/**
 * The CI workflow (.github/workflows/ci.yml), parsed: the image needs the tests and the audit
 * gate and is pushed only from main and release tags, with an SBOM and a keyless signature;
 * CodeQL and the full load test run; a tag deploys only after every gate, through the script
 * that rolls back (release-scripts.test.ts runs it); every action is pinned to a version.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { read, readYaml, root, runSteps } from './deployment-files';

describe('.github/workflows/ci.yml', () => {
  const workflow = readYaml('.github/workflows/ci.yml');
  const jobs = workflow.jobs as Record<string, any>;
  const needs = (name: string): string[] => [].concat(jobs[name].needs ?? []);
  /** Every job a job waits for, directly or through another. */
  const upstream = (name: string): Set<string> => new Set(needs(name).flatMap((n) => [n, ...upstream(n)]));
  const stepIndex = (job: any, match: (s: any) => boolean) => job.steps.findIndex(match);
  const uses = (prefix: string) => (s: any) => String(s.uses ?? '').startsWith(prefix);

  it('when the image is built, then it needs the tests and the audit, and pushes to GHCR only on main and v* tags', () => {
    const image = jobs.image;
    expect(needs('image')).toEqual(expect.arrayContaining(['test', 'audit']));
    const build = image.steps.find(uses('docker/build-push-action@'));
    expect(String(build.with.push)).toMatch(/PUSH/);
    expect(String(image.env.PUSH)).toContain("github.ref == 'refs/heads/main'");
    expect(String(image.env.PUSH)).toContain("startsWith(github.ref, 'refs/tags/v')");
    expect(workflow.on.push.tags).toContain('v*');
  });

  it('when production dependencies have a high-severity advisory, then the audit job fails (a gate of the image and the deploy)', () => {
    const audit = runSteps(jobs.audit).find((r) => /^npm audit\b/.test(r));
    expect(audit).toMatch(/--omit=dev/);
    expect(audit).toMatch(/--audit-level=high/);
    expect(audit).not.toMatch(/\|\||continue-on-error/);
    expect(jobs.audit.steps.some((s: any) => s['continue-on-error'])).toBe(false);
  });

  it('when code is pushed, then CodeQL initialises for javascript-typescript and analyses, allowed to upload results', () => {
    const codeql = jobs.codeql;
    const init = stepIndex(codeql, uses('github/codeql-action/init@'));
    const analyze = stepIndex(codeql, uses('github/codeql-action/analyze@'));
    expect(init).toBeGreaterThanOrEqual(0);
    expect(analyze).toBeGreaterThan(init);
    expect(codeql.steps[init].with.languages).toBe('javascript-typescript');
    expect(codeql.permissions['security-events']).toBe('write');
  });

  it('when the image is built, then an SBOM is made of it and, when pushed, it is signed by digest with cosign keyless', () => {
    const image = jobs.image;
    const build = stepIndex(image, uses('docker/build-push-action@'));
    const sbom = stepIndex(image, uses('anchore/sbom-action@'));
    const installer = stepIndex(image, uses('sigstore/cosign-installer@'));
    const sign = stepIndex(image, (s) => /\bcosign sign --yes\b/.test(String(s.run)));
    expect(sbom).toBeGreaterThan(build);
    expect(image.steps[sbom].with.image).toContain('steps.build.outputs.digest');
    expect(sign).toBeGreaterThan(installer);
    expect(installer).toBeGreaterThan(build);
    expect(image.steps[sign].run).toMatch(/"\$IMAGE@\$DIGEST"/);
    expect(image.steps[sign].env.DIGEST).toContain('steps.build.outputs.digest');
    expect(image.steps[sign].if).toMatch(/PUSH == 'true'/);
    // Keyless: the job's OIDC token, no key in a secret.
    expect(image.permissions['id-token']).toBe('write');
    expect(image.steps[sign].run).not.toMatch(/--key\b/);
  });

  it('when the tests pass, then the full load test runs against PostgreSQL and Redis', () => {
    expect(needs('load')).toContain('test');
    expect(jobs.load.services.postgres).toBeDefined();
    expect(jobs.load.services.redis).toBeDefined();
    const run = runSteps(jobs.load);
    expect(run.some((r) => /^npm run load\b/.test(r) && !/--short/.test(r))).toBe(true);
    expect(run.findIndex((r) => r === 'npm run build')).toBeLessThan(
      run.findIndex((r) => /^npm run load/.test(r)),
    );
  });

  it('when a v* tag is pushed, then deploy runs only after every gate and rolls out through the script that smoke-tests and rolls back', () => {
    const deploy = jobs.deploy;
    expect(deploy.if).toContain("startsWith(github.ref, 'refs/tags/v')");
    expect([...upstream('deploy')]).toEqual(
      expect.arrayContaining(['test', 'audit', 'codeql', 'load', 'image']),
    );
    const kubectl = stepIndex(deploy, uses('azure/setup-kubectl@'));
    const setImage = stepIndex(deploy, (s) => /kustomize edit set image/.test(String(s.run)));
    const rollout = stepIndex(deploy, (s) => /^scripts\/deploy-rollout\.sh deploy\/k8s$/.test(String(s.run)));
    expect(kubectl).toBeGreaterThanOrEqual(0);
    expect(setImage).toBeGreaterThan(kubectl);
    expect(rollout).toBeGreaterThan(setImage);
    // The image deployed is the one built, signed and scanned: by digest, never a moving tag.
    expect(deploy.steps[setImage].env.DIGEST).toBe('${{ needs.image.outputs.digest }}');
    expect(deploy.steps[setImage].run).toMatch(/@\$DIGEST/);
    expect(jobs.image.outputs.digest).toContain('steps.build.outputs.digest');
    expect(Object.keys(deploy.steps[rollout].env)).toEqual(
      expect.arrayContaining(['SMOKE_EMAIL', 'SMOKE_CODE']),
    );
  });
});

describe('every workflow', () => {
  const files = readdirSync(join(root, '.github', 'workflows')).filter((f) => /\.ya?ml$/.test(f));

  it.each(files)('when %s uses an action, then it is pinned to a full version or a commit', (file) => {
    const workflow = readYaml(join('.github', 'workflows', file));
    const all = Object.values(workflow.jobs as Record<string, any>).flatMap((job) =>
      (job.steps ?? []).map((s: any) => s.uses).filter(Boolean),
    );
    expect(all.length).toBeGreaterThan(0);
    for (const action of all) expect(action).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/);
  });
});

describe('.ci/run', () => {
  it('when CI runs, then the short load test runs after npm test', () => {
    const lines = read('.ci/run')
      .split('\n')
      .map((l) => l.trim());
    const test = lines.indexOf('npm test');
    const load = lines.findIndex((l) => /^npm run load -- .*--short/.test(l));
    expect(test).toBeGreaterThanOrEqual(0);
    expect(load).toBeGreaterThan(test);
  });
});
