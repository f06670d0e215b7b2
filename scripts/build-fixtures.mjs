// Builds the debuggee fixtures: every test/fixtures/src/*.c and *.cpp, with
// mingw-w64 gcc, with clang (DWARF), and with clang + lld as PDB, into
// test/fixtures/build/{gcc,clang,pdb}.
//
// Why two toolchains: Wine's dbghelp gets inline frames from both, but it can
// locate local variables only in clang's DWARF (gcc's frame base is
// DW_OP_call_frame_cfa, which it cannot evaluate), and it reads no line
// information at all from clang's DWARF (measured with -gdwarf-3/-4,
// -gno-column-info, -gstrict-dwarf). So stack and line tests use the gcc
// build; variable tests use the clang build.
//
// Why a PDB build: PDB is what Windows users have (MSVC and clang-cl write
// it), and Microsoft's dbghelp and dbgeng read PDB, not DWARF. So each
// fixture is also built the way such a user's program looks: clang with
// -gcodeview, linked by lld into NAME.exe (or .dll) with NAME.pdb beside it.
// Then `llvm-objcopy --strip-debug` removes the DWARF that clang and the
// mingw runtime's objects also put into the image, leaving only the debug
// directory that names the PDB: with DWARF left in, Wine's dbghelp would
// answer from it and a "PDB test" would test nothing of the PDB. lld is
// given the final .pdb path (--pdb=), so the image's CodeView record and the
// PDB's own records name the file where it ends up; lld itself writes the
// PDB to a temporary name and renames it. The build checks the stripped
// image: no .debug_* section, and the CodeView record names that .pdb.
// A fixture built with -g0 (no debug information) gets no PDB at all.
//
// Why these flags:
//  -gdwarf-4     gcc 12 and clang 14 default to DWARF 5, which Wine 8's
//                dbghelp does not read at all (no symbols).
//  -O2           so __attribute__((always_inline)) chains become real inline
//                frames, the thing this project exists to show.
//  clang compiles, mingw's GNU ld links: Wine 8's dbghelp corrupts its
//                heap reading the line tables of an lld-linked exe (lines are
//                never found, and the process faults when the module is
//                unloaded); the same clang objects linked by GNU ld read fine.
//  -static (C++) so the exe needs no libstdc++-6.dll / libgcc_s_seh-1.dll,
//                which are not on Wine's DLL path.
//  PDB build: -gcodeview (CodeView, what goes into a PDB), -fuse-ld=lld
//                (only lld writes PDBs), -L mingw gcc's lib folder (libgcc,
//                which clang's driver does not find on Debian by itself).
//
// A source can add flags with a first-line comment, e.g.
//   // fixture-flags: -O0
// They go after the defaults, so they win (the last -O counts). With
// -shared the source becomes a DLL (name.dll) instead of a program.
//
// Incremental: an exe is rebuilt only when it is older than its source, any
// header in the fixtures folder, or this script (which holds the flags); a
// PDB build also when its .pdb is missing or newer than the exe (the exe is
// renamed into place after its PDB is written, so a newer PDB means the pair
// was not finished).
//
// Usage: node scripts/build-fixtures.mjs [--force]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { fixturesBuild, fixturesBuildRoot, fixturesSrc, repoRoot } from './lib/paths.mjs';

const thisScript = fileURLToPath(import.meta.url);

const MINGW_GCC = 'x86_64-w64-mingw32-gcc';
const MINGW_GXX = 'x86_64-w64-mingw32-g++';
const CLANG_TARGET = '--target=x86_64-w64-windows-gnu';

/** Runs a compiler; throws with its output on failure. */
function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8' });
  if (r.error) {
    if (r.error.code === 'ENOENT') {
      throw new Error(`${cmd} not found on PATH. Run \`npm run setup\` (it installs gcc-mingw-w64-x86-64, g++-mingw-w64-x86-64, clang, lld, llvm).`);
    }
    throw r.error;
  }
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')}\nfailed with exit code ${r.status}:\n${r.stdout}${r.stderr}`);
  }
  return r.stdout;
}

// mingw-w64's gcc lib folder (libgcc.a, libstdc++.a, and the C++ headers
// under include/c++). Asked of gcc, not guessed: Debian calls it
// 12-win32, other systems something else. Computed once, and only when a
// clang build is actually needed, to keep the nothing-to-do path fast.
let libgccDirCache;
function libgccDir() {
  libgccDirCache ??= path.dirname(run(MINGW_GCC, ['-print-libgcc-file-name']).trim());
  return libgccDirCache;
}

