/**
 * Watch, hover and Debug Console expressions, in a frame: its locals and
 * parameters (an inline frame its own), and the registers of the innermost
 * function's frames. A bare variable name answers its value as shown in the
 * Variables view, whatever its type.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EngineClient, Variable } from '../native/api';
import { errors } from './errors';
import { evaluateExpression, ExpressionError } from './expressions';

export async function evaluateIn(engine: EngineClient, threadId: number, frameIndex: number, innermost: boolean, expression: string): Promise<DebugProtocol.EvaluateResponse['body']> {
  const variables: Variable[] = await engine.variables(threadId, frameIndex).catch(() => []);
  const byName = variables.find((v) => v.name === expression.trim());
  if (byName) return { result: byName.value, type: byName.type, variablesReference: 0, memoryReference: byName.address };
  const values = new Map<string, bigint>();
  if (innermost) for (const r of await engine.registers(threadId).catch(() => [])) values.set(r.name.toLowerCase(), BigInt(r.value));
  for (const v of variables) if (/^-?(0x[0-9a-f]+|\d+)$/i.test(v.value)) values.set(v.name, BigInt(v.value));
  try {
    const value = evaluateExpression(expression, (name) => values.get(name) ?? values.get(name.toLowerCase()));
    return { result: value.toString(), variablesReference: 0 };
  } catch (e) {
    if (e instanceof ExpressionError) throw errors.cannotEvaluate(expression, e.message);
    throw e;
  }
}
