/* eslint-disable no-console -- a process reports boot failures before a logger exists */
import type { Logger } from 'winston';
import { ConfigError } from './config/config';
import { withTimeout } from './timeout';
import { tracing } from './tracing/trace-context';

/** A started process: its logger, and how it stops. */
export interface Running {
  logger: Logger;
  /** The lines logged when a signal arrives and when the stop is done. */
  lines: { stopping: LogLine; stopped: LogLine };
  /** Stops taking work and closes everything, in order; the process then exits 0. */
  stop(): Promise<void>;
}

export interface LogLine {
  message: string;
  event: string;
}

export interface BootSteps<C> {
  /** Reads the configuration; a ConfigError ends the process with 78 before anything starts. */
  configure(): C;
  /** Why this process cannot run with that (valid) configuration, if it cannot: also 78. */
  refuse?(config: C): string | undefined;
  /** Builds and starts the process's work; a failure is printed and the process exits 1. */
  start(config: C): Promise<Running>;
}

/** 78 is EX_CONFIG: a supervisor should not restart-loop on a configuration it cannot run. */
const EX_CONFIG = 78;

/**
 * The one boot and shutdown of the API and the worker: configure → start; SIGTERM/SIGINT run
 * the stop once (logged before and after) and exit 0; after an unexpected exception or
 * rejection the process state is unknown, so it logs and exits 1 for the supervisor.
 */
export function boot<C>(steps: BootSteps<C>): void {
  run(steps).catch((err: unknown) => {
    console.error('failed to start:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

async function run<C>(steps: BootSteps<C>): Promise<void> {
  let config: C;
  try {
    config = steps.configure();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(EX_CONFIG);
    }
    throw err;
  }
  const refusal = steps.refuse?.(config);
  if (refusal) {
    console.error(refusal);
    process.exit(EX_CONFIG);
  }
  // Listening for signals before the start: a SIGTERM while it runs (the process may already
  // be working, e.g. a worker taking jobs) still stops it gracefully once it has started.
  let stopping = false;
  const started = steps.start(config);
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const running = await started;
    const { logger, lines } = running;
    logger.info(lines.stopping.message, { event: lines.stopping.event, signal });
    await running.stop();
    logger.info(lines.stopped.message, { event: lines.stopped.event });
    // The last spans leave before the exit; a collector that does not answer delays it 3 s at most.
    await withTimeout(tracing().flush(), 3_000, () => undefined).catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  const { logger } = await started;
  process.on('uncaughtException', (err) => {
    logger.error('uncaught exception', { error: err.message, stack: err.stack });
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection', { error: String(reason) });
    process.exit(1);
  });
}
