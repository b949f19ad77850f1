/** Shared by the latency benchmarks (search, dossiers): a deterministic PRNG and p50/p95 of timed requests. */

/** A small deterministic PRNG (mulberry32): the same generated database every time. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** p50 and p95 of `samples` calls (after a warm-up), each read to its end; a non-200 answer stops the bench. */
export async function latency(samples: number, call: (i: number) => Promise<Response>, warmUp = 3): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < warmUp; i++) await (await call(i)).arrayBuffer();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    const res = await call(i + warmUp);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`Expected 200 from the bench request, but found ${res.status}`);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)]!, p95: times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)]! };
}
