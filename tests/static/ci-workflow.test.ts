/** The CI workflow (.github/workflows/ci.yml): the image needs the tests and is pushed only from main; production dependencies are audited. */
import { readYaml, runSteps } from './deployment-files';

describe('.github/workflows/ci.yml', () => {
  const workflow = readYaml('.github/workflows/ci.yml');
  const jobs = workflow.jobs as Record<string, any>;
  const testJob = Object.values(jobs).find((job) => job.services?.redis && job.services?.postgres);

  it('when the image is built, then it needs the tests and pushes to GHCR only on main', () => {
    const image = jobs.image;
    expect([].concat(image.needs)).toContain('test');
    const build = image.steps.find((s: any) => String(s.uses).startsWith('docker/build-push-action@'));
    expect(String(build.with.push)).toMatch(/PUSH/);
    expect(String(image.env.PUSH)).toContain("github.ref == 'refs/heads/main'");
  });

  it('when the tests run, then the production dependencies are audited for high-severity advisories', () => {
    const audit = runSteps(testJob).find((r) => /^npm audit\b/.test(r));
    expect(audit).toMatch(/--omit=dev/);
    expect(audit).toMatch(/--audit-level=high/);
  });
});
