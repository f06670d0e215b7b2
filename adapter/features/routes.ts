/**
 * Every request the adapter answers, by command, each to its feature's
 * handler. session.ts routes by this table; requests.ts screens a request
 * before it gets here.
 */
import { breakpointRoutes } from './breakpoints';
import { consoleRoutes } from './console';
import { inspectionRoutes } from './inspection';
import { lifecycleRoutes } from './lifecycle';
import type { Route } from './route';

export const ROUTES: Readonly<Record<string, Route>> = { ...lifecycleRoutes, ...breakpointRoutes, ...inspectionRoutes, ...consoleRoutes };

export const isRouted = (command: string): boolean => Object.hasOwn(ROUTES, command);
