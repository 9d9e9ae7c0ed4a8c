/*
 * How a harvest process ends, told by its exit code: the contract between the harvester and
 * whatever runs it (`up`'s supervisor, `run`, ECS and the failure alerts terraform sets up).
 */

export const HARVEST_EXIT = {
  /** Completed, or stopped on request: the harvest is complete in the archive. */
  ok: 0,
  /** Failed: the harvest folder is closed with outcome "failed"; the next harvest resumes. */
  failed: 1,
  /** Another harvest of the collection holds its lock: try again later (sysexits EX_TEMPFAIL). */
  lockHeld: 75,
} as const;
