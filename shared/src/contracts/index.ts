export * from './common.js';
export * from './auth.js';
export * from './territories.js';
export * from './institutions.js';
export * from './partnerships.js';
export * from './audit.js';
export * from './basket.js';
export * from './notifications.js';
