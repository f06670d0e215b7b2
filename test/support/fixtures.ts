/** Paths of the test programs (built by scripts/build-fixtures.mjs). */
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const fixtureSource = (name: string) => path.join(repoRoot, 'test', 'fixtures', 'src', name);
export const fixtureExe = (name: string, toolchain: 'gcc' | 'clang' | 'pdb' = 'gcc') => path.join(repoRoot, 'test', 'fixtures', 'build', toolchain, `${name}.exe`);
/** The PDB beside a fixture's PDB build (fixtureExe(name, 'pdb')); none for a -g0 fixture. */
export const fixturePdb = (name: string) => path.join(repoRoot, 'test', 'fixtures', 'build', 'pdb', `${name}.pdb`);
export const dbgengDouble = path.join(repoRoot, 'test', 'fixtures', 'build', 'dbgeng-double', 'dbgeng_double.dll');
