import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { setTimeout as sleep } from "node:timers/promises";

export interface ForwardOptions {
  urls: string[];
  /** Called when a body could not be delivered to a URL; `why` never holds the body. */
  onGiveUp: (url: string, why: string) => void;
  giveUpAfterMs?: number;
  attemptTimeoutMs?: number;
  /** Bodies waiting beyond this are dropped rather than buffered without bound. */
  maxPendingBytes?: number;
  maxConcurrent?: number;
}

/** TRTC's own policy: one immediate retry, then every 10 s, for one minute. */
const RETRY_DELAYS_MS = [0, 1000, 2000, 5000, 10_000];

/** Re-posts raw callback bodies, byte for byte with their headers, after they are stored; never blocks the receiver. */
export class Forwarder {
  private readonly tasks = new Set<Promise<void>>();
  private readonly stop = new AbortController();
  private pendingBytes = 0;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: ForwardOptions) {}

  forward(raw: Buffer, headers: Record<string, string>): void {
    for (const url of this.options.urls) {
      if (this.pendingBytes + raw.length > (this.options.maxPendingBytes ?? 64 << 20)) {
        this.options.onGiveUp(url, "too many bodies waiting to be forwarded");
        continue;
      }
      this.pendingBytes += raw.length;
      const task = this.deliver(url, raw, headers).finally(() => {
        this.pendingBytes -= raw.length;
        this.tasks.delete(task);
      });
      this.tasks.add(task);
    }
  }

  /** Waits for deliveries to finish, at most `graceMs`; then abandons the rest (each reported through onGiveUp). */
  async drain(graceMs: number): Promise<void> {
    const all = Promise.all([...this.tasks]);
    await Promise.race([all, sleep(graceMs, undefined, { ref: false })]);
    this.stop.abort();
    await all;
  }

  private async deliver(url: string, raw: Buffer, headers: Record<string, string>): Promise<void> {
    const deadline = Date.now() + (this.options.giveUpAfterMs ?? 60_000);
    let why = "";
    for (let attempt = 0; !this.stop.signal.aborted; attempt++) {
      why = await this.attempt(url, raw, headers);
      if (why === "") return;
      const delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]!;
      if (Date.now() + delay > deadline) break;
      await sleep(delay, undefined, { signal: this.stop.signal }).catch(() => undefined);
    }
    this.options.onGiveUp(url, this.stop.signal.aborted ? `shutting down (last: ${why || "not tried"})` : `gave up after one minute (last: ${why})`);
  }

  /** One POST; "" on a 2xx, else why not. */
  private async attempt(url: string, raw: Buffer, headers: Record<string, string>): Promise<string> {
    if (this.active >= (this.options.maxConcurrent ?? 64)) await new Promise<void>((go) => this.waiting.push(go));
    this.active++;
    try {
      return await post(url, raw, headers, AbortSignal.any([AbortSignal.timeout(this.options.attemptTimeoutMs ?? 5000), this.stop.signal]));
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/** node:http rather than fetch: the headers sent are exactly the forwarded ones plus Host and Content-Length. */
function post(url: string, raw: Buffer, headers: Record<string, string>, signal: AbortSignal): Promise<string> {
  const secure = url.startsWith("https:");
  return new Promise((resolve) => {
    const req = (secure ? httpsRequest : httpRequest)(
      url,
      { method: "POST", headers: { ...headers, "content-length": raw.length }, agent: secure ? agents.https : agents.http, signal },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode! >= 200 && res.statusCode! < 300 ? "" : `HTTP ${res.statusCode}`));
        res.on("error", (err) => resolve(err.message));
      },
    );
    req.on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.name));
    req.end(raw);
  });
}