// clang++ for the mingw target looks for libstdc++ headers in the wrong place
// on Debian (/usr/include/c++, the Linux host's, without its version
// folder), so give it mingw-w64's own, the same folders g++ uses.
function clangCxxIncludes() {
  const base = path.join(libgccDir(), 'include', 'c++');
  const dirs = [base, path.join(base, 'x86_64-w64-mingw32'), path.join(base, 'backward')];
  for (const d of dirs) {
    if (!fs.existsSync(d)) throw new Error(`mingw-w64 libstdc++ headers not found at ${d} (is g++-mingw-w64-x86-64 installed?)`);
  }
  return ['-nostdinc++', ...dirs.flatMap((d) => ['-isystem', d])];
}

/** [compiler, args before the source, optional separate linker] for a toolchain and language. */
function compileCommand(toolchain, cxx) {
  if (toolchain === 'pdb') {
    // clang compiles and lld links in one go; the --pdb= path is added per output.
    const pdbCommon = [CLANG_TARGET, '-O2', '-g', '-gcodeview', '-fuse-ld=lld', `-L${libgccDir()}`];
    return cxx ? ['clang++', [...pdbCommon, ...clangCxxIncludes(), '-static']] : ['clang', pdbCommon];
  }
  const common = ['-O2', '-gdwarf-4', '-g'];
  if (toolchain === 'gcc') {
    return cxx ? [MINGW_GXX, [...common, '-static']] : [MINGW_GCC, common];
  }
  // [compiler, its args, [linker, its args]]: clang compiles, GNU ld links.
  const clangCommon = [CLANG_TARGET, ...common];
  return cxx
    ? ['clang++', [...clangCommon, ...clangCxxIncludes()], [MINGW_GXX, ['-static']]]
    : ['clang', clangCommon, [MINGW_GCC, []]];
}

/** Extra flags from a `// fixture-flags: ...` first line, or []. */
export function fixtureFlags(sourceText) {
  const firstLine = sourceText.split(/\r?\n/, 1)[0];
  const m = /^\s*\/\/\s*fixture-flags:(.*)$/.exec(firstLine);
  // {src}: the sources' folder on this machine (for -fdebug-prefix-map).
  return m ? m[1].trim().split(/\s+/).filter(Boolean).map((f) => f.replaceAll('{src}', fixturesSrc)) : [];
}

/**
 * Checks a stripped PDB-build image: no DWARF left, and its CodeView record
 * names `pdb` (or, for a build without debug information, no record at all).
 */
function checkPdbImage(image, pdb) {
  const out = run('llvm-readobj', ['--sections', '--coff-debug-directory', image]);
  const dwarf = [...out.matchAll(/^\s*Name: (\.debug_\S*)/gm)].map((m) => m[1]);
  if (dwarf.length > 0) throw new Error(`${image}: DWARF sections left after llvm-objcopy --strip-debug: ${dwarf.join(' ')}`);
  const named = [...out.matchAll(/^\s*PDBFileName: (.*)$/gm)].map((m) => m[1].trim());
  const want = pdb ? [pdb] : [];
  if (named.join('\n') !== want.join('\n')) {
    throw new Error(`${image}: its CodeView record names ${named.length ? named.join(', ') : 'no PDB'}, expected ${pdb ?? 'none'}`);
  }
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1; // missing
  }
}

/**
 * Builds what is out of date. Returns { built: [relative exe paths], upToDate: n }.
 * Throws on a compiler error (the message has the compiler's output).
 */
