/** Process sampling for `npm run bench` (scripts/bench.ts), from /proc (Linux). */
import { readFileSync } from 'node:fs';

/** The pid that serves (taskset execs node in place, so it is the child's own pid). */
export const rssKb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

/** utime + stime of a process, in ms (clock ticks of 10 ms). */
export const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
