// Latencies as a mergeable histogram: simulator workers each keep one and the bench adds them up.
// Buckets are 10 µs wide below 1 ms and 1 % wide above, so percentiles are within 1 %; the
// maximum is kept exactly.

export interface LatencySummary {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/** What crosses the IPC channel: bucket → count, plus the exact extremes. */
export interface HistogramData {
  buckets: [number, number][];
  count: number;
  sum: number;
  max: number;
}

const LOG_STEP = Math.log(1.01);
const bucketOf = (ms: number) =>
  ms < 1 ? Math.floor(Math.max(0, ms) * 100) : 100 + Math.floor(Math.log(ms) / LOG_STEP);
const upperOf = (bucket: number) => (bucket < 100 ? (bucket + 1) / 100 : Math.exp((bucket - 99) * LOG_STEP));

export class LatencyHistogram {
  #buckets = new Map<number, number>();
  count = 0;
  sum = 0;
  max = 0;

  record(ms: number): void {
    const b = bucketOf(ms);
    this.#buckets.set(b, (this.#buckets.get(b) ?? 0) + 1);
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  add(other: HistogramData | LatencyHistogram): this {
    const data = other instanceof LatencyHistogram ? other.toData() : other;
    for (const [b, n] of data.buckets) this.#buckets.set(b, (this.#buckets.get(b) ?? 0) + n);
    this.count += data.count;
    this.sum += data.sum;
    this.max = Math.max(this.max, data.max);
    return this;
  }

  percentile(p: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (const b of [...this.#buckets.keys()].sort((x, y) => x - y)) {
      seen += this.#buckets.get(b)!;
      if (seen >= rank) return Math.min(upperOf(b), this.max);
    }
    return this.max;
  }

  summary(): LatencySummary {
    const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
    return {
      count: this.count,
      p50: round(this.percentile(50)),
      p95: round(this.percentile(95)),
      p99: round(this.percentile(99)),
      max: round(this.count ? this.max : null),
      mean: round(this.count ? this.sum / this.count : null),
    };
  }

  toData(): HistogramData {
    return { buckets: [...this.#buckets], count: this.count, sum: this.sum, max: this.max };
  }

  /**
   * What was recorded between two snapshots of one cumulative histogram (later − earlier). The
   * maximum is the upper edge of the highest bucket that grew (within 1 %), not the exact one.
   */
  static between(earlier: HistogramData, later: HistogramData): LatencyHistogram {
    const before = new Map(earlier.buckets);
    const h = new LatencyHistogram();
    for (const [b, n] of later.buckets) {
      const grew = n - (before.get(b) ?? 0);
      if (grew <= 0) continue;
      h.#buckets.set(b, grew);
      h.count += grew;
      h.max = Math.max(h.max, Math.min(upperOf(b), later.max));
    }
    h.sum = later.sum - earlier.sum;
    return h;
  }

  static of(values: Iterable<number>): LatencyHistogram {
    const h = new LatencyHistogram();
    for (const v of values) h.record(v);
    return h;
  }
}
