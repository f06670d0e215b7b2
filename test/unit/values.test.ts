/**
 * The pure value layer: the C expression parser, the evaluator over typed
 * values in a fake memory, formatting, parts and setting parts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExpression, type Node } from '../../native/engines/values/parse';
import { evaluateTree, type Scope } from '../../native/engines/values/evaluate';
import { formatValue } from '../../native/engines/values/format';
import { ValuePresenter } from '../../native/engines/values/present';
import { baseType, pointerTo, type CType } from '../../native/engines/values/types';
import { loadScalar, memoryValue, ValueError, type Target, type Value } from '../../native/engines/values/value';

/** Memory from 0x1000 to 0x1100; anything else is unreadable. */
function fakeTarget(): Target & { mem: Buffer } {
  const mem = Buffer.alloc(0x100);
  const BASE = 0x1000n;
  const inside = (a: bigint, n: number) => a >= BASE && a + BigInt(n) <= BASE + 0x100n;
  return {
    mem,
    read(address, size) {
      if (!inside(address, size)) throw new ValueError(`Cannot read memory at 0x${address.toString(16)}.`);
      return Buffer.from(mem.subarray(Number(address - BASE), Number(address - BASE) + size));
    },
    write(address, bytes) {
      if (!inside(address, bytes.length)) throw new ValueError(`Cannot write memory at 0x${address.toString(16)}.`);
      bytes.copy(mem, Number(address - BASE));
    },
  };
}

const INT = baseType('int')!;
const UINT = baseType('unsigned int')!;
const CHAR = baseType('char')!;
const point: CType = { kind: 'struct', name: 'struct point', size: 8, members: () => [{ name: 'x', type: INT, offset: 0 }, { name: 'y', type: INT, offset: 4 }] };
const color: CType = { kind: 'enum', name: 'enum color', size: 4, base: 'int', enumerators: [{ name: 'RED', value: 1n }, { name: 'GREEN', value: 5n }] };
const arr: CType = { kind: 'array', name: 'int[4]', size: 16, count: 4, element: INT };
const name: CType = { kind: 'array', name: 'char[8]', size: 8, count: 8, element: CHAR };
const shape: CType = {
  kind: 'struct', name: 'struct shape', size: 40, members: () => [
    { name: 'origin', type: point, offset: 0 },
    { name: 'visible', type: UINT, offset: 8, bits: { position: 0, length: 1 } },
    { name: 'layer', type: UINT, offset: 8, bits: { position: 1, length: 4 } },
    { name: 'color', type: color, offset: 12 },
    { name: 'arr', type: arr, offset: 16 },
    { name: 'name', type: name, offset: 32 },
  ],
};

/** A shape at 0x1000 {origin {3, 4}, visible 1, layer 9, GREEN, arr {0, 1, 4, 9}, "hello"}, a pointer to it at 0x1080. */
function world() {
  const target = fakeTarget();
  const m = target.mem;
  m.writeInt32LE(3, 0);
  m.writeInt32LE(4, 4);
  m.writeUInt32LE(1 | (9 << 1), 8);
  m.writeInt32LE(5, 12);
  [0, 1, 4, 9].forEach((v, i) => m.writeInt32LE(v, 16 + 4 * i));
  m.write('hello\0', 32, 'latin1');
  m.writeBigUInt64LE(0x1000n, 0x80);
  m.writeInt32LE(0x1234, 0x88);
  const vars: Record<string, Value> = {
    s: memoryValue(shape, 0x1000n),
    p: memoryValue(pointerTo(shape), 0x1080n),
    big: memoryValue(INT, 0x1088n),
    zero: { type: INT, location: { kind: 'computed' }, bytes: Buffer.alloc(4) },
    gone: { type: INT, location: { kind: 'unavailable', why: 'value unavailable' } },
  };
  const scope: Scope = {
    variable: (n) => vars[n],
    register: (n) => (n === 'rax' ? { type: baseType('unsigned long long')!, location: { kind: 'register', register: 'rax' }, bytes: Buffer.from([7, 0, 0, 0, 0, 0, 0, 0]) } : undefined),
    namedType: (kind, n) => (kind === 'struct' && n === 'point' ? point : undefined),
    target,
  };
  const evaluate = (text: string) => evaluateTree(parseExpression(text), scope);
  const show = (text: string) => formatValue(evaluate(text), target);
  return { target, evaluate, show };
}

