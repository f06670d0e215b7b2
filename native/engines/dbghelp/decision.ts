/**
 * What the dbghelp engine does with one debug event: continue it at once
 * (with the status ContinueDebugEvent gets), or stop there, telling the
 * client through `report` when it is a stop the user sees. `fromStep`: the
 * stop ends a step (which must not be cancelled as any other stop cancels it).
 */
export type Decision = { stop: false; status: number } | { stop: true; status: number; report?: () => void; fromStep?: boolean };
