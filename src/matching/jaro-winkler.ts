/**
 * Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4, boost above 0.7), allocation-free:
 * the match flags live in buffers reused across calls.
 */
let flagsA = new Uint8Array(128);
let flagsB = new Uint8Array(128);

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (la > flagsA.length || lb > flagsB.length) {
    const n = Math.max(la, lb) * 2;
    flagsA = new Uint8Array(n);
    flagsB = new Uint8Array(n);
  }
  flagsA.fill(0, 0, la);
  flagsB.fill(0, 0, lb);
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let m = 0;
  for (let i = 0; i < la; i++) {
    const lo = i > window ? i - window : 0;
    const hi = i + window < lb - 1 ? i + window : lb - 1;
    const c = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === c) {
        flagsA[i] = 1;
        flagsB[j] = 1;
        m++;
        break;
      }
    }
  }
  if (m === 0) return 0;
  let t = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 1) {
      while (flagsB[k] === 0) k++;
      if (a.charCodeAt(i) !== b.charCodeAt(k)) t++;
      k++;
    }
  }
  const jaro = (m / la + m / lb + (m - t / 2) / m) / 3;
  if (jaro <= 0.7) return jaro;
  let p = 0;
  const maxp = Math.min(4, la, lb);
  while (p < maxp && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  return jaro + p * 0.1 * (1 - jaro);
}
