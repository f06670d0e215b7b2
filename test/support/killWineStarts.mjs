// Makes Wine lose the start of a program, as it now and then does by itself:
// kills the new Unix process for <exe name> while it is still Wine's loader
// ("/usr/lib/wine/wine64 <exe>"), before it has told wineserver it started.
// CreateProcessW then fails with ERROR_INTERNAL_ERROR (1359).
//
//   node killWineStarts.mjs <exe name> <how many starts> <result file>
//
// Runs on the Linux side (a Windows process under Wine is a Linux process
// whose command line names the .exe). Writes the pids it killed, as JSON,
// when it has killed that many or after 30 s.
import fs from 'node:fs';

const [name, countArg, resultFile] = process.argv.slice(2);
const count = Number(countArg);
const killed = [];
const end = Date.now() + 30_000;
const commandLine = (pid) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return null; // gone, or not ours to read
  }
};
while (killed.length < count && Date.now() < end) {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || killed.includes(Number(entry))) continue;
    const cmd = commandLine(entry);
    if (cmd && /wine(64)?$/.test(cmd[0]) && cmd[1]?.includes(name)) {
      process.kill(Number(entry), 'SIGKILL');
      killed.push(Number(entry));
    }
  }
}
fs.writeFileSync(resultFile, JSON.stringify({ killed }));
