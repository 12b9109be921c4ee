/** Simulated people at the ports: they work on presented bins and confirm over the port screen contract. */
export * from './simulated-picker.ts';
export * from './create-pickers.ts';