export function buildFixtures({ force = false, log = console.log } = {}) {
  const entries = fs.readdirSync(fixturesSrc);
  const sources = entries.filter((f) => /\.(c|cpp)$/.test(f)).sort();
  // Anything a fixture may include, plus the flags' home, counts as input.
  const sharedInputs = [thisScript, ...entries.filter((f) => /\.(h|hpp)$/.test(f)).map((f) => path.join(fixturesSrc, f))];
  const sharedNewest = Math.max(...sharedInputs.map(mtime));

  const built = [];
  let upToDate = 0;
  for (const toolchain of /** @type {const} */ (['gcc', 'clang', 'pdb'])) {
    const outDir = fixturesBuild[toolchain];
    fs.mkdirSync(outDir, { recursive: true });
    for (const file of sources) {
      const src = path.join(fixturesSrc, file);
      const name = file.replace(/\.(c|cpp)$/, '');
      const extra = fixtureFlags(fs.readFileSync(src, 'utf8'));
      const suffix = extra.includes('-shared') ? '.dll' : '.exe';
      const exe = path.join(outDir, `${name}${suffix}`);
      // The PDB build's NAME.pdb; none for a fixture without debug information.
      const pdb = toolchain === 'pdb' && !extra.includes('-g0') ? path.join(outDir, `${name}.pdb`) : null;
      const exeTime = mtime(exe);
      const pdbTime = pdb ? mtime(pdb) : 0;
      if (!force && exeTime >= 0 && exeTime >= mtime(src) && exeTime >= sharedNewest && pdbTime >= 0 && pdbTime <= exeTime) {
        upToDate++;
        continue;
      }
      const cxx = file.endsWith('.cpp');
      const [cc, args, linker] = compileCommand(toolchain, cxx);
      // Link to a temporary name and rename, so an interrupted build never
      // leaves a truncated exe that looks up to date. Keep the .exe suffix:
      // the mingw linkers would otherwise append one. The PDB is not linked
      // to a temporary name: the image and the PDB would then name that
      // temporary file (see the header); lld writes it atomically itself,
      // and the mtime rule above catches a PDB without its renamed exe.
      const tmp = path.join(outDir, `${name}.tmp${suffix}`);
      const obj = path.join(outDir, `${name}.tmp.o`);
      const started = performance.now();
      try {
        if (linker) {
          run(cc, [...args, ...extra, '-c', src, '-o', obj]);
          run(linker[0], [...linker[1], ...extra.filter((f) => f === '-shared'), obj, '-o', tmp]);
        } else if (toolchain === 'pdb') {
          if (!pdb) fs.rmSync(path.join(outDir, `${name}.pdb`), { force: true });
          run(cc, [...args, ...extra, ...(pdb ? [`-Wl,--pdb=${pdb}`] : []), src, '-o', tmp]);
          run('llvm-objcopy', ['--strip-debug', tmp]);
          checkPdbImage(tmp, pdb);
        } else {
          run(cc, [...args, ...extra, src, '-o', tmp]);
        }
        fs.renameSync(tmp, exe);
      } finally {
        fs.rmSync(tmp, { force: true });
        fs.rmSync(obj, { force: true });
      }
      const rel = path.relative(repoRoot, exe);
      built.push(rel);
      log(`  built ${rel}${extra.length ? ` (${extra.join(' ')})` : ''} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    }
  }
  // Drop programs, DLLs and PDBs whose source is gone, so no test runs a stale fixture.
  const stems = new Set(sources.map((f) => f.replace(/\.(c|cpp)$/, '')));
  for (const outDir of Object.values(fixturesBuild)) {
    for (const f of fs.readdirSync(outDir)) {
      if (/\.(exe|dll|pdb)$/.test(f) && !stems.has(f.replace(/\.(exe|dll|pdb)$/, ''))) {
        fs.rmSync(path.join(outDir, f), { force: true });
        log(`  removed ${path.relative(repoRoot, path.join(outDir, f))} (no source)`);
      }
    }
  }
  // The dbgeng test double: a DLL, not a program (see its own comments).
  const dbl = buildDbgengDouble({ force, log });
  if (dbl) built.push(dbl);
  else upToDate++;
  return { built, upToDate };
}

/**
 * test/fixtures/dbgeng-double/*.c -> test/fixtures/build/dbgeng-double/dbgeng_double.dll.
 * Returns the built path, or null when it was up to date.
 */
function buildDbgengDouble({ force, log }) {
  const srcDir = path.join(repoRoot, 'test', 'fixtures', 'dbgeng-double');
  const outDir = path.join(fixturesBuildRoot, 'dbgeng-double');
  // Not named dbgeng.dll: Wine would load its builtin dbgeng.dll instead, whatever the path.
  const dll = path.join(outDir, 'dbgeng_double.dll');
  const inputs = [thisScript, ...fs.readdirSync(srcDir).map((f) => path.join(srcDir, f))];
  const sources = inputs.filter((f) => f.endsWith('.c'));
  if (!force && mtime(dll) >= Math.max(...inputs.map(mtime))) return null;
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = path.join(outDir, 'dbgeng_double.tmp.dll');
  try {
    // -Wno-cast-function-type: vtable slots are untyped function pointers by design.
    run(MINGW_GCC, ['-shared', '-O1', '-Wall', '-Wextra', '-Werror', '-Wno-cast-function-type', ...sources, '-o', tmp]);
    fs.renameSync(tmp, dll);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const rel = path.relative(repoRoot, dll);
  log(`  built ${rel}`);
  return rel;
}

if (process.argv[1] && path.resolve(process.argv[1]) === thisScript) {
  try {
    const { built, upToDate } = buildFixtures({ force: process.argv.includes('--force') });
    console.log(`fixtures: ${built.length} built, ${upToDate} up to date`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
