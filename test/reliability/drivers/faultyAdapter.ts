/**
 * The adapter, serving on a port like `adapter.js --server=PORT`, but with
 * the engine thread of faultyHost.ts. Test-only (engineFault.test.ts).
 */
import path from 'node:path';
import { serve } from '../../../adapter/server';

const port = Number(process.argv.find((a) => a.startsWith('--server='))?.slice('--server='.length));
serve(port, { hostScript: path.join(__dirname, 'faultyHost.js') });
