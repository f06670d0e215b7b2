// `npm run demo`: the bundled sample (test/fixtures/src/sample.c) under the
// debugger, with a breakpoint on the line marked `#BP helper` inside
// helper(), which the compiler inlined into middle(), itself inlined into
// outer(). The stack shows both inline frames, marked "(Inline)".
// With Microsoft's debugger platform installed (setup fetches it) it debugs
// the PDB build on Microsoft's dbgeng, as a Windows user has it; without it,
// the DWARF build on Wine's dbghelp.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fixturesBuild, fixturesSrc, repoRoot } from './lib/paths.mjs';
import { installedPlatform } from './lib/platform.mjs';

const build = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const source = path.join(fixturesSrc, 'sample.c');
const line = fs.readFileSync(source, 'utf8').split('\n').findIndex((l) => /\/\/ #BP helper\b/.test(l)) + 1;
const exe = path.join(installedPlatform() ? fixturesBuild.pdb : fixturesBuild.gcc, 'sample.exe');
const args = [path.join(repoRoot, 'bin', 'dbgeng-inline.js'), 'stack', '--break', `${source}:${line}`, '--', exe];
console.log(`$ dbgeng-inline stack --break ${path.relative(repoRoot, source)}:${line} -- ${path.relative(repoRoot, exe)}`);
const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
// The sample exits with 19 (its computed result); the demo succeeded if it got there.
process.exit(r.status === 19 ? 0 : r.status ?? 1);
