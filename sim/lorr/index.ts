/** The League of Robot Runners (LoRR) 2024 harness: rules, run loop, result file, baseline entries. */
export { runLorr, ACTION_TIMEOUT, type LorrRunOptions, type LorrRunResult, type LorrProgress, type LorrRecordedError } from './run-lorr.ts';
export { writeLorrOutput, type LorrOutputJson } from './lorr-output.ts';
export { LorrStepRules, type LorrStepError } from './step-rules.ts';
export { LorrTaskPool, type LorrEvent, type RevealedTask } from './task-pool.ts';
export { assignNearestTasks } from './nearest-task-assignment.ts';
export { waitingEntry } from './waiting-entry.ts';
export { greedyEntry } from './greedy-entry.ts';
