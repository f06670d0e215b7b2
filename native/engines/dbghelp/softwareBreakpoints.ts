/**
 * int3 breakpoints in the debuggee's code. Several user breakpoints may
 * share an address (two source breakpoints on lines that map to the same
 * instruction); the byte is patched once and restored when the last owner
 * goes. While a thread steps over a breakpoint (restore, single-step,
 * re-arm) the site is temporarily disarmed.
 */
import { readMemory, writeMemory, type Handle } from '../../win32/kernel32';

const INT3 = Buffer.from([0xcc]);

interface Site {
  original: Buffer;
  owners: Set<number>;
  armed: boolean;
}

export class SoftwareBreakpoints {
  private readonly sites = new Map<bigint, Site>();
  /**
   * Addresses whose int3 we took out. A thread may have hit one just before
   * (another thread's stop was being reported): its event still comes, and
   * must not be mistaken for an int3 of the program's own.
   */
  private readonly removed = new Set<bigint>();

  constructor(private readonly process: Handle) {}

  add(address: bigint, owner: number): boolean {
    let site = this.sites.get(address);
    if (!site) {
      const original = readMemory(this.process, address, 1);
      if (original.length !== 1) return false;
      site = { original, owners: new Set(), armed: false };
      this.sites.set(address, site);
      this.arm(address);
    }
    site.owners.add(owner);
    return true;
  }

  removeOwner(owner: number): void {
    for (const [address, site] of this.sites) {
      if (!site.owners.delete(owner) || site.owners.size) continue;
      if (site.armed) writeMemory(this.process, address, site.original);
      this.sites.delete(address);
      this.removed.add(address);
    }
  }

  wasRemoved(address: bigint): boolean {
    return this.removed.has(address) && !this.sites.has(address);
  }

  ownersAt(address: bigint): number[] {
    return [...(this.sites.get(address)?.owners ?? [])];
  }

  has(address: bigint): boolean {
    return this.sites.has(address);
  }

  /** Puts the original byte back so the instruction can execute once. */
  disarm(address: bigint): void {
    const site = this.sites.get(address);
    if (site?.armed) {
      writeMemory(this.process, address, site.original);
      site.armed = false;
    }
  }

  arm(address: bigint): void {
    const site = this.sites.get(address);
    if (site && !site.armed) {
      writeMemory(this.process, address, INT3);
      site.armed = true;
    }
  }

  /**
   * After the user wrote memory: a byte written where one of our int3s sits
   * becomes that site's original instruction byte, and the int3 goes back.
   */
  afterWrite(address: bigint, data: Buffer): void {
    for (const [a, site] of this.sites) {
      const off = Number(a - address);
      if (off < 0 || off >= data.length) continue;
      site.original = Buffer.from([data[off] as number]);
      if (site.armed) writeMemory(this.process, a, INT3);
    }
  }

  /** Takes every int3 out (before detaching: the program runs on without us). */
  removeAll(): void {
    for (const [address, site] of this.sites) {
      if (site.armed) writeMemory(this.process, address, site.original);
    }
    this.sites.clear();
  }

  /** Memory as the program wrote it, with our int3 bytes hidden. */
  unpatch(address: bigint, bytes: Buffer): Buffer {
    const out = Buffer.from(bytes);
    for (const [a, site] of this.sites) {
      const off = Number(a - address);
      if (site.armed && off >= 0 && off < out.length) out[off] = site.original[0] as number;
    }
    return out;
  }
}
