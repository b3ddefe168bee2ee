import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { REPO_ROOT, baseURL, callscopeBin, e2eDataDir, listenAddr } from './env';

// A second `callscope serve` next to the server under test: same data
// directory, so it attaches to the private PostgreSQL cluster that server
// started (and leaves it running when it stops). The SDK spec points the
// demo at it and stops it to play a collector outage.

/** Where the second collector listens: the base URL's port + 1. */
export function secondCollectorURL(): string {
  const url = new URL(baseURL());
  url.port = String(Number(listenAddr(url.href).split(':').pop()) + 1);
  return url.origin;
}

const START_TIMEOUT_MS = 60_000;

export class Collector {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout?.on('data', (chunk) => (this.output += chunk));
    child.stderr?.on('data', (chunk) => (this.output += chunk));
  }

  /** Starts `callscope serve` on `url` and waits until `/readyz` answers 200. */
  static async start(url: string): Promise<Collector> {
    const child = spawn(callscopeBin(), ['serve'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        CALLSCOPE_ADDR: listenAddr(url),
        CALLSCOPE_DATA_DIR: e2eDataDir(),
        // No load balancer to wait for: SIGTERM drains at once.
        CALLSCOPE_DRAIN_DELAY_SECS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collector = new Collector(child, url);
    await collector.waitHealthy();
    return collector;
  }

  private get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  private async waitHealthy(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`the second collector exited at start:\n${this.output}`);
      const healthy = await fetch(`${this.url}/readyz`).then((r) => r.ok, () => false);
      if (healthy) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await this.stop();
    throw new Error(`the second collector did not answer ${this.url}/readyz within ${START_TIMEOUT_MS} ms:\n${this.output}`);
  }

  /** Stops it with SIGTERM (a graceful shutdown) and returns its exit code. */
  async stop(): Promise<number | null> {
    if (!this.exited) {
      const exit = once(this.child, 'exit');
      this.child.kill('SIGTERM');
      await exit;
    }
    return this.child.exitCode;
  }

  /** What it printed, for failure messages. */
  get log(): string {
    return this.output;
  }
}
