/** The grid layout file format: schema, parsing with cross-field checks, and derived data. */
export * from './grid-layout.ts';
export { layoutFileSchema, type LayoutFile } from './layout-file-schema.ts';
export { parseLayout, type ParseLayoutResult } from './parse-layout.ts';
export { loadLayoutFile } from './load-layout-file.ts';
export { robotStartCells, robotSerialNumber } from './robot-start-cells.ts';
export { fleetSerials, startedSerials, vehicleProfileOf, withExternalRobots, withRobotCount } from './fleet.ts';
export { generateInventory, skuId, binId } from './generate-inventory.ts';
export { describeZodIssues, formatIssuePath, readableErrorMap, type DescribedIssue } from './describe-zod-issues.ts';
