import type { Job } from '../work/jobs.ts';

/** Where a cell index is on a grid `width` columns wide, as "(x, y)". */
function at(cell: number, width: number): string {
  const x = cell % width;
  return `(${x}, ${(cell - x) / width})`;
}

/**
 * A robot's job in words for the operator console, at most 200 characters. A parking move of a
 * robot in service is its drive to the service cell.
 */
export function describeJob(job: Job, gridWidth: number, inService = false): string {
  let words: string;
  switch (job.kind) {
    case 'retrieve':
      words = `bring bin ${job.binId} to port ${job.portId} for ${job.requestId}`;
      break;
    case 'return':
      words = `put bin ${job.binId} back in storage`;
      break;
    case 'dig':
      words = `help dig column ${at(job.column, gridWidth)}`;
      break;
    case 'prepare':
      words = `prepare bin ${job.binId} for port ${job.portId}`;
      break;
    case 'charge':
      words = `charge at ${at(job.charger, gridWidth)}`;
      break;
    case 'park':
      words = `${inService ? 'drive to service cell' : 'park at'} ${at(job.cell, gridWidth)}`;
      break;
    case 'takeBackWait':
      words = `wait at port ${job.portId} to take a bin back`;
      break;
  }
  return words.length <= 200 ? words : `${words.slice(0, 199)}…`;
}
