/**
 * Stand-ins for the release scripts' tests: a `kubectl` and a smoke command, put first on PATH
 * in a temporary directory. Both append their argv to one log (so the order of the calls can
 * be checked) and answer from outcomes the test configures:
 * - kubectl: rules `[once|always, glob, exit code, stdout]`, the first rule whose glob matches
 *   its arguments answers (a `once` rule only the first time); no match: exit 0, no output.
 * - smoke: the exit codes of its successive calls (missing ones: 0).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './deployment-files';

export type Rule = ['once' | 'always', string, number, string?];

const KUBECTL = `#!/usr/bin/env bash
echo "kubectl $*" >> "$STAND_IN_LOG"
args="$*"
n=0
while IFS=$'\\t' read -r when pattern code out; do
  n=$((n + 1))
  [[ "$args" == $pattern ]] || continue
  if [ "$when" = once ]; then
    grep -qx "$n" "$KUBECTL_RULES.used" 2>/dev/null && continue
    echo "$n" >> "$KUBECTL_RULES.used"
  fi
  printf '%s' "$out"
  exit "$code"
done < "$KUBECTL_RULES"
exit 0
`;

const SMOKE = `#!/usr/bin/env bash
echo "smoke $*" >> "$STAND_IN_LOG"
echo x >> "$SMOKE_COUNT"
n=$(wc -l < "$SMOKE_COUNT")
read -r -a outcomes <<<"$SMOKE_OUTCOMES"
exit "\${outcomes[$((n - 1))]:-0}"
`;

export interface StandIns {
  run(
    script: string,
    args: string[],
    o?: { rules?: Rule[]; smoke?: number[]; env?: Record<string, string> },
  ): {
    status: number | null;
    output: string;
    calls: string[];
  };
  cleanup(): void;
}

export function standIns(): StandIns {
  const dir = mkdtempSync(join(tmpdir(), 'otp-release-'));
  writeFileSync(join(dir, 'kubectl'), KUBECTL, { mode: 0o755 });
  writeFileSync(join(dir, 'smoke'), SMOKE, { mode: 0o755 });
  let runs = 0;
  return {
    run(script, args, o = {}) {
      runs += 1;
      const log = join(dir, `calls-${runs}.log`);
      const rules = join(dir, `rules-${runs}.tsv`);
      writeFileSync(rules, (o.rules ?? []).map((r) => `${r[0]}\t${r[1]}\t${r[2]}\t${r[3] ?? ''}\n`).join(''));
      const result = spawnSync('bash', [join(root, script), ...args], {
        encoding: 'utf8',
        env: {
          PATH: `${dir}:${process.env.PATH}`,
          STAND_IN_LOG: log,
          KUBECTL_RULES: rules,
          SMOKE_COUNT: join(dir, `smoke-${runs}.count`),
          SMOKE_OUTCOMES: (o.smoke ?? []).join(' '),
          SMOKE_CMD: join(dir, 'smoke'),
          ...o.env,
        },
      });
      const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
      return { status: result.status, output: result.stdout + result.stderr, calls };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The calls in order, without the port-forwards (started in the background, so their line may come late). */
export const inOrder = (calls: string[]) => calls.filter((c) => !c.includes(' port-forward '));
export const portForwards = (calls: string[]) =>
  calls.filter((c) => c.includes(' port-forward ')).map((c) => c.split(' ')[2]);
