import client from 'prom-client';
import { createClient, createCluster, ErrorReply } from 'redis';
import type { Logger } from 'winston';
import { withTimeout } from '../timeout';
import { createDeadlines } from './command-deadlines';
import { observeCommand, type CommandMetrics } from './command-metrics';

export type RedisState = 'connecting' | 'ready' | 'degraded';

/** Sends one raw command; `key` routes it in a cluster (its first key, if any). */
export type SendCommand = <T = unknown>(args: string[], key?: string) => Promise<T>;

/** Thrown at once, without touching the network, while Redis is known to be unreachable. */
export class RedisUnavailableError extends Error {
  constructor(message = 'redis is unavailable') {
    super(message);
    this.name = 'RedisUnavailableError';
  }
}

/**
 * One shared Redis connection (node-redis, standalone or cluster) with a health state.
 * Callers ask `usable()` and fall back (database, memory) when it is false; `send` never
 * waits longer than the command timeout, and never queues while disconnected.
 */
export interface RedisConnection {
  readonly keyPrefix: string;
  readonly isCluster: boolean;
  readonly commandTimeoutMs: number;
  usable(): boolean;
  state(): RedisState;
  /** Sends a command; throws RedisUnavailableError at once while degraded. */
  send: SendCommand;
  /**
   * Runs after Redis answers again and before the connection is marked ready, with a sender
   * that works while still degraded; a hook that throws keeps the connection degraded.
   */
  onRecovered(hook: (send: SendCommand) => Promise<void>): void;
  close(): Promise<void>;
}

export interface RedisConnectionOptions {
  url?: string;
  clusterNodes?: string[];
  keyPrefix: string;
  commandTimeoutMs: number;
  logger: Logger;
  registry: client.Registry;
  /** How often a degraded connection is probed with PING. */
  probeIntervalMs?: number;
  /** Command latency and failures (`send` only: the probe's PINGs are not traffic). */
  commandMetrics?: CommandMetrics;
}

/** Reconnect delay: exponential from 50 ms, capped at 2 s, with up to 100 ms of jitter. */
export function reconnectDelay(retries: number, random = Math.random): number {
  return Math.min(50 * 2 ** Math.min(retries, 10), 2_000) + Math.floor(random() * 100);
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Connects in the background: the service starts (degraded) even when Redis is down. */
export function createRedisConnection(options: RedisConnectionOptions): RedisConnection {
  const { logger, commandTimeoutMs } = options;
  const clusterNodes = options.clusterNodes ?? [];
  const isCluster = clusterNodes.length > 0;
  const socket = {
    connectTimeout: Math.max(1_000, commandTimeoutMs * 2),
    reconnectStrategy: (retries: number) => reconnectDelay(retries),
    keepAlive: true,
  };
  // No offline queue: a command issued while disconnected fails at once instead of piling up.
  const common = { disableOfflineQueue: true, commandsQueueMaxLength: 10_000 };
  const raw = isCluster
    ? createCluster({ rootNodes: clusterNodes.map((url) => ({ url })), defaults: { ...common, socket } })
    : createClient({ url: options.url, ...common, socket });

  const up = new client.Gauge({
    name: 'redis_up',
    help: '1 while Redis answers, 0 while the service runs degraded without it',
    registers: [options.registry],
  });
  const degradedTotal = new client.Counter({
    name: 'redis_degraded_total',
    help: 'Times the service lost Redis and fell back to the database and memory',
    registers: [options.registry],
  });
  up.set(0);

  let state: RedisState = 'connecting';
  let closed = false;
  let probing = false;
  const hooks: Array<(send: SendCommand) => Promise<void>> = [];

  const deadlines = createDeadlines(commandTimeoutMs);
  const issue = (args: string[], key?: string): Promise<unknown> => {
    try {
      return isCluster
        ? (raw as ReturnType<typeof createCluster>).sendCommand(key, false, args)
        : (raw as ReturnType<typeof createClient>).sendCommand(args);
    } catch (err) {
      return Promise.reject(err); // callers only ever see a rejected promise
    }
  };
  const sendRaw: SendCommand = <T>(args: string[], key?: string) =>
    deadlines.bound(issue(args, key) as Promise<T>);
  // A reply error (NOSCRIPT, WRONGTYPE) means Redis answered: it is not an outage.
  const onFailure = (err: unknown) => {
    if (!(err instanceof ErrorReply)) markDegraded(err);
  };

  const markDegraded = (err: unknown) => {
    if (closed || state === 'degraded') return;
    const was = state;
    state = 'degraded';
    up.set(0);
    degradedTotal.inc();
    // Logged once per outage, not per command: the probe below says when it is over.
    logger.warn(
      was === 'connecting' ? 'redis unreachable at start; running degraded' : 'redis lost; running degraded',
      {
        event: 'redis.degraded',
        error: describe(err),
      },
    );
  };

  const startedAt = Date.now();
  let connectedOnce = false;
  const probe = async () => {
    if (probing || closed || state === 'ready') return;
    // The first connection gets its connect timeout before the start counts as an outage.
    if (state === 'connecting' && !connectedOnce && Date.now() - startedAt < socket.connectTimeout) return;
    probing = true;
    try {
      await sendRaw(['PING']);
      for (const hook of hooks) await hook(sendRaw);
      const was = state;
      state = 'ready';
      up.set(1);
      logger.info(was === 'connecting' ? 'redis ready' : 'redis recovered', { event: 'redis.ready' });
    } catch (err) {
      markDegraded(err);
    } finally {
      probing = false;
    }
  };

  const prober = setInterval(() => void probe(), options.probeIntervalMs ?? 250);
  prober.unref();
  raw.on('error', (err: unknown) => markDegraded(err));
  raw.on('ready', () => void probe());
  raw.connect().then(
    () => {
      connectedOnce = true;
      return probe();
    },
    (err: unknown) => markDegraded(err),
  );

  return {
    keyPrefix: options.keyPrefix,
    isCluster,
    commandTimeoutMs,
    usable: () => state === 'ready',
    state: () => state,
    send<T>(args: string[], key?: string): Promise<T> {
      const sent =
        state === 'ready'
          ? deadlines.bound(issue(args, key) as Promise<T>, onFailure)
          : Promise.reject(new RedisUnavailableError());
      return observeCommand(options.commandMetrics, args, sent);
    },
    onRecovered(hook) {
      hooks.push(hook);
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(prober);
      deadlines.stop();
      up.set(0);
      try {
        if (state === 'ready')
          await withTimeout(raw.close(), commandTimeoutMs, () => {
            throw new Error(`redis command timed out after ${commandTimeoutMs} ms`);
          });
        else raw.destroy();
      } catch {
        try {
          raw.destroy();
        } catch {
          // already closed
        }
      }
    },
  };
}
