/**
 * The PDB decoding that other tests take their expectations from, checked
 * against the fixtures' source markers and against the machine code (the
 * int3 of __debugbreak() must be where the records put its line).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fixtureExe, fixturePdb, fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { imageBase, inlineChainAt, inlineSites, rangesOfLine, type LineRange } from '../support/pdbRecords';

/** Every address of the ranges. */
const addresses = (ranges: LineRange[]) => ranges.flatMap((r) => Array.from({ length: r.end - r.rva }, (_, i) => r.rva + i));

/** The instructions in [va, end), as llvm-objdump spells them ("int3", ...). */
function instructions(exe: string, va: number, end: number): string[] {
  const out = execFileSync('llvm-objdump', ['-d', '--no-show-raw-insn', `--start-address=0x${va.toString(16)}`, `--stop-address=0x${end.toString(16)}`, exe], { encoding: 'utf8' });
  return [...out.matchAll(/^\s*[0-9a-f]+:\s+(\S+)/gm)].map((m) => m[1]!);
}

/** The address's frames as "function@line", innermost first. */
const chain = (pdb: string, rva: number) => inlineChainAt(pdb, rva).map((f) => `${f.function}@${f.line}${f.inline ? '' : ' (physical)'}`);

describe('PDB records: sample.c (main -> outer -> middle -> helper, inlined)', () => {
  const src = fixtureSource('sample.c');
  const pdb = fixturePdb('sample');
  const exe = fixtureExe('sample', 'pdb');
  const bp = markerLine(src, '#BP helper');

  it('every address of #BP helper is in helper, inlined into middle, inlined into outer', () => {
    const ranges = rangesOfLine(pdb, src, bp);
    assert.ok(ranges.length > 0, 'no code for #BP helper');
    const want = [`helper@${bp}`, `middle@${markerLine(src, '#CALL helper from middle')}`, `outer@${markerLine(src, '#CALL middle from outer')} (physical)`];
    for (const rva of addresses(ranges)) {
      assert.deepEqual(chain(pdb, rva), want, `at rva 0x${rva.toString(16)}`);
      assert.deepEqual(inlineChainAt(pdb, rva).map((f) => f.file), [src, src, src]);
    }
    for (const r of ranges) assert.deepEqual([r.function, r.inline], ['helper', true]);
  });

  it('the sites nest: helper in middle in outer, each once', () => {
    const sites = inlineSites(pdb).filter((s) => s.function === 'helper' || s.function === 'middle');
    assert.deepEqual(sites.map((s) => `${s.procedure}/${s.parent?.function ?? '-'}/${s.function}`).sort(), ['outer/-/middle', 'outer/middle/helper']);
  });

  it('the int3 of __debugbreak() is exactly the code of #DEBUGBREAK helper', () => {
    const line = markerLine(src, '#DEBUGBREAK helper');
    const ranges = rangesOfLine(pdb, src, line);
    assert.equal(ranges.length, 1);
    const base = imageBase(exe);
    const r = ranges[0]!;
    assert.deepEqual(instructions(exe, base + r.rva, base + r.end), ['int3']);
    assert.deepEqual(chain(pdb, r.rva).slice(1), [`helper@${line}`, `middle@${markerLine(src, '#CALL helper from middle')}`, `outer@${markerLine(src, '#CALL middle from outer')} (physical)`]);
    assert.equal(inlineChainAt(pdb, r.rva)[0]!.function, '__debugbreak');
  });

  it("outer's line table starts after the inlined code: its line there is the first row's (LLVM 14)", () => {
    const rva = rangesOfLine(pdb, src, bp)[0]!.rva;
    assert.equal(inlineChainAt(pdb, rva).at(-1)!.beforeFirstRow, true);
  });
});

describe('PDB records: inline_many.c (helper inlined into three callers)', () => {
  const src = fixtureSource('inline_many.c');
  const pdb = fixturePdb('inline_many');
  const exe = fixtureExe('inline_many', 'pdb');
  const bp = markerLine(src, '#BP helper-many');
  const callLine = { caller_a: markerLine(src, '#CALL helper from a'), caller_b: markerLine(src, '#CALL helper from b'), caller_c: markerLine(src, '#CALL helper from c') };

  it('one inline site of helper per caller', () => {
    const sites = inlineSites(pdb).filter((s) => s.function === 'helper');
    assert.deepEqual(sites.map((s) => `${s.procedure}/${s.parent?.function ?? '-'}`).sort(), ['caller_a/-', 'caller_b/-', 'caller_c/-']);
  });

  it('#BP helper-many: one range per caller, each address helper@BP then the caller at its call', () => {
    const ranges = rangesOfLine(pdb, src, bp);
    const callers = ranges.map((r) => inlineChainAt(pdb, r.rva).at(-1)!.function).sort();
    assert.deepEqual(callers, ['caller_a', 'caller_b', 'caller_c']);
    for (const rva of addresses(ranges)) {
      const frames = inlineChainAt(pdb, rva);
      const caller = frames.at(-1)!.function as keyof typeof callLine;
      assert.deepEqual(chain(pdb, rva), [`helper@${bp}`, `${caller}@${callLine[caller]} (physical)`], `at rva 0x${rva.toString(16)}`);
      assert.equal(frames.at(-1)!.beforeFirstRow, undefined, "the callers' line tables have the call's row");
    }
  });

  it('the int3 of __debugbreak() is the code of #DEBUGBREAK locals, in each caller', () => {
    const base = imageBase(exe);
    const ranges = rangesOfLine(pdb, src, markerLine(src, '#DEBUGBREAK locals'));
    assert.equal(ranges.length, 3);
    for (const r of ranges) assert.deepEqual(instructions(exe, base + r.rva, base + r.end), ['int3'], `at rva 0x${r.rva.toString(16)}`);
  });

  it('the physical line table agrees with llvm-symbolizer --no-inlines', () => {
    const base = imageBase(exe);
    const rvas = Object.keys(callLine).flatMap((caller) => rangesOfLine(pdb, src, callLine[caller as keyof typeof callLine]).filter((r) => !r.inline).flatMap((r) => [r.rva, r.end - 1]));
    assert.ok(rvas.length >= 3);
    const out = execFileSync('llvm-symbolizer', ['--no-inlines', `--obj=${exe}`, ...rvas.map((rva) => `0x${(base + rva).toString(16)}`)], { encoding: 'utf8' });
    const lines = [...out.matchAll(/:(\d+):\d+$/gm)].map((m) => Number(m[1]));
    assert.deepEqual(lines, rvas.map((rva) => inlineChainAt(pdb, rva).at(-1)!.line));
  });
});
