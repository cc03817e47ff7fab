// mulberry32: a tiny seeded PRNG (Tommy Ettinger's, public domain). The simulator needs runs that
// repeat exactly for a given --seed, which Math.random cannot give.

/** One draw: a number in [0, 1) and the state to draw the next one from. */
export function nextRandom(state: number): { value: number; state: number } {
  const next = (state + 0x6d2b79f5) | 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { value: ((t ^ (t >>> 14)) >>> 0) / 4294967296, state: next };
}

/** A stateful generator over nextRandom, for code that just wants the next number. */
export function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    const draw = nextRandom(state);
    state = draw.state;
    return draw.value;
  };
}
