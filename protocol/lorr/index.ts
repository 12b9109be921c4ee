/** The League of Robot Runners (LoRR) 2024 file formats and problem model. */
export * from './lorr-problem.ts';
export { LorrFormatError, parseLorrAgents, parseLorrMap, parseLorrTasks } from './parse-lorr-files.ts';
export { loadLorrProblem } from './load-lorr-problem.ts';
export type { LorrEntry, LorrStepInput, LorrStepOutput, LorrTaskView } from './lorr-entry.ts';
export { formatAgentsFile, generateAgentStarts } from './generate-agents.ts';
