/**
 * Why a module has no symbols, said once, in words: the engines fall back
 * to module+offset without a word when its PDB is missing, from another
 * build, cut short or unreadable, and a user staring at "sample+0x151c"
 * cannot tell which. This looks where the engines look (the symbol path's
 * folders, the path the program's CodeView record names, the program's own
 * folder), reads each PDB found (client/pdbFile.ts) and compares its GUID
 * and age with the program's.
 *
 * Only modules whose record names a PDB by a full path are looked at: a
 * local build. Windows' own DLLs name a bare "ntdll.pdb" that lives on a
 * symbol server; their missing symbols are not news. Symbol server entries
 * (srv*, symsrv*, cache*) are not searched here. Pure Node; paths in the
 * form of the platform it runs on (Windows' under Wine).
 */
import fs from 'node:fs';
import path from 'node:path';
import { NotAProgramError, readDebugInfo } from './debugInfo';
import { readPdb } from './pdbFile';

export interface SymbolSearch {
  /** _NT_SYMBOL_PATH (and _NT_ALT_SYMBOL_PATH), as the engines read it. */
  symbolPath?: string;
  /** A path as the program's record spells it, as this process can open it (under Wine "/a/b.pdb" is "Z:\\a\\b.pdb"). */
  toLocal: (recorded: string) => string;
  /** A path as the user spells it (under Wine, "Z:\\a\\b.pdb" is "/a/b.pdb"), for the message. */
  show: (local: string) => string;
}

/** Where the PDB was looked for, and what was found there. */
interface Look { file: string; found: string }

/** The symbol path's plain folders, and those of them that do not exist. */
export function symbolFolders(symbolPath: string | undefined): { folders: string[]; missing: string[] } {
  const folders = (symbolPath ?? '').split(';').map((e) => e.trim()).filter((e) => e && !/^(srv|symsrv|cache)\*/i.test(e));
  return { folders, missing: folders.filter((f) => !isFolder(f)) };
}

function isFolder(f: string): boolean {
  try {
    return fs.statSync(f).isDirectory();
  } catch {
    return false;
  }
}

/** The module's symbol problem in one sentence, or undefined when its PDB is there and matches (or it names none, or not by a full path). */
export function symbolProblem(image: string, search: SymbolSearch): string | undefined {
  let info;
  try {
    info = readDebugInfo(image);
  } catch (e) {
    if (e instanceof NotAProgramError || (e as NodeJS.ErrnoException).code) return undefined;
    throw e;
  }
  if (!info.pdb || !info.pdbSignature || !(path.win32.isAbsolute(info.pdb) || info.pdb.startsWith('/'))) return undefined;
  const name = path.win32.basename(info.pdb.replace(/\//g, '\\'));
  const recorded = search.toLocal(info.pdb);
  const { folders, missing } = symbolFolders(search.symbolPath);
  const beside = path.join(path.dirname(image), name);
  const places = [...new Set([...folders.filter((f) => !missing.includes(f)).map((f) => path.join(f, name)), recorded, beside])];
  const looks: Look[] = [];
  for (const file of places) {
    if (!fs.existsSync(file)) continue;
    const pdb = readPdb(file);
    if (pdb.kind === 'pdb' && pdb.signature === info.pdbSignature) return undefined;
    looks.push({
      file,
      found: pdb.kind === 'pdb' ? `is from another build (it is ${pdb.signature}; the module was built with ${info.pdbSignature})`
        : pdb.kind === 'damaged' ? `is damaged: ${pdb.why}`
          : pdb.kind === 'notPdb' ? `is not a PDB: ${pdb.why}`
            : `cannot be read: ${pdb.why}`,
    });
  }
  const module = path.basename(image);
  const stem = module.replace(/\.[^.]+$/, '');
  const why = looks.length
    ? `${looks.map((l) => `${search.show(l.file)} ${l.found}`).join('; ')}, so it is not loaded`
    : `its PDB is not where its record says (${search.show(recorded)})${beside !== recorded ? `, nor beside it (${search.show(beside)})` : ''}${folders.length ? ', nor in the symbol path' : ''}`;
  const nowhere = missing.length ? `. The symbol path names ${missing.length === 1 ? 'a folder that does' : 'folders that do'} not exist: ${missing.map(search.show).join(', ')}` : '';
  return `No symbols for ${module}: ${why}${nowhere}. Frames in ${module} show as ${stem}+offset, without source lines. `
    + `Put the PDB of the same build beside the program or in a folder on the symbol path ("symbolPath").`;
}
