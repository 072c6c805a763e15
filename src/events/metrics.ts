/**
 * A small Prometheus registry for `GET /metrics` (text exposition format 0.0.4). Counters and
 * histograms are kept here; other modules keep plain stats objects and register a reader:
 * `metrics.gauge(name, help, () => stats.pending)` or `metrics.counterFrom(name, help, () => ...)`.
 */
export type Labels = Record<string, string>;
/** A reader's answer: one value, or one value per label set. */
export type Reading = number | { labels: Labels; value: number }[];

export interface Counter {
  inc(labels?: Labels, by?: number): void;
}

export interface Histogram {
  observe(value: number): void;
}

interface Family {
  type: "counter" | "gauge" | "histogram";
  help: string;
  samples(): { suffix?: string; labels: Labels; value: number }[];
}

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const escapeHelp = (s: string) => s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
const escapeValue = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const number = (v: number) => (Number.isNaN(v) ? "NaN" : v === Infinity ? "+Inf" : v === -Infinity ? "-Inf" : String(v));
const labelText = (labels: Labels) => {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeValue(v)}"`);
  return pairs.length ? `{${pairs.join(",")}}` : "";
};
const fromReading = (r: Reading) => (typeof r === "number" ? [{ labels: {}, value: r }] : r);

export class Metrics {
  private readonly families = new Map<string, Family>();

  private add(name: string, family: Family): void {
    if (!NAME.test(name)) throw new Error(`invalid metric name ${name}`);
    if (this.families.has(name)) throw new Error(`metric ${name} registered twice`);
    this.families.set(name, family);
  }

  counter(name: string, help: string): Counter {
    const values = new Map<string, { labels: Labels; value: number }>();
    this.add(name, { type: "counter", help, samples: () => [...values.values()] });
    return {
      inc(labels = {}, by = 1) {
        const key = labelText(labels);
        const entry = values.get(key) ?? values.set(key, { labels, value: 0 }).get(key)!;
        entry.value += by;
      },
    };
  }

  /** A counter kept elsewhere (it must only grow), read at each scrape. */
  counterFrom(name: string, help: string, read: () => Reading): void {
    this.add(name, { type: "counter", help, samples: () => fromReading(read()) });
  }

  gauge(name: string, help: string, read: () => Reading): void {
    this.add(name, { type: "gauge", help, samples: () => fromReading(read()) });
  }

  histogram(name: string, help: string, buckets: number[]): Histogram {
    const counts = buckets.map(() => 0);
    let sum = 0;
    let count = 0;
    this.add(name, {
      type: "histogram",
      help,
      samples: () => [
        ...buckets.map((le, i) => ({ suffix: "_bucket", labels: { le: number(le) }, value: counts[i]! })),
        { suffix: "_bucket", labels: { le: "+Inf" }, value: count },
        { suffix: "_sum", labels: {}, value: sum },
        { suffix: "_count", labels: {}, value: count },
      ],
    });
    return {
      observe(value) {
        buckets.forEach((le, i) => {
          if (value <= le) counts[i]!++;
        });
        sum += value;
        count++;
      },
    };
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, family] of this.families) {
      lines.push(`# HELP ${name} ${escapeHelp(family.help)}`, `# TYPE ${name} ${family.type}`);
      for (const s of family.samples()) lines.push(`${name}${s.suffix ?? ""}${labelText(s.labels)} ${number(s.value)}`);
    }
    return `${lines.join("\n")}\n`;
  }
}
