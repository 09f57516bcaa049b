export * from './abort.js';
export * from './errors.js';
export * from './policy.js';
export * from './rate-limiter.js';
export * from './client.js';
export * from './paginate.js';
