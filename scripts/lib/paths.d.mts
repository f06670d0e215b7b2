// Types for paths.mjs, so TypeScript tests can import it (tsconfig has no
// allowJs). Keep in step with paths.mjs.
export declare const NODE_WIN_VERSION: string;
export declare const repoRoot: string;
export declare const cacheDir: string;
export declare const downloadDir: string;
export declare const nodeWinDir: string;
export declare const nodeWinExe: string;
export declare const winePrefix: string;
export declare const fixturesSrc: string;
export declare const fixturesBuildRoot: string;
export declare const fixturesBuild: { readonly gcc: string; readonly clang: string };
export declare const testResults: string;
export declare const koffiDir: string;
export declare const koffiWinDir: string;
export declare function koffiVersion(): string;
export declare const needsWine: boolean;
export declare function wineEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
export declare function windowsCommand(exe: string, args?: string[]): [string, string[]];
