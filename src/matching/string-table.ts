/**
 * Interning table for the strings of one run (tokens, keys, raw names): string -> dense id in
 * insertion order, like a Map<string, number> filled with `text.length`, but open addressing over
 * an Int32Array with our own FNV-1a hash. Tens of thousands of fresh strings are interned per run;
 * a Map spends most of that time growing and rehashing its backing store.
 */
export class StringTable {
  /** id -> string, in insertion order. */
  readonly text: string[] = [];
  /**
   * Two Int32 per slot: id + 1 (0 = empty) and the string's hash, so a probe compares hashes without
   * leaving this array; the capacity (slots) is a power of two, at most half full.
   */
  private slots: Int32Array;
  private mask: number;

  constructor(expected = 16) {
    let cap = 32;
    while (cap < expected * 2) cap <<= 1;
    this.slots = new Int32Array(cap * 2);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.text.length;
  }

  /** The id of `s`, or -1 when absent. */
  get(s: string): number {
    const h = hashOf(s);
    const slots = this.slots;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const id = slots[2 * i] - 1;
      if (id < 0) return -1;
      if (slots[2 * i + 1] === h && this.text[id] === s) return id;
    }
  }

  /** The id of `s`, added with the next id when absent. */
  add(s: string): number {
    const h = hashOf(s);
    const slots = this.slots;
    const mask = this.mask;
    let i = h & mask;
    for (; ; i = (i + 1) & mask) {
      const id = slots[2 * i] - 1;
      if (id < 0) break;
      if (slots[2 * i + 1] === h && this.text[id] === s) return id;
    }
    const id = this.text.length;
    this.text.push(s);
    slots[2 * i] = id + 1;
    slots[2 * i + 1] = h;
    if ((id + 1) * 4 > slots.length) this.grow();
    return id;
  }

  private grow(): void {
    const old = this.slots;
    const cap = old.length; // twice the slots: the new slot count
    const slots = new Int32Array(cap * 2);
    const mask = cap - 1;
    for (let k = 0; k < old.length; k += 2) {
      if (old[k] === 0) continue;
      const h = old[k + 1];
      let i = h & mask;
      while (slots[2 * i] !== 0) i = (i + 1) & mask;
      slots[2 * i] = old[k];
      slots[2 * i + 1] = h;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** FNV-1a over the UTF-16 code units. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** How many times each string was added (a Map<string, number> of counts on a StringTable). */
export class StringCounter {
  private readonly table: StringTable;
  private readonly counts: number[] = [];

  constructor(expected = 16) {
    this.table = new StringTable(expected);
  }

  add(s: string): void {
    const id = this.table.add(s);
    if (id === this.counts.length) this.counts.push(1);
    else this.counts[id]++;
  }

  count(s: string): number {
    const id = this.table.get(s);
    return id < 0 ? 0 : this.counts[id];
  }
}
