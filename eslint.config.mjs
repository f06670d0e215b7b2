// The layout's boundaries are enforced here, not by habit:
//  - only native/ loads koffi (native code stays behind one door);
//  - only src/ (the extension host) imports `vscode`;
//  - adapter/ reaches native/ only through native/api (the engine host's
//    entry point), so every native call runs on the engine thread.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const koffi = { name: 'koffi', message: 'Only native/ may import koffi.' };
const vscode = { name: 'vscode', message: 'Only src/ (the extension host) may import vscode.' };

export default tseslint.config(
  { ignores: ['dist/**', 'dist-test/**', 'node_modules/**', '.cache/**', 'test/fixtures/build/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [koffi, vscode] }],
    },
  },
  {
    // ABI drivers (run in Windows Node by test/native) load test doubles
    // directly; product code outside native/ still may not.
    files: ['native/**', 'test/native/drivers/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [vscode] }] },
  },
  {
    files: ['src/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [koffi] }] },
  },
  {
    files: ['adapter/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [koffi, vscode],
        patterns: [{
          group: ['**/native/**', '!**/native/api'],
          message: 'adapter/ reaches native/ only through native/api (the engine host entry point).',
        }],
      }],
    },
  },
  {
    // The request handlers, and what they work on, never see the DAP
    // session: session.ts routes to them (and main.ts and server.ts start it).
    files: ['adapter/features/**', 'adapter/breakpoints/**', 'adapter/stack/**', 'adapter/console/**', 'adapter/runtime.ts', 'adapter/stop.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [koffi, vscode],
        patterns: [
          { group: ['**/native/**', '!**/native/api'], message: 'adapter/ reaches native/ only through native/api (the engine host entry point).' },
          { group: ['**/session', '**/session.ts'], message: 'Handlers work on the Runtime; only session.ts routes requests to them.' },
        ],
      }],
    },
  },
  {
    // The rules both engines share (native/engines/*.ts: the contract, stop
    // position, step-in targets, data watches, error codes) are pure, so
    // that they are one rule for every engine and run anywhere; only
    // createEngine.ts, which picks an engine, reaches the engines and Win32.
    files: ['native/engines/*.ts'],
    ignores: ['native/engines/createEngine.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [vscode, { name: 'koffi', message: 'native/engines/*.ts is the engines\' shared, pure layer: no koffi.' }],
        patterns: [{ group: ['../win32/*', '../dbgeng/*', './dbghelp/*'], message: "native/engines/*.ts is the engines' shared, pure layer: it may not reach an engine or Win32." }],
      }],
    },
  },
  {
    // The stack-text parser is shared by the language server, the extension
    // and the CLI: pure, so it may import neither vscode, nor the language
    // server library, nor native code (only the pure context decoding).
    files: ['stacktext/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [koffi, vscode],
        patterns: [
          { group: ['vscode-languageserver*', 'vscode-languageclient*'], message: 'stacktext/ is pure: the language server imports it, not the other way round.' },
          {
            group: ['**/native/*', '!**/native/engines', '**/native/engines/*', '!**/native/engines/inlineContext'],
            message: 'stacktext/ may use only the pure InlineFrameContext decoding from native/.',
          },
        ],
      }],
    },
  },
  {
    // The extension tests' mocha suite runs inside the extension host.
    files: ['test/extension/suite/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [koffi] }] },
  },
  {
    files: ['bin/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
);
