// Setup step f: Microsoft's debugger platform from NuGet.
//
// The package Microsoft.Debugging.Platform.DbgEng carries Microsoft's own
// dbgeng.dll, dbghelp.dll, dbgcore.dll and dbgmodel.dll (content/amd64) and
// their headers (build/native/inc). We fetch it with the machine's own NuGet
// client (`dotnet restore` of a throw-away project holding one
// PackageDownload item), at a pinned version, check the .nupkg against a
// pinned SHA-512, name its licence, and lay the x64 DLLs beside a hard link
// of the Windows node.exe (see platformBinDir in paths.mjs for why).
//
// Without dotnet, or when NuGet cannot be reached, this step says so in one
// line and setup goes on: everything else runs on Wine's DLLs as before.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  PLATFORM, nodeWinExe, platformBinDir, platformManifest, platformNugetDir, platformPackageDir, platformRoot,
} from './paths.mjs';

const NAME = `microsoft debugger platform ${PLATFORM.version}`;

/** The installed platform's manifest, when the install is complete and current. */
export function installedPlatform() {
  try {
    const m = JSON.parse(fs.readFileSync(platformManifest, 'utf8'));
    if (m.version !== PLATFORM.version || m.sha512 !== PLATFORM.sha512) return undefined;
    if (!PLATFORM.dlls.every((d) => fs.existsSync(path.join(platformBinDir, d)))) return undefined;
    return m;
  } catch {
    return undefined;
  }
}

/** SHA-512 of a file, base64, as NuGet writes it. */
export function sha512File(file) {
  return createHash('sha512').update(fs.readFileSync(file)).digest('base64');
}

function restoreProject() {
  return `<Project Sdk="Microsoft.NET.Sdk">
  <!-- Throw-away project: restoring it downloads one package, nothing is built. -->
  <PropertyGroup>
    <TargetFramework>netstandard2.0</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="${PLATFORM.id}" Version="[${PLATFORM.version}]" />
  </ItemGroup>
</Project>
`;
}

/** Hard link where the file system allows it (no second 10 MB copy), else a copy. */
function linkOrCopy(from, to) {
  fs.rmSync(to, { force: true });
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}

/** The Windows node.exe beside the DLLs; linked again when setup has installed another Node since. */
function linkNode() {
  const to = path.join(platformBinDir, 'node.exe');
  const a = fs.statSync(nodeWinExe);
  const b = fs.existsSync(to) ? fs.statSync(to) : undefined;
  if (b && b.size === a.size && (b.ino === a.ino || b.mtimeMs >= a.mtimeMs)) return;
  linkOrCopy(nodeWinExe, to);
}

/**
 * Returns a line for the step; never throws for a missing dotnet or an
 * unreachable NuGet (the platform is optional), but does throw for a
 * package whose SHA-512 is not the pinned one.
 */
export function ensurePlatform({ windows, log = console.log }) {
  if (process.env.DBGENG_SETUP_SKIP_PLATFORM === '1') return `${NAME}: skipped (DBGENG_SETUP_SKIP_PLATFORM=1); the engines run on Wine's DLLs`;
  if (installedPlatform()) {
    if (!windows) linkNode();
    return `${NAME}: ok`;
  }
  const dotnet = spawnSync('dotnet', ['--version'], { encoding: 'utf8' });
  if (dotnet.error || dotnet.status !== 0) {
    return `${NAME}: skipped (no dotnet on PATH, so no NuGet client to fetch it with); the engines run on Wine's DLLs. Install the .NET SDK and run \`npm run setup\` to get Microsoft's dbgeng and dbghelp.`;
  }
  log(`${NAME}: fetching ${PLATFORM.id} ${PLATFORM.version} with dotnet restore (licence: ${PLATFORM.licence}, ${PLATFORM.licenceUrl}; it is downloaded for this machine only and never redistributed)`);
  const projectDir = path.join(platformRoot, 'restore');
  fs.mkdirSync(projectDir, { recursive: true });
  fs.writeFileSync(path.join(projectDir, 'restore.csproj'), restoreProject());
  const r = spawnSync('dotnet', ['restore', path.join(projectDir, 'restore.csproj'), '--nologo', '-v', 'quiet'], {
    encoding: 'utf8',
    env: { ...process.env, NUGET_PACKAGES: platformNugetDir, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.error || r.status !== 0) {
    const why = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').map((l) => l.trim()).find((l) => /error/i.test(l)) ?? `exit ${r.status}`;
    return `${NAME}: not installed (dotnet restore failed: ${why}); the engines run on Wine's DLLs. Run \`npm run setup\` again once NuGet can be reached.`;
  }
  const nupkg = path.join(platformPackageDir, `${PLATFORM.id.toLowerCase()}.${PLATFORM.version}.nupkg`);
  if (!fs.existsSync(nupkg)) return `${NAME}: not installed (dotnet restore left no ${path.basename(nupkg)})`;
  const sha = sha512File(nupkg);
  if (sha !== PLATFORM.sha512) {
    fs.rmSync(platformPackageDir, { recursive: true, force: true });
    throw new Error(`${PLATFORM.id} ${PLATFORM.version}: the .nupkg's SHA-512 is ${sha}, not the pinned ${PLATFORM.sha512}. It was removed; nothing of it is used.`);
  }
  const content = path.join(platformPackageDir, 'content', 'amd64');
  fs.rmSync(platformBinDir, { recursive: true, force: true });
  fs.mkdirSync(platformBinDir, { recursive: true });
  for (const dll of PLATFORM.dlls) {
    const from = path.join(content, dll);
    if (!fs.existsSync(from)) throw new Error(`${PLATFORM.id} ${PLATFORM.version} has no content/amd64/${dll}`);
    linkOrCopy(from, path.join(platformBinDir, dll));
  }
  // Off Windows the engine host runs as this folder's node.exe under Wine;
  // on Windows it loads the DLLs by absolute path, dbghelp first.
  if (!windows) linkNode();
  fs.writeFileSync(platformManifest, `${JSON.stringify({ id: PLATFORM.id, version: PLATFORM.version, sha512: sha, licence: PLATFORM.licence, licenceUrl: PLATFORM.licenceUrl }, null, 2)}\n`);
  return `${NAME}: installed (SHA-512 matches the pinned value; licence: ${PLATFORM.licence}, ${PLATFORM.licenceUrl})`;
}