describe('parseExpression', () => {
  const shape = (n: Node): string => {
    switch (n.kind) {
      case 'int': return String(n.value);
      case 'float': return String(n.value);
      case 'name': return n.name;
      case 'register': return `$${n.name}`;
      case 'unary': return `(${n.op}${shape(n.operand)})`;
      case 'binary': return `(${shape(n.left)} ${n.op} ${shape(n.right)})`;
      case 'member': return `${shape(n.object)}${n.arrow ? '->' : '.'}${n.name}`;
      case 'index': return `${shape(n.object)}[${shape(n.index)}]`;
      case 'cast': return `(${n.type.base}${'*'.repeat(n.type.pointers)})${shape(n.operand)}`;
    }
  };
  const p = (text: string) => shape(parseExpression(text));

  it('binds as C does', () => {
    assert.equal(p('a + b * c - d'), '((a + (b * c)) - d)');
    assert.equal(p('a == 1 && b < 2 || c'), '(((a == 1) && (b < 2)) || c)');
    assert.equal(p('a & 1 << 2'), '(a & (1 << 2))');
    assert.equal(p('-a[1] + *p'), '((-a[1]) + (*p))');
  });
  it('reads postfix chains', () => assert.equal(p('p->q.r[2]->s'), 'p->q.r[2]->s'));
  it('reads casts to base, pointer and struct pointer types, and tells them from parentheses', () => {
    assert.equal(p('(unsigned char)big'), '(unsigned char)big');
    assert.equal(p('*(int *)&v'), '(*(int*)(&v))');
    assert.equal(p('(struct point**)q'), '(struct point**)q');
    assert.equal(p('(a)+b'), '(a + b)');
  });
  it('reads registers in three spellings and number forms', () => {
    assert.equal(p('$rax + @rcx + rdx'), '(($rax + $rcx) + rdx)');
    assert.equal(p("0x10 + 10u + 'a' + 1.5"), '(((16 + 10) + 97) + 1.5)');
  });
  it('says what is wrong', () => {
    assert.throws(() => parseExpression('a +'), /ends too early/);
    assert.throws(() => parseExpression('(a'), /Expected "\)" but found the end/);
    assert.throws(() => parseExpression('a b'), /Unexpected "b" at position 3/);
    assert.throws(() => parseExpression('a # b'), /Unexpected "#" at position 3/);
    assert.throws(() => parseExpression('12ab'), /"12ab" is not a number/);
    assert.throws(() => parseExpression('  '), /empty/);
    assert.throws(() => parseExpression(`${'('.repeat(5000)}1${')'.repeat(5000)}`), /nests deeper than 256 levels/);
    assert.throws(() => parseExpression(`${'-'.repeat(5000)}1`), /nests deeper than 256 levels/);
  });
});

describe('evaluateTree', () => {
  it('reads members, nested members, bitfields, elements and through pointers', () => {
    const { show } = world();
    assert.equal(show('s.origin.y'), '4');
    assert.equal(show('s.layer'), '9');
    assert.equal(show('s.visible'), '1');
    assert.equal(show('p->arr[3]'), '9');
    assert.equal(show('(*p).origin.x + p->arr[2]'), '7');
  });
  it('scales pointer arithmetic by the pointee size and decays arrays', () => {
    const { show } = world();
    assert.equal(show('*(s.arr + 2)'), '4');
    assert.equal(show('&s.arr[3] - &s.arr[0]'), '3');
    assert.equal(show('(int *)p + 1'), '0x0000000000001004');
    assert.equal(show('(unsigned char *)p + 1'), '0x0000000000001001');
  });
  it('casts: truncation to unsigned char, reinterpretation through a pointer, struct pointers by name', () => {
    const { show } = world();
    assert.equal(show('(unsigned char)big'), "52 '4'");
    assert.equal(show('*(int *)&s.color'), '5');
    assert.equal(show('((struct point *)p)->y'), '4');
    assert.equal(show('(int)-1 < 0'), '1');
    assert.equal(show('(unsigned int)-1 > 0'), '1');
    assert.equal(show('(double)7 / 2'), '3.5');
    assert.equal(show('7 / 2'), '3');
  });
  it('&x is a pointer to x, and *&x is x', () => {
    const { evaluate, target } = world();
    const r = evaluate('&s.origin');
    assert.equal(r.type.name, 'struct point *');
    assert.equal(loadScalar(r, target), 0x1000n);
    assert.equal(formatValue(evaluate('*&big'), target), '4660');
  });
  it('registers answer by name when no variable has it', () => {
    const { show } = world();
    assert.equal(show('$rax * 2 + rax'), '21');
  });
  it('&& and || stop early, as in C', () => {
    const { show } = world();
    assert.equal(show('zero && *(int *)0'), '0');
    assert.equal(show('p || *(int *)0'), '1');
  });
  it('enums compare with numbers and show their names', () => {
    const { show } = world();
    assert.equal(show('s.color'), 'GREEN (5)');
    assert.equal(show('s.color == 5'), '1');
  });
  it('truthiness is C\'s (breakpoint conditions are evaluated as !!(condition))', () => {
    const { show } = world();
    assert.deepEqual(['!!p', '!!zero', '!!0.0', '!!0.5', '!!s.arr', '!(int *)0'].map(show), ['1', '0', '0', '1', '1', '1']);
    assert.throws(() => show('!!s'), /A condition cannot be applied to a struct shape/);
  });
  it('says what is wrong, and never guesses', () => {
    const { evaluate, show } = world();
    assert.throws(() => evaluate('nope'), /"nope" is not a variable of this frame/);
    assert.throws(() => evaluate('s.nope'), /struct shape has no member "nope"/);
    assert.throws(() => evaluate('p.x'), /use ->/);
    assert.throws(() => evaluate('*big'), /a int is not a pointer/);
    assert.throws(() => evaluate('big[1]'), /neither an array nor a pointer/);
    assert.throws(() => evaluate('big / zero'), /Division by zero/);
    assert.throws(() => evaluate('big % 0'), /Division by zero/);
    assert.throws(() => evaluate('*(int *)0'), /null/);
    assert.throws(() => evaluate('(struct nowhere *)p'), /Unknown type "struct nowhere"/);
    assert.throws(() => evaluate('s + 1'), /cannot be applied to a struct shape/);
    assert.throws(() => evaluate('&s.layer'), /bitfield/);
    assert.throws(() => evaluate('&$rax'), /no address \(it lives in rax\)/);
    assert.throws(() => evaluate('gone + 1'), /value unavailable/);
    assert.equal(show('*(int *)0x2000'), '<Cannot read memory at 0x2000.>');
  });
});

