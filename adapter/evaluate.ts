/**
 * Watch, hover and Debug Console expressions, in a frame: the engine
 * evaluates C over the frame's typed values (its locals and parameters, an
 * inline frame its own; its registers). A structured result opens in the
 * watch like a variable.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { EngineRequestError, type EngineClient } from '../native/api';
import { errors } from './errors';
import type { VariableStore } from './variables';

export async function evaluateIn(engine: EngineClient, variables: VariableStore, threadId: number, frameIndex: number, expression: string, format?: DebugProtocol.ValueFormat): Promise<DebugProtocol.EvaluateResponse['body']> {
  try {
    const v = variables.toDap(await engine.evaluate(threadId, frameIndex, expression), expression.trim(), format);
    return { result: v.value, type: v.type, variablesReference: v.variablesReference, namedVariables: v.namedVariables, indexedVariables: v.indexedVariables, memoryReference: v.memoryReference };
  } catch (e) {
    if (e instanceof EngineRequestError && e.code === 'badExpression') throw errors.cannotEvaluate(expression, e.message);
    throw e;
  }
}
