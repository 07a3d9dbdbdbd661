/**
 * Node.js flags for the API and sentinel processes (not the embedded store, which is the database).
 * Both keep a live heap of about 20 MB, but by default V8 lets garbage pile up to 60–100 MB before
 * collecting it, so their resident memory reached 170–190 MB under load. Smaller young-generation
 * spaces and an old-space ceiling make it collect sooner; the ceiling keeps ample room above the
 * live heap (a sweep of 10,000 followed messages included). Kept in one place so `npm start`, the
 * npm scripts and the benchmark all run the service the same way.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--max-old-space-size=128'];