describe('formatValue and parts', () => {
  it('shows structs, arrays and strings with a summary, pointers by address', () => {
    const { show } = world();
    assert.equal(show('s'), '{origin={...} visible=1 layer=9 color=GREEN (5) arr={...} name="hello"}');
    assert.equal(show('s.arr'), '{0, 1, 4, 9}');
    assert.equal(show('s.name'), '"hello"');
    assert.equal(show('p'), '0x0000000000001000');
    assert.equal(show('(char *)&s.name'), '0x0000000000001020 "hello"');
    assert.equal(show('s.name[1]'), "101 'e'");
  });

  it('hands out parts: members, pages of elements, a pointer\'s pointee, and sets them', () => {
    const { evaluate, target } = world();
    const presenter = new ValuePresenter(target);
    const s = presenter.variable('s', 'local', evaluate('s'));
    assert.equal(s.namedChildren, 6);
    const members = presenter.children(s.childrenHandle!);
    const arrPart = members.find((m) => m.name === 'arr')!;
    assert.equal(arrPart.indexedChildren, 4);
    assert.deepEqual(presenter.children(arrPart.childrenHandle!, 2, 2).map((e) => [e.name, e.value]), [['[2]', '4'], ['[3]', '9']]);
    const p = presenter.variable('p', 'local', evaluate('p'));
    const [pointee] = presenter.children(p.childrenHandle!);
    assert.equal(pointee!.name, '*p');
    assert.equal(pointee!.namedChildren, 6);
    assert.equal(presenter.setChild(s.childrenHandle!, 'layer', '3'), '3');
    assert.equal(formatValue(evaluate('s.visible'), target), '1', 'the neighbouring bitfield is untouched');
    assert.equal(presenter.setChild(s.childrenHandle!, 'color', 'RED'), 'RED (1)');
    assert.equal(presenter.setChild(arrPart.childrenHandle!, '[1]', '-7'), '-7');
    assert.throws(() => presenter.setChild(s.childrenHandle!, 'origin', '1'), /Only numbers/);
    assert.throws(() => presenter.setChild(s.childrenHandle!, 'layer', 'ten'), /"ten" is not a number/);
    presenter.clear();
    assert.throws(() => presenter.children(s.childrenHandle!), /not known/);
  });

  it('a struct only declared says so, and a pointer to it does not open', () => {
    const { target } = world();
    const opaque: CType = { kind: 'struct', name: 'struct opaque', size: 0, members: () => [] };
    assert.equal(formatValue(memoryValue(opaque, 0x1000n), target), '<struct opaque has no definition in the debug information>');
    const presenter = new ValuePresenter(target);
    const p: Value = { type: pointerTo(opaque), location: { kind: 'computed' }, bytes: Buffer.from([0, 0x10, 0, 0, 0, 0, 0, 0]) };
    assert.equal(presenter.variable('o', 'local', p).childrenHandle, undefined);
  });

  it('a null pointer does not open', () => {
    const { target } = world();
    const presenter = new ValuePresenter(target);
    const nullPointer: Value = { type: pointerTo(point), location: { kind: 'computed' }, bytes: Buffer.alloc(8) };
    assert.equal(presenter.variable('q', 'local', nullPointer).childrenHandle, undefined);
  });
});

describe('strings behind char pointers', () => {
  it('reads a string near the end of readable memory, and says where it stops', () => {
    const { target } = world();
    target.mem.write('tail', 0xfc, 'latin1'); // the last 4 readable bytes, no NUL after them
    const at = (a: bigint): Value => ({ type: pointerTo(CHAR), location: { kind: 'computed' }, bytes: Buffer.from(new BigUint64Array([a]).buffer) });
    assert.equal(formatValue(at(0x10fcn), target), '0x00000000000010fc "tail" <unreadable after 4 bytes>');
    assert.equal(formatValue(at(0x3000n), target), '0x0000000000003000 <unreadable string>');
  });
});
