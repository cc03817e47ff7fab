// A seeded random source for the simulations and synthetic histories: the same seed gives the
// same numbers on every machine, so a test that uses one is deterministic. Not for secrets.

/** mulberry32 (Tommy Ettinger's public-domain 32-bit generator): uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An exponential draw with the given mean (inverse transform). */
export function exponential(random: () => number, mean: number): number {
  return -mean * Math.log(1 - random());
}

/** A Poisson draw: Knuth's product method for small means, a rounded normal above 30. */
export function poisson(random: () => number, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) {
    const u = 1 - random();
    const v = random();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k += 1;
    p *= random();
  }
  return k;
}

/** A gamma draw with mean 1 and the given shape (Marsaglia–Tsang): month-to-month over-dispersion. */
export function gammaMeanOne(random: () => number, shape: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const u1 = 1 - random();
    const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random());
    const v = (1 + c * normal) ** 3;
    if (v <= 0) continue;
    if (Math.log(1 - random()) < 0.5 * normal * normal + d - d * v + d * Math.log(v)) return (d * v) / shape;
  }
}
