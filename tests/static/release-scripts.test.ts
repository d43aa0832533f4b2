/**
 * The release scripts against a stand-in kubectl and smoke command (stand-ins.ts):
 * scripts/blue-green-switch.sh (a switch, a smoke failure before it, an automatic switch back)
 * and scripts/deploy-rollout.sh, the workflow's deploy step (a release, and its rollback).
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { root } from './deployment-files';
import { inOrder, portForwards, standIns, type Rule, type StandIns } from './stand-ins';

const IMAGE = 'ghcr.io/example-org/otp-login-api:sha-abc123';
const SELECTS_BLUE: Rule = ['always', 'get service otp-login-api -o jsonpath=*', 0, 'blue'];
const patch = (track: string) =>
  `kubectl patch service otp-login-api --type=merge -p {"spec":{"selector":{"track":"${track}"}}}`;

let k: StandIns;
beforeEach(() => (k = standIns()));
afterEach(() => k.cleanup());

it.each(['scripts/blue-green-switch.sh', 'scripts/deploy-rollout.sh', 'scripts/smoke.sh'])(
  'when %s is checked, then it is executable, bash parses it and -h prints its usage',
  (file) => {
    const path = join(root, file);
    expect(() => accessSync(path, constants.X_OK)).not.toThrow();
    expect(execFileSync('bash', [path, '-h'], { encoding: 'utf8' })).toMatch(/^Usage: /);
  },
);

describe('scripts/blue-green-switch.sh', () => {
  it('when blue is live and green passes both smoke tests, then green gets the image, rolls out, is tested, then the Service moves to it', () => {
    const r = k.run('scripts/blue-green-switch.sh', [IMAGE], { rules: [SELECTS_BLUE] });
    expect(r.status).toBe(0);
    expect(inOrder(r.calls)).toEqual([
      'kubectl get service otp-login-api -o jsonpath={.spec.selector.track}',
      `kubectl set image deployment/otp-login-api-green api=${IMAGE}`,
      'kubectl scale deployment/otp-login-api-green --replicas=3',
      'kubectl rollout status deployment/otp-login-api-green --timeout=300s',
      'smoke http://127.0.0.1:18081',
      patch('green'),
      'smoke http://127.0.0.1:18081',
    ]);
    // The first smoke test reaches the green pods only, the second the Service users reach.
    expect(portForwards(r.calls)).toEqual(['service/otp-login-api-green', 'service/otp-login-api']);
  });

  it('when the idle colour fails its smoke test, then the Service selector is never changed', () => {
    const r = k.run('scripts/blue-green-switch.sh', [IMAGE], { rules: [SELECTS_BLUE], smoke: [1] });
    expect(r.status).toBe(1);
    expect(r.calls.filter((c) => c.includes(' patch '))).toEqual([]);
    expect(r.output).toMatch(/still routes to track=blue/);
  });

  it('when the idle colour does not roll out, then it is not smoke-tested and the Service is not changed', () => {
    const r = k.run('scripts/blue-green-switch.sh', [IMAGE], {
      rules: [SELECTS_BLUE, ['always', 'rollout status *', 1]],
    });
    expect(r.status).toBe(1);
    expect(r.calls.filter((c) => c.startsWith('smoke') || c.includes(' patch '))).toEqual([]);
  });

  it('when the smoke test fails after the switch, then the Service is switched back to the previous colour and the script fails', () => {
    const r = k.run('scripts/blue-green-switch.sh', [IMAGE], { rules: [SELECTS_BLUE], smoke: [0, 1] });
    expect(r.status).toBe(1);
    expect(inOrder(r.calls).slice(-3)).toEqual([
      patch('green'),
      'smoke http://127.0.0.1:18081',
      patch('blue'),
    ]);
    expect(r.output).toMatch(/switching back to track=blue/);
  });

  it('when --back is asked with green live, then blue (the previous release) is smoke-tested and made live without a new image', () => {
    const r = k.run('scripts/blue-green-switch.sh', ['--back'], {
      rules: [['always', 'get service otp-login-api *', 0, 'green']],
    });
    expect(r.status).toBe(0);
    expect(r.calls.filter((c) => / (set|scale|rollout) /.test(c))).toEqual([]);
    expect(inOrder(r.calls).slice(-2)).toEqual([patch('blue'), 'smoke http://127.0.0.1:18081']);
  });

  it('when the Service selects no colour, then it refuses before touching anything', () => {
    const r = k.run('scripts/blue-green-switch.sh', [IMAGE], { rules: [['always', 'get service *', 0, '']] });
    expect(r.status).toBe(1);
    expect(r.calls).toHaveLength(1);
    expect(r.output).toMatch(/expected blue or green/);
  });
});

describe('scripts/deploy-rollout.sh', () => {
  const dir = 'deploy/k8s';
  /** The API's revision is 4 before the release and 5 after it; the worker's stays 7 (its template unchanged). */
  const revisions: Rule[] = [
    ['once', 'get deployment otp-login-api --ignore-not-found *', 0, '4'],
    ['always', 'get deployment otp-login-api --ignore-not-found *', 0, '5'],
    ['always', 'get deployment otp-login-worker --ignore-not-found *', 0, '7'],
  ];

  it('when the rollout and the smoke test pass, then it applies, waits for each Deployment, tests the new pods and undoes nothing', () => {
    const r = k.run('scripts/deploy-rollout.sh', [dir], { rules: revisions });
    expect(r.status).toBe(0);
    expect(inOrder(r.calls).filter((c) => !c.includes(' get '))).toEqual([
      `kubectl apply -k ${dir}`,
      'kubectl rollout status deployment/otp-login-api --timeout=300s',
      'kubectl rollout status deployment/otp-login-worker --timeout=300s',
      'smoke http://127.0.0.1:18080',
    ]);
    expect(portForwards(r.calls)).toEqual(['service/otp-login-api']);
  });

  it('when a rollout does not complete, then the changed Deployment is undone to its previous revision and the script fails', () => {
    const r = k.run('scripts/deploy-rollout.sh', [dir], {
      rules: [['once', 'rollout status deployment/otp-login-api *', 1], ...revisions],
    });
    expect(r.status).toBe(1);
    expect(r.calls.filter((c) => c.startsWith('smoke'))).toEqual([]);
    const undo = r.calls.filter((c) => c.includes(' rollout undo '));
    expect(undo).toEqual(['kubectl rollout undo deployment/otp-login-api --to-revision=4']);
    const undone = r.calls.indexOf(undo[0]);
    expect(r.calls[undone + 1]).toBe('kubectl rollout status deployment/otp-login-api --timeout=300s');
  });

  it('when the smoke test fails against the new pods, then the release is rolled back and the script fails', () => {
    const r = k.run('scripts/deploy-rollout.sh', [dir], { rules: revisions, smoke: [1] });
    expect(r.status).toBe(1);
    const afterSmoke = r.calls.slice(r.calls.findIndex((c) => c.startsWith('smoke')));
    expect(afterSmoke).toContain('kubectl rollout undo deployment/otp-login-api --to-revision=4');
    expect(r.output).toMatch(/smoke test failed/);
  });

  it('when the apply fails before any Deployment changed, then nothing is undone (an undo would go back one release too far)', () => {
    const r = k.run('scripts/deploy-rollout.sh', [dir], {
      rules: [['always', 'apply *', 1], ['always', 'get deployment otp-login-api *', 0, '4'], revisions[2]],
    });
    expect(r.status).toBe(1);
    expect(r.calls.filter((c) => / rollout /.test(c))).toEqual([]);
  });
});
