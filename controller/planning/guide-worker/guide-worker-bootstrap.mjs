// Worker-thread entry point: a worker starts without the parent's TypeScript loader, so it
// registers tsx before loading the worker's code.
import { register } from 'tsx/esm/api';

register();
await import('./guide-worker-thread.ts');
