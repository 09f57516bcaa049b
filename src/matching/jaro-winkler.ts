/**
 * Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4, boost above 0.7), allocation-free:
 * match marks live in buffers reused across calls, cleared by a generation stamp instead of fill().
 */
let marksA = new Int32Array(256);
let marksB = new Int32Array(256);
let stamp = 0;

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (la > marksA.length || lb > marksB.length) {
    const n = Math.max(la, lb) * 2;
    marksA = new Int32Array(n);
    marksB = new Int32Array(n);
    stamp = 0;
  }
  if (stamp === 0x7fffffff) {
    marksA.fill(0);
    marksB.fill(0);
    stamp = 0;
  }
  const g = ++stamp;
  const mA = marksA;
  const mB = marksB;
  const half = (la > lb ? la : lb) >> 1;
  const window = half > 0 ? half - 1 : 0;
  let m = 0;
  for (let i = 0; i < la; i++) {
    const lo = i > window ? i - window : 0;
    const hi = i + window < lb - 1 ? i + window : lb - 1;
    const c = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (mB[j] !== g && b.charCodeAt(j) === c) {
        mA[i] = g;
        mB[j] = g;
        m++;
        break;
      }
    }
  }
  if (m === 0) return 0;
  let t = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (mA[i] === g) {
      while (mB[k] !== g) k++;
      if (a.charCodeAt(i) !== b.charCodeAt(k)) t++;
      k++;
    }
  }
  const jaro = (m / la + m / lb + (m - t / 2) / m) / 3;
  if (jaro <= 0.7) return jaro;
  let p = 0;
  const maxp = la < lb ? (la < 4 ? la : 4) : lb < 4 ? lb : 4;
  while (p < maxp && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  return jaro + p * 0.1 * (1 - jaro);
}
