/*
 * A set of tweet ids (unsigned 64-bit numbers) in typed arrays: a million ids take 16 MB instead of
 * the 60-odd a Set of strings holds, which is what keeps an export's memory flat as a collection grows.
 * Ids travel from the export's workers as (high, low) 32-bit halves; 0 marks an id that is not a number.
 */

import { postIdValue } from '../../platform/x-api/snowflake.js';

export function idHalves(id: string): [number, number] {
  const value = postIdValue(id);
  if (value === undefined) return [0, 0];
  return [Number(value >> 32n), Number(value & 0xffffffffn)];
}

export function idFromHalves(high: number, low: number): string {
  return ((BigInt(high) << 32n) | BigInt(low)).toString();
}

export class IdSet {
  private slots = new Uint32Array(2 * 1024);
  private used = new Uint8Array(1024);
  private count = 0;

  /** The same, for an id as text. */
  addId(id: string): boolean {
    return this.add(...idHalves(id));
  }

  /** Adds the id; false when it was there already. An id that is not a number (0, 0) is never taken for a duplicate. */
  add(high: number, low: number): boolean {
    if (high === 0 && low === 0) return true;
    if ((this.count + 1) * 2 > this.used.length) this.grow();
    const mask = this.used.length - 1;
    for (let slot = hash(high, low) & mask; ; slot = (slot + 1) & mask) {
      if (this.used[slot] === 0) {
        this.used[slot] = 1;
        this.slots[2 * slot] = high;
        this.slots[2 * slot + 1] = low;
        this.count += 1;
        return true;
      }
      if (this.slots[2 * slot] === high && this.slots[2 * slot + 1] === low) return false;
    }
  }

  private grow(): void {
    const { slots, used } = this;
    this.slots = new Uint32Array(slots.length * 2);
    this.used = new Uint8Array(used.length * 2);
    this.count = 0;
    for (let slot = 0; slot < used.length; slot += 1) if (used[slot] === 1) this.add(slots[2 * slot] ?? 0, slots[2 * slot + 1] ?? 0);
  }
}

function hash(high: number, low: number): number {
  return (Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b) ^ (low >>> 15)) >>> 0;
}
