/**
 * A request handler: what the session routes a request to. It works on the
 * Runtime and returns the response's body (undefined for none); a failure
 * it throws becomes an error response that says what to do (session.ts).
 * `seq` names the request, for cancellation.
 */
import type { Runtime } from '../runtime';

export type Route = (rt: Runtime, args: unknown, seq: number) => unknown;

/** A handler typed by its request's arguments (their shape is screened before any handler runs: requests.ts). */
export const route = <A>(handler: (rt: Runtime, args: A, seq: number) => unknown): Route => (rt, args, seq) => handler(rt, args as A, seq);
