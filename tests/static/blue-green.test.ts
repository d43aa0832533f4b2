/**
 * deploy/k8s/blue-green, parsed: a blue and a green API Deployment made from the base's one
 * (so they never drift from it), each with a Service of its own, and the Service users reach
 * selecting one colour by `track`, with the names scripts/blue-green-switch.sh uses.
 */
import { parse } from 'yaml';
import { read, readYaml } from './deployment-files';

const layout = (dir: string) => readYaml(`deploy/k8s/blue-green/${dir}kustomization.yaml`);
const switchScript = read('scripts/blue-green-switch.sh');
const scriptDefault = (name: string) => new RegExp(`\\$\\{${name}:-([^}]+)\\}`).exec(switchScript)?.[1];
/** Each patch of a kustomization, parsed: its kind, name, whether it deletes, and the rest. */
const patchesOf = (k: any): Array<{ kind: string; name: string; deletes: boolean; doc: any }> =>
  (k.patches ?? []).map((p: { patch: string }) => {
    const doc = parse(p.patch);
    return { kind: doc.kind, name: doc.metadata.name, deletes: doc.$patch === 'delete', doc };
  });

describe('deploy/k8s/blue-green', () => {
  const top = layout('');

  it('when the layout is built, then it holds the shared part and the two colours, and the image can be set in one place', () => {
    expect(top.resources).toEqual(['shared', 'blue', 'green']);
    expect(top.images[0].name).toBe('ghcr.io/example-org/otp-login-api');
    expect(layout('shared/').resources).toEqual(['../../base']);
  });

  it.each(['blue', 'green'])(
    'when the %s colour is built, then its Deployment and Service get the colour as name suffix and as track label on selectors and pods',
    (colour) => {
      const k = layout(`${colour}/`);
      expect(k.resources).toEqual(['../track']);
      expect(k.nameSuffix).toBe(`-${colour}`);
      expect(k.labels).toEqual([
        { pairs: { track: colour }, includeSelectors: true, includeTemplates: true },
      ]);
      // The names the switch script sets the image on, rolls out and smoke-tests.
      expect(`${scriptDefault('PREFIX')}-${colour}`).toBe(`otp-login-api-${colour}`);
    },
  );

  it('when the colours are made, then each is the base Deployment and Service only (the shared resources are not copied per colour)', () => {
    const track = layout('track/');
    expect(track.resources).toEqual(['../../base']);
    const base = readYaml('deploy/k8s/base/kustomization.yaml').resources.length;
    const deleted = patchesOf(track).filter((p) => p.deletes);
    // Everything of the base but its API Deployment and its Service.
    expect(deleted).toHaveLength(base - 2);
    expect(deleted.map((p) => p.kind)).not.toContain('Service');
    expect(deleted.filter((p) => p.kind === 'Deployment').map((p) => p.name)).toEqual(['otp-login-worker']);
  });

  it('when traffic is routed, then the one Service selects a colour by track, the base single Deployment and its HPA are gone', () => {
    const patches = patchesOf(layout('shared/'));
    const selector = patches.find((p) => !p.deletes && p.kind === 'Service');
    expect(selector?.name).toBe(scriptDefault('SERVICE'));
    expect(['blue', 'green']).toContain(selector?.doc.spec.selector.track);
    const deleted = patches.filter((p) => p.deletes).map((p) => `${p.kind}/${p.name}`);
    expect(deleted.sort()).toEqual(['Deployment/otp-login-api', 'HorizontalPodAutoscaler/otp-login-api']);
  });
});
