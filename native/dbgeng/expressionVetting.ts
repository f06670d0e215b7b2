/**
 * What the dbgeng engine must not hand Microsoft's dbgeng under Wine.
 *
 * dbgeng's evaluator reports a bad expression (a name not in scope, a
 * syntax error, a variable with no location here) by throwing a C++
 * exception inside dbgeng, which it catches itself on Windows. Under Wine 8
 * that exception is never delivered to dbgeng's own handler: the process
 * fails fast (0xc0000409) and the session is lost (measured with
 * WINEDEBUG=+seh; `nosuch`, `h +` and an optimized-out parameter each ended
 * the adapter). A hover over any word would do it. So under Wine an
 * expression goes to dbgeng only when it parses as C (the dbghelp engine's
 * parser) and every name in it is a local or parameter of the frame with a
 * value, or a global dbgeng finds by name; otherwise the answer is given here, as dbgeng would give it on
 * Windows. (A register alone is answered from the frame's registers by the
 * engine; in an expression it is refused: dbgeng's symbol groups take none.) WinDbg's 0n decimal, which dbgeng's C++ evaluator
 * also throws on, is written as plain decimal.
 */
import { EngineError } from '../engines/engineError';
import { parseExpression, type Node } from '../engines/values/parse';

/** x64 register names, told apart from unknown names in the answer. */
const REGISTERS = new Set([
  ...['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'rip', 'efl'],
  ...['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp', 'esp', 'eip'],
  ...Array.from({ length: 8 }, (_, i) => [`r${i + 8}`, `r${i + 8}d`]).flat(),
]);

function namesIn(node: Node, out: string[] = []): string[] {
  switch (node.kind) {
    case 'name': out.push(node.name); break;
    case 'unary': case 'cast': namesIn(node.operand, out); break;
    case 'binary': namesIn(node.left, out); namesIn(node.right, out); break;
    case 'member': namesIn(node.object, out); break;
    case 'index': namesIn(node.object, out); namesIn(node.index, out); break;
    default: break;
  }
  return out;
}

/**
 * The expression as dbgeng may be asked it, or an EngineError that says
 * what is wrong. `scope`: the frame's locals and parameters with their
 * value text (`unavailable` for one with no location here); `isGlobal`:
 * whether dbgeng resolves a name to an address (GetOffsetByNameWide).
 */
export function vetForDbgeng(text: string, scope: Map<string, { unavailable: boolean }>, isGlobal: (name: string) => boolean): string {
  let tree: Node;
  try {
    tree = parseExpression(text);
  } catch (e) {
    throw new EngineError('badExpression', (e as Error).message);
  }
  for (const name of namesIn(tree)) {
    const v = scope.get(name);
    if (v?.unavailable) throw new EngineError('badExpression', `${name} has no value at this address (value unavailable).`);
    if (v || isGlobal(name)) continue;
    if (REGISTERS.has(name.toLowerCase())) throw new EngineError('badExpression', `${name} is a register: it can be watched alone (or seen in the Registers scope), not in an expression, on dbgeng under Wine.`);
    throw new EngineError('badExpression', `"${name}" is not a local or parameter of this frame, nor a global the program's symbols name.`);
  }
  return text.replace(/\b0n(\d+)\b/gi, '$1');
}
